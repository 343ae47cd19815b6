"""The cases' layers of the map: counts per grid for the choropleth, and the located cases inside a box.

Open, due-soon and overdue counts come from the tallies (a few rows per grid, whatever the number of cases);
the reported count of a period sums the reported counts per grid and Beijing day for its whole days, and
counts the case rows only in the part-days at its ends (a range scan of the reported_at index each). A small box
of the map is read cell by cell (a range of the cell index each), a large one by its latitude band; newest first,
cut at the limit: the caller learns there are more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, func, literal_column, select

from services.cases import domain, queries, roles
from services.cases.deadlines import DueStatus
from services.cases.models import CaseRow, ReportedDayRow, TallyRow
from services.cases.store import beijing_day
from services.kit.calendar import BEIJING
from services.kit.clock import as_utc
from services.kit.database import Database
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.map_box import Box

OPEN = sorted(domain.OPEN_STATES)


@dataclass
class GridCount:
    code: str
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    reported: int = 0


async def grid_counts(database: Database, prefix: str, scopes: Sequence[str], start: datetime,
                      end: datetime) -> list[GridCount]:
    """Per grid in ``scopes`` (under ``prefix``): open, due soon and overdue now, reported in [start, end)."""
    def within(column: Any) -> list[ColumnElement[bool]]:
        return [scope_condition(column, scopes), *([prefix_condition(column, prefix)] if prefix else [])]

    tallies = (select(TallyRow.jurisdiction_code, TallyRow.due_status, func.sum(TallyRow.count))
               .where(*within(TallyRow.jurisdiction_code), TallyRow.state.in_(OPEN))
               .group_by(TallyRow.jurisdiction_code, TallyRow.due_status))
    grids: dict[str, GridCount] = {}
    for code, due, count in await database.fetch(tallies):
        grid = grids.setdefault(code, GridCount(code))
        count = int(count or 0)
        grid.open += count
        if due == DueStatus.DUE_SOON:
            grid.due_soon += count
        elif due == DueStatus.OVERDUE:
            grid.overdue += count
    for code, count in await _reported(database, within, start, end):
        grids.setdefault(code, GridCount(code)).reported += int(count)
    return [grids[code] for code in sorted(grids) if grids[code].open or grids[code].reported]


def _midnight_after(moment: datetime) -> datetime:
    """The first Beijing midnight at or after ``moment``, in UTC."""
    local = moment.astimezone(BEIJING)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return as_utc(midnight if midnight == local else midnight + timedelta(days=1))


def _midnight_before(moment: datetime) -> datetime:
    """The last Beijing midnight at or before ``moment``, in UTC."""
    return as_utc(moment.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0))


@dataclass(frozen=True)
class SplitPeriod:
    """A period as the whole Beijing days the day counts answer for, and the part-days at its ends."""

    whole_days: tuple[date, date] | None  # [first, last) days; None when no whole day lies inside
    edges: list[tuple[datetime, datetime]]


def split_period(start: datetime, end: datetime) -> SplitPeriod:
    first, last = _midnight_after(start), _midnight_before(end)
    if first >= last:  # under a whole day: the rows alone
        return SplitPeriod(None, [(start, end)])
    edges = [(a, b) for a, b in ((start, first), (last, end)) if a < b]
    return SplitPeriod((beijing_day(first), beijing_day(last)), edges)


def day_jurisdiction(dialect: str) -> Any:
    """The day counts' jurisdiction column; on SQLite kept off the planner's choice, so it walks the day index."""
    return (literal_column("+case_reported_day.jurisdiction_code", String)
            if dialect == "sqlite" else ReportedDayRow.jurisdiction_code)


async def _reported(database: Database, within: Any, start: datetime, end: datetime) -> list[Any]:
    """(grid, count) of cases reported in [start, end): whole Beijing days from the day counts, the part-days at
    the ends from the case rows."""
    period = split_period(start, end)
    dialect = database.engine.dialect.name
    rows: list[Any] = []
    if period.whole_days is not None:
        first, last = period.whole_days
        rows += await database.fetch(select(ReportedDayRow.jurisdiction_code, func.sum(ReportedDayRow.count))
                                     .where(*within(day_jurisdiction(dialect)), ReportedDayRow.day >= first,
                                            ReportedDayRow.day < last)
                                     .group_by(ReportedDayRow.jurisdiction_code))
    code = queries.index_neutral_jurisdiction(dialect)
    for lower, upper in period.edges:
        # The jurisdiction kept off the planner's index choice, so the part-day is a reported_at range scan.
        rows += await database.fetch(select(CaseRow.jurisdiction_code, func.count())
                                     .where(*within(code), CaseRow.reported_at >= lower, CaseRow.reported_at < upper)
                                     .group_by(CaseRow.jurisdiction_code))
    return rows


async def cases_in_box(database: Database, box: Box, open_only: bool, limit: int, scopes: Sequence[str],
                       reach: roles.Reach) -> tuple[list[CaseRow], bool]:
    """The newest ``limit`` located cases the caller reads inside ``box``, and whether there are more."""
    f = queries.CaseFilter(states=tuple(OPEN) if open_only else (), reach=reach)
    cells = box.cells()
    query = (select(CaseRow.id, CaseRow.number, CaseRow.category_code, CaseRow.state, CaseRow.due_status,
                    CaseRow.jurisdiction_code, CaseRow.latitude, CaseRow.longitude, CaseRow.urgent,
                    CaseRow.supervised)
             .where(*queries.conditions(f, scopes, CaseRow.jurisdiction_code),
                    *([CaseRow.location_cell.in_(cells)] if cells is not None else []),
                    CaseRow.latitude.between(box.south, box.north), CaseRow.longitude.between(box.west, box.east))
             .order_by(CaseRow.id.desc()).limit(limit + 1))
    rows = list(await database.fetch(query))
    return rows[:limit], len(rows) > limit  # type: ignore[return-value]
