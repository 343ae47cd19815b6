"""Boundary geometry: what is accepted, what is refused and why, areas, nesting, overlap and coverage."""

from __future__ import annotations

import pytest

from services.kit import geometry
from services.kit.geometry import Crs, GeometryProblem

LON, LAT = 116.30, 39.96


def square(lon: float, lat: float, size: float) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def polygon(*rings: list[list[float]]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": list(rings)}


def refused(geojson: object, **kwargs: object) -> str:
    with pytest.raises(GeometryProblem) as caught:
        geometry.parse_boundary(geojson, **kwargs)  # type: ignore[arg-type]
    return caught.value.reason


def test_a_square_of_a_thousandth_of_a_degree_has_its_area_in_square_metres() -> None:
    shape = geometry.parse_boundary(polygon(square(LON, LAT, 0.001)))
    # 0.001° of latitude is 111.0 m; of longitude at 39.96° N, 85.4 m.
    assert geometry.area_m2(shape) == pytest.approx(111.04 * 85.38, rel=0.005)


def test_a_hole_is_not_counted_in_the_area() -> None:
    with_hole = geometry.parse_boundary(polygon(square(LON, LAT, 0.002), square(LON + 0.0005, LAT + 0.0005, 0.001)))
    solid = geometry.parse_boundary(polygon(square(LON, LAT, 0.002)))
    assert geometry.area_m2(with_hole) == pytest.approx(geometry.area_m2(solid) * 0.75, rel=0.001)


def test_a_multipolygon_counts_all_its_parts() -> None:
    shape = geometry.parse_boundary({"type": "MultiPolygon", "coordinates": [
        [square(LON, LAT, 0.001)], [square(LON + 0.01, LAT, 0.001)]]})
    single = geometry.parse_boundary(polygon(square(LON, LAT, 0.001)))
    assert geometry.area_m2(shape) == pytest.approx(2 * geometry.area_m2(single), rel=0.001)


@pytest.mark.parametrize(("geojson", "words"), [
    (polygon([[LON, LAT], [LON + 0.001, LAT], [LON + 0.001, LAT + 0.001], [LON, LAT + 0.001]]), "not closed"),
    (polygon([[LON, LAT], [LON + 0.001, LAT], [LON, LAT]]), "at least 4"),
    (polygon(square(LAT, LON, 0.001)), "swapped (latitude first)"),
    (polygon(square(179.9995, 10, 0.001)), "out of range"),
    (polygon(square(10, 89.9995, 0.001)), "out of range"),
    ({"type": "Point", "coordinates": [LON, LAT]}, "Polygon or MultiPolygon"),
    (polygon([[LON, "39.96"], [LON + 1, LAT], [LON, LAT + 1], [LON, "39.96"]]), "not [longitude, latitude]"),
    ({"type": "MultiPolygon", "coordinates": []}, "non-empty list of polygons"),
    (polygon([[LON, LAT], [LON + 0.001, LAT], [LON + 0.002, LAT], [LON, LAT]]), "self-intersection"),
])
def test_bad_boundaries_are_refused_saying_why(geojson: object, words: str) -> None:
    assert words in refused(geojson)


def test_a_self_intersecting_ring_is_refused_with_the_coordinates_of_the_crossing() -> None:
    bow_tie = polygon([[LON, LAT], [LON + 0.002, LAT + 0.002], [LON + 0.002, LAT], [LON, LAT + 0.002], [LON, LAT]])
    reason = refused(bow_tie)
    assert reason.startswith("self-intersection at ")
    assert "longitude 116.3010000, latitude 39.9610000" in reason


def test_more_vertices_than_the_cap_are_refused() -> None:
    ring = [[LON, LAT], *[[LON + 0.001 + 0.0001 * (i % 2), LAT + 0.00001 * i] for i in range(1, 199)],
            [LON, LAT + 0.002], [LON, LAT]]
    assert "has 201 vertices; at most 100" in refused(polygon(ring), max_vertices=100)
    assert geometry.parse_boundary(polygon(ring), max_vertices=201).is_valid


def test_gcj02_coordinates_are_converted_to_wgs84() -> None:
    import coordTransform

    wgs = (LON, LAT)
    gcj = coordTransform.wgs84_to_gcj02(*wgs)
    back = geometry.gcj02_to_wgs84(*gcj)
    assert back == pytest.approx(wgs, abs=1e-7)  # about a centimetre
    shape = geometry.parse_boundary(polygon(square(gcj[0], gcj[1], 0.001)), crs=Crs.GCJ02)
    assert shape.exterior.coords[0] == pytest.approx(wgs, abs=1e-7)
    assert geometry.parse_boundary(polygon(square(gcj[0], gcj[1], 0.001))).bounds[0] > LON + 0.005  # ~500 m off


def test_a_child_inside_its_parent_or_on_its_edge_is_contained() -> None:
    parent = geometry.parse_boundary(polygon(square(LON, LAT, 0.01)))
    inside = geometry.parse_boundary(polygon(square(LON + 0.001, LAT + 0.001, 0.001)))
    on_edge = geometry.parse_boundary(polygon(square(LON, LAT, 0.005)))
    assert geometry.protrusion(inside, parent) is None
    assert geometry.protrusion(on_edge, parent) is None


def test_a_grid_crossing_its_parents_edge_protrudes_where_it_crosses() -> None:
    parent = geometry.parse_boundary(polygon(square(LON, LAT, 0.01)))
    crossing = geometry.parse_boundary(polygon(square(LON + 0.009, LAT + 0.004, 0.002)))
    fault = geometry.protrusion(crossing, parent)
    assert fault is not None
    assert fault.longitude > LON + 0.01
    assert fault.area_m2 == pytest.approx(geometry.area_m2(crossing) / 2, rel=0.05)


def test_a_child_in_its_parents_hole_protrudes() -> None:
    parent = geometry.parse_boundary(polygon(square(LON, LAT, 0.01), square(LON + 0.004, LAT + 0.004, 0.002)))
    in_hole = geometry.parse_boundary(polygon(square(LON + 0.0045, LAT + 0.0045, 0.001)))
    assert geometry.protrusion(in_hole, parent) is not None


def test_a_protrusion_within_the_tolerance_is_accepted() -> None:
    parent = geometry.parse_boundary(polygon(square(LON, LAT, 0.01)))
    # 0.000005° of longitude is about 0.43 m here.
    slightly_over = geometry.parse_boundary(polygon(square(LON + 0.005, LAT + 0.001, 0.005005)))
    assert geometry.protrusion(slightly_over, parent, tolerance_m=1.0) is None
    assert geometry.protrusion(slightly_over, parent, tolerance_m=0.1) is not None


def test_siblings_sharing_an_edge_do_not_overlap_and_siblings_reaching_in_do() -> None:
    west = geometry.parse_boundary(polygon(square(LON, LAT, 0.001)))
    east = geometry.parse_boundary(polygon(square(LON + 0.001, LAT, 0.001)))
    reaching = geometry.parse_boundary(polygon(square(LON + 0.0005, LAT, 0.001)))
    assert geometry.overlap(west, east) is None
    fault = geometry.overlap(west, reaching)
    assert fault is not None
    assert LON + 0.0005 < fault.longitude < LON + 0.001


def test_coverage_reports_the_share_and_the_gaps_with_a_point_inside_each() -> None:
    community = geometry.parse_boundary(polygon(square(LON, LAT, 0.002)))
    grids = [geometry.parse_boundary(polygon(square(LON, LAT, 0.001))),
             geometry.parse_boundary(polygon(square(LON + 0.001, LAT, 0.001))),
             geometry.parse_boundary(polygon(square(LON, LAT + 0.001, 0.001)))]
    report = geometry.coverage(community, grids)
    assert report.share == pytest.approx(0.75, abs=0.001)
    assert len(report.gaps) == 1
    gap = report.gaps[0]
    assert LON + 0.001 < gap.longitude < LON + 0.002 and LAT + 0.001 < gap.latitude < LAT + 0.002
    assert gap.area_m2 == pytest.approx(geometry.area_m2(grids[0]), rel=0.01)
    assert geometry.coverage(community, [community]).gaps == ()
    assert geometry.coverage(community, []).share == 0.0


def test_geojson_out_reads_back_the_same_shape() -> None:
    shape = geometry.parse_boundary(polygon(square(LON, LAT, 0.002), square(LON + 0.0005, LAT + 0.0005, 0.001)))
    again = geometry.parse_boundary(geometry.to_geojson(shape))
    assert again.equals(shape)
