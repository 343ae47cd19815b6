"""The map's reported counts of a period agree with counting the case rows, for whole-day periods (the day counts)
and periods that start or end inside a Beijing day (the part-days counted from the rows), on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.cases import map_layers
from services.cases.bulk import bulk_load
from services.cases.models import CaseRow
from services.kit.database import Database

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
