"""Consumes another service's Watch stream; each event takes effect exactly once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import grpc
from sqlalchemy import CursorResult, select
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import event_pb2, event_pb2_grpc
from services.kit.actor import ActorSigner
from services.kit.client import open_channel
from services.kit.clock import utcnow
from services.kit.database import Database
from services.kit.keepalive import KEEPALIVE, Keepalive
from services.kit.tables import KitTables
from services.kit.tls import TLSConfig

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, event_pb2.Event], Awaitable[None]]


async def read_cursor(session: AsyncSession, tables: KitTables, source: str) -> int:
    row = await session.execute(
        select(tables.consumer_cursor.c.sequence).where(tables.consumer_cursor.c.source == source)
    )
    return row.scalar_one_or_none() or 0


async def apply_event(
    database: Database, tables: KitTables, source: str, event: event_pb2.Event, handler: Handler
) -> bool:
    """Applies one event and advances the cursor in one transaction; False if already applied.

    The effect and the cursor commit together, so a crash between them loses neither and
    repeats neither: on restart the stream resumes after the last committed cursor.
    """
    cursor = tables.consumer_cursor
    async with database.transaction() as session:
        current = await read_cursor(session, tables, source)
        if event.sequence <= current:
            return False
        await handler(session, event)
        values = {"sequence": event.sequence, "updated_at": utcnow()}
        updated = await session.execute(cursor.update().where(cursor.c.source == source).values(**values))
        if cast(CursorResult[Any], updated).rowcount == 0:
            await session.execute(cursor.insert().values(source=source, **values))
    return True


class Consumer:
    """Follows one source service's events for as long as it runs, reconnecting with back-off."""

    def __init__(
        self,
        *,
        source: str,
        address: str,
        database: Database,
        tables: KitTables,
        handler: Handler,
        signer: ActorSigner,
        types: Sequence[str] = (),
        max_backoff: float = 10.0,
        tls: TLSConfig | None = None,
        keepalive: Keepalive = KEEPALIVE,
    ) -> None:
        self.source = source
        self.address = address
        self.database = database
        self.tables = tables
        self.handler = handler
        self.signer = signer
        self.types = list(types)
        self.max_backoff = max_backoff
        self.tls = tls
        self.keepalive = keepalive
        self.connected = asyncio.Event()

    async def run(self) -> None:
        backoff = 0.2
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except grpc.aio.AioRpcError as error:
                self.connected.clear()
                log.info("events from %s at %s unavailable (%s); retrying", self.source, self.address,
                         error.code().name)
            except Exception:
                self.connected.clear()
                log.exception("consuming events from %s failed; retrying", self.source)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    async def _follow(self) -> None:
        async with self.database.read() as session:
            after = await read_cursor(session, self.tables, self.source)
        async with open_channel(self.address, tls=self.tls, keepalive=self.keepalive) as channel:
            stub = event_pb2_grpc.EventServiceStub(channel)
            stream = stub.Watch(
                event_pb2.WatchRequest(after_sequence=after, types=self.types),
                metadata=self.signer.system_metadata(),
            )
            await channel.channel_ready()
            self.connected.set()
            async for response in stream:
                await apply_event(self.database, self.tables, self.source, response.event, self.handler)
