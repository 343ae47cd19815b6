"""Pollution inspection's layers of the map: violations counted per grid, and the located sources inside a box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.domain import ViolationState
from services.inspection.models import SourceRow, ViolationRow
from services.kit.jurisdiction import scope_condition
from services.kit.map_box import Box, rows_in_box


@dataclass(frozen=True)
class ViolationCount:
    code: str
    open: int
    found: int


async def violation_counts(session: AsyncSession, scopes: Sequence[str], start: datetime,
                           end: datetime) -> list[ViolationCount]:
    """Per grid in ``scopes``: violations open now, and found in [start, end); grids with neither left out."""
    is_open = ViolationRow.state == ViolationState.OPEN
    in_period = and_(ViolationRow.found_at >= start, ViolationRow.found_at < end)
    query = (select(ViolationRow.jurisdiction_code, func.sum(case((is_open, 1), else_=0)),
                    func.sum(case((in_period, 1), else_=0)))
             .where(scope_condition(ViolationRow.jurisdiction_code, scopes), is_open | in_period)
             .group_by(ViolationRow.jurisdiction_code).order_by(ViolationRow.jurisdiction_code))
    return [ViolationCount(code, int(opened or 0), int(found or 0))
            for code, opened, found in await session.execute(query)]


async def sources_in_box(session: AsyncSession, box: Box, limit: int,
                         scopes: Sequence[str]) -> tuple[list[SourceRow], bool]:
    """The located sources in ``scopes`` inside ``box`` (at most ``limit``, by id), and whether there are more."""
    return await rows_in_box(session, SourceRow, box, limit, scopes)
