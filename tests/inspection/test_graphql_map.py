"""Pollution inspection's map layers over real HTTP through the gateway against a real inspection server:
violations per grid (open now, found this month) and sources in a box, in each role's scope, capped."""

from __future__ import annotations

from tests.inspection import test_graphql
from tests.inspection.fixtures import GRID, OTHER_GRID
from tests.inspection.test_graphql import CREATE, Stack

stack = test_graphql.stack  # the inspection service behind a gateway, its clock at NOW
COUNTS = "{ pollutionViolationGridCounts { jurisdictionCode open found } }"
POINTS = """query($box: MapBoxInput!, $limit: Int! = 2000) { pollutionSourcePoints(box: $box, limit: $limit) {
  truncated message points { id name sourceType status jurisdictionCode location { longitude latitude } } } }"""
REPORT = """mutation($input: PollutionViolationInput!) { reportPollutionViolation(input: $input) { id } }"""
BOX = {"west": 116.0, "south": 39.0, "east": 117.0, "north": 40.0}


def restaurant(code: str, lon: float, lat: float) -> dict[str, object]:
    return {"sourceType": "RESTAURANT_FUMES", "name": "老北京烤鸭", "jurisdictionCode": code, "address": "翠微路3号",
            "responsibleUnit": "烤鸭店", "fumePurifierInstalled": False, "longitude": lon, "latitude": lat}


async def test_violations_per_grid_and_sources_in_a_box_by_scope(stack: Stack) -> None:
    here = (await stack.ok(CREATE, stack.bureau, input=restaurant(GRID, 116.301, 39.961)))["createPollutionSource"]
    there = (await stack.ok(CREATE, stack.bureau, input=restaurant(OTHER_GRID, 116.5, 39.5)))[
        "createPollutionSource"]
    for source in (here, here, there):
        photo = await stack.gateway.upload(stack.bureau, source["jurisdictionCode"])
        await stack.ok(REPORT, stack.bureau, input={
            "sourceId": source["id"], "violationType": "purifier_not_working", "description": "油烟直排",
            "evidence": [photo]})
    counts = (await stack.ok(COUNTS, stack.bureau))["pollutionViolationGridCounts"]
    assert counts == [{"jurisdictionCode": GRID, "open": 2, "found": 2},
                      {"jurisdictionCode": OTHER_GRID, "open": 1, "found": 1}]
    assert (await stack.ok(COUNTS, stack.head))["pollutionViolationGridCounts"] == [counts[0]]
    points = (await stack.ok(POINTS, stack.bureau, box=BOX))["pollutionSourcePoints"]
    assert sorted(p["jurisdictionCode"] for p in points["points"]) == [GRID, OTHER_GRID]
    mine = (await stack.ok(POINTS, stack.head, box=BOX))["pollutionSourcePoints"]["points"]
    assert [(p["id"], p["location"]) for p in mine] == [(here["id"], {"longitude": 116.301, "latitude": 39.961})]
    capped = (await stack.ok(POINTS, stack.bureau, box=BOX, limit=1))["pollutionSourcePoints"]
    assert capped["truncated"] and capped["message"] == "more than 1 sources here; zoom in to see them all"
    assert (await stack.error(POINTS, stack.auditor, box=BOX))["code"] == "PERMISSION_DENIED"
    bad = await stack.error(POINTS, stack.bureau, box={**BOX, "north": 38.0})
    assert bad["field"] == "box.north"
