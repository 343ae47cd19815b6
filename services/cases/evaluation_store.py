"""Evaluation counts from the database: one aggregate query per subject or ranking (rules: evaluation.py)."""

from __future__ import annotations

from collections.abc import Callable
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


class Columns:
    """The columns a subject is told by, in the cases table or in the ratings table."""

    def __init__(self, table: Any, unit: Any) -> None:
        self.jurisdiction_code = table.jurisdiction_code
        self.reported_at = table.reported_at
        self.reporter = table.reporter
        self.unit = unit


CASES = Columns(CaseRow, CaseRow.answerable_unit)
RATINGS = Columns(RatingRow, RatingRow.unit)
Group = Callable[[Columns], Any]
Where = Callable[[Columns], list[ColumnElement[bool]]]


def subject_condition(subject: str, key: str) -> Where:
    """unit: the answerable unit; jurisdiction: a code prefix; grid_worker: the reporter."""
    if subject == "unit":
        return lambda c: [c.unit == key]
    if subject == "jurisdiction":
        return lambda c: [prefix_condition(c.jurisdiction_code, key)]
    return lambda c: [c.reporter == key]


async def counts_by(session: AsyncSession, group: Group, where: Where, start: datetime, end: datetime,
                    now: datetime) -> dict[str, Counts]:
    """Counts of the cases reported in [start, end) matching ``where``, grouped by ``group``.

    Two range scans: the cases over ix_case_evaluation (covering), their ratings over ix_case_rating_reported.
    """

    def period(c: Columns) -> list[ColumnElement[bool]]:
        return [c.reported_at >= start, c.reported_at < end, *where(c)]

    cutoff = min(end, now)
    key = group(CASES)
    rows = (await session.execute(select(key, *_case_columns(cutoff)).where(*period(CASES)).group_by(key))).all()
    result: dict[str, Counts] = {}
    for name, *values in rows:
        (reported, registered, voided, dispatched, accepted_on_time, handled, handled_on_time, closed,
         closed_on_time, due_to_close, rework, overdue, extensions, public, callbacks, satisfied, hours) = values
        result[str(name)] = Counts(
            int(reported), int(registered or 0), int(voided or 0), int(dispatched or 0), int(accepted_on_time or 0),
            int(handled or 0), int(handled_on_time or 0), int(closed or 0), int(closed_on_time or 0),
            int(due_to_close or 0), int(rework or 0), int(overdue or 0), int(extensions or 0), int(public or 0),
            int(callbacks or 0), int(satisfied or 0), float(hours or 0.0))
    rating_key = group(RATINGS)
    ratings = (await session.execute(
        select(rating_key, func.count(), func.sum(RatingRow.score)).where(*period(RATINGS)).group_by(rating_key)
    )).all()
    for name, count, total in ratings:
        base = result.get(str(name), Counts())
        result[str(name)] = base + Counts(ratings=int(count), rating_total=int(total or 0))
    return result


async def counts_for(session: AsyncSession, subject: str, key: str, start: datetime, end: datetime,
                     now: datetime) -> Counts:
    found = await counts_by(session, lambda c: literal(key), subject_condition(subject, key), start, end, now)
    return found.get(key, Counts())


async def ranking_counts(session: AsyncSession, dimension: str, district: str, start: datetime, end: datetime,
                         now: datetime) -> dict[str, Counts]:
    """Counts per street (first 9 digits of the code) or per answerable unit, inside ``district``."""
    if dimension == "street":
        return await counts_by(session, lambda c: func.substr(c.jurisdiction_code, 1, 9),
                               lambda c: [prefix_condition(c.jurisdiction_code, district)], start, end, now)
    return await counts_by(session, lambda c: c.unit,
                           lambda c: [prefix_condition(c.jurisdiction_code, district), c.unit != ""],
                           start, end, now)
