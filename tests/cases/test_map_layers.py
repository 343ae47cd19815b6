"""The map's reported counts of a period agree with counting the case rows, for whole-day periods (the day counts)
and periods that start or end inside a Beijing day (the part-days counted from the rows); a box's points agree
with testing every case; on both databases."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, literal_column, select

from services.cases import domain, map_layers, roles
from services.cases.bulk import bulk_load
from services.cases.models import CaseRow
from services.kit.database import Database
from services.kit.map_box import CELL_DEGREES, Box, cell_sql, location_cell

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
BEIJING_MIDNIGHT = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # 2 Nov 00:00 in Beijing


async def brute_force(database: Database, start: datetime, end: datetime, prefix: str) -> dict[str, int]:
    query = (select(CaseRow.jurisdiction_code, func.count())
             .where(CaseRow.reported_at >= start, CaseRow.reported_at < end,
                    CaseRow.jurisdiction_code.startswith(prefix))
             .group_by(CaseRow.jurisdiction_code))
    return {code: int(count) for code, count in await database.fetch(query)}


@pytest.mark.parametrize(("start", "end"), [
    (BEIJING_MIDNIGHT, BEIJING_MIDNIGHT + timedelta(days=20)),  # whole days only
    (BEIJING_MIDNIGHT + timedelta(hours=5), BEIJING_MIDNIGHT + timedelta(days=9, hours=13)),  # part-days at both ends
    (BEIJING_MIDNIGHT + timedelta(hours=1), BEIJING_MIDNIGHT + timedelta(hours=20)),  # inside two days
    (BEIJING_MIDNIGHT + timedelta(hours=2), BEIJING_MIDNIGHT + timedelta(hours=3)),  # inside one day
    (NOW - timedelta(days=400), NOW + timedelta(days=1)),
])
async def test_reported_in_a_period_agrees_with_counting_the_rows(database: Database, start: datetime,
                                                                  end: datetime) -> None:
    await bulk_load(database, 3000, seed=5, now=NOW)
    for prefix in ("", "110108001"):
        counted = await map_layers.grid_counts(database, prefix, [""], start, end)
        expected = await brute_force(database, start, end, prefix)
        assert {g.code: g.reported for g in counted if g.reported} == expected
        assert sum(expected.values()) > 0 or end - start < timedelta(days=1)


async def test_a_box_of_points_agrees_with_testing_every_case(database: Database) -> None:
    """Small boxes (read cell by cell), boxes on cell edges and a box too large for cells (read by its latitude
    band) give exactly the located cases inside them, newest first, on both databases."""
    await bulk_load(database, 3000, seed=6, now=NOW)
    rows = await database.fetch(select(CaseRow.id, CaseRow.latitude, CaseRow.longitude, CaseRow.state,
                                       CaseRow.location_cell))
    assert all(r.location_cell == location_cell(r.latitude, r.longitude) for r in rows)
    edge = 39.9 + CELL_DEGREES - (39.9 + 90) % CELL_DEGREES  # a latitude on a cell edge
    boxes = [Box(116.29, 39.89, 116.31, 39.91), Box(116.3, edge - 0.001, 116.302, edge),
             Box(116.3, edge, 116.302, edge + 0.001), Box(116.0, 39.0, 117.0, 40.5),
             Box(116.299, 39.899, 116.3, 39.9)]
    assert boxes[3].cells() is None and boxes[0].cells() is not None
    rng = random.Random(3)
    for _ in range(20):
        west, south = 116.25 + rng.random() * 0.09, 39.85 + rng.random() * 0.09
        boxes.append(Box(west, south, west + rng.random() * 0.02 + 1e-6, south + rng.random() * 0.02 + 1e-6))
    reach = roles.Reach(whole=("",))
    for box in boxes:
        for open_only in (True, False):
            expected = sorted((r.id for r in rows if box.south <= r.latitude <= box.north
                               and box.west <= r.longitude <= box.east
                               and (not open_only or r.state in domain.OPEN_STATES)), reverse=True)
            found, more = await map_layers.cases_in_box(database, box, open_only, 5000, [""], reach)
            assert [r.id for r in found] == expected and not more, box


async def test_the_migration_fills_the_cell_the_model_computes(database: Database) -> None:
    await bulk_load(database, 500, seed=7, now=NOW)
    dialect = database.engine.dialect.name
    computed = await database.fetch(select(CaseRow.location_cell, literal_column(cell_sql(dialect)))
                                    .where(CaseRow.latitude.is_not(None)))
    assert computed and all(stored == filled for stored, filled in computed)
    # Corners of the world: the last row and column are closed.
    assert location_cell(90.0, 180.0) == location_cell(89.9999, 179.9999)
    assert location_cell(-90.0, -180.0) == 0
