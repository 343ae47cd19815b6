"""Benchmark: the checks of a boundary import (geometry, area, nesting in the parent, sibling overlap) on a
district file of 10 streets × 20 communities × 50 grids (10,000 grids of about 100 m, plus their parents).

Prints the time of ``boundaries.check_features`` over the whole file, without the database. A benchmark prints
numbers; it asserts nothing.

    python -m bench.boundary_check [--communities 20] [--grids 50] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from services.kit import geometry
from services.registry import boundaries

WEST, SOUTH, SIZE = 116.20, 39.90, 0.001


def square(x: float, y: float, width: float, height: float) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + width, y], [x + width, y + height], [x, y + height],
                                                [x, y]]]}


def district(streets: int, communities: int, grids: int) -> tuple[list[boundaries.Feature], dict[str, str | None]]:
    """Each community a 10-wide block of its grids; communities side by side in their street's row."""
    features: list[boundaries.Feature] = []
    parents: dict[str, str | None] = {"110108": None}
    rows = -(-grids // 10)
    for s in range(streets):
        street = f"110108{s + 1:03d}"
        parents[street] = "110108"
        features.append(boundaries.Feature(len(features) + 1, street, square(
            WEST, SOUTH + s * rows * SIZE, communities * 10 * SIZE, rows * SIZE)))
        for c in range(communities):
            community = f"{street}{c + 1:03d}"
            parents[community] = street
            west, south = WEST + c * 10 * SIZE, SOUTH + s * rows * SIZE
            features.append(boundaries.Feature(len(features) + 1, community, square(west, south, 10 * SIZE,
                                                                                    rows * SIZE)))
            for g in range(grids):
                code = f"{community}{g + 1:03d}"
                parents[code] = community
                features.append(boundaries.Feature(len(features) + 1, code, square(
                    west + (g % 10) * SIZE, south + (g // 10) * SIZE, SIZE, SIZE)))
    return features, parents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streets", type=int, default=10)
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--grids", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    features, parents = district(args.streets, args.communities, args.grids)
    known = boundaries.Known(parents, {}, lambda code: True)
    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        planned, errors = boundaries.check_features(features, geometry.Crs.WGS84, known)
        times.append(time.perf_counter() - started)
        if errors or len(planned) != len(features):
            raise SystemExit(f"the generated district does not check out: {errors[:3]}")
    print(f"check_features: {len(features):,} features ({args.streets * args.communities * args.grids:,} grids): "
          f"min {min(times):.2f} s, median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
