"""POST /media?jurisdiction=CODE: one file as the request body, streamed to disk (never whole in memory).

The sender is authenticated like every request and the policy decides (media.upload, logged) before a byte is
read. The kind is told from the first bytes, the size limit of that kind enforced while reading, a photo's size
and EXIF read and its shown copy and thumbnail made, then everything is stored and recorded. The same bytes from
the same sender are the same object (200 with it), so a phone's queue can resend an upload safely.
GET /media/{id}/{variant}?expires=&signature= serves a link the GraphQL API handed out.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from gateway.auth import AuthError, challenge
from gateway.context import Resource, context_for
from gateway.media.links import Variant
from gateway.media.models import MediaObject
from services.kit import jurisdiction
from services.kit.clock import as_utc
from services.kit.ids import new_id
from services.kit.media import ACCEPTED, MAX_BYTES, SNIFF_BYTES, Sniffed, sniff
from services.kit.media_images import InvalidImage, image_facts, shown_copies

if TYPE_CHECKING:
    from gateway.runtime import GatewayRuntime

LARGEST = max(MAX_BYTES.values())
STATUS = {"PERMISSION_DENIED": 403, "POLICY_UNAVAILABLE": 503, "DECISION_LOG_UNAVAILABLE": 503}


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status,
                        headers=headers)


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@asynccontextmanager
async def _spooled() -> AsyncIterator[Path]:
    handle, name = tempfile.mkstemp(prefix="gridgov-upload-")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(name)


async def _receive(request: Request, path: Path) -> tuple[Sniffed, int, str]:
    """The body into ``path``: its kind (from the first bytes), size and SHA-256; Refused on a bad one."""
    digest, size, head = hashlib.sha256(), 0, b""
    kind: Sniffed | None = None
    with path.open("wb") as out:
        try:
            async for chunk in request.stream():
                if kind is None:
                    head += chunk
                    if len(head) < SNIFF_BYTES:
                        continue
                    kind = _kind(head)
                    chunk, head = head, b""
                size += len(chunk)
                if size > MAX_BYTES[kind.kind]:
                    raise Refused(413, "PAYLOAD_TOO_LARGE", f"a {kind.kind} may be at most "
                                  f"{MAX_BYTES[kind.kind] // (1024 * 1024)} MiB")
                digest.update(chunk)
                await asyncio.to_thread(out.write, chunk)
        except ClientDisconnect:
            raise Refused(400, "BAD_REQUEST", "the upload was cut off") from None
        if kind is None:  # a file shorter than the sniffed head
            if not head:
                raise Refused(400, "BAD_REQUEST", "the upload is empty")
            kind = _kind(head)
            size = len(head)
            digest.update(head)
            out.write(head)
    return kind, size, digest.hexdigest()


def _kind(head: bytes) -> Sniffed:
    found = sniff(head)
    if found is None:
        raise Refused(415, "UNSUPPORTED_MEDIA_TYPE", f"the file is not one of {ACCEPTED} (told by its bytes, "
                      "not its name)")
    return found


def _answer(row: MediaObject) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "contentType": row.content_type, "bytes": row.byte_size,
            "sha256": row.sha256, "width": row.width, "height": row.height,
            "takenAt": as_utc(row.taken_at).isoformat() if row.taken_at else None,
            "location": None if row.latitude is None else {"latitude": row.latitude, "longitude": row.longitude}}


async def upload(request: Request) -> Response:
    runtime: GatewayRuntime = request.app.state.runtime
    try:
        subject = await runtime.authenticator.authenticate(request.headers.get("authorization"))
    except AuthError as error:
        return _error(401, "UNAUTHENTICATED", error.reason, {"WWW-Authenticate": challenge(error.reason)})
    code = request.query_params.get("jurisdiction", "").strip()
    problem = jurisdiction.problem(code) if code else "is required (the grid or jurisdiction the evidence is for)"
    if problem:
        return _error(400, "BAD_USER_INPUT", f"jurisdiction {problem}")
    announced = request.headers.get("content-length")
    if announced is not None and announced.isdigit() and int(announced) > LARGEST:
        return _error(413, "PAYLOAD_TOO_LARGE", f"a file may be at most {LARGEST // (1024 * 1024)} MiB",
                      {"Connection": "close"})
    context = context_for(request, runtime, subject, "media upload")
    try:
        await context.authorize("media.upload", Resource("media", jurisdiction_code=code))
    except GraphQLError as error:
        error_code = str((error.extensions or {}).get("code", "PERMISSION_DENIED"))
        return _error(STATUS.get(error_code, 403), error_code, error.message)
    async with _spooled() as original:
        try:
            kind, size, sha256 = await _receive(request, original)
            row = await _store(runtime, original, kind, size, sha256, subject.id, code)
        except Refused as refused:
            return _error(refused.status, refused.code, refused.message)
    return JSONResponse(_answer(row[0]), status_code=201 if row[1] else 200)


async def _existing(runtime: GatewayRuntime, owner: str, sha256: str) -> MediaObject | None:
    async with runtime.database.read() as session:
        found: MediaObject | None = await session.scalar(
            select(MediaObject).where(MediaObject.owner == owner, MediaObject.sha256 == sha256))
        return found


async def _store(runtime: GatewayRuntime, original: Path, kind: Sniffed, size: int, sha256: str, owner: str,
                 code: str) -> tuple[MediaObject, bool]:
    """The object for these bytes (stored and recorded now, or found), and whether it is new."""
    found = await _existing(runtime, owner, sha256)
    if found is not None:
        return found, False
    try:
        facts = await asyncio.to_thread(image_facts, original, kind.content_type)
        shown = thumbnail = None
        if facts is not None:
            shown, thumbnail = await asyncio.to_thread(shown_copies, original)
    except InvalidImage as error:
        raise Refused(422, "BAD_USER_INPUT", str(error)) from None
    media_id = new_id()
    store = runtime.media
    await store.put_file(f"{media_id}/{Variant.ORIGINAL}", original, kind.content_type)
    for variant, data in ((Variant.SHOWN, shown), (Variant.THUMBNAIL, thumbnail)):
        if data is not None:
            async with _spooled() as copy:
                copy.write_bytes(data)
                await store.put_file(f"{media_id}/{variant}", copy, "image/jpeg")
    row = MediaObject(id=media_id, owner=owner, jurisdiction_code=code, kind=kind.kind,
                      content_type=kind.content_type, byte_size=size, sha256=sha256,
                      width=facts.width if facts else None, height=facts.height if facts else None,
                      taken_at=facts.taken_at if facts else None, latitude=facts.latitude if facts else None,
                      longitude=facts.longitude if facts else None, shown=facts is not None,
                      created_at=runtime.clock())
    try:
        async with runtime.database.transaction() as session:
            session.add(row)
    except IntegrityError:
        # The same bytes from the same sender, stored meanwhile by a concurrent retry: that one is the object.
        for variant in Variant:
            await store.delete(f"{media_id}/{variant}")
        again = await _existing(runtime, owner, sha256)
        assert again is not None
        return again, False
    return row, True


async def download(request: Request) -> Response:
    runtime: GatewayRuntime = request.app.state.runtime
    media_id, variant = request.path_params["id"], request.path_params["variant"]
    problem = runtime.media_links.problem(media_id, variant, request.query_params.get("expires", ""),
                                          request.query_params.get("signature", ""))
    if problem is not None:
        return _error(403, "PERMISSION_DENIED", problem)
    async with runtime.database.read() as session:
        row = await session.get(MediaObject, media_id)
    if row is None:
        return _error(404, "NOT_FOUND", f"no media {media_id}")
    content_type = row.content_type if variant == Variant.ORIGINAL else "image/jpeg"
    chunks = runtime.media.read(f"{media_id}/{variant}")
    try:
        first = await anext(chunks)
    except (KeyError, StopAsyncIteration):
        return _error(404, "NOT_FOUND", f"media {media_id} has no {variant} copy")

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    return StreamingResponse(body(), media_type=content_type, headers={
        "Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline", "Cross-Origin-Resource-Policy": "same-origin"})
