"""A dashboard's breakdown agrees with counting the case rows one by one: per child jurisdiction, per category and
per Beijing day (reported and closed), for whole-day periods and periods cut inside a day, on both databases."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.cases import breakdown, domain
from services.cases.bulk import bulk_load
from services.cases.models import CaseRow
from services.cases.store import beijing_day
from services.kit.clock import as_utc
from services.kit.database import Database

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
BEIJING_MIDNIGHT = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # 2 Nov 00:00 in Beijing


@pytest.mark.parametrize(("start", "end"), [
    (BEIJING_MIDNIGHT - timedelta(days=60), BEIJING_MIDNIGHT + timedelta(days=25)),  # whole days only
    (BEIJING_MIDNIGHT + timedelta(hours=5), BEIJING_MIDNIGHT + timedelta(days=9, hours=13)),  # part-days at both ends
    (BEIJING_MIDNIGHT + timedelta(hours=2), BEIJING_MIDNIGHT + timedelta(hours=3)),  # inside one day
])
@pytest.mark.parametrize("prefix", ["110108", "110108001", "110108001001"])
async def test_the_breakdown_agrees_with_counting_the_rows(database: Database, start: datetime, end: datetime,
                                                           prefix: str) -> None:
    await bulk_load(database, 3000, seed=8, now=NOW)
    rows = [r for r in await database.fetch(select(CaseRow.jurisdiction_code, CaseRow.state, CaseRow.due_status,
                                                   CaseRow.category_code, CaseRow.reported_at, CaseRow.closed_at))
            if r.jurisdiction_code.startswith(prefix)]
    found = await breakdown.breakdown(database, prefix, [""], start, end)

    def child(code: str) -> str:
        return code[:len(prefix) + 3]

    in_period = [r for r in rows if start <= as_utc(r.reported_at) < end]
    open_rows = [r for r in rows if r.state in domain.OPEN_STATES]
    expected_children = {
        code: (Counter(child(r.jurisdiction_code) for r in open_rows)[code],
               Counter(child(r.jurisdiction_code) for r in open_rows if r.due_status.name == "OVERDUE")[code],
               Counter(child(r.jurisdiction_code) for r in in_period)[code])
        for code in {child(r.jurisdiction_code) for r in open_rows + in_period}}
    assert {c.code: (c.open, c.overdue, c.reported) for c in found.children} == expected_children
    assert all(len(c.code) == len(prefix) + 3 for c in found.children) and found.children
    assert found.categories == sorted(Counter(r.category_code for r in in_period).items(),
                                      key=lambda item: (-item[1], item[0]))

    days = {d.day: (d.reported, d.closed) for d in found.days}
    assert min(days) == beijing_day(start) and max(days) == beijing_day(end - timedelta(microseconds=1))
    assert len(days) == (max(days) - min(days)).days + 1
    reported = Counter(beijing_day(r.reported_at) for r in in_period)
    closed = Counter(beijing_day(r.closed_at) for r in rows
                     if r.closed_at is not None and start <= as_utc(r.closed_at) < end)
    assert {day: counts for day, counts in days.items() if counts != (0, 0)} == {
        day: (reported[day], closed[day]) for day in reported.keys() | closed.keys()}
    if end - start > timedelta(days=2):
        assert sum(closed.values()) > 0 and sum(reported.values()) > 0


async def test_a_grid_has_no_children(database: Database) -> None:
    await bulk_load(database, 300, seed=9, now=NOW)
    (code,) = (await database.fetch(select(CaseRow.jurisdiction_code).limit(1)))[0]
    found = await breakdown.breakdown(database, code, [""], NOW - timedelta(days=30), NOW)
    assert found.children == [] and len(found.days) == 31
