"""Fire places landing in their grid through a real gateway over HTTP, real registry and fire servers: a place
with a location and no grid gets the grid it falls in, a disagreeing grid is kept and flagged, a location outside
the creator's scope is refused naming its grid."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.kit.database import Database
from tests.cases.test_graphql_landing import IMPORT, grid_code, inside
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.registry.conftest import build_tree
from tests.registry.test_boundaries import collection, nested_tree
from tests.support.services import running_service

PLACE = """mutation($place: FirePlaceInput!) {
  createFirePlace(place: $place) { id jurisdictionCode locatedGrid locationMismatch } }"""


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[RunningGateway]:
    registry_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    fire_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'fire.db'}")
    async with running_service("registry", registry_db) as registry, running_service("fire", fire_db) as fire:
        await build_tree(registry.stub)
        settings = gateway_settings(tmp_path, services={"registry": registry.address, "fire": fire.address})
        async with running_gateway(settings, {"registry": registry.plugin, "fire": fire.plugin}) as running:
            admin = token(settings, "admin", (("district_admin", "110108"),))
            await running.ok(IMPORT, admin, {"c": base64.b64encode(collection(nested_tree())).decode()})
            assert running.runtime.placer is not None
            await running.runtime.placer.refresh()
            yield running
    await registry_db.dispose()
    await fire_db.dispose()


def place(location: tuple[float, float] | None, code: str = "") -> dict[str, Any]:
    fields: dict[str, Any] = {"type": "SMALL_SHOP", "name": "便民超市", "address": "万寿路1号", "ownerName": "张三",
                              "ownerPhone": "13812345289", "riskLevel": "MEDIUM"}
    if code:
        fields["jurisdictionCode"] = code
    if location:
        fields["location"] = {"longitude": location[0], "latitude": location[1]}
    return {"place": fields}


async def test_a_place_lands_in_its_grid_or_is_flagged_or_refused(gateway: RunningGateway) -> None:
    inspector = token(gateway.settings, "inspector", (("fire_inspector", grid_code(1, 1)[:12]),))
    landed = (await gateway.ok(PLACE, inspector, place(inside(1, 2))))["createFirePlace"]
    assert (landed["jurisdictionCode"], landed["locatedGrid"], landed["locationMismatch"]) == (
        grid_code(1, 2), None, False)
    flagged = (await gateway.ok(PLACE, inspector, place(inside(1, 4), code=grid_code(1, 3))))["createFirePlace"]
    assert (flagged["jurisdictionCode"], flagged["locatedGrid"], flagged["locationMismatch"]) == (
        grid_code(1, 3), grid_code(1, 4), True)
    refused = await gateway.data(PLACE, inspector, place(inside(3, 1)))
    (error,) = refused["errors"]
    assert error["extensions"]["code"] == "PERMISSION_DENIED" and error["extensions"]["grid"] == grid_code(3, 1)
    missing = await gateway.data(PLACE, inspector, place(None))
    assert missing["errors"][0]["extensions"]["field"] == "place.jurisdictionCode"
    nowhere = await gateway.data(PLACE, inspector, place((100.0, 30.0)))
    assert nowhere["errors"][0]["extensions"]["field"] == "place.location.longitude"
