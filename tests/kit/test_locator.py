"""The spatial index: containment, holes, MultiPolygons, shared edges, missing levels, and a brute-force check."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
import shapely

from services.kit.errors import InvalidArgument
from services.kit.locator import NOWHERE, Locator, Placement

DISTRICT = "110108"
STREET = "110108001"
COMMUNITY = "110108001001"


def square(x: float, y: float, size: float = 1.0) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def ring(x: float, y: float, size: float) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def grid(n: int) -> str:
    return f"{COMMUNITY}{n:03d}"


# A 2 × 2 block of unit grids at (100, 30)..(102, 32) inside one community, street and district.
BLOCK = [
    (DISTRICT, square(99, 29, 4)),
    (STREET, square(99.5, 29.5, 3)),
    (COMMUNITY, square(100, 30, 2)),
    (grid(1), square(100, 30)),
    (grid(2), square(101, 30)),
    (grid(3), square(100, 31)),
    (grid(4), square(101, 31)),
]


@pytest.fixture
def block() -> Locator:
    return Locator(BLOCK)


def test_placement_of_builds_the_chain_from_prefixes() -> None:
    assert Placement.of(grid(7)) == Placement(DISTRICT, STREET, COMMUNITY, grid(7))
    assert Placement.of(STREET) == Placement(DISTRICT, STREET, None, None)
    assert Placement.of(grid(7)).code == grid(7)
    assert NOWHERE.code is None


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((100.5, 30.5), grid(1)),
        ((101.5, 30.5), grid(2)),
        ((100.5, 31.5), grid(3)),
        ((101.9, 31.9), grid(4)),
        # Shared edges and the shared vertex: the lowest code among the covering grids.
        ((101.0, 30.5), grid(1)),
        ((101.0, 31.5), grid(3)),
        ((100.5, 31.0), grid(1)),
        ((101.5, 31.0), grid(2)),
        ((101.0, 31.0), grid(1)),
        # The outer edge and corner count as inside.
        ((100.0, 30.0), grid(1)),
        ((102.0, 32.0), grid(4)),
    ],
)
def test_grids_and_their_shared_edges(block: Locator, point: tuple[float, float], expected: str) -> None:
    assert block.locate(*point) == Placement.of(expected)


def test_shared_edge_answer_does_not_depend_on_input_order() -> None:
    rng = random.Random(7)
    points = [(101.0, 31.0), (101.0, 30.25), (100.75, 31.0), (100.0, 31.0)]
    expected = [Locator(BLOCK).locate(*p) for p in points]
    for _ in range(5):
        shuffled = BLOCK[:]
        rng.shuffle(shuffled)
        assert [Locator(shuffled).locate(*p) for p in points] == expected


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((99.8, 29.8), STREET),  # inside the street, outside the community
        ((99.2, 29.2), DISTRICT),  # inside the district only
        ((103.0, 33.0), DISTRICT),  # on the district's corner
        ((98.0, 30.0), None),  # outside everything
        ((0.0, 0.0), None),
    ],
)
def test_coarser_levels_and_outside(block: Locator, point: tuple[float, float], expected: str | None) -> None:
    assert block.locate(*point) == (Placement.of(expected) if expected else NOWHERE)


def test_only_grids_have_shapes_and_the_chain_comes_from_the_code() -> None:
    locator = Locator([(grid(5), square(10, 10))])
    assert locator.locate(10.5, 10.5) == Placement(DISTRICT, STREET, COMMUNITY, grid(5))
    assert locator.locate(12, 12) == NOWHERE


def test_only_a_district_has_a_shape() -> None:
    locator = Locator([(DISTRICT, square(10, 10))])
    assert locator.locate(10.5, 10.5) == Placement(district=DISTRICT)


def test_a_finer_shape_wins_over_a_lower_code_at_a_coarser_level() -> None:
    # The community's code sorts before its grid's, yet the grid (finer) answers.
    locator = Locator([(COMMUNITY, square(0, 0, 2)), (grid(9), square(0, 0))])
    assert locator.locate(0.5, 0.5).grid == grid(9)
    assert locator.locate(1.5, 1.5) == Placement.of(COMMUNITY)


def test_overlapping_siblings_resolve_to_the_lowest_code() -> None:
    locator = Locator([(grid(8), square(0, 0, 2)), (grid(3), square(1, 1, 2))])
    assert locator.locate(1.5, 1.5).grid == grid(3)
    assert locator.locate(0.5, 0.5).grid == grid(8)


def test_a_hole_is_outside_its_polygon_and_its_ring_inside() -> None:
    holed = {"type": "Polygon", "coordinates": [ring(0, 0, 3), ring(1, 1, 1)]}
    locator = Locator([(COMMUNITY, square(0, 0, 3)), (grid(1), holed)])
    assert locator.locate(1.5, 1.5) == Placement.of(COMMUNITY)  # in the hole: the community answers
    assert locator.locate(0.5, 0.5).grid == grid(1)
    assert locator.locate(1.0, 1.5).grid == grid(1)  # on the hole's ring


def test_a_hole_filled_by_another_grid() -> None:
    holed = {"type": "Polygon", "coordinates": [ring(0, 0, 3), ring(1, 1, 1)]}
    locator = Locator([(grid(1), holed), (grid(2), square(1, 1))])
    assert locator.locate(1.5, 1.5).grid == grid(2)
    assert locator.locate(1.0, 1.5).grid == grid(1)  # the shared ring: lowest code


def test_multipolygon_parts() -> None:
    parts = {"type": "MultiPolygon", "coordinates": [[ring(0, 0, 1)], [ring(5, 5, 1)]]}
    locator = Locator([(grid(4), parts)])
    assert locator.locate(0.5, 0.5).grid == grid(4)
    assert locator.locate(5.5, 5.5).grid == grid(4)
    assert locator.locate(3, 3) == NOWHERE


def test_an_empty_locator_answers_nowhere() -> None:
    locator = Locator([])
    assert len(locator) == 0
    assert locator.locate(116.3, 39.9) == NOWHERE
    assert locator.locate_many([(116.3, 39.9)]) == [NOWHERE]


@pytest.mark.parametrize(
    ("point", "fields"),
    [
        ((181.0, 30.0), ["location.longitude"]),
        ((100.0, -91.0), ["location.latitude"]),
        ((float("nan"), 30.0), ["location.longitude"]),
        ((200.0, 100.0), ["location.latitude", "location.longitude"]),
    ],
)
def test_locate_refuses_out_of_range_points(block: Locator, point: tuple[float, float], fields: list[str]) -> None:
    with pytest.raises(InvalidArgument) as caught:
        block.locate(*point)
    assert sorted(v.field for v in caught.value.violations) == sorted(fields)


def test_locate_names_the_callers_field(block: Locator) -> None:
    with pytest.raises(InvalidArgument, match=r"report\.location\.longitude"):
        block.locate(500, 30, field="report.location")


def test_locate_many_matches_locate(block: Locator) -> None:
    points = [(100.5, 30.5), (101.0, 31.0), (99.8, 29.8), (98.0, 30.0), (101.0, 30.5), (102.0, 32.0)]
    assert block.locate_many(points) == [block.locate(*p) for p in points]
    assert block.locate_many([]) == []


def test_locate_many_refuses_anything_but_pairs(block: Locator) -> None:
    with pytest.raises(InvalidArgument, match=r"points: must be a list of \(longitude, latitude\) pairs"):
        block.locate_many([(100.5, 30.5, 0.0)])


def test_locate_many_names_every_bad_point(block: Locator) -> None:
    with pytest.raises(InvalidArgument) as caught:
        block.locate_many([(100.5, 30.5), (100.5, 95.0), (100.5, 30.5), (-190.0, 30.0)], field="rows")
    assert [v.field for v in caught.value.violations] == ["rows[1].latitude", "rows[3].longitude"]


@pytest.mark.parametrize(
    ("boundary", "field", "message"),
    [
        ((grid(1), {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}), "boundaries[0].geometry",
         "must be a GeoJSON Polygon or MultiPolygon, got 'LineString'"),
        ((grid(1), {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
         "boundaries[0].geometry", "malformed Polygon"),
        ((grid(1), {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}),
         "boundaries[0].geometry", "Self-intersection"),
        ((grid(1), square(39.9, 116.3)), "boundaries[0].geometry", "within ±180, ±90"),
        ((grid(1), {"type": "Polygon", "coordinates": []}), "boundaries[0].geometry", "empty"),
        (("1101080010", square(0, 0)), "boundaries[0].code", "must be 6, 9, 12 or 15 digits"),
        ((grid(1), {"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], ["a", 0]]]}),
         "boundaries[0].geometry", "malformed Polygon coordinates"),
        ((grid(1), {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, float("nan")], [0, 0]]]}),
         "boundaries[0].geometry", "malformed Polygon coordinates"),
        ((grid(1), {"type": "MultiPolygon", "coordinates": [[ring(0, 0, 2)], [ring(1, 1, 2)]]}),
         "boundaries[0].geometry", "invalid MultiPolygon"),
    ],
)
def test_bad_boundaries_are_refused_naming_the_field(
    boundary: tuple[str, dict[str, Any]], field: str, message: str
) -> None:
    with pytest.raises(InvalidArgument, match=message) as caught:
        Locator([boundary])
    assert [v.field for v in caught.value.violations] == [field]


def test_the_bad_boundary_among_good_ones_is_named_by_its_position() -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
    text = {"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], ["a", 0]]]}
    for bad, message in ((bowtie, r"invalid Polygon: Self-intersection\[1 1\]"), (text, "malformed Polygon")):
        with pytest.raises(InvalidArgument, match=rf"boundaries\[1\]\.geometry: {grid(2)}: {message}"):
            Locator([(grid(1), square(0, 0)), (grid(2), bad), (grid(3), square(5, 5))])


def test_a_code_with_two_boundaries_is_refused() -> None:
    with pytest.raises(InvalidArgument, match=r"boundaries\[1\]\.code: .* more than one boundary"):
        Locator([(grid(1), square(0, 0)), (grid(1), square(5, 5))])


# --- agreement with brute force -------------------------------------------------------------------------

# ~100 m squares near the demo district: 100 × 100 grids, 10 × 10 grids a community, 25 communities a street.
WEST, SOUTH, DX, DY = 116.25, 39.95, 0.00117, 0.0009
SIDE = 100


def synthetic_tiling(rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """Squares with 60 left out (gaps the community answers), plus irregular grids that overlap the squares."""
    # The district reaches two cells past the tiling, so some points fall in the district and no community.
    boundaries: list[tuple[str, dict[str, Any]]] = [
        (DISTRICT, box(WEST - 2 * DX, SOUTH - 2 * DY, WEST + (SIDE + 2) * DX, SOUTH + (SIDE + 2) * DY))
    ]
    left_out = set(rng.sample(range(SIDE * SIDE), 60))
    for row in range(SIDE):
        for col in range(SIDE):
            street = 1 + (row // 50) * 2 + col // 50
            community = 1 + ((row % 50) // 10) * 5 + (col % 50) // 10
            street_code = f"{DISTRICT}{street:03d}"
            community_code = f"{street_code}{community:03d}"
            if row % 50 == 0 and col % 50 == 0:
                x, y = WEST + col * DX, SOUTH + row * DY
                boundaries.append((street_code, box(x, y, x + 50 * DX, y + 50 * DY)))
            if row % 10 == 0 and col % 10 == 0:
                x, y = WEST + col * DX, SOUTH + row * DY
                boundaries.append((community_code, box(x, y, x + 10 * DX, y + 10 * DY)))
            if row * SIDE + col in left_out:
                continue
            number = 1 + (row % 10) * 10 + col % 10
            x, y = WEST + col * DX, SOUTH + row * DY
            boundaries.append((f"{community_code}{number:03d}", box(x, y, x + DX, y + DY)))
    # Irregular grids (numbered past 100, so they lose to their own community's squares on a tie but beat
    # higher-coded communities'), some reaching outside the district, one with a hole, one in two parts.
    for k in range(40):
        cx = WEST + rng.uniform(-3, SIDE + 3) * DX
        cy = SOUTH + rng.uniform(-3, SIDE + 3) * DY
        star = shapely.Polygon([
            (cx + rng.uniform(0.5, 3) * DX * math.cos(a), cy + rng.uniform(0.5, 3) * DY * math.sin(a))
            for a in (i * 2 * math.pi / 9 for i in range(9))
        ])
        if k == 0:
            star = star.difference(shapely.Point(cx, cy).buffer(0.3 * DY))
        if k == 1:
            star = shapely.MultiPolygon([star, shapely.box(cx + 5 * DX, cy, cx + 6 * DX, cy + DY)])
        street, community = 1 + k % 4, 1 + k % 25
        boundaries.append((f"{DISTRICT}{street:03d}{community:03d}{101 + k:03d}", shapely.geometry.mapping(star)))
    return boundaries


def box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


def brute_force(boundaries: list[tuple[str, dict[str, Any]]], point: shapely.Point,
                shapes: list[shapely.Geometry]) -> Placement:
    """The rule, checked against every polygon: the finest covering level, then the lowest code."""
    covering = [code for (code, _), shape in zip(boundaries, shapes, strict=True) if shape.covers(point)]
    if not covering:
        return NOWHERE
    return Placement.of(min(covering, key=lambda code: (-len(code), code)))


def test_locate_agrees_with_brute_force_on_10000_points() -> None:
    rng = random.Random(20261202)
    boundaries = synthetic_tiling(rng)
    locator = Locator(boundaries)
    shapes = [shapely.geometry.shape(geometry) for _, geometry in boundaries]
    shapely.prepare(shapes)
    points: list[tuple[float, float]] = []
    for i in range(10_000):
        if i % 5 == 0:  # on the lattice: shared edges and vertices of the squares, computed as the squares were
            col, row = rng.randrange(SIDE + 1), rng.randrange(SIDE + 1)
            x = WEST + col * DX if i % 2 else WEST + (col + rng.random()) * DX
            points.append((x, SOUTH + row * DY))
        else:
            points.append((WEST + rng.uniform(-5, SIDE + 5) * DX, SOUTH + rng.uniform(-5, SIDE + 5) * DY))
    geometries = shapely.points(points)
    # Brute force over every polygon, vectorised per polygon so it runs in seconds, not minutes.
    covered: list[list[str]] = [[] for _ in points]
    for (code, _), shape in zip(boundaries, shapes, strict=True):
        for index in shapely.covers(shape, geometries).nonzero()[0].tolist():
            covered[index].append(code)
    expected = [Placement.of(min(codes, key=lambda c: (-len(c), c))) if codes else NOWHERE for codes in covered]
    # The per-polygon vectorised check is itself checked point by point on a sample.
    for index in rng.sample(range(len(points)), 50):
        assert brute_force(boundaries, geometries[index], shapes) == expected[index]
    kinds = {("grid" if p.grid else "community" if p.community else "street" if p.street else
              "district" if p.district else "outside") for p in expected}
    assert kinds == {"grid", "community", "district", "outside"}
    assert [locator.locate(*p) for p in points] == expected
    assert locator.locate_many(points) == expected
