"""Missed-window reminders: each (head or source, window) recorded once and published through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from google.protobuf.message import Message
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.convert import to_proto
from services.inspection.domain import ControlLevel, GridLevel
from services.inspection.models import KIT, MissedWindowRow
from services.inspection.schedule import MissedKind, Window
from services.kit.ids import new_id
from services.kit.jurisdiction import scope_condition
from services.kit.outbox import Outgoing, publish_all
from services.kit.pagination import Page, fetch_page

# The outbox event type of each kind.
EVENT_TYPES = {MissedKind.PATROL: "PatrolMissed", MissedKind.SUPERVISION: "SupervisionMissed"}
# Rows per insert statement (twelve columns each, well under either database's parameter limit).
INSERT_CHUNK = 500
UNIQUE_KEY = ("kind", "subject_id", "window_start", "window_end")

Key = tuple[MissedKind, str, date, date]


@dataclass(frozen=True)
class Missed:
    """A window that closed with patrols or checks lacking, and whose duty it was."""

    kind: MissedKind
    subject_id: str
    name: str
    jurisdiction_code: str
    window: Window
    level: GridLevel | None = None
    control_level: ControlLevel | None = None

    @property
    def key(self) -> Key:
        return self.kind, self.subject_id, self.window.start, self.window.end


def event_of(missed: Missed, reminder_id: str) -> Message:
    """The PatrolMissed or SupervisionMissed a notifier acts on."""
    window = missed.window
    if missed.kind is MissedKind.PATROL:
        return pb.PatrolMissed(
            reminder_id=reminder_id, subject_id=missed.subject_id, jurisdiction_code=missed.jurisdiction_code,
            level=int(missed.level or 0), window_start=window.start.isoformat(), window_end=window.end.isoformat(),
            required=window.required, done=window.done)
    return pb.SupervisionMissed(
        reminder_id=reminder_id, source_id=missed.subject_id, name=missed.name,
        jurisdiction_code=missed.jurisdiction_code,
        control_level=to_proto(missed.control_level) if missed.control_level else 0,
        window_start=window.start.isoformat(), window_end=window.end.isoformat(), required=window.required,
        done=window.done)


class ReminderStore:
    """The missed windows raised so far; the unique (kind, subject, window) key makes each one raise once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def raised(self, kind: MissedKind, subject_ids: Sequence[str], earliest_end: date) -> set[Key]:
        """Keys already raised for ``subject_ids`` of windows ending on or after ``earliest_end``."""
        if not subject_ids:
            return set()
        rows = await self.session.execute(
            select(MissedWindowRow.subject_id, MissedWindowRow.window_start, MissedWindowRow.window_end)
            .where(MissedWindowRow.kind == kind, MissedWindowRow.subject_id.in_(list(subject_ids)))
            .where(MissedWindowRow.window_end >= earliest_end))
        return {(kind, subject, start, end) for subject, start, end in rows}

    async def raise_new(self, found: Sequence[Missed], now: datetime) -> list[Missed]:
        """Records each window of ``found`` and publishes its event, in the caller's transaction; returns those
        raised now. A window already recorded, by an earlier run or by another replica racing this one (the
        unique index: its insert waits for the other's commit, then does nothing), is skipped without an event."""
        # One order for every run, so two racing transactions take the unique keys in the same order
        # (PostgreSQL would otherwise be free to deadlock them).
        ordered = sorted({m.key: m for m in found}.values(), key=lambda m: (m.kind.value, *m.key[1:]))
        insert = postgresql_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        raised = []
        for start in range(0, len(ordered), INSERT_CHUNK):
            chunk = {new_id(): m for m in ordered[start:start + INSERT_CHUNK]}
            statement = (
                insert(MissedWindowRow)
                .values([_values(reminder_id, m, now) for reminder_id, m in chunk.items()])
                .on_conflict_do_nothing(index_elements=list(UNIQUE_KEY))
                .returning(MissedWindowRow.id)
            )
            inserted = set((await self.session.execute(statement)).scalars())
            new = [(reminder_id, missed) for reminder_id, missed in chunk.items() if reminder_id in inserted]
            await publish_all(self.session, KIT, [
                Outgoing(EVENT_TYPES[missed.kind], event_of(missed, reminder_id), missed.jurisdiction_code, now)
                for reminder_id, missed in new])
            raised.extend(missed for _, missed in new)
        return raised

    async def list(self, scopes: Sequence[str], page: Page, *, kind: MissedKind | None = None,
                   subject_id: str = "") -> tuple[list[MissedWindowRow], bool]:
        """One page, most recently raised first (ids are time-ordered), and whether more follow."""
        query = select(MissedWindowRow).where(scope_condition(MissedWindowRow.jurisdiction_code, scopes))
        if kind is not None:
            query = query.where(MissedWindowRow.kind == kind)
        if subject_id:
            query = query.where(MissedWindowRow.subject_id == subject_id)
        return await fetch_page(self.session, query, (MissedWindowRow.id,), page, descending=True)


def _values(reminder_id: str, missed: Missed, now: datetime) -> dict[str, object]:
    return {
        "id": reminder_id, "kind": missed.kind, "subject_id": missed.subject_id, "name": missed.name,
        "jurisdiction_code": missed.jurisdiction_code,
        "level": int(missed.level) if missed.level is not None else None, "control_level": missed.control_level,
        "window_start": missed.window.start, "window_end": missed.window.end, "required": missed.window.required,
        "done": missed.window.done, "raised_at": now,
    }
