"""Boundary import, export and coverage through the real gRPC server, on SQLite and PostgreSQL: GeoJSON and a
zipped Shapefile written by pyshp, GCJ-02 input, all or nothing with per-feature errors, the topology checks."""

from __future__ import annotations

import io
import json
import zipfile

import grpc
import pytest
import shapefile

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit import geometry
from services.registry import boundaries
from tests.registry.conftest import ADMIN, STREET, build_tree
from tests.support.actors import actor_metadata
from tests.support.services import RunningService

LON, LAT = 116.30, 39.96
D = 0.001  # a grid is D by D degrees; a community 2D by 2D holds four; the street 6D by 2D holds three


def square(lon: float, lat: float, width: float, height: float | None = None) -> list[list[float]]:
    height = width if height is None else height
    return [[lon, lat], [lon + width, lat], [lon + width, lat + height], [lon, lat + height], [lon, lat]]


def nested_tree() -> dict[str, list[list[float]]]:
    """Rings of the street, its three communities side by side, and each community's four grids in a 2x2 block."""
    rings = {STREET: square(LON, LAT, 6 * D, 2 * D)}
    for c in range(3):
        community = f"{STREET}{c + 1:03d}"
        west = LON + 2 * D * c
        rings[community] = square(west, LAT, 2 * D)
        for g, (dx, dy) in enumerate(((0, 0), (1, 0), (0, 1), (1, 1)), start=1):
            rings[f"{community}{g:03d}"] = square(west + dx * D, LAT + dy * D, D)
    return rings


def collection(rings: dict[str, list[list[float]]], attribute: str = "code") -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {attribute: code, "name": "x"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}} for code, ring in rings.items()]}).encode()


def zipped_shapefile(rings: dict[str, list[list[float]]], attribute: str = "CODE") -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8") as writer:
        writer.field(attribute, "C", size=15)
        writer.field("NAME", "C", size=40)
        for code, ring in rings.items():
            writer.poly([list(reversed(ring))])  # shapefile outer rings run clockwise
            writer.record(code, "网格")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("grids/boundaries.shp", shp.getvalue())
        archive.writestr("grids/boundaries.shx", shx.getvalue())
        archive.writestr("grids/boundaries.dbf", dbf.getvalue())
        archive.writestr("grids/boundaries.cpg", b"UTF-8")
    return out.getvalue()


def geojson_request(content: bytes, **kwargs: object) -> pb.ImportBoundariesRequest:
    return pb.ImportBoundariesRequest(content=content, format=pb.BOUNDARY_FORMAT_GEOJSON,
                                      source_crs=pb.SOURCE_CRS_WGS84, **kwargs)  # type: ignore[arg-type]


async def stored_boundaries(registry: RunningService) -> dict[str, float]:
    exported = await registry.stub.ExportBoundaries(pb.ExportBoundariesRequest(), metadata=ADMIN)
    return {f["properties"]["code"]: f["properties"]["area_m2"] for f in json.loads(exported.geojson)["features"]}


async def test_a_nested_geojson_tree_imports_and_reads_back_with_areas(registry: RunningService) -> None:
    await build_tree(registry.stub)
    report = await registry.stub.ImportBoundaries(geojson_request(collection(nested_tree())), metadata=ADMIN)
    assert list(report.errors) == []
    assert (report.boundaries, report.nothing_stored) == (16, False)
    grid = await registry.stub.GetJurisdiction(pb.GetJurisdictionRequest(code=f"{STREET}001001"), metadata=ADMIN)
    assert grid.jurisdiction.boundary.area_m2 == pytest.approx(111.04 * 85.38, rel=0.005)
    assert geometry.parse_boundary(json.loads(grid.jurisdiction.boundary.geojson)).equals(
        geometry.parse_boundary({"type": "Polygon", "coordinates": [square(LON, LAT, D)]}))
    areas = await stored_boundaries(registry)
    assert areas[STREET] == pytest.approx(12 * areas[f"{STREET}001001"], rel=0.001)
    # Lists leave the shapes out: a page of detailed boundaries would pass the message limit.
    page = await registry.stub.ListJurisdictions(pb.ListJurisdictionsRequest(page={"page_size": 200}),
                                                 metadata=ADMIN)
    assert len(page.jurisdictions) == 17 and not any(j.HasField("boundary") for j in page.jurisdictions)


async def test_a_zipped_shapefile_imports_matched_by_its_code_attribute(registry: RunningService) -> None:
    await build_tree(registry.stub)
    report = await registry.stub.ImportBoundaries(pb.ImportBoundariesRequest(
        content=zipped_shapefile(nested_tree()), format=pb.BOUNDARY_FORMAT_SHAPEFILE_ZIP, code_attribute="CODE",
        source_crs=pb.SOURCE_CRS_CGCS2000), metadata=ADMIN)
    assert list(report.errors) == []
    assert report.boundaries == 16
    assert len(await stored_boundaries(registry)) == 16


async def test_gcj02_input_is_stored_in_wgs84(registry: RunningService) -> None:
    import coordTransform

    await build_tree(registry.stub)
    shifted = {code: [list(coordTransform.wgs84_to_gcj02(lon, lat)) for lon, lat in ring]
               for code, ring in nested_tree().items() if code.startswith(f"{STREET}001")}
    report = await registry.stub.ImportBoundaries(pb.ImportBoundariesRequest(
        content=collection(shifted), format=pb.BOUNDARY_FORMAT_GEOJSON, source_crs=pb.SOURCE_CRS_GCJ02),
        metadata=ADMIN)
    assert list(report.errors) == []
    grid = await registry.stub.GetJurisdiction(pb.GetJurisdictionRequest(code=f"{STREET}001001"), metadata=ADMIN)
    corner = json.loads(grid.jurisdiction.boundary.geojson)["coordinates"][0][0]
    assert corner == pytest.approx([LON, LAT], abs=1e-7)


async def test_every_bad_feature_is_named_and_nothing_is_stored(registry: RunningService) -> None:
    await build_tree(registry.stub)
    rings = nested_tree()
    rings[f"{STREET}001004"] = square(LON + 1.5 * D, LAT + D, D)  # crosses into community 002
    rings[f"{STREET}002001"] = square(LON + 2.5 * D, LAT, D)  # reaches into its sibling 002002
    rings["110108999001001"] = square(LON, LAT, D)  # no such grid
    bow_tie = [[LON + 4 * D, LAT], [LON + 5 * D, LAT + D], [LON + 5 * D, LAT], [LON + 4 * D, LAT + D],
               [LON + 4 * D, LAT]]
    rings[f"{STREET}003001"] = bow_tie
    rings[f"{STREET}003002"] = [[lat, lon] for lon, lat in square(LON + 5 * D, LAT, D)]
    report = await registry.stub.ImportBoundaries(geojson_request(collection(rings)), metadata=ADMIN)
    found = {(e.code, e.reason.split(" by ")[0].split(" at ")[0].split(":")[0]) for e in report.errors}
    assert found == {
        (f"{STREET}001004", f"lies outside its parent {STREET}001"),
        (f"{STREET}002001", f"overlaps its sibling {STREET}002002"),
        ("110108999001001", "no jurisdiction 110108999001001 in the registry's tree"),
        (f"{STREET}003001", "self-intersection"),
        (f"{STREET}003002", "coordinates look swapped (latitude first)"),
    }
    by_code = {e.code: e for e in report.errors}
    assert by_code[f"{STREET}003001"].reason.endswith("at longitude 116.3045000, latitude 39.9605000")
    assert by_code["110108999001001"].feature == 17
    assert report.nothing_stored and report.boundaries == 0
    assert await stored_boundaries(registry) == {}


async def test_a_new_parent_is_checked_against_its_stored_children(registry: RunningService) -> None:
    await build_tree(registry.stub)
    rings = nested_tree()
    grids = {code: ring for code, ring in rings.items() if len(code) == 15}
    assert not (await registry.stub.ImportBoundaries(geojson_request(collection(grids)), metadata=ADMIN)).errors
    smaller = {f"{STREET}001": square(LON, LAT, 2 * D, D)}  # leaves grids 003 and 004 out
    report = await registry.stub.ImportBoundaries(geojson_request(collection(smaller)), metadata=ADMIN)
    assert sorted(e.reason.split(" outside")[0] for e in report.errors) == [
        f"would leave its child {STREET}001003", f"would leave its child {STREET}001004"]
    overlapping = {f"{STREET}002": square(LON + 1.5 * D, LAT, 2 * D)}
    stored = {f"{STREET}001": rings[f"{STREET}001"]}
    assert not (await registry.stub.ImportBoundaries(geojson_request(collection(stored)), metadata=ADMIN)).errors
    report = await registry.stub.ImportBoundaries(geojson_request(collection(overlapping)), metadata=ADMIN)
    assert any(f"overlaps its sibling {STREET}001 " in e.reason for e in report.errors)


async def test_a_dry_run_checks_and_stores_nothing(registry: RunningService) -> None:
    await build_tree(registry.stub)
    report = await registry.stub.ImportBoundaries(geojson_request(collection(nested_tree()), dry_run=True),
                                                  metadata=ADMIN)
    assert (list(report.errors), report.boundaries, report.nothing_stored) == ([], 16, True)
    assert await stored_boundaries(registry) == {}


async def test_features_outside_the_callers_scope_are_refused(registry: RunningService) -> None:
    await build_tree(registry.stub)
    community_admin = actor_metadata("c", (("district_admin", f"{STREET}001"),))
    report = await registry.stub.ImportBoundaries(geojson_request(collection(nested_tree())),
                                                  metadata=community_admin)
    outside = {e.code for e in report.errors}
    assert STREET in outside and f"{STREET}002001" in outside and f"{STREET}001001" not in outside
    assert all("outside the jurisdictions this request may write" in e.reason for e in report.errors)


def shapefile_without_features() -> bytes:
    return zipped_shapefile({})


@pytest.mark.parametrize(("request_", "field", "words"), [
    (pb.ImportBoundariesRequest(content=zipped_shapefile({}), format=pb.BOUNDARY_FORMAT_SHAPEFILE_ZIP,
                                source_crs=pb.SOURCE_CRS_WGS84), "file", "has no features"),
    (pb.ImportBoundariesRequest(content=b"x" * (boundaries.MAX_FILE_BYTES + 1), format=pb.BOUNDARY_FORMAT_GEOJSON,
                                source_crs=pb.SOURCE_CRS_WGS84), "file", "larger than 20 MiB"),
    (pb.ImportBoundariesRequest(content=b"{not json", format=pb.BOUNDARY_FORMAT_GEOJSON,
                                source_crs=pb.SOURCE_CRS_WGS84), "file", "is not GeoJSON"),
    (pb.ImportBoundariesRequest(content=b"PK not a zip", format=pb.BOUNDARY_FORMAT_SHAPEFILE_ZIP,
                                source_crs=pb.SOURCE_CRS_WGS84), "file", "not a zip"),
    (pb.ImportBoundariesRequest(content=zipped_shapefile(nested_tree()), format=pb.BOUNDARY_FORMAT_SHAPEFILE_ZIP,
                                code_attribute="GRID_NO", source_crs=pb.SOURCE_CRS_WGS84),
     "code_attribute", "no attribute 'GRID_NO'"),
    (pb.ImportBoundariesRequest(content=b"{}", source_crs=pb.SOURCE_CRS_WGS84), "format", "is required"),
    (pb.ImportBoundariesRequest(content=b"{}", format=pb.BOUNDARY_FORMAT_GEOJSON), "source_crs", "is required"),
])
async def test_an_unusable_file_is_invalid_naming_the_field(registry: RunningService, request_: object, field: str,
                                                            words: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await registry.stub.ImportBoundaries(request_, metadata=ADMIN)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in caught.value.details() and words in caught.value.details()


def test_a_zip_that_unpacks_too_large_is_refused_before_reading() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.shp", b"\0" * (boundaries.MAX_UNPACKED_BYTES + 1))
    assert len(out.getvalue()) < boundaries.MAX_FILE_BYTES
    with pytest.raises(Exception, match="unpacks to more than 100 MiB"):
        boundaries.read_features(out.getvalue(), boundaries.BoundaryFormat.SHAPEFILE_ZIP, "code")


def test_a_feature_over_the_vertex_cap_is_named() -> None:
    ring = [[LON + 0.01 * i / 100_000, LAT] for i in range(100_001)] + [[LON + 0.01, LAT + 0.01], [LON, LAT]]
    features = [boundaries.Feature(1, f"{STREET}001001", {"type": "MultiPolygon", "coordinates": [[ring]]})]
    known = boundaries.Known({f"{STREET}001001": f"{STREET}001"}, {}, lambda code: True)
    _, errors = boundaries.check_features(features, geometry.Crs.WGS84, known)
    assert [(e.feature, e.code) for e in errors] == [(1, f"{STREET}001001")]
    assert "at most 100000 are accepted per feature" in errors[0].reason


async def test_export_gives_the_subtree_as_geojson_that_imports_again(registry: RunningService) -> None:
    await build_tree(registry.stub)
    await registry.stub.ImportBoundaries(geojson_request(collection(nested_tree())), metadata=ADMIN)
    exported = await registry.stub.ExportBoundaries(pb.ExportBoundariesRequest(jurisdiction_prefix=f"{STREET}002"),
                                                    metadata=ADMIN)
    document = json.loads(exported.geojson)
    assert exported.features == 5
    assert [f["properties"]["code"] for f in document["features"]] == [
        f"{STREET}002", *(f"{STREET}002{g:03d}" for g in range(1, 5))]
    assert document["features"][1]["properties"]["level"] == "grid"
    again = await registry.stub.ImportBoundaries(geojson_request(exported.geojson.encode()), metadata=ADMIN)
    assert (list(again.errors), again.boundaries) == ([], 5)


async def test_coverage_reports_share_gaps_and_grids_without_boundary_or_worker(registry: RunningService) -> None:
    await build_tree(registry.stub)
    rings = nested_tree()
    del rings[f"{STREET}001004"]  # the north-east quarter of community 001 is left uncovered
    await registry.stub.ImportBoundaries(geojson_request(collection(rings)), metadata=ADMIN)
    await registry.stub.AssignGridWorkers(pb.AssignGridWorkersRequest(
        code=f"{STREET}001001", workers=[pb.GridStaffMember(subject="w1", name="王伟", phone="13800000001")]),
        metadata=ADMIN)
    report = await registry.stub.GetCoverage(pb.GetCoverageRequest(jurisdiction_prefix=STREET), metadata=ADMIN)
    first, second = report.communities[0], report.communities[1]
    assert [c.code for c in report.communities] == [f"{STREET}{c:03d}" for c in (1, 2, 3)]
    assert first.covered_share == pytest.approx(0.75, abs=0.001)
    assert len(first.gaps) == 1
    gap = first.gaps[0]
    assert LON + D < gap.point.longitude < LON + 2 * D and LAT + D < gap.point.latitude < LAT + 2 * D
    assert gap.area_m2 == pytest.approx(first.area_m2 / 4, rel=0.01)
    assert list(first.grids_without_boundary) == [f"{STREET}001004"]
    assert list(first.grids_without_worker) == [f"{STREET}001002", f"{STREET}001003", f"{STREET}001004"]
    assert second.covered_share == pytest.approx(1.0) and not second.gaps


def test_the_demo_boundaries_pass_the_topology_checks_and_cover_every_grid() -> None:
    from services.kit import demo, demo_boundaries
    from services.kit.jurisdiction import parent_of

    document = json.loads(demo_boundaries.feature_collection())
    features = [boundaries.Feature(i, f["properties"]["code"], f["geometry"])
                for i, f in enumerate(document["features"], start=1)]
    codes = [f.code for f in features]
    known = boundaries.Known({code: parent_of(code) for code in codes}, {}, lambda code: True)
    planned, errors = boundaries.check_features(features, geometry.Crs.WGS84, known, tolerance_m=0.01)
    assert errors == []
    assert set(demo.grid_codes()) <= {p.code for p in planned}
    for community in (c for s in demo.streets() for c in s.communities):
        shapes = {p.code: p.shape for p in planned}
        cover = geometry.coverage(shapes[community.code], [shapes[g] for g in community.grids], min_gap_m2=0.01)
        assert cover.share == pytest.approx(1.0, abs=1e-9) and cover.gaps == ()


async def test_a_retried_import_with_its_key_stores_nothing_again(registry: RunningService) -> None:
    await build_tree(registry.stub)
    grid = f"{STREET}001001"
    first_file, second_file = collection({grid: square(LON, LAT, D)}), collection({grid: square(LON, LAT, D / 2)})
    first = await registry.stub.ImportBoundaries(geojson_request(first_file, idempotency_key="import-1"),
                                                 metadata=ADMIN)
    assert (list(first.errors), first.boundaries) == ([], 1)
    await registry.stub.ImportBoundaries(geojson_request(second_file), metadata=ADMIN)
    smaller = (await stored_boundaries(registry))[grid]
    # The retry answers as the first did and does not put the first file's shape back over the later one.
    assert await registry.stub.ImportBoundaries(geojson_request(first_file, idempotency_key="import-1"),
                                                metadata=ADMIN) == first
    assert (await stored_boundaries(registry))[grid] == smaller
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await registry.stub.ImportBoundaries(geojson_request(second_file, idempotency_key="import-1"), metadata=ADMIN)
    assert raised.value.code() is grpc.StatusCode.FAILED_PRECONDITION and "idempotency_key" in raised.value.details()
    # A file refused feature by feature keeps no key: the corrected file is sent with the same one.
    bad = collection({grid: [[LON, LAT], [LON + D, LAT + D], [LON + D, LAT], [LON, LAT + D], [LON, LAT]]})
    refused = await registry.stub.ImportBoundaries(geojson_request(bad, idempotency_key="import-2"), metadata=ADMIN)
    assert refused.errors and refused.nothing_stored
    fixed = await registry.stub.ImportBoundaries(geojson_request(first_file, idempotency_key="import-2"),
                                                 metadata=ADMIN)
    assert (list(fixed.errors), fixed.nothing_stored) == ([], False)
    assert (await stored_boundaries(registry))[grid] == pytest.approx(4 * smaller, rel=0.001)


async def test_the_layer_revision_rises_with_each_stored_import_only(registry: RunningService) -> None:
    await build_tree(registry.stub)
    start = await registry.stub.GetBoundaryLayer(pb.GetBoundaryLayerRequest(), metadata=ADMIN)
    assert (start.features, start.unchanged) == (0, False)
    await registry.stub.ImportBoundaries(geojson_request(collection(nested_tree()), dry_run=True), metadata=ADMIN)
    bad = collection({f"{STREET}001001": square(LON, LAT, D), f"{STREET}001002": square(LON + D / 2, LAT, D)})
    assert (await registry.stub.ImportBoundaries(geojson_request(bad), metadata=ADMIN)).errors
    unmoved = await registry.stub.GetBoundaryLayer(pb.GetBoundaryLayerRequest(known_revision=start.revision),
                                                   metadata=ADMIN)
    assert (unmoved.unchanged, unmoved.geojson, unmoved.revision) == (True, "", start.revision)
    await registry.stub.ImportBoundaries(geojson_request(collection(nested_tree())), metadata=ADMIN)
    moved = await registry.stub.GetBoundaryLayer(pb.GetBoundaryLayerRequest(known_revision=start.revision,
                                                                            tolerance_m=4), metadata=ADMIN)
    assert moved.revision == start.revision + 1 and not moved.unchanged
    assert (moved.features, moved.tolerance_m) == (16, 4.0)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await registry.stub.GetBoundaryLayer(pb.GetBoundaryLayerRequest(tolerance_m=float("nan")), metadata=ADMIN)
    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT and "tolerance_m" in raised.value.details()
