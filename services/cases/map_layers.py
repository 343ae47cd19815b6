"""The cases' layers of the map: counts per grid for the choropleth, and the located cases inside a box.

Open, due-soon and overdue counts come from the tallies (a few rows per grid, whatever the number of cases);
the reported count of a period is one range scan of the covering evaluation index. A box of the map is a
range scan of the location index, newest first, cut at the limit: the caller learns there are more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from services.cases import domain, queries, roles
from services.cases.deadlines import DueStatus
from services.cases.models import CaseRow, TallyRow
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
    where_tally = [scope_condition(TallyRow.jurisdiction_code, scopes), TallyRow.state.in_(OPEN)]
    where_cases = [scope_condition(CaseRow.jurisdiction_code, scopes), CaseRow.reported_at >= start,
                   CaseRow.reported_at < end]
    if prefix:
        where_tally.append(prefix_condition(TallyRow.jurisdiction_code, prefix))
        where_cases.append(prefix_condition(CaseRow.jurisdiction_code, prefix))
    tallies = (select(TallyRow.jurisdiction_code, TallyRow.due_status, func.sum(TallyRow.count))
               .where(*where_tally).group_by(TallyRow.jurisdiction_code, TallyRow.due_status))
    reported = (select(CaseRow.jurisdiction_code, func.count()).where(*where_cases)
                .group_by(CaseRow.jurisdiction_code))
    grids: dict[str, GridCount] = {}
    for code, due, count in await database.fetch(tallies):
        grid = grids.setdefault(code, GridCount(code))
        count = int(count or 0)
        grid.open += count
        if due == DueStatus.DUE_SOON:
            grid.due_soon += count
        elif due == DueStatus.OVERDUE:
            grid.overdue += count
    for code, count in await database.fetch(reported):
        grids.setdefault(code, GridCount(code)).reported = int(count)
    return [grids[code] for code in sorted(grids) if grids[code].open or grids[code].reported]


async def cases_in_box(database: Database, box: Box, open_only: bool, limit: int, scopes: Sequence[str],
                       reach: roles.Reach) -> tuple[list[CaseRow], bool]:
    """The newest ``limit`` located cases the caller reads inside ``box``, and whether there are more."""
    f = queries.CaseFilter(states=tuple(OPEN) if open_only else (), reach=reach)
    query = (select(CaseRow.id, CaseRow.number, CaseRow.category_code, CaseRow.state, CaseRow.due_status,
                    CaseRow.jurisdiction_code, CaseRow.latitude, CaseRow.longitude, CaseRow.urgent,
                    CaseRow.supervised)
             .where(*queries.conditions(f, scopes, CaseRow.jurisdiction_code),
                    CaseRow.latitude.between(box.south, box.north), CaseRow.longitude.between(box.west, box.east))
             .order_by(CaseRow.id.desc()).limit(limit + 1))
    rows = list(await database.fetch(query))
    return rows[:limit], len(rows) > limit  # type: ignore[return-value]
