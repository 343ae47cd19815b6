"""Fire safety's layers of the map: unrectified hazards counted per grid, and the located places inside a box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.fire.domain import HazardState
from services.fire.models import HazardRow, PlaceRow
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.map_box import Box, rows_in_box

# Found and not yet put right: what a grid still has to answer for.
UNRECTIFIED = (HazardState.OPEN, HazardState.RECTIFYING, HazardState.OVERDUE, HazardState.HANDED_OVER)
LATE = (HazardState.OVERDUE, HazardState.HANDED_OVER)


@dataclass(frozen=True)
class HazardCount:
    code: str
    open: int
    overdue: int


async def hazard_counts(session: AsyncSession, prefix: str, scopes: Sequence[str]) -> list[HazardCount]:
    """Per grid in ``scopes`` under ``prefix``: unrectified hazards, and of them the overdue or handed over."""
    where = [scope_condition(HazardRow.jurisdiction_code, scopes), HazardRow.state.in_(UNRECTIFIED)]
    if prefix:
        where.append(prefix_condition(HazardRow.jurisdiction_code, prefix))
    late = func.sum(case((HazardRow.state.in_(LATE), 1), else_=0))
    query = (select(HazardRow.jurisdiction_code, func.count(), late).where(*where)
             .group_by(HazardRow.jurisdiction_code).order_by(HazardRow.jurisdiction_code))
    return [HazardCount(code, int(total), int(overdue or 0)) for code, total, overdue in await session.execute(query)]


async def places_in_box(session: AsyncSession, box: Box, limit: int,
                        scopes: Sequence[str]) -> tuple[list[PlaceRow], bool]:
    """The located places in ``scopes`` inside ``box`` (at most ``limit``, by id), and whether there are more."""
    return await rows_in_box(session, PlaceRow, box, limit, scopes)
