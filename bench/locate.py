"""Benchmark: the kit's ``Locator`` on a district of 10,000 grids (100 × 100 squares of about 100 m).

Prints the index's build time, and the cost per point of ``locate`` called once per point and of
``locate_many`` over a batch, as min / median (and p99 for single calls) in µs. A fifth of the points lie on
shared edges. A benchmark prints numbers; it asserts nothing.

    python -m bench.locate [--side 100] [--points 10000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from typing import Any

import shapely

from services.kit.locator import Locator

DISTRICT = "110108"
# Near the demo district; about 100 m × 100 m at this latitude.
WEST, SOUTH, DX, DY = 116.25, 39.95, 0.00117, 0.0009


def box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


def tiling(side: int) -> list[tuple[str, dict[str, Any]]]:
    """A district of side × side grids; 10 × 10 grids a community, 5 × 5 communities a street."""
    boundaries = [(DISTRICT, box(WEST, SOUTH, WEST + side * DX, SOUTH + side * DY))]
    for row in range(side):
        for col in range(side):
            street = 1 + (row // 50) * ((side + 49) // 50) + col // 50
            community = 1 + ((row % 50) // 10) * 5 + (col % 50) // 10
            street_code = f"{DISTRICT}{street:03d}"
            community_code = f"{street_code}{community:03d}"
            x, y = WEST + col * DX, SOUTH + row * DY
            if row % 50 == 0 and col % 50 == 0:
                boundaries.append((street_code, box(x, y, x + 50 * DX, y + 50 * DY)))
            if row % 10 == 0 and col % 10 == 0:
                boundaries.append((community_code, box(x, y, x + 10 * DX, y + 10 * DY)))
            number = 1 + (row % 10) * 10 + col % 10
            boundaries.append((f"{community_code}{number:03d}", box(x, y, x + DX, y + DY)))
    return boundaries


def sample(side: int, count: int, rng: random.Random) -> list[tuple[float, float]]:
    points = []
    for i in range(count):
        if i % 5 == 0:
            points.append((WEST + rng.randrange(side + 1) * DX, SOUTH + rng.uniform(0, side) * DY))
        else:
            points.append((WEST + rng.uniform(0, side) * DX, SOUTH + rng.uniform(0, side) * DY))
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=100, help="grids per side (side² grids)")
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    print(f"shapely {shapely.__version__}, GEOS {shapely.geos_version_string}, {os.cpu_count()} CPUs")
    boundaries = tiling(args.side)
    grids = sum(1 for code, _ in boundaries if len(code) == 15)
    print(f"{grids:,} grids, {len(boundaries):,} boundaries in all; {args.points:,} points, a fifth on shared edges")

    builds = []
    locator = Locator(())
    for _ in range(max(1, args.repeats // 2)):
        started = time.perf_counter()
        locator = Locator(boundaries)
        builds.append(time.perf_counter() - started)
    print(f"build: min {min(builds) * 1000:.0f} ms, median {statistics.median(builds) * 1000:.0f} ms")

    points = sample(args.side, args.points, random.Random(1))
    locator.locate_many(points)  # the tree and its prepared geometries are built on first use
    located = sum(1 for p in locator.locate_many(points) if p.grid)
    print(f"points in a grid: {located:,} of {len(points):,}")

    clock = time.perf_counter_ns
    per_call: list[float] = []
    loops: list[float] = []
    for _ in range(args.repeats):
        started = clock()
        for longitude, latitude in points:
            before = clock()
            locator.locate(longitude, latitude)
            per_call.append((clock() - before) / 1000)
        loops.append((clock() - started) / 1000 / len(points))
    per_call.sort()
    print(f"locate, one call per point: min {per_call[0]:.1f} µs, median {statistics.median(per_call):.1f} µs, "
          f"p99 {per_call[int(len(per_call) * 0.99)]:.1f} µs; loop of {len(points):,} calls "
          f"min {min(loops):.1f} µs/point, median {statistics.median(loops):.1f} µs/point")

    batches = []
    for _ in range(args.repeats):
        started = clock()
        locator.locate_many(points)
        batches.append((clock() - started) / 1000 / len(points))
    print(f"locate_many, one batch of {len(points):,}: min {min(batches):.2f} µs/point, "
          f"median {statistics.median(batches):.2f} µs/point")


if __name__ == "__main__":
    main()
