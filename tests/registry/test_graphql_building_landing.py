"""Buildings landing in their grid through a real gateway over HTTP against a real registry: created with a
location and no grid they take the grid it falls in; a disagreeing grid is kept and flagged, on create and when a
building is moved; a location outside the caller's scope is refused naming its grid."""

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

FIELDS = "id jurisdictionCode locatedGrid locationMismatch"
CREATE = f"mutation($input: CreateBuildingInput!) {{ createBuilding(input: $input) {{ {FIELDS} }} }}"
UPDATE = f"mutation($input: UpdateBuildingInput!) {{ updateBuilding(input: $input) {{ {FIELDS} }} }}"


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[RunningGateway]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    async with running_service("registry", database) as registry:
        await build_tree(registry.stub)
        settings = gateway_settings(tmp_path, services={"registry": registry.address})
        async with running_gateway(settings, {"registry": registry.plugin}) as running:
            admin = token(settings, "admin", (("district_admin", "110108"),))
            await running.ok(IMPORT, admin, {"c": base64.b64encode(collection(nested_tree())).decode()})
            assert running.runtime.placer is not None
            await running.runtime.placer.refresh()
            yield running
    await database.dispose()


def located(point: tuple[float, float]) -> dict[str, float]:
    return {"longitude": point[0], "latitude": point[1]}


async def test_a_building_lands_in_its_grid_is_flagged_when_moved_and_refused_outside(
        gateway: RunningGateway) -> None:
    community = token(gateway.settings, "c1", (("community_staff", grid_code(2, 1)[:12]),))
    built = (await gateway.ok(CREATE, community, {"input": {"address": "翠微路8号", "location": located(
        inside(2, 3))}}))["createBuilding"]
    assert (built["jurisdictionCode"], built["locatedGrid"]) == (grid_code(2, 3), None)
    moved: Any = (await gateway.ok(UPDATE, community, {"input": {"id": built["id"], "address": "翠微路8号",
                                                                 "location": located(inside(2, 4))}}))
    assert (moved["updateBuilding"]["jurisdictionCode"], moved["updateBuilding"]["locatedGrid"],
            moved["updateBuilding"]["locationMismatch"]) == (grid_code(2, 3), grid_code(2, 4), True)
    refused = await gateway.data(CREATE, community, {"input": {"address": "翠微路9号",
                                                                "location": located(inside(1, 1))}})
    (error,) = refused["errors"]
    assert error["extensions"]["code"] == "PERMISSION_DENIED" and error["extensions"]["grid"] == grid_code(1, 1)
    away = await gateway.data(UPDATE, community, {"input": {"id": built["id"], "address": "翠微路8号",
                                                             "location": located(inside(3, 1))}})
    assert away["errors"][0]["extensions"]["grid"] == grid_code(3, 1)
