"""Pollution sources landing in their grid through a real gateway over HTTP, real registry and inspection servers:
created or moved with a location and no grid they take the grid it falls in; a disagreeing grid is kept and
flagged, and the flag follows the source when it is moved."""

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
CREATE = f"mutation($input: PollutionSourceInput!) {{ createPollutionSource(input: $input) {{ {FIELDS} }} }}"
UPDATE = f"""mutation($id: ID!, $input: PollutionSourceInput!) {{
  updatePollutionSource(id: $id, input: $input) {{ {FIELDS} }} }}"""


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[RunningGateway]:
    registry_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    inspection_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'inspection.db'}")
    async with (running_service("registry", registry_db) as registry,
                running_service("inspection", inspection_db) as inspection):
        await build_tree(registry.stub)
        settings = gateway_settings(tmp_path, services={"registry": registry.address,
                                                        "inspection": inspection.address})
        async with running_gateway(settings, {"registry": registry.plugin,
                                              "inspection": inspection.plugin}) as running:
            admin = token(settings, "admin", (("district_admin", "110108"),))
            await running.ok(IMPORT, admin, {"c": base64.b64encode(collection(nested_tree())).decode()})
            assert running.runtime.placer is not None
            await running.runtime.placer.refresh()
            yield running
    await registry_db.dispose()
    await inspection_db.dispose()


def source(location: tuple[float, float], code: str = "") -> dict[str, Any]:
    fields: dict[str, Any] = {"sourceType": "RESTAURANT_FUMES", "name": "老北京烤鸭", "address": "翠微路3号",
                              "responsibleUnit": "烤鸭店", "fumePurifierInstalled": True,
                              "longitude": location[0], "latitude": location[1]}
    if code:
        fields["jurisdictionCode"] = code
    return {"input": fields}


async def test_a_source_lands_in_its_grid_and_its_flag_follows_a_move(gateway: RunningGateway) -> None:
    bureau = token(gateway.settings, "bureau", (("environment_bureau", "110108"),))
    landed = (await gateway.ok(CREATE, bureau, source(inside(2, 1))))["createPollutionSource"]
    assert (landed["jurisdictionCode"], landed["locatedGrid"], landed["locationMismatch"]) == (
        grid_code(2, 1), None, False)
    moved = (await gateway.ok(UPDATE, bureau, {"id": landed["id"], **source(inside(2, 4), code=grid_code(2, 1))}))[
        "updatePollutionSource"]
    assert (moved["jurisdictionCode"], moved["locatedGrid"], moved["locationMismatch"]) == (
        grid_code(2, 1), grid_code(2, 4), True)
    back = (await gateway.ok(UPDATE, bureau, {"id": landed["id"], **source(inside(3, 3))}))["updatePollutionSource"]
    assert (back["jurisdictionCode"], back["locatedGrid"]) == (grid_code(3, 3), None)
    nowhere = await gateway.data(CREATE, bureau, source((100.0, 30.0)))
    assert nowhere["errors"][0]["extensions"]["field"] == "input.longitude"
