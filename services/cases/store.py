"""Cases in the database: rows <-> domain, one case's reads and writes, history, tallies, numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.cases import domain, supervision
from services.cases.deadlines import Clockwork, DueStatus, Limit
from services.cases.models import CaseRow, CaseUnitRow, HistoryRow, NumberCounterRow, ReportedDayRow, TallyRow
from services.kit.clock import as_utc
from services.kit.ids import new_id
from services.kit.map_box import location_cell

BEIJING = ZoneInfo("Asia/Shanghai")


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _moment(value: str | None) -> datetime | None:
    return None if value is None else as_utc(datetime.fromisoformat(value))


def participants_json(parts: Sequence[domain.Participant]) -> list[dict[str, Any]]:
    return [{"unit": p.unit, "lead": p.lead, "report": p.report,
             "accepted_at": p.accepted_at.isoformat() if p.accepted_at else None,
             "handled_at": p.handled_at.isoformat() if p.handled_at else None} for p in parts]


def to_domain(row: Any) -> domain.Case:
    """The case of a row of the case table (an ORM CaseRow or a Core row)."""
    work = None
    if row.started_at is not None and row.deadline is not None:
        assert row.due_soon_at is not None and row.escalate_at is not None
        work = Clockwork(as_utc(row.started_at), as_utc(row.deadline), as_utc(row.due_soon_at),
                         as_utc(row.escalate_at))
    limit = Limit(row.limit_value, row.limit_unit) if row.limit_value and row.limit_unit else None
    participants = tuple(
        domain.Participant(p["unit"], p["lead"], _moment(p["accepted_at"]), _moment(p["handled_at"]), p["report"])
        for p in row.participants
    )
    return domain.Case(
        id=row.id, number=row.number, category_code=row.category_code, description=row.description,
        jurisdiction_code=row.jurisdiction_code, source=row.source, reporter=row.reporter,
        reported_at=as_utc(row.reported_at), tier=row.tier, state=row.state, category_version=row.category_version,
        address=row.address, latitude=row.latitude, longitude=row.longitude, reporter_phone=row.reporter_phone,
        urgent=row.urgent, evidence_before=tuple(row.evidence_before), evidence_after=tuple(row.evidence_after),
        handling_unit=row.handling_unit, answerable_unit=row.answerable_unit, participants=participants,
        limit=limit, registered_at=_utc(row.registered_at), dispatched_at=_utc(row.dispatched_at),
        accept_by=_utc(row.accept_by), accepted_on_time=row.accepted_on_time, work=work, due_status=row.due_status,
        supervised=row.supervised, supervision_tier=row.supervision_tier, handled_at=_utc(row.handled_at),
        handled_on_time=row.handled_on_time, handling_hours=row.handling_hours, closed_at=_utc(row.closed_at),
        closed_on_time=row.closed_on_time, rework_count=row.rework_count, reopen_count=row.reopen_count,
        extension_count=row.extension_count, escalation_count=row.escalation_count, satisfaction=row.satisfaction,
        duplicate_of=row.duplicate_of, merged_into=row.merged_into, pending_request=row.pending_request,
        pending_amount=row.pending_amount, source_service=row.source_service or "",
        source_reference=row.source_reference or "", resolution=row.resolution, located_grid=row.located_grid or "",
    )


def row_values(case: domain.Case, now: datetime, ever_overdue: bool = False) -> dict[str, Any]:
    """The column values of ``case`` (for an insert, an update, or the bulk loader)."""
    work = case.work
    late = case.due_status is DueStatus.OVERDUE or case.closed_on_time is False or case.handled_on_time is False
    return dict(
        id=case.id, number=case.number, category_code=case.category_code, category_version=case.category_version,
        description=case.description, jurisdiction_code=case.jurisdiction_code, latitude=case.latitude,
        longitude=case.longitude, location_cell=location_cell(case.latitude, case.longitude), address=case.address,
        source=case.source, reporter=case.reporter,
        reporter_phone=case.reporter_phone, urgent=case.urgent, evidence_before=list(case.evidence_before),
        evidence_after=list(case.evidence_after), state=case.state, tier=case.tier,
        handling_unit=case.handling_unit, answerable_unit=case.answerable_unit,
        participants=participants_json(case.participants),
        limit_value=case.limit.value if case.limit else None, limit_unit=case.limit.unit if case.limit else None,
        reported_at=case.reported_at, registered_at=case.registered_at, dispatched_at=case.dispatched_at,
        accept_by=case.accept_by, accepted_on_time=case.accepted_on_time,
        started_at=work.started_at if work else None, deadline=work.deadline if work else None,
        due_soon_at=work.due_soon_at if work else None, escalate_at=work.escalate_at if work else None,
        next_check_at=supervision.next_check(case), due_status=case.due_status, ever_overdue=ever_overdue or late,
        supervised=case.supervised, supervision_tier=case.supervision_tier, located_grid=case.located_grid or None,
        handled_at=case.handled_at,
        handled_on_time=case.handled_on_time, handling_hours=case.handling_hours, closed_at=case.closed_at,
        closed_on_time=case.closed_on_time, rework_count=case.rework_count, reopen_count=case.reopen_count,
        extension_count=case.extension_count, escalation_count=case.escalation_count,
        satisfaction=case.satisfaction, duplicate_of=case.duplicate_of, merged_into=case.merged_into,
        pending_request=case.pending_request, pending_amount=case.pending_amount,
        source_service=case.source_service or None, source_reference=case.source_reference or None,
        resolution=case.resolution, updated_at=now,
    )


def beijing_day(moment: datetime) -> date:
    """The Beijing calendar day of a moment: what the reported counts are kept by."""
    return as_utc(moment).astimezone(BEIJING).date()


def tally_key(case: domain.Case) -> tuple[str, domain.CaseState, DueStatus, bool]:
    return case.jurisdiction_code, case.state, case.due_status, case.supervised


def _upsert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


CASES: Any = CaseRow.__table__
HISTORY: Any = HistoryRow.__table__
UNITS: Any = CaseUnitRow.__table__

# Statements every command runs, built once: building them cost about as much as running them. Core, not the
# ORM: a command reads one row and writes the columns that changed, and the ORM's identity map and unit of
# work would only add to it.
_GET = select(CASES).where(CASES.c.id == bindparam("case_id"))
_GET_FOR_UPDATE = _GET.with_for_update()
# The SET clause is the parameters' columns (compiled once per set of columns, then cached).
_UPDATE = update(CASES).where(CASES.c.id == bindparam("case_key"))


@lru_cache(maxsize=2)
def _tally_upsert(dialect: str) -> Any:
    """The tally upsert, run once per moved tally (executemany): adds ``count`` to the row of its key."""
    table = TallyRow.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=["jurisdiction_code", "state", "due_status", "supervised"],
        set_={"count": table.c.count + statement.excluded.count},
    )


@lru_cache(maxsize=2)
def _reported_upsert(dialect: str) -> Any:
    """Adds one to the reported count of a grid and Beijing day."""
    table = ReportedDayRow.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(index_elements=["jurisdiction_code", "day"],
                                           set_={"count": table.c.count + statement.excluded.count})


def _units_of(case: domain.Case | None) -> frozenset[tuple[str, bool]]:
    return frozenset() if case is None else frozenset((p.unit, p.lead) for p in case.participants)


def _same(stored: Any, value: Any) -> bool:
    if isinstance(stored, datetime) and isinstance(value, datetime):
        return as_utc(stored) == as_utc(value)  # SQLite hands datetimes back naive
    return bool(stored == value)


@dataclass
class Loaded:
    """A case read for a change, with the column values it was stored with."""

    case: domain.Case
    stored: Mapping[str, Any]


class CaseStore:
    """One transaction's view of cases (synchronous: run inside Database.run_write / run_read)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, case_id: str, *, for_update: bool = False) -> Loaded | None:
        query = _GET_FOR_UPDATE if for_update else _GET
        row = self.session.execute(query, {"case_id": case_id}).first()
        return None if row is None else Loaded(to_domain(row), row._mapping)

    def by_source(self, service: str, reference: str) -> domain.Case | None:
        row = self.session.execute(select(CASES).where(
            CASES.c.source_service == service, CASES.c.source_reference == reference)).first()
        return None if row is None else to_domain(row)

    def add(self, case: domain.Case, entry: domain.HistoryEntry, now: datetime) -> None:
        self.session.execute(CASES.insert(), row_values(case, now))
        self._units([(None, case)])
        self._history([(case.id, entry)])
        self._tally((tally_key(case), +1))
        self.session.execute(_reported_upsert(self.session.get_bind().dialect.name), {
            "jurisdiction_code": case.jurisdiction_code, "day": beijing_day(case.reported_at), "count": 1})

    def save(self, loaded: Loaded, after: domain.Case, entries: Sequence[domain.HistoryEntry],
             now: datetime) -> None:
        """Writes the columns of ``after`` that changed, appends the history, moves the tally."""
        stored = loaded.stored
        values = row_values(after, now, stored["ever_overdue"])
        changed = {name: value for name, value in values.items() if not _same(stored[name], value)}
        self.session.execute(_UPDATE, {"case_key": after.id, **changed, "updated_at": now})
        self._units([(loaded.case, after)])
        self._history([(after.id, e) for e in entries])
        if tally_key(loaded.case) != tally_key(after):
            self._tally((tally_key(loaded.case), -1), (tally_key(after), +1))

    def save_many(self, changes: Sequence[tuple[Loaded, domain.Case, Sequence[domain.HistoryEntry]]],
                  now: datetime) -> None:
        """save() for many cases at once: the cases that changed the same columns in one executemany (an
        update rewrites the index entries of every column it sets: a sweep sets a handful, not sixty),
        one history insert and one tally statement for them all."""
        if not changes:
            return
        moves: dict[tuple[str, domain.CaseState, DueStatus, bool], int] = {}
        entries: list[tuple[str, domain.HistoryEntry]] = []
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for loaded, after, history in changes:
            before, stored = loaded.case, loaded.stored
            values = row_values(after, now, stored["ever_overdue"])
            changed = {name: value for name, value in values.items() if not _same(stored[name], value)}
            updates.setdefault(tuple(sorted(changed)), []).append({"case_key": after.id, **changed,
                                                                    "updated_at": now})
            entries.extend((after.id, e) for e in history)
            if tally_key(before) != tally_key(after):
                moves[tally_key(before)] = moves.get(tally_key(before), 0) - 1
                moves[tally_key(after)] = moves.get(tally_key(after), 0) + 1
        for rows in updates.values():
            self.session.execute(_UPDATE, rows)
        self._units([(loaded.case, after) for loaded, after, _ in changes])
        self._history(entries)
        nonzero = [(key, delta) for key, delta in moves.items() if delta]
        if nonzero:
            self._tally(*nonzero)

    def _units(self, changes: Sequence[tuple[domain.Case | None, domain.Case]]) -> None:
        """Rewrites the unit rows of each case whose units (or lead) changed: on dispatch, return,
        escalation, emergency linkage; accepting and handling a part leave them as they are."""
        changed = [(before, after) for before, after in changes if _units_of(before) != _units_of(after)]
        stale = [after.id for before, after in changed if before is not None and before.participants]
        if stale:
            self.session.execute(UNITS.delete().where(UNITS.c.case_id.in_(stale)))
        rows = [{"case_id": after.id, "unit": p.unit, "lead": p.lead}
                for _, after in changed for p in after.participants]
        if rows:
            self.session.execute(UNITS.insert(), rows)

    def _history(self, entries: Sequence[tuple[str, domain.HistoryEntry]]) -> None:
        if entries:
            self.session.execute(HISTORY.insert(), [
                dict(id=new_id(), case_id=case_id, action=e.action, actor=e.actor, at=e.at, from_state=e.from_state,
                     to_state=e.to_state, comment=e.comment, evidence=list(e.evidence), unit=e.unit)
                for case_id, e in entries
            ])

    def _tally(self, *moves: tuple[tuple[str, domain.CaseState, DueStatus, bool], int]) -> None:
        """Adds each delta to its tally row, in one statement."""
        statement = _tally_upsert(self.session.get_bind().dialect.name)
        self.session.execute(statement, [
            dict(jurisdiction_code=code, state=state, due_status=due, supervised=supervised, count=delta)
            for (code, state, due, supervised), delta in moves
        ])

    def history(self, case_id: str) -> list[tuple[str, domain.HistoryEntry]]:
        rows = self.session.scalars(
            select(HistoryRow).where(HistoryRow.case_id == case_id).order_by(HistoryRow.id))
        return [(r.id, domain.HistoryEntry(r.action, r.actor, as_utc(r.at), r.from_state, r.to_state, r.comment,
                                           tuple(r.evidence), r.unit)) for r in rows]

    def next_number(self, district: str, now: datetime) -> str:
        """district code + Beijing date + the day's sequence, e.g. 110108-20261127-0001."""
        day = now.astimezone(BEIJING).strftime("%Y%m%d")
        key = f"{district}-{day}"
        table = NumberCounterRow.__table__
        statement = _upsert(self.session, table).values(day_key=key, last=1)
        statement = statement.on_conflict_do_update(index_elements=["day_key"], set_={"last": table.c.last + 1})
        last = (self.session.execute(statement.returning(table.c.last))).scalar_one()
        return f"{key}-{last:04d}"

    def merged_reporters(self, case_id: str) -> list[str]:
        """Reporters of the reports merged into ``case_id`` (called back with it)."""
        rows = self.session.scalars(select(CaseRow).where(CaseRow.merged_into == case_id,
                                                                CaseRow.state == domain.CaseState.MERGED))
        return [r.reporter for r in rows if r.reporter]

    def likely_duplicate(self, category: str, latitude: float | None, longitude: float | None,
                               since: datetime, meters: float) -> str:
        """An open case of ``category`` reported since ``since`` within ``meters``; "" if none."""
        if latitude is None or longitude is None:
            return ""
        degrees = meters / 111_320  # a degree of latitude; longitude degrees shrink with cos(latitude)
        lon_degrees = degrees / max(math.cos(math.radians(latitude)), 0.01)
        rows = self.session.scalars(
            select(CaseRow).where(
                CaseRow.category_code == category, CaseRow.reported_at >= since,
                CaseRow.state.in_(list(domain.OPEN_STATES)),
                CaseRow.latitude.between(latitude - degrees, latitude + degrees),
                CaseRow.longitude.between(longitude - lon_degrees, longitude + lon_degrees),
            ).order_by(CaseRow.reported_at).limit(20)
        )
        for row in rows:
            assert row.latitude is not None and row.longitude is not None
            if _metres(latitude, longitude, row.latitude, row.longitude) <= meters:
                return row.id
        return ""

    def due_for_sweep(self, now: datetime, limit: int) -> list[Loaded]:
        rows = self.session.execute(
            select(CASES).where(CASES.c.next_check_at <= now).order_by(CASES.c.next_check_at, CASES.c.id)
            .limit(limit).with_for_update(skip_locked=True)).all()
        return [Loaded(to_domain(r), r._mapping) for r in rows]


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def window_start(now: datetime, hours: float) -> datetime:
    return now - timedelta(hours=hours)
