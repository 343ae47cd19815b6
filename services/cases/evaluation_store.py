"""Evaluation counts from the database: one aggregate query per subject or ranking (rules: evaluation.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.cases import domain
from services.cases.evaluation import Counts
from services.cases.models import CaseRow, RatingRow
from services.kit.jurisdiction import prefix_condition

S = domain.CaseState


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _case_columns(cutoff: datetime) -> list[Any]:
    """The per-case counting rules of evaluation.py's docstring, as SQL aggregates (order = Counts fields)."""
    c = CaseRow
    dispatched = c.dispatched_at.is_not(None)
    return [
        func.count(),  # reported
        _count(c.registered_at.is_not(None)),  # registered
        _count(c.state == S.VOIDED),  # voided
        _count(dispatched),  # dispatched
        _count(c.accepted_on_time.is_(True)),  # accepted_on_time
        _count(c.handled_at.is_not(None)),  # handled
        _count(c.handled_on_time.is_(True)),  # handled_on_time
        _count(c.closed_at.is_not(None)),  # closed
        _count(c.closed_on_time.is_(True)),  # closed_on_time
        # due to close: dispatched and either closed or past its deadline by the cut-off
        _count(and_(dispatched, or_(c.closed_at.is_not(None), c.deadline < cutoff))),
        func.coalesce(func.sum(c.rework_count), 0),  # rework
        _count(c.ever_overdue.is_(True)),  # overdue
        func.coalesce(func.sum(c.extension_count), 0),  # extensions
        _count(and_(c.registered_at.is_not(None), c.source.in_(list(domain.PUBLIC_SOURCES)))),  # public_reports
        _count(c.satisfaction.is_not(None)),  # callbacks
        _count(c.satisfaction.in_([domain.Satisfaction.SATISFIED, domain.Satisfaction.BASICALLY_SATISFIED])),
        func.coalesce(func.sum(case((c.handled_at.is_not(None), c.handling_hours), else_=0.0)), 0.0),
    ]


def subject_condition(subject: str, key: str) -> ColumnElement[bool]:
    """unit: the answerable unit; jurisdiction: a code prefix; grid_worker: the reporter."""
    if subject == "unit":
        return CaseRow.answerable_unit == key
    if subject == "jurisdiction":
        return prefix_condition(CaseRow.jurisdiction_code, key)
    return CaseRow.reporter == key


async def counts_by(session: AsyncSession, group: Any, where: list[ColumnElement[bool]],
                    start: datetime, end: datetime, now: datetime) -> dict[str, Counts]:
    """Counts of the cases reported in [start, end) matching ``where``, grouped by ``group``."""
    period = [CaseRow.reported_at >= start, CaseRow.reported_at < end, *where]
    cutoff = min(end, now)
    rows = (await session.execute(select(group, *_case_columns(cutoff)).where(*period).group_by(group))).all()
    result: dict[str, Counts] = {}
    for key, *values in rows:
        (reported, registered, voided, dispatched, accepted_on_time, handled, handled_on_time, closed,
         closed_on_time, due_to_close, rework, overdue, extensions, public, callbacks, satisfied, hours) = values
        result[str(key)] = Counts(
            int(reported), int(registered or 0), int(voided or 0), int(dispatched or 0), int(accepted_on_time or 0),
            int(handled or 0), int(handled_on_time or 0), int(closed or 0), int(closed_on_time or 0),
            int(due_to_close or 0), int(rework or 0), int(overdue or 0), int(extensions or 0), int(public or 0),
            int(callbacks or 0), int(satisfied or 0), float(hours or 0.0))
    ratings = (await session.execute(
        select(group, func.count(), func.sum(RatingRow.score)).select_from(RatingRow)
        .join(CaseRow, CaseRow.id == RatingRow.case_id).where(*period).group_by(group))).all()
    for key, count, total in ratings:
        base = result.get(str(key), Counts())
        result[str(key)] = base + Counts(ratings=int(count), rating_total=int(total or 0))
    return result


async def counts_for(session: AsyncSession, subject: str, key: str, start: datetime, end: datetime,
                     now: datetime) -> Counts:
    found = await counts_by(session, literal(key), [subject_condition(subject, key)], start, end, now)
    return found.get(key, Counts())


async def ranking_counts(session: AsyncSession, dimension: str, district: str, start: datetime, end: datetime,
                         now: datetime) -> dict[str, Counts]:
    """Counts per street (first 9 digits of the code) or per answerable unit, inside ``district``."""
    where = [prefix_condition(CaseRow.jurisdiction_code, district)]
    if dimension == "street":
        return await counts_by(session, func.substr(CaseRow.jurisdiction_code, 1, 9), where, start, end, now)
    return await counts_by(session, CaseRow.answerable_unit, [*where, CaseRow.answerable_unit != ""],
                           start, end, now)
