"""Cases landing in their grid through a real gateway over HTTP, real registry and cases servers: a report with a
location and no grid gets the grid it falls in, a disagreeing grid is kept and flagged, a location outside the
reporter's scope is refused naming its grid, and the gateway keeps placing from its copy when the registry is gone."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gateway.placement import PlacementSettings
from services.kit.database import Database
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.registry.conftest import STREET, build_tree
from tests.registry.test_boundaries import LAT, LON, D, collection, nested_tree
from tests.support.services import RunningService, running_service

REPORT = """mutation($input: CaseReportInput!) {
  reportCase(input: $input) { id jurisdictionCode locatedGrid locationMismatch location { latitude longitude } } }"""
IMPORT = """mutation($c: String!) {
  importBoundaries(input: {contentBase64: $c, format: GEOJSON, sourceCrs: WGS84}) { errors { reason } boundaries }
}"""
# Grid g (1-4) of community c (1-3) is a D × D square; community c starts at LON + 2D(c-1).
OFFSETS = {1: (0, 0), 2: (1, 0), 3: (0, 1), 4: (1, 1)}


def inside(community: int, grid: int) -> tuple[float, float]:
    """(longitude, latitude) of a point well inside the grid."""
    dx, dy = OFFSETS[grid]
    return LON + 2 * D * (community - 1) + (dx + 0.5) * D, LAT + (dy + 0.3) * D


def grid_code(community: int, grid: int) -> str:
    return f"{STREET}{community:03d}{grid:03d}"


@dataclass
class Platform:
    gateway: RunningGateway
    registry: RunningService

    def bearer(self, role: str, scope: str) -> str:
        return token(self.gateway.settings, subject=f"{role}-{scope}", roles=((role, scope),))


@pytest.fixture
async def platform(tmp_path: Path) -> AsyncIterator[Platform]:
    registry_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    cases_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cases.db'}")
    async with running_service("registry", registry_db) as registry, running_service("cases", cases_db) as cases:
        await build_tree(registry.stub)
        settings = gateway_settings(tmp_path, services={"registry": registry.address, "cases": cases.address})
        async with running_gateway(settings, {"registry": registry.plugin, "cases": cases.plugin}) as gateway:
            admin = token(settings, "admin", (("district_admin", "110108"),))
            imported = await gateway.ok(IMPORT, admin, {"c": base64.b64encode(collection(nested_tree())).decode()})
            assert imported["importBoundaries"]["boundaries"] == 16
            assert gateway.runtime.placer is not None
            await gateway.runtime.placer.refresh()
            yield Platform(gateway, registry)
    await registry_db.dispose()
    await cases_db.dispose()


def report_input(location: tuple[float, float] | None, code: str = "", **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"categoryCode": "garbage_exposed", "description": "路口垃圾堆积", "source": "GRID_WORKER",
                              **extra}
    if code:
        fields["jurisdictionCode"] = code
    if location:
        fields["longitude"], fields["latitude"] = location
    return {"input": fields}


async def test_a_report_with_a_location_and_no_grid_lands_in_the_grid_it_falls_in(platform: Platform) -> None:
    worker = platform.bearer("grid_worker", grid_code(2, 3))
    case = (await platform.gateway.ok(REPORT, worker, report_input(inside(2, 3))))["reportCase"]
    assert (case["jurisdictionCode"], case["locatedGrid"], case["locationMismatch"]) == (grid_code(2, 3), None, False)
    # On the edge two grids share, the lower code wins, every time.
    edge = (LON + D, LAT + 0.5 * D)
    centre = platform.bearer("district_admin", "110108")
    for _ in range(3):
        landed = (await platform.gateway.ok(REPORT, centre, report_input(edge)))["reportCase"]
        assert landed["jurisdictionCode"] == grid_code(1, 1)


async def test_a_grid_that_disagrees_with_the_location_is_kept_and_flagged(platform: Platform) -> None:
    centre = platform.bearer("community_staff", f"{STREET}001")
    case = (await platform.gateway.ok(REPORT, centre, report_input(inside(1, 4), code=grid_code(1, 1))))["reportCase"]
    assert (case["jurisdictionCode"], case["locatedGrid"], case["locationMismatch"]) == (
        grid_code(1, 1), grid_code(1, 4), True)
    read = await platform.gateway.ok('query($id: ID!) { case(id: $id) { locatedGrid locationMismatch } }', centre,
                                     {"id": case["id"]})
    assert read["case"] == {"locatedGrid": grid_code(1, 4), "locationMismatch": True}


@pytest.mark.parametrize("give_own_grid", [False, True])
async def test_a_location_outside_the_reporters_scope_is_refused_naming_its_grid(platform: Platform,
                                                                                  give_own_grid: bool) -> None:
    worker = platform.bearer("grid_worker", grid_code(1, 1))
    body = await platform.gateway.data(REPORT, worker, report_input(
        inside(3, 2), code=grid_code(1, 1) if give_own_grid else ""))
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "PERMISSION_DENIED"
    assert error["extensions"]["grid"] == grid_code(3, 2)
    assert f"the location falls in grid {grid_code(3, 2)}" in error["message"]
    listed = await platform.gateway.ok("{ cases { nodes { id } } }", platform.bearer("district_admin", "110108"))
    assert listed["cases"]["nodes"] == []


@pytest.mark.parametrize(("variables", "field", "words"), [
    (report_input(None), "input.jurisdictionCode", "is required unless a location"),
    (report_input((LON - 1, LAT)), "input.longitude", "falls in no grid"),
    (report_input((LON, 95.0)), "input.latitude", ""),
])
async def test_a_report_that_cannot_land_is_refused_by_its_graphql_field(platform: Platform,
                                                                        variables: dict[str, Any], field: str,
                                                                        words: str) -> None:
    body = await platform.gateway.data(REPORT, platform.bearer("district_admin", "110108"), variables)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT", error
    fields = [v["field"] for v in error["extensions"]["fieldViolations"]]
    assert field in fields, error
    assert words in error["message"]


async def test_a_gateway_that_cannot_reach_the_registry_places_with_its_last_copy(platform: Platform,
                                                                                 tmp_path: Path) -> None:
    first = platform.gateway.settings
    assert first.placement.cache_file.exists()
    # Another gateway on the same data directory, whose registry address answers nothing.
    dead = {"registry": "127.0.0.1:9", "cases": first.services["cases"]}
    settings = dataclasses.replace(gateway_settings(tmp_path / "second", services=dead),
                                   placement=PlacementSettings(first.placement.cache_file, refresh_seconds=3600))
    settings = dataclasses.replace(settings, jwt_key_file=first.jwt_key_file)
    async with running_gateway(settings, {"registry": platform.registry.plugin,
                                          "cases": platform.gateway.runtime.plugins["cases"]}) as second:
        placer = second.runtime.placer
        assert placer is not None and placer.cache.revision is not None
        assert placer.place(*inside(2, 2)).grid == grid_code(2, 2)
        worker = token(settings, "gw", (("grid_worker", grid_code(2, 2)),))
        case = (await second.ok(REPORT, worker, report_input(inside(2, 2))))["reportCase"]
        assert case["jurisdictionCode"] == grid_code(2, 2)


async def test_hotspots_rank_grids_by_cases_per_km2(platform: Platform) -> None:
    centre = platform.bearer("district_admin", "110108")
    for community, grid, times in ((1, 1, 3), (2, 2, 1), (3, 4, 2)):
        for _ in range(times):
            await platform.gateway.ok(REPORT, centre, report_input(inside(community, grid)))
    query = """query($first: Int!) { caseHotspots(first: $first) { jurisdictionCode reported areaM2 perKm2 } }"""
    spots = (await platform.gateway.ok(query, centre, {"first": 2}))["caseHotspots"]
    assert [(s["jurisdictionCode"], s["reported"]) for s in spots] == [(grid_code(1, 1), 3), (grid_code(3, 4), 2)]
    first = spots[0]
    assert first["areaM2"] == pytest.approx(111.04 * 85.38, rel=0.005)
    assert first["perKm2"] == pytest.approx(3 / first["areaM2"] * 1e6, rel=0.001)
    refused = await platform.gateway.data(query, centre, {"first": 0})
    assert refused["errors"][0]["extensions"]["field"] == "first"
