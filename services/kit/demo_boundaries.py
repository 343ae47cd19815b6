"""Boundaries of the demo district that nest exactly: grids of about 10,000 m² on a gently irregular lattice near
Haidian, each community the union of its grids, each street of its communities, the district of its streets."""

from __future__ import annotations

import json
import random
from functools import cache
from typing import Any

from services.kit import demo, geometry

ORIGIN = (116.300, 39.955)  # the lattice's south-west corner (WGS 84)
CELL = (0.00125, 0.0009)  # about 107 m by 100 m at this latitude
JITTER = 0.18  # interior lattice points move up to this share of a cell, so edges are not ruler-straight


def _lattice(columns: int, rows: int, seed: int) -> dict[tuple[int, int], tuple[float, float]]:
    rng = random.Random(seed)
    points = {}
    for i in range(columns + 1):
        for j in range(rows + 1):
            dx = rng.uniform(-JITTER, JITTER) if 0 < i < columns else 0.0
            dy = rng.uniform(-JITTER, JITTER) if 0 < j < rows else 0.0
            points[(i, j)] = (round(ORIGIN[0] + (i + dx) * CELL[0], 7), round(ORIGIN[1] + (j + dy) * CELL[1], 7))
    return points


def _cell(points: dict[tuple[int, int], tuple[float, float]], i: int, j: int) -> dict[str, Any]:
    corners = [points[(i, j)], points[(i + 1, j)], points[(i + 1, j + 1)], points[(i, j + 1)], points[(i, j)]]
    return {"type": "Polygon", "coordinates": [[list(c) for c in corners]]}


def geometries(seed: int = 7) -> dict[str, dict[str, Any]]:
    """Each demo node's boundary as GeoJSON geometry, by code: one lattice row per community, street by street
    from the south; a community's grids from the west."""
    import shapely

    streets = demo.streets()
    rows = sum(len(s.communities) for s in streets)
    columns = max(len(c.grids) for s in streets for c in s.communities)
    points = _lattice(columns, rows, seed)
    shapes: dict[str, Any] = {}
    row = 0
    for street in streets:
        for community in street.communities:
            for column, grid in enumerate(community.grids):
                shapes[grid] = geometry.parse_boundary(_cell(points, column, row))
            shapes[community.code] = shapely.union_all([shapes[g] for g in community.grids])
            row += 1
        shapes[street.code] = shapely.union_all([shapes[c.code] for c in street.communities])
    shapes[demo.DISTRICT_CODE] = shapely.union_all([shapes[s.code] for s in streets])
    return {code: geometry.to_geojson(shape) for code, shape in shapes.items()}


@cache
def _grid_shapes(seed: int = 7) -> dict[str, Any]:
    import shapely.geometry

    return {code: shapely.geometry.shape(shape) for code, shape in geometries(seed).items() if len(code) == 15}


def point_in(grid: str, rng: random.Random, seed: int = 7) -> tuple[float, float]:
    """A (longitude, latitude) inside demo grid ``grid``, at least a few metres from its edges, rounded to
    1e-6° (about 0.1 m) as a phone reports it: where the demo's cases, places and sources stand."""
    import shapely

    shape = _grid_shapes(seed)[grid]
    inner = shape.buffer(-0.00005)  # about 5 m
    west, south, east, north = inner.bounds
    while True:
        lon, lat = round(rng.uniform(west, east), 6), round(rng.uniform(south, north), 6)
        if inner.contains(shapely.Point(lon, lat)):
            return lon, lat


def feature_collection(seed: int = 7) -> bytes:
    """The demo boundaries as the GeoJSON file ImportBoundaries takes (codes in the ``code`` property)."""
    features = [{"type": "Feature", "properties": {"code": code}, "geometry": shape}
                for code, shape in sorted(geometries(seed).items())]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()
