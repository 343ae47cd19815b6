"""Benchmark: the registry's boundary layer for a district of 10,000 grids (100 × 100 cells of about 100 m).

The grids tile a jittered lattice and every shared edge is digitised with ``--edge-vertices`` points wobbling
by a metre or so, as a traced boundary is; communities are 10 × 10 grids, streets 5 × 5 communities, each the
union of its parts. Prints, for the whole district at zoom 13 (communities and up, one-pixel tolerance) and at
zoom 15 (grids, for one street and for the whole district): the first (simplifying) and warm layer times as
min / median, and the GeoJSON size raw and gzipped. A benchmark prints numbers; it asserts nothing.

    python -m bench.boundary_layer [--side 100] [--edge-vertices 8] [--repeats 20]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import itertools
import json
import os
import random
import statistics
import time

import shapely
import shapely.geometry

from services.registry import domain
from services.registry.boundary_layer import LayerCache, band
from services.registry.boundary_store import BoundaryNode
from services.registry.graphql_boundaries import zoom_tolerance

DISTRICT = "110108"
WEST, SOUTH, DX, DY = 116.25, 39.95, 0.00117, 0.0009
JITTER = 0.15
WOBBLE = 0.00001  # about a metre


def lattice(side: int, rng: random.Random) -> dict[tuple[int, int], tuple[float, float]]:
    points = {}
    for i in range(side + 1):
        for j in range(side + 1):
            inner = 0 < i < side and 0 < j < side
            dx = rng.uniform(-JITTER, JITTER) * DX if inner else 0.0
            dy = rng.uniform(-JITTER, JITTER) * DY if inner else 0.0
            points[i, j] = (WEST + i * DX + dx, SOUTH + j * DY + dy)
    return points


def edges(points: dict[tuple[int, int], tuple[float, float]], side: int, count: int,
          rng: random.Random) -> dict[tuple[tuple[int, int], tuple[int, int]], list[tuple[float, float]]]:
    """Each lattice edge's interior vertices, from its lower corner to its upper one (shared by both sides)."""
    traced = {}
    for (i, j), start in points.items():
        for end_key in ((i + 1, j), (i, j + 1)):
            if end_key not in points:
                continue
            end = points[end_key]
            on_border = (i == 0 and end_key[0] == 0) or (j == 0 and end_key[1] == 0) or i == side or j == side
            traced[(i, j), end_key] = [
                (start[0] + (end[0] - start[0]) * k / (count + 1) + (0 if on_border else rng.uniform(-WOBBLE, WOBBLE)),
                 start[1] + (end[1] - start[1]) * k / (count + 1) + (0 if on_border else rng.uniform(-WOBBLE, WOBBLE)))
                for k in range(1, count + 1)]
    return traced


def cell(points: dict[tuple[int, int], tuple[float, float]],
         traced: dict[tuple[tuple[int, int], tuple[int, int]], list[tuple[float, float]]],
         i: int, j: int) -> shapely.Polygon:
    corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)]
    ring: list[tuple[float, float]] = []
    for start, end in itertools.pairwise(corners):
        ring.append(points[start])
        if (start, end) in traced:
            ring.extend(traced[start, end])
        else:
            ring.extend(reversed(traced[end, start]))
    ring.append(points[i, j])
    return shapely.Polygon(ring)


def district(side: int, edge_vertices: int, seed: int = 7) -> list[BoundaryNode]:
    rng = random.Random(seed)
    points = lattice(side, rng)
    traced = edges(points, side, edge_vertices, rng)
    grids: dict[str, shapely.Polygon] = {}
    for row in range(side):
        for col in range(side):
            street = 1 + (row // 50) * ((side + 49) // 50) + col // 50
            community = 1 + ((row % 50) // 10) * 5 + (col % 50) // 10
            number = 1 + (row % 10) * 10 + col % 10
            grids[f"{DISTRICT}{street:03d}{community:03d}{number:03d}"] = cell(points, traced, col, row)
    shapes: dict[str, shapely.Geometry] = dict(grids)
    for length in (12, 9, 6):
        parents: dict[str, list[shapely.Geometry]] = {}
        for code, shape in shapes.items():
            if len(code) == length + 3:
                parents.setdefault(code[:length], []).append(shape)
        shapes.update({code: shapely.union_all(parts) for code, parts in parents.items()})
    return [BoundaryNode(code, code, domain.level_of_code(code) or domain.JurisdictionLevel.GRID,
                         code[:-3] if len(code) > 6 else None, json.dumps(shapely.geometry.mapping(shape)),
                         0.0, 1)
            for code, shape in sorted(shapes.items())]


async def measure(cache: LayerCache, prefix: str, tolerance: float, finest: domain.JurisdictionLevel,
                  repeats: int) -> tuple[float, list[float], int, int]:
    started = time.perf_counter()
    layer = await cache.layer([""], prefix, tolerance, finest)
    first = time.perf_counter() - started
    warm = []
    for _ in range(repeats):
        started = time.perf_counter()
        layer = await cache.layer([""], prefix, tolerance, finest)
        warm.append(time.perf_counter() - started)
    raw = layer.geojson.encode()
    return first, warm, len(raw), len(gzip.compress(raw, 6))


async def run(args: argparse.Namespace) -> None:
    print(f"shapely {shapely.__version__}, GEOS {shapely.geos_version_string}, {os.cpu_count()} CPUs")
    started = time.perf_counter()
    nodes = district(args.side, args.edge_vertices)
    grids = sum(1 for n in nodes if n.level is domain.JurisdictionLevel.GRID)
    vertices = sum(int(shapely.get_num_coordinates(shapely.from_geojson(n.geojson or ""))) for n in nodes)
    print(f"{grids:,} grids, {len(nodes):,} boundaries, {vertices:,} vertices "
          f"(built in {time.perf_counter() - started:.1f} s)")
    cache = LayerCache()
    cache.load(1, nodes)
    cases = [
        ("district, zoom 13 (communities and up)", "", 13, domain.JurisdictionLevel.COMMUNITY),
        ("one street, zoom 15 (grids)", f"{DISTRICT}001", 15, domain.JurisdictionLevel.GRID),
        ("district, zoom 15 (every grid)", "", 15, domain.JurisdictionLevel.GRID),
        ("district, whole shapes (every grid)", "", None, domain.JurisdictionLevel.GRID),
    ]
    for label, prefix, zoom, finest in cases:
        tolerance = band(zoom_tolerance(zoom)) if zoom is not None else 0.0
        first, warm, raw, packed = await measure(cache, prefix, tolerance, finest, args.repeats)
        print(f"{label}: tolerance {tolerance:g} m; first {first * 1000:.0f} ms (simplifies the band), "
              f"warm min {min(warm) * 1000:.1f} ms / median {statistics.median(warm) * 1000:.1f} ms; "
              f"{raw / 1024:.0f} KiB GeoJSON, {packed / 1024:.0f} KiB gzipped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=100, help="grids per side (side² grids)")
    parser.add_argument("--edge-vertices", type=int, default=8, help="digitised points inside each shared edge")
    parser.add_argument("--repeats", type=int, default=20)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
