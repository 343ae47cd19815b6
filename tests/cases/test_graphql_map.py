"""The cases' map layers over real HTTP through the gateway against a real cases server: counts per grid for the
choropleth and case points in a box, in scope, by each role's reach, capped with a "zoom in" answer, and bad
boxes refused by their GraphQL names."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.kit.database import Database
from tests.cases.people import COMMUNITY, DISTRICT, GRID, STREET
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import running_service

REPORT = """mutation($input: CaseReportInput!) { reportCase(input: $input) { id } }"""
COUNTS = """query($prefix: String! = "") { caseGridCounts(jurisdictionPrefix: $prefix) {
  jurisdictionCode open dueSoon overdue reported } }"""
POINTS = """query($box: MapBoxInput!, $open: Boolean! = true, $limit: Int! = 2000) {
  casePoints(box: $box, openOnly: $open, limit: $limit) {
    truncated limit message points { id number state jurisdictionCode location { longitude latitude } } } }"""
OTHER_GRID = f"{COMMUNITY}002"
OTHER_COMMUNITY_GRID = f"{STREET}002001"
BOX = {"west": 116.0, "south": 39.0, "east": 117.0, "north": 40.0}


@pytest.fixture
async def gateway(database: Database, tmp_path: Path) -> AsyncIterator[RunningGateway]:
    async with running_service("cases", database) as cases:
        settings = gateway_settings(tmp_path, services={"cases": cases.address})
        async with running_gateway(settings, {"cases": cases.plugin}) as gw:
            yield gw


def bearer(gw: RunningGateway, role: str, scope: str, department: str = "") -> str:
    return token(gw.settings, f"{role}-{scope}", [(role, scope)], department=department)


async def report(gw: RunningGateway, grid: str, lon: float | None, lat: float | None, who: str) -> str:
    fields: dict[str, Any] = {"categoryCode": "garbage_exposed", "description": "路口垃圾堆积",
                              "jurisdictionCode": grid, "source": "GRID_WORKER"}
    if lon is not None:
        fields.update(longitude=lon, latitude=lat)
    return (await gw.ok(REPORT, who, {"input": fields}))["reportCase"]["id"]  # type: ignore[no-any-return]


async def test_counts_and_points_follow_scope_and_the_state_of_each_case(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", DISTRICT)
    first = await report(gateway, GRID, 116.301, 39.961, admin)
    await report(gateway, GRID, 116.302, 39.962, admin)
    rejected = await report(gateway, OTHER_GRID, 116.303, 39.963, admin)
    await report(gateway, OTHER_COMMUNITY_GRID, 116.5, 39.5, admin)
    await report(gateway, GRID, None, None, admin)  # no location: counted, never a point
    await gateway.ok('mutation($id: ID!) { rejectCase(id: $id, reason: "不属实") { id } }', admin, {"id": rejected})

    counts = (await gateway.ok(COUNTS, admin))["caseGridCounts"]
    assert counts == [
        {"jurisdictionCode": GRID, "open": 3, "dueSoon": 0, "overdue": 0, "reported": 3},
        {"jurisdictionCode": OTHER_GRID, "open": 0, "dueSoon": 0, "overdue": 0, "reported": 1},
        {"jurisdictionCode": OTHER_COMMUNITY_GRID, "open": 1, "dueSoon": 0, "overdue": 0, "reported": 1},
    ]
    community = bearer(gateway, "community_staff", COMMUNITY)
    assert [c["jurisdictionCode"] for c in (await gateway.ok(COUNTS, community))["caseGridCounts"]] == [
        GRID, OTHER_GRID]
    assert (await gateway.ok(COUNTS, admin, {"prefix": f"{STREET}002"}))["caseGridCounts"][0]["open"] == 1

    points = (await gateway.ok(POINTS, community, {"box": BOX}))["casePoints"]
    assert (points["truncated"], points["message"]) == (False, None)
    assert [p["jurisdictionCode"] for p in points["points"]] == [GRID, GRID]
    assert points["points"][1] | {"id": first} == points["points"][1]
    assert points["points"][1]["location"] == {"longitude": 116.301, "latitude": 39.961}
    every = (await gateway.ok(POINTS, community, {"box": BOX, "open": False}))["casePoints"]["points"]
    assert {p["id"] for p in every} >= {rejected, first}
    small = {"west": 116.3015, "south": 39.9615, "east": 116.3025, "north": 39.9625}
    assert len((await gateway.ok(POINTS, admin, {"box": small}))["casePoints"]["points"]) == 1

    capped = (await gateway.ok(POINTS, admin, {"box": BOX, "limit": 2}))["casePoints"]
    assert capped["truncated"] and len(capped["points"]) == 2
    assert capped["message"] == "more than 2 cases here; zoom in to see them all"


async def test_a_handling_unit_sees_no_counts_and_a_grid_worker_only_its_grid(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", DISTRICT)
    await report(gateway, GRID, 116.301, 39.961, admin)
    await report(gateway, OTHER_GRID, 116.303, 39.963, admin)
    worker = bearer(gateway, "grid_worker", GRID)
    refused = await gateway.data(COUNTS, worker)
    assert refused["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    points = (await gateway.ok(POINTS, worker, {"box": BOX}))["casePoints"]["points"]
    assert [p["jurisdictionCode"] for p in points] == [GRID]
    unit = bearer(gateway, "handling_unit", COMMUNITY, department="community_workstation")
    assert (await gateway.data(COUNTS, unit))["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    auditor = bearer(gateway, "auditor", DISTRICT)
    assert (await gateway.data(POINTS, auditor, {"box": BOX}))["errors"][0]["extensions"]["code"] == \
        "PERMISSION_DENIED"


@pytest.mark.parametrize(("box", "limit", "field", "words"), [
    ({**BOX, "east": 115.0}, 10, "box.east", "must be east of box.west"),
    ({**BOX, "north": 38.0}, 10, "box.north", "must be north of box.south"),
    ({**BOX, "west": -181.0}, 10, "box.west", "between -180 and 180"),
    ({**BOX, "north": 91.0}, 10, "box.north", "between -90 and 90"),
    (BOX, 0, "limit", "between 1 and 5000"),
    (BOX, 5001, "limit", "between 1 and 5000"),
])
async def test_a_bad_box_is_refused_by_its_graphql_name(gateway: RunningGateway, box: dict[str, float],
                                                       limit: int, field: str, words: str) -> None:
    body = await gateway.data(POINTS, bearer(gateway, "district_admin", DISTRICT), {"box": box, "limit": limit})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT", error
    assert error["extensions"]["field"] == field and words in error["message"], error
