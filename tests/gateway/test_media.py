"""Evidence media through the gateway over real HTTP: an upload checked by its bytes and limits, stored once however
often it is sent, read through the policy by links that expire, with the EXIF (where, when) only for the roles
that may see locations; and the media policy as a decision table on both engines."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text

from gateway.media.links import Variant
from gateway.policy.bundle import load_bundle
from gateway.policy.engine import RegopyEngine, RegorusEngine
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.kit.test_media import jpeg

GRID = "110108001001001"
OUTSIDE = "110108002001001"
WORKER = (("grid_worker", GRID),)
MEDIA = """query($id: ID!) { mediaObject(id: $id) {
  id kind contentType bytes width height jurisdictionCode uploadedBy takenAt location { latitude longitude }
  url thumbnailUrl } }"""


@pytest.fixture
async def gateway(tmp_path: Path) -> Any:
    async with running_gateway(gateway_settings(tmp_path)) as running:
        yield running


async def send(gateway: RunningGateway, body: bytes, roles: Any = WORKER, code: str = GRID,
               subject: str = "worker-1", **headers: str) -> Any:
    bearer = token(gateway.settings, subject, roles)
    return await gateway.client.post(f"{gateway.url}/media", params={"jurisdiction": code} if code else {},
                                     content=body, headers={"Authorization": f"Bearer {bearer}", **headers})


async def test_a_photo_is_stored_once_and_read_by_role(gateway: RunningGateway) -> None:
    photo = jpeg(640, 480)
    first = await send(gateway, photo)
    assert first.status_code == 201, first.text
    stored = first.json()
    assert (stored["kind"], stored["contentType"], stored["bytes"]) == ("image", "image/jpeg", len(photo))
    assert (stored["width"], stored["height"]) == (640, 480)
    assert stored["location"]["latitude"] == pytest.approx(39.91)
    # The phone's queue sends it again: the same object, nothing stored twice.
    again = await send(gateway, photo)
    assert again.status_code == 200 and again.json()["id"] == stored["id"]
    async with gateway.runtime.database.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM media_object"))).scalar_one() == 1

    # The community centre sees where and when, and opens the original, EXIF and all.
    centre = token(gateway.settings, "centre-1", (("community_staff", GRID[:12]),))
    seen = (await gateway.ok(MEDIA, centre, {"id": stored["id"]}))["mediaObject"]
    assert seen["location"] == stored["location"] and seen["takenAt"] == "2026-12-03T01:30:00+00:00"
    original = await gateway.client.get(f"{gateway.url}{seen['url']}")
    assert original.status_code == 200 and original.content == photo
    assert original.headers["content-type"] == "image/jpeg" and original.headers["cache-control"].startswith("private")
    thumbnail = await gateway.client.get(f"{gateway.url}{seen['thumbnailUrl']}")
    with Image.open(io.BytesIO(thumbnail.content)) as small:
        assert max(small.size) == 320

    # A handling unit is shown the copy without metadata, and cannot turn its link into the original's.
    unit = token(gateway.settings, "unit-1", (("handling_unit", GRID[:12]),), department="community_workstation")
    shown = (await gateway.ok(MEDIA, unit, {"id": stored["id"]}))["mediaObject"]
    assert shown["location"] is None and shown["takenAt"] is None and "/shown?" in shown["url"]
    copy = await gateway.client.get(f"{gateway.url}{shown['url']}")
    with Image.open(io.BytesIO(copy.content)) as image:
        assert image.size == (640, 480) and len(image.getexif()) == 0
    forged = await gateway.client.get(f"{gateway.url}{shown['url'].replace('/shown?', '/original?')}")
    assert forged.status_code == 403 and "signature" in forged.text

    # Another street's staff reads nothing of it; the refusal is the policy's.
    other = token(gateway.settings, "street-2", (("street_staff", OUTSIDE[:9]),))
    refused = (await gateway.graphql(MEDIA, other, {"id": stored["id"]})).json()
    assert refused["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

    # Each upload and read is in the decision log.
    async with gateway.runtime.database.read() as session:
        actions = (await session.execute(text("SELECT input FROM access_decision"))).scalars().all()
    logged = " ".join(str(a) for a in actions)
    assert logged.count('"media.upload"') == 2 and logged.count('"media.read"') == 3


async def test_a_link_expires_in_minutes(gateway: RunningGateway) -> None:
    links = gateway.runtime.media_links
    path = links.path("01ABC", Variant.SHOWN, now=1000.0)
    query = dict(part.split("=") for part in path.split("?")[1].split("&"))
    assert links.problem("01ABC", "shown", query["expires"], query["signature"], now=1200.0) is None
    assert "expired" in str(links.problem("01ABC", "shown", query["expires"], query["signature"], now=1301.0))
    stale = await gateway.client.get(f"{gateway.url}{path}")
    assert stale.status_code == 403 and "expired" in stale.text


@pytest.mark.parametrize(("body", "status", "says"), [
    (b"this text says it is photo.jpg" * 4, 415, "told by its bytes"),
    (b"GIF89a" + b"\x00" * 64, 415, "JPEG, PNG or HEIC"),
    (b"", 400, "empty"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, 422, "cannot be read"),  # a JPEG header over nothing
])
async def test_a_bad_file_is_refused_and_nothing_is_kept(gateway: RunningGateway, body: bytes, status: int,
                                                         says: str, tmp_path: Path) -> None:
    answer = await send(gateway, body)
    assert answer.status_code == status and says in answer.json()["errors"][0]["message"], answer.text
    async with gateway.runtime.database.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM media_object"))).scalar_one() == 0
    assert not any((tmp_path / "media").glob("*/*"))


async def test_who_sends_for_where_is_checked_before_the_body_is_read(gateway: RunningGateway) -> None:
    photo = jpeg()
    missing = await send(gateway, photo, code="")
    assert missing.status_code == 400 and "jurisdiction is required" in missing.text
    bad = await send(gateway, photo, code="11010800x")
    assert bad.status_code == 400 and "jurisdiction" in bad.text
    outside = await send(gateway, photo, code=OUTSIDE)
    assert outside.status_code == 403 and outside.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    auditor = await send(gateway, photo, roles=(("auditor", "110108"),))
    assert auditor.status_code == 403
    anonymous = await gateway.client.post(f"{gateway.url}/media", params={"jurisdiction": GRID}, content=photo)
    assert anonymous.status_code == 401
    # A body announced larger than any file may be is refused before it is sent (raw HTTP: a client library
    # will not announce what it does not send).
    reader, writer = await asyncio.open_connection(gateway.settings.host, gateway.settings.port)
    bearer = token(gateway.settings, "worker-1", WORKER)
    writer.write(f"POST /media?jurisdiction={GRID} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {bearer}\r\n"
                 f"Content-Length: {300 * 1024 * 1024}\r\n\r\n".encode() + photo[:100])
    await writer.drain()
    status = (await asyncio.wait_for(reader.readline(), 10)).decode()
    writer.close()
    assert " 413 " in status, status


async def test_a_photo_over_its_limit_is_refused_while_it_streams(gateway: RunningGateway) -> None:
    too_big = jpeg() + b"\x00" * (21 * 1024 * 1024)
    answer = await send(gateway, too_big)
    assert answer.status_code == 413 and "at most 20 MiB" in answer.text


# --- the media policy ---------------------------------------------------------------------------------------------

BUNDLE = load_bundle([])
ENGINES = {"regorus": RegorusEngine(BUNDLE), "regopy": RegopyEngine(BUNDLE)}
SCOPES = {"district_admin": "110108", "street_staff": "110108001", "community_staff": "110108001001",
          "grid_worker": GRID, "grid_leader": "110108001001", "handling_unit": "110108001001",
          "fire_inspector": "110108001", "fire_department": "110108", "environment_bureau": "110108",
          "resident": "110108", "auditor": "110108"}
LOCATING = {"district_admin", "street_staff", "community_staff", "grid_worker", "grid_leader", "fire_inspector",
            "fire_department", "environment_bureau"}


def table() -> list[tuple[str, str, str, bool]]:
    rows = []
    for role in SCOPES:
        for action in ("media.upload", "media.read", "media.locate"):
            allowed = role != "auditor" and (action != "media.locate" or role in LOCATING)
            rows.append((role, action, GRID, allowed))
            rows.append((role, action, "110109001001001", False))  # another district
    rows.append(("grid_worker", "media.read", "110108001001002", False))  # the neighbouring grid
    return rows


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("role", "action", "code", "allowed"), table())
def test_the_media_decision_table(engine: str, role: str, action: str, code: str, allowed: bool) -> None:
    decision = ENGINES[engine].decide_sync({
        "subject": {"id": "someone", "roles": [{"role": role, "scope": SCOPES[role]}], "department": ""},
        "action": action, "resource": {"type": "media", "id": "m1", "jurisdiction_code": code, "attributes": {}},
        "context": {"portal": "", "operation": "", "request_id": "r", "time": "2026-12-03T00:00:00Z"}})
    assert decision.allow is allowed, decision.reasons
