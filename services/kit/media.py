"""Evidence media: what a file is (by its bytes, never its name), how large each kind may be, and where the bytes
are kept — the local filesystem (the embedded default) or S3-compatible object storage (production: Aliyun OSS,
Huawei OBS and MinIO speak it) behind one interface.

A file's kind comes from its first bytes: JPEG, PNG and HEIC photos, MP4 video, AAC (ADTS) and M4A audio.
Anything else is refused, whatever its name or declared type says.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from services.kit.config import ConfigError, Env

CHUNK = 256 * 1024


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


# The largest file of each kind, in bytes (a phone's photo, a short clip, a voice note).
MAX_BYTES = {MediaKind.IMAGE: 20 * 1024 * 1024, MediaKind.VIDEO: 200 * 1024 * 1024,
             MediaKind.AUDIO: 20 * 1024 * 1024}
# Enough bytes to tell every accepted kind apart.
SNIFF_BYTES = 32


@dataclass(frozen=True)
class Sniffed:
    kind: MediaKind
    content_type: str
    extension: str


ACCEPTED = "JPEG, PNG or HEIC photos, MP4 video, AAC or M4A audio"
# ISO base media brands (the box after 'ftyp'): HEIF photos, MP4 video, M4A audio.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"3gp4",
               b"3gp5", b"3gp6", b"3g2a", b"qt  "}
_M4A_BRANDS = {b"M4A ", b"M4B "}


def sniff(head: bytes) -> Sniffed | None:
    """The kind of a file from its first bytes (at least SNIFF_BYTES when the file has them); None: not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(MediaKind.IMAGE, "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(MediaKind.IMAGE, "image/png", "png")
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return Sniffed(MediaKind.IMAGE, "image/heic", "heic")
        if brand in _M4A_BRANDS:
            return Sniffed(MediaKind.AUDIO, "audio/mp4", "m4a")
        if brand in _MP4_BRANDS:
            return Sniffed(MediaKind.VIDEO, "video/mp4", "mp4")
        return None
    # AAC in ADTS frames: a 12-bit sync word, layer 00.
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return Sniffed(MediaKind.AUDIO, "audio/aac", "aac")
    return None


class MediaStore(Protocol):
    """Where the bytes of media are kept, by key (``<id>/<variant>``). Nothing here decides who may read them."""

    name: str

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        """Stores the file at ``path`` under ``key`` (streamed from disk, never whole in memory)."""

    def read(self, key: str) -> AsyncIterator[bytes]:
        """The bytes under ``key`` in chunks; raises KeyError when there are none."""

    async def delete(self, key: str) -> None:
        """Removes ``key`` (nothing when it is not there)."""

    async def exists(self, key: str) -> bool: ...


def _checked_key(key: str) -> str:
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
        raise ValueError(f"not a media key: {key!r}")
    return key


class FilesystemMediaStore:
    """Files under ``root``, one per key; a put is a copy to a temporary name and a rename (never half a file)."""

    name = "filesystem"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _checked_key(key)

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        target = self._path(key)

        def copy() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(path, partial)
            with partial.open("rb") as written:
                os.fsync(written.fileno())
            partial.replace(target)

        await asyncio.to_thread(copy)

    async def read(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise KeyError(key) from None
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)


@dataclass(frozen=True)
class S3Settings:
    endpoint_url: str
    bucket: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"
    # Path-style addressing (http://host/bucket/key): what MinIO and most private deployments expect.
    path_style: bool = True


class S3MediaStore:
    """Objects in one bucket of an S3-compatible store, through boto3 on worker threads (multipart for large
    files, streamed from disk)."""

    name = "s3"

    def __init__(self, settings: S3Settings) -> None:
        import boto3
        from botocore.config import Config

        self.settings = settings
        self.bucket = settings.bucket
        self.client: Any = boto3.client(
            "s3", endpoint_url=settings.endpoint_url, aws_access_key_id=settings.access_key,
            aws_secret_access_key=settings.secret_key, region_name=settings.region,
            config=Config(s3={"addressing_style": "path" if settings.path_style else "auto"},
                          retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30))

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await asyncio.to_thread(self.client.upload_file, str(path), self.bucket, _checked_key(key),
                                ExtraArgs={"ContentType": content_type})

    async def read(self, key: str) -> AsyncIterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            answer = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=_checked_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise KeyError(key) from None
            raise
        body = answer["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, CHUNK):
                yield chunk
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=_checked_key(key))

    async def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=_checked_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True


@dataclass(frozen=True)
class MediaSettings:
    """Where media are kept: files under ``directory``, or S3-compatible storage when ``s3`` is set."""

    directory: Path = Path("var") / "media"
    s3: S3Settings | None = None

    def open(self) -> MediaStore:
        return S3MediaStore(self.s3) if self.s3 is not None else FilesystemMediaStore(self.directory)


def media_settings(environ: Mapping[str, str], data_dir: Path) -> MediaSettings:
    """GRIDGOV_MEDIA_STORE: filesystem (the default, in GRIDGOV_MEDIA_DIR) or s3 (GRIDGOV_S3_*)."""
    env = Env(environ)
    kind = env.text("GRIDGOV_MEDIA_STORE", "filesystem")
    directory = Path(env.text("GRIDGOV_MEDIA_DIR", str(data_dir / "media")))
    if kind == "filesystem":
        return MediaSettings(directory)
    if kind == "s3":
        endpoint = env.text("GRIDGOV_S3_ENDPOINT")
        if not endpoint.startswith(("http://", "https://")):
            raise ConfigError(f"GRIDGOV_S3_ENDPOINT must be an http(s) URL, got {endpoint!r}")
        return MediaSettings(directory, S3Settings(
            endpoint_url=endpoint, bucket=env.text("GRIDGOV_S3_BUCKET"), access_key=env.text("GRIDGOV_S3_ACCESS_KEY"),
            secret_key=env.text("GRIDGOV_S3_SECRET_KEY"), region=env.text("GRIDGOV_S3_REGION", "us-east-1"),
            path_style=env.flag("GRIDGOV_S3_PATH_STYLE", True)))
    raise ConfigError(f"GRIDGOV_MEDIA_STORE must be filesystem or s3, got {kind!r}")


def media_store_from_env(environ: Mapping[str, str], data_dir: Path) -> MediaStore:
    return media_settings(environ, data_dir).open()
