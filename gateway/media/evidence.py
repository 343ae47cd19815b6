"""Evidence named by a mutation: each entry must be a file uploaded through POST /media (its id) that the caller may
read, so a record never points at bytes nobody stored or at another jurisdiction's photos."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from gateway.context import Resource
from gateway.errors import invalid_argument
from gateway.media.models import MediaObject
from gateway.plugin_types import invalid

if TYPE_CHECKING:
    from gateway.context import RequestContext

MAX_EVIDENCE = 20


async def checked_evidence(ctx: RequestContext, values: Sequence[str] | None, field: str) -> list[str]:
    """``values`` when every entry is an uploaded file the caller may read; else INVALID_ARGUMENT naming each bad
    entry as ``field[i]`` (the GraphQL path, e.g. ``input.evidence[0]``)."""
    entries = list(values or [])
    if len(entries) > MAX_EVIDENCE:
        raise invalid(field, f"at most {MAX_EVIDENCE} files, got {len(entries)}")
    if not entries:
        return []
    async with ctx.runtime.database.read() as session:
        found = {row.id: row for row in await session.scalars(
            select(MediaObject).where(MediaObject.id.in_(set(entries))))}
    problems = []
    for index, entry in enumerate(entries):
        row = found.get(entry)
        if row is None:
            problems.append({"field": f"{field}[{index}]", "description": (
                f"{entry[:40]!r} is no uploaded file: send the file to POST /media and give the id it answers")})
        elif not await ctx.permits("media.read", Resource("media", row.id, row.jurisdiction_code)):
            problems.append({"field": f"{field}[{index}]", "description": (
                f"the file {row.id} is evidence of {row.jurisdiction_code}, which you may not read")})
    if problems:
        raise invalid_argument(problems)
    return entries
