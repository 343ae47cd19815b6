"""Boundaries through a real gateway over HTTP against a real registry: import (GeoJSON and a zipped Shapefile),
export, the coverage report, and the refusals in GraphQL terms."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.kit.database import Database
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.registry.conftest import STREET, build_tree
from tests.registry.test_boundaries import LAT, LON, D, collection, nested_tree, square, zipped_shapefile
from tests.support.services import running_service

IMPORT = """mutation($c: String!, $format: BoundaryFileFormat!, $crs: SourceCrs!, $attribute: String! = "code",
                     $dry: Boolean! = false) {
  importBoundaries(input: {contentBase64: $c, format: $format, sourceCrs: $crs, codeAttribute: $attribute,
                           dryRun: $dry}) {
    errors { feature code reason } boundaries nothingStored } }"""
COVERAGE = """query($prefix: String!) { jurisdictionCoverage(jurisdictionPrefix: $prefix) { totalCount
  nodes { code hasBoundary coveredShare areaM2 gaps { areaM2 point { longitude latitude } }
          gridsWithoutBoundary gridsWithoutWorker } } }"""


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


def encoded(content: bytes) -> str:
    return base64.b64encode(content).decode()


async def test_a_district_admin_imports_a_shapefile_then_reads_boundaries_export_and_coverage(
        gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    rings = nested_tree()
    del rings[f"{STREET}003004"]
    report = await gateway.ok(IMPORT, admin, {"c": encoded(zipped_shapefile(rings)), "format": "SHAPEFILE_ZIP",
                                              "crs": "CGCS2000", "attribute": "CODE"})
    assert report["importBoundaries"] == {"errors": [], "boundaries": 15, "nothingStored": False}
    grid = await gateway.ok(f"""query {{ jurisdiction(code: "{STREET}001001") {{
        boundary {{ geojson areaM2 }} }} }}""", admin)
    boundary = grid["jurisdiction"]["boundary"]
    assert boundary["areaM2"] == pytest.approx(111.04 * 85.38, rel=0.005)
    assert json.loads(boundary["geojson"])["type"] == "Polygon"
    missing = await gateway.ok(f'query {{ jurisdiction(code: "{STREET}003004") {{ boundary {{ areaM2 }} }} }}',
                               admin)
    assert missing["jurisdiction"]["boundary"] is None
    exported = await gateway.ok(f'query {{ boundaryExport(jurisdictionPrefix: "{STREET}001") {{ geojson features }} }}',
                                admin)
    assert exported["boundaryExport"]["features"] == 5
    assert len(json.loads(exported["boundaryExport"]["geojson"])["features"]) == 5
    coverage = (await gateway.ok(COVERAGE, admin, {"prefix": STREET}))["jurisdictionCoverage"]
    assert coverage["totalCount"] == 3
    third = coverage["nodes"][2]
    assert third["code"] == f"{STREET}003" and third["coveredShare"] == pytest.approx(0.75, abs=0.001)
    assert third["gridsWithoutBoundary"] == [f"{STREET}003004"]
    (gap,) = third["gaps"]
    assert LON + 5 * D < gap["point"]["longitude"] < LON + 6 * D
    assert coverage["nodes"][0]["coveredShare"] == pytest.approx(1.0) and coverage["nodes"][0]["gaps"] == []


async def test_bad_features_come_back_per_feature_and_nothing_is_stored(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    rings = {f"{STREET}001001": square(LON, LAT, D), f"{STREET}001002": square(LON + 0.5 * D, LAT, D),
             "110108001009001": square(LON, LAT, D)}
    report = (await gateway.ok(IMPORT, admin, {"c": encoded(collection(rings)), "format": "GEOJSON",
                                               "crs": "WGS84"}))["importBoundaries"]
    assert report["nothingStored"] and report["boundaries"] == 0
    assert [(e["feature"], e["code"]) for e in report["errors"]] == [
        (1, f"{STREET}001001"), (3, "110108001009001")]
    assert "overlaps its sibling 110108001001002" in report["errors"][0]["reason"]
    assert "no jurisdiction 110108001009001" in report["errors"][1]["reason"]
    exported = await gateway.ok("query { boundaryExport { features } }", admin)
    assert exported["boundaryExport"]["features"] == 0


@pytest.mark.parametrize(("variables", "field", "words"), [
    ({"c": "@@", "format": "GEOJSON", "crs": "WGS84"}, "input.contentBase64", "is not base64"),
    ({"c": encoded(b"[1, 2]"), "format": "GEOJSON", "crs": "WGS84"}, "input.contentBase64", "FeatureCollection"),
    ({"c": encoded(zipped_shapefile({})), "format": "SHAPEFILE_ZIP", "crs": "WGS84"}, "input.contentBase64",
     "has no features"),
    ({"c": encoded(zipped_shapefile(nested_tree())), "format": "SHAPEFILE_ZIP", "crs": "GCJ02",
      "attribute": "GRID"}, "input.codeAttribute", "no attribute 'GRID'"),
])
async def test_an_unusable_file_is_an_error_naming_the_graphql_field(
        gateway: RunningGateway, variables: dict[str, str], field: str, words: str) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    body = await gateway.data(IMPORT, admin, variables)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    (violation,) = error["extensions"]["fieldViolations"]
    assert violation["field"] == field and words in violation["description"], violation


async def test_only_a_district_admin_imports_and_a_grid_worker_reads_coverage_in_its_scope(
        gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    await gateway.ok(IMPORT, admin, {"c": encoded(collection(nested_tree())), "format": "GEOJSON", "crs": "WGS84"})
    street = bearer(gateway, "street_staff", STREET)
    refused = await gateway.data(IMPORT, street, {"c": encoded(collection(nested_tree())), "format": "GEOJSON",
                                                  "crs": "WGS84"})
    assert refused["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    worker = bearer(gateway, "grid_worker", f"{STREET}002001")
    coverage = (await gateway.ok(COVERAGE, worker, {"prefix": ""}))["jurisdictionCoverage"]
    assert coverage["totalCount"] == 0  # a grid worker's scope holds no community
    exported = await gateway.ok("query { boundaryExport { geojson features } }", worker)
    assert exported["boundaryExport"]["features"] == 1
    community = bearer(gateway, "community_staff", f"{STREET}002")
    coverage = (await gateway.ok(COVERAGE, community, {"prefix": ""}))["jurisdictionCoverage"]
    assert [n["code"] for n in coverage["nodes"]] == [f"{STREET}002"]
    assert coverage["nodes"][0]["gridsWithoutWorker"] == [f"{STREET}002{g:03d}" for g in range(1, 5)]
