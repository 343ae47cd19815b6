"""The map's boundary layer: tolerance bands, simplification that keeps neighbours' shared edges, and the
boundaryLayer field through a real gateway over HTTP against a real registry (levels by zoom, scope, the
revision, refusals naming the argument)."""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import shapely
import shapely.geometry

from services.kit import demo_boundaries, geometry
from services.kit.database import Database
from services.registry import domain
from services.registry.boundary_layer import LayerNode, band, simplify
from services.registry.graphql_boundaries import zoom_finest_level, zoom_tolerance
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.registry.conftest import STREET, build_tree
from tests.registry.test_boundaries import collection, nested_tree
from tests.support.services import running_service

IMPORT = """mutation($c: String!) {
  importBoundaries(input: {contentBase64: $c, format: GEOJSON, sourceCrs: WGS84}) { errors { reason } boundaries }
}"""
LAYER = """query($prefix: String! = "", $zoom: Int, $tolerance: Float, $level: JurisdictionLevel) {
  boundaryLayer(jurisdictionPrefix: $prefix, zoom: $zoom, toleranceM: $tolerance, finestLevel: $level) {
    geojson features toleranceM revision } }"""


@pytest.mark.parametrize(("asked", "applied"), [
    (0, 0), (-0.0, 0), (0.3, 1), (1, 1), (1.9, 1), (2, 2), (15.2, 8), (16, 16), (5000, 4096), (1e9, 4096)])
def test_a_tolerance_is_rounded_down_to_its_band(asked: float, applied: float) -> None:
    assert band(asked) == applied


@pytest.mark.parametrize(("zoom", "level", "metres"), [
    (10, "STREET", 125.2), (11, "STREET", 62.6), (12, "COMMUNITY", 31.3), (14, "COMMUNITY", 7.8), (15, "GRID", 3.9)])
def test_a_zoom_draws_to_the_level_worth_drawing_with_one_pixel_of_tolerance(zoom: int, level: str,
                                                                             metres: float) -> None:
    assert zoom_finest_level(zoom) == level
    assert zoom_tolerance(zoom) == pytest.approx(metres, abs=0.1)


def demo_nodes() -> list[LayerNode]:
    nodes = []
    for code, shape in demo_boundaries.geometries().items():
        level = domain.level_of_code(code)
        assert level is not None
        nodes.append(LayerNode(code, code, level, None, json.dumps(shape), 0.0))
    return nodes


def vertices(text: str) -> int:
    return int(shapely.get_num_coordinates(shapely.geometry.shape(json.loads(text))))


def test_simplifying_keeps_the_grids_a_tiling_of_their_community_with_fewer_vertices() -> None:
    nodes = demo_nodes()
    simplified = simplify(nodes, 16.0)
    assert set(simplified) == {n.code for n in nodes}
    grids = {n.code: shapely.geometry.shape(json.loads(simplified[n.code]))
             for n in nodes if n.level is domain.JurisdictionLevel.GRID}
    assert all(shape.is_valid and not shape.is_empty for shape in grids.values())
    planar = {code: geometry.to_planar(shape) for code, shape in grids.items()}
    # Neighbours share their simplified edges: no pair overlaps by more than a rounding's worth.
    for (a, first), (b, second) in itertools.combinations(planar.items(), 2):
        assert first.intersection(second).area < 1.0, (a, b)
    for node in nodes:
        if node.level is not domain.JurisdictionLevel.COMMUNITY:
            continue
        own = [planar[code] for code in grids if code.startswith(node.code)]
        community = geometry.to_planar(shapely.geometry.shape(json.loads(simplified[node.code])))
        assert shapely.union_all(own).symmetric_difference(community).area < 0.01 * community.area, node.code
    before = sum(vertices(n.geojson) for n in nodes if n.level is domain.JurisdictionLevel.DISTRICT)
    after = sum(vertices(simplified[n.code]) for n in nodes if n.level is domain.JurisdictionLevel.DISTRICT)
    assert after < before


def test_coordinates_are_rounded_to_a_tenth_of_a_metre() -> None:
    text = simplify(demo_nodes(), 1.0)[demo_boundaries.demo.DISTRICT_CODE]
    for lon, lat in shapely.geometry.shape(json.loads(text)).exterior.coords:
        assert round(lon, 6) == lon and round(lat, 6) == lat


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[RunningGateway]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    async with running_service("registry", database) as registry:
        await build_tree(registry.stub)
        settings = gateway_settings(tmp_path, services={"registry": registry.address})
        async with running_gateway(settings, {"registry": registry.plugin}) as running:
            yield running
    await database.dispose()


def bearer(gateway: RunningGateway, role: str, scope: str) -> str:
    return token(gateway.settings, subject=f"{role}-user", roles=((role, scope),))


async def layer(gateway: RunningGateway, bearer_token: str, **variables: Any) -> dict[str, Any]:
    answer = (await gateway.ok(LAYER, bearer_token, variables))["boundaryLayer"]
    document = json.loads(answer["geojson"])
    assert len(document["features"]) == answer["features"]
    return {**answer, "codes": [f["properties"]["code"] for f in document["features"]], "document": document}


async def test_the_layer_draws_by_zoom_in_scope_and_moves_its_revision_with_an_import(
        gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    empty = await layer(gateway, admin)
    assert empty["features"] == 0
    rings = nested_tree()
    imported = await gateway.ok(IMPORT, admin, {"c": base64.b64encode(collection(rings)).decode()})
    assert imported["importBoundaries"] == {"errors": [], "boundaries": 16}

    whole = await layer(gateway, admin)
    assert whole["toleranceM"] == 0 and sorted(whole["codes"]) == sorted(rings)
    assert int(whole["revision"]) > int(empty["revision"])
    properties = next(f["properties"] for f in whole["document"]["features"] if f["properties"]["code"] == STREET)
    assert properties == {"code": STREET, "name": "某街道", "level": "street", "parent_code": "110108",
                          "area_m2": pytest.approx(properties["area_m2"])} and properties["area_m2"] > 100_000

    district_view = await layer(gateway, admin, zoom=13)
    assert district_view["toleranceM"] == 8 and sorted(district_view["codes"]) == sorted(
        code for code in rings if len(code) <= 12)
    close = await layer(gateway, admin, zoom=17)
    assert close["toleranceM"] == 1 and len(close["codes"]) == 16
    streets_only = await layer(gateway, admin, tolerance=2.5, level="STREET")
    assert streets_only["toleranceM"] == 2 and streets_only["codes"] == [STREET]
    one_community = await layer(gateway, admin, prefix=f"{STREET}002", zoom=16)
    assert one_community["codes"] == [f"{STREET}002"] + [f"{STREET}002{g:03d}" for g in range(1, 5)]

    worker = await layer(gateway, bearer(gateway, "grid_worker", f"{STREET}003001"), zoom=16)
    assert worker["codes"] == [f"{STREET}003001"]

    grid = f"{STREET}001001"
    await gateway.ok(IMPORT, admin, {"c": base64.b64encode(collection({grid: rings[grid]})).decode()})
    again = await layer(gateway, admin)
    assert int(again["revision"]) > int(whole["revision"])


@pytest.mark.parametrize(("variables", "field", "words"), [
    ({"zoom": 23}, "zoom", "between 0 and 22"),
    ({"zoom": -1}, "zoom", "between 0 and 22"),
    ({"tolerance": -3.0}, "toleranceM", "positive number of metres"),
    ({"zoom": 12, "tolerance": 3.0}, "toleranceM", "not both"),
    ({"prefix": "11x"}, "jurisdictionPrefix", "digits"),
])
async def test_a_bad_argument_is_refused_by_its_graphql_name(gateway: RunningGateway, variables: dict[str, Any],
                                                             field: str, words: str) -> None:
    body = await gateway.data(LAYER, bearer(gateway, "district_admin", "110108"), variables)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT", error
    (violation,) = error["extensions"]["fieldViolations"]
    assert violation["field"] == field and words in violation["description"], violation


async def test_an_auditor_draws_no_boundaries(gateway: RunningGateway) -> None:
    body = await gateway.data(LAYER, bearer(gateway, "auditor", "110108"))
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
