"""The read side: case lists, the overdue list and dashboard counts, all index range scans in scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, String, and_, false, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.cases import domain, roles
from services.cases.deadlines import DueStatus
from services.cases.models import CaseRow, CaseUnitRow, TallyRow
from services.cases.store import to_domain
from services.kit.clock import as_utc
from services.kit.database import Database
from services.kit.errors import InvalidArgument
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.pagination import Page

CASES = CaseRow.__table__


@dataclass(frozen=True)
class CaseFilter:
    states: tuple[domain.CaseState, ...] = ()
    category_code: str = ""
    tier: domain.Tier | None = None
    due_status: DueStatus | None = None
    jurisdiction_prefix: str = ""
    source: domain.SourceChannel | None = None
    text: str = ""
    handling_unit: str = ""
    source_service: str = ""
    source_reference: str = ""
    # What the caller's roles read (set by the service from the signed actor): None reads the scopes whole.
    reach: roles.Reach | None = None

    def fingerprint(self, scopes: Sequence[str]) -> dict[str, Any]:
        return {"states": sorted(s.value for s in self.states), "category": self.category_code,
                "tier": self.tier.name if self.tier else "", "due": self.due_status or "",
                "prefix": self.jurisdiction_prefix, "source": self.source or "", "text": self.text,
                "unit": self.handling_unit, "reach": self.reach.fingerprint() if self.reach else None,
                "scopes": list(scopes), "source_service": self.source_service,
                "source_reference": self.source_reference}


def _jurisdiction(session: AsyncSession) -> Any:
    return _jurisdiction_on(session.get_bind().dialect.name)


def index_neutral_jurisdiction(dialect: str) -> Any:
    """The jurisdiction column for a condition that must not pick the planner's index (see _jurisdiction_on)."""
    return _jurisdiction_on(dialect)


def _jurisdiction_on(dialect: str) -> Any:
    """The jurisdiction column as lists should filter on it.

    Lists come newest first: walking the primary key backwards and testing the jurisdiction finds a
    page of a street or a grid after at most a few thousand rows, where SQLite's planner would rather
    read the whole jurisdiction range and sort it (a street of a million cases: hundreds of ms). Its
    unary + is a no-op that keeps the planner off that index; PostgreSQL plans this well alone.
    """
    if dialect == "sqlite":
        return literal_column("+case_record.jurisdiction_code", String)
    return CaseRow.jurisdiction_code


def conditions(f: CaseFilter, scopes: Sequence[str], code: Any) -> list[ColumnElement[bool]]:
    """The WHERE of a list: the scopes, the filter's fields and the caller's reach, on jurisdiction column ``code``."""
    where = [scope_condition(code, scopes)]
    if f.jurisdiction_prefix:
        where.append(prefix_condition(code, f.jurisdiction_prefix))
    if f.states:
        where.append(CaseRow.state.in_(list(f.states)))
    if f.category_code:
        where.append(CaseRow.category_code == f.category_code)
    if f.tier is not None:
        where.append(CaseRow.tier == f.tier)
    if f.due_status is not None:
        where.append(CaseRow.due_status == f.due_status)
    if f.source is not None:
        where.append(CaseRow.source == f.source)
    if f.source_service:
        where.append(CaseRow.source_service == f.source_service)
    if f.source_reference:
        where.append(CaseRow.source_reference == f.source_reference)
    if f.handling_unit:
        where.append(_units_cases(f.handling_unit))
    if f.reach is not None and f.reach.narrowed:
        where.append(_reach_condition(f.reach, code))
    if f.text:
        pattern = "%" + f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(or_(CaseRow.description.like(pattern, escape="\\"), CaseRow.address.like(pattern, escape="\\"),
                         CaseRow.number.like(pattern, escape="\\")))
    return where


def _units_cases(unit: str) -> Any:
    # The lead or a co-handler of the current dispatch (a walk of ix_case_unit_unit).
    return CaseRow.id.in_(select(CaseUnitRow.case_id).where(CaseUnitRow.unit == unit))


def _reach_condition(reach: roles.Reach, code: Any) -> ColumnElement[bool]:
    """The cases the caller's roles read: whole scopes, its unit's cases, its own reports (none: nothing)."""
    parts = []
    if reach.whole:
        parts.append(scope_condition(code, reach.whole))
    if reach.unit:
        parts.append(and_(scope_condition(code, reach.unit), _units_cases(reach.department)))
    if reach.own:
        parts.append(and_(scope_condition(code, reach.own), CaseRow.reporter == reach.reporter))
    return or_(*parts) if parts else false()


def _after(page: Page, arity: int) -> tuple[Any, ...] | None:
    if page.after is None:
        return None
    if len(page.after) != arity or not all(isinstance(v, str) for v in page.after):
        raise InvalidArgument.field("page.page_token", "is not a token this service issued")
    return page.after


async def list_cases(session: AsyncSession, f: CaseFilter, scopes: Sequence[str],
                     page: Page) -> tuple[list[domain.Case], str]:
    """Newest first (ids are time-ordered), continued after the last id."""
    query = select(CaseRow).where(*conditions(f, scopes, _jurisdiction(session)))
    after = _after(page, 1)
    if after:
        query = query.where(CaseRow.id < after[0])
    rows = list(await session.scalars(query.order_by(CaseRow.id.desc()).limit(page.size + 1)))
    more = len(rows) > page.size
    rows = rows[: page.size]
    cases = [to_domain(r) for r in rows]
    return cases, page.next_token([rows[-1].id] if rows else None, more)


async def cases_by_source(session: AsyncSession, source_service: str, references: Sequence[str],
                          scopes: Sequence[str]) -> list[domain.Case]:
    """The cases ``source_service`` raised for ``references`` inside ``scopes`` (a walk of ux_case_source)."""
    if not references:
        return []
    query = select(CaseRow).where(CaseRow.source_service == source_service,
                                  CaseRow.source_reference.in_(list(references)),
                                  scope_condition(CaseRow.jurisdiction_code, scopes))
    return [to_domain(row) for row in await session.scalars(query)]


async def overdue_cases(database: Database, prefix: str, scopes: Sequence[str],
                        page: Page) -> tuple[list[Row[Any]], str]:
    """Overdue cases, most overdue (earliest deadline) first: a walk of ix_case_due_deadline.

    One Core statement through Database.fetch (one hop, no ORM session); the rows hold every column of
    the case table in table order (case_list.add_cases turns them into messages).
    """
    after = _after(page, 2)
    deadline: datetime | None = None
    if after:
        try:
            deadline = datetime.fromisoformat(after[0])
        except ValueError:
            raise InvalidArgument.field("page.page_token", "is not a token this service issued") from None
    query = _overdue_query(database.engine.dialect.name, prefix, tuple(scopes), page.size,
                           None if after is None or deadline is None else (deadline, after[1]))
    rows = list(await database.fetch(query))
    more = len(rows) > page.size
    rows = rows[: page.size]
    last = rows[-1] if rows else None
    # The deadline as the domain record has it: known only while the clock runs.
    running = last is not None and last.started_at is not None and last.deadline is not None
    key = [as_utc(last.deadline).isoformat() if running else "", last.id] if last is not None else None
    return rows, page.next_token(key, more)


# Building a statement costs more than running it here (a street's dashboard asks for the same few over
# and over). A statement holds no rows, only the SQL and its bound values, so sharing it is safe.
@lru_cache(maxsize=512)
def _overdue_query(dialect: str, prefix: str, scopes: tuple[str, ...], size: int,
                   after: tuple[datetime, str] | None) -> Select[Any]:
    # Walking ix_case_due_deadline in deadline order finds a page after a few dozen entries (see
    # _jurisdiction_on for why the jurisdiction index is kept out of it on SQLite).
    code = _jurisdiction_on(dialect)
    query = select(CASES).where(CaseRow.due_status == DueStatus.OVERDUE, scope_condition(code, scopes))
    if prefix:
        query = query.where(prefix_condition(code, prefix))
    if after:
        deadline, last_id = after
        query = query.where(or_(CaseRow.deadline > deadline, (CaseRow.deadline == deadline) & (CaseRow.id > last_id)))
    return query.order_by(CaseRow.deadline, CaseRow.id).limit(size + 1)


@dataclass(frozen=True)
class Dashboard:
    by_state: dict[domain.CaseState, int]
    by_due: dict[DueStatus, int]
    supervised: int


async def dashboard(database: Database, prefix: str, scopes: Sequence[str]) -> Dashboard:
    """Counts from the tallies: a few rows per grid, whatever the number of cases (one statement, one hop)."""
    query = _dashboard_query(prefix, tuple(scopes))
    by_state: dict[domain.CaseState, int] = {}
    by_due: dict[DueStatus, int] = {}
    supervised = 0
    for state, due, is_supervised, count in await database.fetch(query):
        count = int(count or 0)
        by_state[state] = by_state.get(state, 0) + count
        if state in domain.OPEN_STATES:
            by_due[due] = by_due.get(due, 0) + count
            supervised += count if is_supervised else 0
    return Dashboard(by_state, by_due, supervised)


@lru_cache(maxsize=512)
def _dashboard_query(prefix: str, scopes: tuple[str, ...]) -> Select[Any]:
    query = (select(TallyRow.state, TallyRow.due_status, TallyRow.supervised, func.sum(TallyRow.count))
             .where(scope_condition(TallyRow.jurisdiction_code, scopes))
             .group_by(TallyRow.state, TallyRow.due_status, TallyRow.supervised))
    if prefix:
        query = query.where(prefix_condition(TallyRow.jurisdiction_code, prefix))
    return query


@dataclass
class OpenCount:
    """Open cases under one jurisdiction code, by due status and supervision."""

    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    supervised: int = 0


async def open_counts(database: Database, codes: Sequence[str], scopes: Sequence[str]) -> dict[str, OpenCount]:
    """Open cases under each code (inside ``scopes``), from the tallies: one statement for all the codes,
    then each tally row (a grid's) added to the counts of the codes it lies under."""
    wanted = sorted(set(codes))
    counts = {code: OpenCount() for code in wanted}
    if not wanted:
        return counts
    lengths = sorted({len(code) for code in wanted})
    tally = TallyRow
    query = (select(tally.jurisdiction_code, tally.due_status, tally.supervised, tally.count)
             .where(scope_condition(tally.jurisdiction_code, scopes), tally.state.in_(list(domain.OPEN_STATES)),
                    tally.count > 0, or_(*(prefix_condition(tally.jurisdiction_code, code) for code in wanted))))
    for code, due, supervised, count in await database.fetch(query):
        for length in lengths:
            found = counts.get(code[:length])
            if found is None:
                continue
            found.open += count
            found.due_soon += count if due is DueStatus.DUE_SOON else 0
            found.overdue += count if due is DueStatus.OVERDUE else 0
            found.supervised += count if supervised else 0
    return counts
