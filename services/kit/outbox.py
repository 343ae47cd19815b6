"""The transactional outbox: publish an event in the change's own transaction, serve it on Watch."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import grpc
from google.protobuf import any_pb2, timestamp_pb2
from google.protobuf.message import Message
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from gridgov.common.v1 import event_pb2, event_pb2_grpc
from services.kit.clock import utcnow
from services.kit.database import Database
from services.kit.ids import new_id
from services.kit.tables import KitTables

# PostgreSQL assigns sequence numbers at insert but transactions commit in any order, so a
# consumer could read 7 before 6 is visible and skip 6 forever. Publishing transactions take
# this advisory lock, making commit order equal sequence order. SQLite serializes writers anyway.
_OUTBOX_LOCK_KEY = 0x67726964  # "grid"
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


async def publish(
    session: AsyncSession,
    tables: KitTables,
    event_type: str,
    payload: Message,
    jurisdiction_code: str,
    occurred_at: datetime | None = None,
) -> str:
    """Adds an event to the outbox inside the caller's transaction; returns its event id.

    ``occurred_at`` is the change's own time (the service's clock); wall-clock time by default.
    """
    return await session.run_sync(publish_in, tables, event_type, payload, jurisdiction_code, occurred_at)


async def publish_all(session: AsyncSession, tables: KitTables, events: Sequence[Outgoing]) -> list[str]:
    """publish() of many events at once (one statement); their ids, in order."""
    return await session.run_sync(publish_all_in, tables, events)


def publish_in(
    session: Session,
    tables: KitTables,
    event_type: str,
    payload: Message,
    jurisdiction_code: str,
    occurred_at: datetime | None = None,
) -> str:
    """publish() for a unit of work running on a synchronous Session (Database.run_write)."""
    return publish_all_in(session, tables, [Outgoing(event_type, payload, jurisdiction_code, occurred_at)])[0]


@dataclass(frozen=True)
class Outgoing:
    """One event to publish: its type, payload, jurisdiction and (default: wall-clock now) time."""

    event_type: str
    payload: Message
    jurisdiction_code: str
    occurred_at: datetime | None = None


def publish_all_in(session: Session, tables: KitTables, events: Sequence[Outgoing]) -> list[str]:
    """Adds ``events`` to the outbox in the caller's transaction, in order, with one statement; their ids."""
    if not events:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK, {"key": _OUTBOX_LOCK_KEY})
    now = utcnow()
    rows = []
    for event in events:
        packed = any_pb2.Any()
        packed.Pack(event.payload)
        rows.append({
            "event_id": new_id(),
            "type": event.event_type,
            "jurisdiction_code": event.jurisdiction_code,
            "occurred_at": event.occurred_at or now,
            "payload": packed.SerializeToString(),
        })
    # executemany keeps the order: sequence numbers follow the list.
    session.execute(tables.outbox.insert(), rows)
    session.info["published"] = True
    return [row["event_id"] for row in rows]


class OutboxNotifier:
    """Wakes Watch streams in this process when a transaction that published has committed."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Returns on the next notify, or after ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)


async def read_events(
    database: Database,
    tables: KitTables,
    source: str,
    after_sequence: int,
    types: Sequence[str] = (),
    limit: int = 500,
) -> list[event_pb2.Event]:
    """Events after ``after_sequence`` in sequence order, at most ``limit``."""
    outbox = tables.outbox
    query = select(outbox).where(outbox.c.sequence > after_sequence).order_by(outbox.c.sequence).limit(limit)
    if types:
        query = query.where(outbox.c.type.in_(list(types)))
    async with database.read() as session:
        rows = (await session.execute(query)).all()
    events = []
    for row in rows:
        payload = any_pb2.Any()
        payload.ParseFromString(row.payload)
        occurred = timestamp_pb2.Timestamp()
        occurred.FromDatetime(row.occurred_at)
        events.append(
            event_pb2.Event(
                sequence=row.sequence,
                event_id=row.event_id,
                type=row.type,
                source=source,
                occurred_at=occurred,
                jurisdiction_code=row.jurisdiction_code,
                payload=payload,
            )
        )
    return events


class EventServicer(event_pb2_grpc.EventServiceServicer):
    """Serves a service's outbox on the Watch stream: the backlog first, then new events."""

    def __init__(
        self,
        database: Database,
        tables: KitTables,
        source: str,
        notifier: OutboxNotifier,
        poll_interval: float = 1.0,
    ) -> None:
        self.database = database
        self.tables = tables
        self.source = source
        self.notifier = notifier
        self.poll_interval = poll_interval

    async def Watch(
        self, request: event_pb2.WatchRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[event_pb2.WatchResponse]:
        cursor = request.after_sequence
        while True:
            events = await read_events(self.database, self.tables, self.source, cursor, request.types)
            for event in events:
                yield event_pb2.WatchResponse(event=event)
                cursor = event.sequence
            if not events:
                # Another replica may have committed: poll as well as wait for a local wake-up.
                await self.notifier.wait(self.poll_interval)
