"""Evidence media in the kit: kinds told by their bytes, both stores round-trip (S3 over HTTP against moto's
S3-compatible server), photo facts from EXIF, and the shown copy without any of it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from services.kit.media import (
    FilesystemMediaStore,
    MediaKind,
    MediaStore,
    S3MediaStore,
    S3Settings,
    media_store_from_env,
    sniff,
)
from services.kit.media_images import InvalidImage, image_facts, shown_copy
from tests.support.services import free_port


def jpeg(width: int = 64, height: int = 48, *, gps: bool = True) -> bytes:
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[0x0132] = "2026:12:03 09:30:00"  # Beijing time
    if gps:
        location = exif.get_ifd(0x8825)
        location.update({1: "N", 2: (39.0, 54.0, 36.0), 3: "E", 4: (116.0, 18.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(("head", "kind", "content_type"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", MediaKind.IMAGE, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", MediaKind.IMAGE, "image/png"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", MediaKind.IMAGE, "image/heic"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", MediaKind.VIDEO, "video/mp4"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", MediaKind.AUDIO, "audio/mp4"),
    (b"\xff\xf1\x50\x80\x02\x1f\xfc", MediaKind.AUDIO, "audio/aac"),
])
def test_a_kind_is_told_by_its_bytes(head: bytes, kind: MediaKind, content_type: str) -> None:
    found = sniff(head)
    assert found is not None and (found.kind, found.content_type) == (kind, content_type)


@pytest.mark.parametrize("head", [
    b"GIF89a\x01\x00", b"%PDF-1.7\n", b"MZ\x90\x00", b"<svg xmlns=", b"PK\x03\x04", b"\x00\x00\x00\x18ftypzzzz",
    b"not a jpeg at all, only named photo.jpg", b"",
])
def test_anything_else_is_refused_whatever_it_is_called(head: bytes) -> None:
    assert sniff(head) is None


def test_photo_facts_come_from_exif_and_the_shown_copy_has_none(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg())
    facts = image_facts(photo, "image/jpeg")
    assert facts is not None and (facts.width, facts.height) == (64, 48)
    assert facts.taken_at == datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
    assert facts.latitude == pytest.approx(39.91) and facts.longitude == pytest.approx(116.3)
    shown = tmp_path / "shown.jpg"
    shown.write_bytes(shown_copy(photo))
    with Image.open(shown) as copy:
        assert copy.size == (64, 48) and len(copy.getexif()) == 0 and "exif" not in copy.info
    assert image_facts(shown, "image/jpeg") == type(facts)(64, 48)
    thumbnail = shown_copy(photo, side=16)
    with Image.open(io.BytesIO(thumbnail)) as small:
        assert max(small.size) == 16


def test_a_photo_too_large_or_broken_is_refused_before_decoding(tmp_path: Path) -> None:
    huge = tmp_path / "huge.png"
    Image.new("1", (13_000, 10)).save(huge)
    with pytest.raises(InvalidImage, match="at most 12000 a side"):
        image_facts(huge, "image/png")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    with pytest.raises(InvalidImage, match="cannot be read"):
        image_facts(broken, "image/jpeg")
    assert image_facts(broken, "image/heic") is None  # kept, not decoded


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(params=["filesystem", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[MediaStore]:
    if request.param == "filesystem":
        yield FilesystemMediaStore(tmp_path / "media")
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    settings = S3Settings(endpoint, f"evidence-{free_port()}", "test-key", "test-secret")
    s3 = S3MediaStore(settings)
    s3.client.create_bucket(Bucket=settings.bucket)
    yield s3


async def test_a_file_round_trips_through_each_store(store: MediaStore, tmp_path: Path) -> None:
    payload = bytes(range(256)) * 4096 + b"tail"  # 1 MiB and a little: several chunks
    source = tmp_path / "upload.bin"
    source.write_bytes(payload)
    key = "01HZX/original"
    assert not await store.exists(key)
    await store.put_file(key, source, "video/mp4")
    assert await store.exists(key)
    chunks = [chunk async for chunk in store.read(key)]
    assert b"".join(chunks) == payload and len(chunks) > 1
    with pytest.raises(KeyError):
        [chunk async for chunk in store.read("01HZX/missing")]
    await store.delete(key)
    assert not await store.exists(key)
    with pytest.raises(ValueError, match="not a media key"):
        await store.put_file("../escape", source, "video/mp4")


def test_the_store_is_chosen_by_the_environment(tmp_path: Path) -> None:
    from services.kit.config import ConfigError

    assert isinstance(media_store_from_env({}, tmp_path), FilesystemMediaStore)
    s3 = media_store_from_env({"GRIDGOV_MEDIA_STORE": "s3", "GRIDGOV_S3_ENDPOINT": "http://127.0.0.1:9000",
                               "GRIDGOV_S3_BUCKET": "evidence", "GRIDGOV_S3_ACCESS_KEY": "k",
                               "GRIDGOV_S3_SECRET_KEY": "s"}, tmp_path)
    assert isinstance(s3, S3MediaStore) and s3.bucket == "evidence"
    with pytest.raises(ConfigError, match="GRIDGOV_MEDIA_STORE"):
        media_store_from_env({"GRIDGOV_MEDIA_STORE": "ftp"}, tmp_path)
    with pytest.raises(ConfigError, match="GRIDGOV_S3_BUCKET"):
        media_store_from_env({"GRIDGOV_MEDIA_STORE": "s3", "GRIDGOV_S3_ENDPOINT": "http://x"}, tmp_path)
