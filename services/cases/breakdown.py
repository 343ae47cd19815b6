"""A jurisdiction's cases broken down for its dashboard: per child jurisdiction (open, due soon and overdue now,
reported in the period), per category reported in the period, and per Beijing day (reported and closed).

The child counts add up the map's counts per grid (tallies and day counts); the categories are a range scan of
the reported_at, jurisdiction, category index; a day's reported count sums the day counts of its grids (the
part-days at the period's ends from the rows), its closed count groups the closed_at, jurisdiction index by the
Beijing day of each closing. Nothing reads a case row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, select

from services.cases import map_layers, queries
from services.cases.models import CaseRow, ReportedDayRow
from services.cases.store import beijing_day
from services.kit.database import Database
from services.kit.jurisdiction import Level, prefix_condition, scope_condition

MAX_DAYS = 366


@dataclass
class DayCount:
    day: date
    reported: int = 0
    closed: int = 0


@dataclass
class Breakdown:
    children: list[map_layers.GridCount] = field(default_factory=list)
    categories: list[tuple[str, int]] = field(default_factory=list)
    days: list[DayCount] = field(default_factory=list)


def child_code(code: str, parent: str) -> str | None:
    """The child of ``parent`` that ``code`` lies in (``parent`` empty: the district), or None for a grid."""
    length = len(parent) + 3 if parent else int(Level.DISTRICT)
    return code[:length] if length <= int(Level.GRID) and len(code) >= length else None


async def breakdown(database: Database, prefix: str, scopes: Sequence[str], start: datetime,
                    end: datetime) -> Breakdown:
    """The breakdown of the cases in ``scopes`` under ``prefix`` for [start, end)."""
    def within(column: Any) -> list[ColumnElement[bool]]:
        return [scope_condition(column, scopes), *([prefix_condition(column, prefix)] if prefix else [])]

    result = Breakdown()
    children: dict[str, map_layers.GridCount] = {}
    for grid in await map_layers.grid_counts(database, prefix, scopes, start, end):
        child = child_code(grid.code, prefix)
        if child is None:
            continue
        total = children.setdefault(child, map_layers.GridCount(child))
        total.open += grid.open
        total.due_soon += grid.due_soon
        total.overdue += grid.overdue
        total.reported += grid.reported
    result.children = [children[code] for code in sorted(children)]

    code = queries.index_neutral_jurisdiction(database.engine.dialect.name)
    categories = (select(CaseRow.category_code, func.count())
                  .where(*within(code), CaseRow.reported_at >= start, CaseRow.reported_at < end)
                  .group_by(CaseRow.category_code))
    result.categories = sorted(((c, int(n)) for c, n in await database.fetch(categories)),
                               key=lambda item: (-item[1], item[0]))
    result.days = await _days(database, within, start, end)
    return result


def _closing_day(dialect: str) -> Any:
    """The Beijing day of a case's closing, in SQL (SQLite keeps the UTC moment as text)."""
    if dialect == "sqlite":
        return func.date(CaseRow.closed_at, "+8 hours")
    return cast(func.timezone("Asia/Shanghai", CaseRow.closed_at), Date)


async def _days(database: Database, within: Any, start: datetime, end: datetime) -> list[DayCount]:
    first, last = beijing_day(start), beijing_day(end - timedelta(microseconds=1))
    days = {first + timedelta(days=n): DayCount(first + timedelta(days=n)) for n in range((last - first).days + 1)}
    dialect = database.engine.dialect.name
    period = map_layers.split_period(start, end)
    if period.whole_days is not None:
        whole_first, whole_last = period.whole_days
        query = (select(ReportedDayRow.day, func.sum(ReportedDayRow.count))
                 .where(*within(map_layers.day_jurisdiction(dialect)), ReportedDayRow.day >= whole_first,
                        ReportedDayRow.day < whole_last)
                 .group_by(ReportedDayRow.day))
        for day, count in await database.fetch(query):
            days[_as_date(day)].reported += int(count or 0)
    code = queries.index_neutral_jurisdiction(dialect)
    for lower, upper in period.edges:
        for (moment,) in await database.fetch(select(CaseRow.reported_at).where(
                *within(code), CaseRow.reported_at >= lower, CaseRow.reported_at < upper)):
            days[beijing_day(moment)].reported += 1
    closing = _closing_day(dialect)
    closed = (select(closing, func.count())
              .where(*within(code), CaseRow.closed_at >= start, CaseRow.closed_at < end)
              .group_by(closing))
    for day, count in await database.fetch(closed):
        days[_as_date(day)].closed += int(count)
    return [days[day] for day in sorted(days)]


def _as_date(value: Any) -> date:
    """A day as the database hands it back: a date, or on SQLite its ISO text."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))
