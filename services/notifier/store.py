"""The staff directory and the deliveries of one transaction: row <-> domain, the inbox, the queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.errors import NotFound
from services.kit.ids import new_id
from services.kit.jurisdiction import scope_condition
from services.kit.pagination import Page, fetch_page
from services.notifier.domain import Channel, DeliveryState, Reminder, Staff, prefixes
from services.notifier.models import DeliveryRow, StaffRow, StaffScopeRow
from services.notifier.templates import render, sms_params


def staff_of(row: StaffRow, scopes: Sequence[str]) -> Staff:
    return Staff(subject=row.subject, name=row.name, role=row.role, scopes=tuple(sorted(scopes)), unit=row.unit,
                 phone=row.phone, email=row.email, channels=tuple(Channel(c) for c in row.channels))


class DirectoryStore:
    """Who the people behind the roles are, and the jurisdictions each answers for."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def put(self, person: Staff, by: str, now: datetime) -> Staff:
        """Adds or replaces ``person``'s entry and scopes."""
        row = await self.session.get(StaffRow, person.subject)
        if row is None:
            row = StaffRow(subject=person.subject)
            self.session.add(row)
        row.name, row.role, row.unit, row.phone, row.email = (person.name, person.role, person.unit, person.phone,
                                                              person.email)
        row.channels = [c.value for c in person.channels]
        row.updated_at, row.updated_by = now, by
        await self.session.execute(delete(StaffScopeRow).where(StaffScopeRow.subject == person.subject))
        self.session.add_all(StaffScopeRow(subject=person.subject, scope=s) for s in sorted(set(person.scopes)))
        await self.session.flush()
        return person

    async def _with_scopes(self, rows: Sequence[StaffRow]) -> list[Staff]:
        subjects = [row.subject for row in rows]
        scopes: dict[str, list[str]] = {s: [] for s in subjects}
        if subjects:
            found = await self.session.execute(
                select(StaffScopeRow.subject, StaffScopeRow.scope).where(StaffScopeRow.subject.in_(subjects)))
            for subject, scope in found:
                scopes[subject].append(scope)
        return [staff_of(row, scopes[row.subject]) for row in rows]

    async def candidates(self, reminder: Reminder) -> list[Staff]:
        """Everyone who might hear of ``reminder``: whoever has a scope containing its place, or is named by it."""
        covering = select(StaffScopeRow.subject).where(StaffScopeRow.scope.in_(prefixes(reminder.jurisdiction_code)))
        query = select(StaffRow).where(or_(StaffRow.subject.in_(covering), StaffRow.subject == reminder.subject))
        rows = list((await self.session.execute(query.order_by(StaffRow.subject))).scalars())
        return await self._with_scopes(rows)

    async def get(self, subject: str) -> Staff | None:
        row = await self.session.get(StaffRow, subject)
        return None if row is None else (await self._with_scopes([row]))[0]

    async def list(self, scopes: Sequence[str], prefix: str, page: Page) -> tuple[list[Staff], bool]:
        """Entries with a scope inside ``prefix`` and the caller's ``scopes``, by subject."""
        inside = select(StaffScopeRow.subject).where(
            or_(*[StaffScopeRow.scope.startswith(s) for s in scopes] or [StaffScopeRow.scope.is_(None)]))
        if prefix:
            inside = inside.where(StaffScopeRow.scope.startswith(prefix))
        query = select(StaffRow).where(StaffRow.subject.in_(inside))
        rows, more = await fetch_page(self.session, query, (StaffRow.subject,), page)
        return await self._with_scopes(rows), more


def address_of(person: Staff, channel: Channel) -> str:
    return {Channel.SMS: person.phone, Channel.EMAIL: person.email}.get(channel, "")


class DeliveryStore:
    """Deliveries: queued per (event, recipient, channel) once, the inbox of each person, the send queue."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def queue(self, reminder: Reminder, person: Staff, channel: Channel, now: datetime,
                    not_before: datetime | None = None, reason: str = "") -> bool:
        """Records one delivery; an inbox entry is delivered at once. False when (event, recipient, channel) already
        has one: that delivery is never made twice."""
        title, body = render(reminder.kind, reminder.params)
        inbox = channel is Channel.INBOX
        values = {
            "id": new_id(), "event_id": reminder.event_id, "recipient": person.subject, "channel": channel,
            "state": DeliveryState.DELIVERED if inbox else DeliveryState.QUEUED, "reason": reason, "attempts": 0,
            "kind": reminder.kind, "reference": reminder.reference[:64],
            "jurisdiction_code": reminder.jurisdiction_code, "address": address_of(person, channel),
            "title": title, "body": body, "params": sms_params(reminder.params), "created_at": now,
            "next_attempt_at": not_before or now, "sent_at": now if inbox else None, "read_at": None,
        }
        return await self._insert(values)

    async def requeue(self, failed: DeliveryRow, channel: Channel, address: str, now: datetime, reason: str) -> bool:
        """The message of a ``failed`` delivery queued on ``channel`` (an escalation); False when that channel already
        has this event's delivery for the recipient."""
        values = {
            "id": new_id(), "event_id": failed.event_id, "recipient": failed.recipient, "channel": channel,
            "state": DeliveryState.QUEUED, "reason": reason, "attempts": 0, "kind": failed.kind,
            "reference": failed.reference, "jurisdiction_code": failed.jurisdiction_code, "address": address,
            "title": failed.title, "body": failed.body, "params": failed.params, "created_at": now,
            "next_attempt_at": now, "sent_at": None, "read_at": None,
        }
        return await self._insert(values)

    async def _insert(self, values: dict[str, Any]) -> bool:
        insert = postgresql_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(DeliveryRow).values(values).on_conflict_do_nothing(
            index_elements=["event_id", "recipient", "channel"])
        done = await self.session.execute(statement)
        return bool(cast(CursorResult[Any], done).rowcount)

    async def get(self, delivery_id: str) -> DeliveryRow | None:
        return await self.session.get(DeliveryRow, delivery_id)

    async def channels_used(self, event_id: str, recipient: str) -> list[Channel]:
        found = await self.session.execute(select(DeliveryRow.channel).where(
            DeliveryRow.event_id == event_id, DeliveryRow.recipient == recipient))
        return list(found.scalars())

    def _inbox(self, recipient: str, unread_only: bool = False) -> Any:
        query = select(DeliveryRow).where(DeliveryRow.recipient == recipient, DeliveryRow.channel == Channel.INBOX)
        return query.where(DeliveryRow.read_at.is_(None)) if unread_only else query

    async def inbox(self, recipient: str, unread_only: bool, page: Page) -> tuple[list[DeliveryRow], bool]:
        """One page of ``recipient``'s notifications, newest first."""
        return await fetch_page(self.session, self._inbox(recipient, unread_only),
                                (DeliveryRow.id,), page, descending=True)

    async def unread(self, recipient: str) -> int:
        query = select(func.count()).select_from(self._inbox(recipient, True).subquery())
        return int((await self.session.execute(query)).scalar_one())

    async def mark_read(self, delivery_id: str, recipient: str, now: datetime) -> DeliveryRow:
        """Marks ``recipient``'s notification read (once: the first time stays); raises NotFound for anyone else's."""
        row = await self.get(delivery_id)
        if row is None or row.recipient != recipient or row.channel is not Channel.INBOX:
            raise NotFound("notification", delivery_id)
        await self.session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id,
                                                             DeliveryRow.read_at.is_(None)).values(read_at=now))
        await self.session.refresh(row)
        return row

    async def due(self, now: datetime, limit: int) -> list[DeliveryRow]:
        """Queued external deliveries whose time has come, oldest first."""
        query = (select(DeliveryRow).where(DeliveryRow.state == DeliveryState.QUEUED,
                                           DeliveryRow.next_attempt_at <= now)
                 .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id).limit(limit))
        return list((await self.session.execute(query)).scalars())

    async def sent_since(self, recipient: str, since: datetime) -> list[datetime]:
        """When external messages went to ``recipient`` after ``since`` (for the rate limit)."""
        query = select(DeliveryRow.sent_at).where(
            DeliveryRow.recipient == recipient, DeliveryRow.channel != Channel.INBOX,
            DeliveryRow.state.in_([DeliveryState.SENT, DeliveryState.DELIVERED]), DeliveryRow.sent_at > since)
        return [t for t in (await self.session.execute(query)).scalars() if t is not None]

    async def by_reference(self, reference: str, scopes: Sequence[str], page: Page) -> tuple[list[DeliveryRow], bool]:
        query = select(DeliveryRow).where(DeliveryRow.reference == reference,
                                          scope_condition(DeliveryRow.jurisdiction_code, scopes))
        return await fetch_page(self.session, query, (DeliveryRow.id,), page)
