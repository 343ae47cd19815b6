"""Fire safety's map layers over real HTTP through the gateway against a real fire server: unrectified hazards
per grid and places in a box, in each role's scope, capped with a "zoom in" answer, bad boxes refused by name."""

from __future__ import annotations

import pytest

from tests.fire import test_graphql
from tests.fire.support import GRID, OTHER_GRID
from tests.fire.test_graphql import PLACE, Stack, inspect, place_variables

stack = test_graphql.stack  # the fire service behind a gateway

COUNTS = "{ fireHazardGridCounts { jurisdictionCode open overdue } }"
POINTS = """query($box: MapBoxInput!, $limit: Int! = 2000) { firePlacePoints(box: $box, limit: $limit) {
  truncated limit message points { id name type riskLevel jurisdictionCode nextDueOn location { longitude latitude } }
} }"""
BOX = {"west": 116.0, "south": 39.0, "east": 117.0, "north": 40.0}


async def test_hazards_per_grid_and_places_in_a_box_by_scope(stack: Stack) -> None:
    here = (await stack.ok(PLACE, stack.admin, place=place_variables(
        location={"longitude": 116.301, "latitude": 39.961})))["createFirePlace"]
    await stack.ok(PLACE, stack.admin, place=place_variables(
        name="五金店", location={"longitude": 116.302, "latitude": 39.962}))
    there = (await stack.ok(PLACE, stack.admin, place=place_variables(
        jurisdictionCode=OTHER_GRID, location={"longitude": 116.5, "latitude": 39.5})))["createFirePlace"]
    await stack.ok(PLACE, stack.admin, place=place_variables(name="无坐标商店"))  # no location: never a point
    await inspect(stack, stack.admin, here["id"])
    await inspect(stack, stack.admin, there["id"])

    counts = (await stack.ok(COUNTS, stack.admin))["fireHazardGridCounts"]
    assert counts == [{"jurisdictionCode": GRID, "open": 1, "overdue": 0},
                      {"jurisdictionCode": OTHER_GRID, "open": 1, "overdue": 0}]
    assert (await stack.ok(COUNTS, stack.worker))["fireHazardGridCounts"] == [counts[0]]

    points = (await stack.ok(POINTS, stack.admin, box=BOX))["firePlacePoints"]
    assert (points["truncated"], points["message"], len(points["points"])) == (False, None, 3)
    mine = (await stack.ok(POINTS, stack.worker, box=BOX))["firePlacePoints"]["points"]
    assert {p["jurisdictionCode"] for p in mine} == {GRID} and len(mine) == 2
    assert {p["location"]["longitude"] for p in mine} == {116.301, 116.302}
    capped = (await stack.ok(POINTS, stack.admin, box=BOX, limit=1))["firePlacePoints"]
    assert capped["truncated"] and capped["message"] == "more than 1 places here; zoom in to see them all"


@pytest.mark.parametrize(("box", "limit", "field"), [
    ({**BOX, "east": 115.0}, 10, "box.east"), ({**BOX, "south": -91.0}, 10, "box.south"), (BOX, 0, "limit")])
async def test_a_bad_box_is_refused_by_its_graphql_name(stack: Stack, box: dict[str, float], limit: int,
                                                       field: str) -> None:
    error = await stack.error(POINTS, stack.admin, box=box, limit=limit)
    assert error["extensions"]["code"] == "INVALID_ARGUMENT" and error["extensions"]["field"] == field, error
