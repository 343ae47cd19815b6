"""A stand-in for the cases service built from the kit alone: consumes CaseRequested, answers with CaseClosed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import grpc
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import event_pb2, event_pb2_grpc
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.consumer import Consumer
from services.kit.database import Database
from services.kit.outbox import EventServicer, OutboxNotifier, publish
from services.kit.server import ActorInterceptor
from services.kit.tables import define_kit_tables

CASES_SIGNER = ActorSigner(DEV_ACTOR_KEY.encode(), "cases")
STAND_IN_METADATA = MetaData()
STAND_IN_KIT = define_kit_tables(STAND_IN_METADATA)

# How the stand-in answers the n-th (1-based) CaseRequested it receives.
Answer = Callable[[event_pb2.CaseRequested, int], event_pb2.CaseClosed]


async def create_stand_in_tables(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(STAND_IN_METADATA.create_all)


@asynccontextmanager
async def cases_stand_in(database: Database, port: int, source: str, source_address: str,
                         answer: Answer) -> AsyncIterator[list[str]]:
    """Consumes ``source``'s CaseRequested and answers each with ``answer``'s CaseClosed from its own outbox,
    served on Watch at ``port``, so the source consumes it as it would from the real cases service.

    Yields the source references it received, in order.
    """
    received: list[str] = []
    notifier = OutboxNotifier()
    database.on_publish.append(notifier.notify)

    async def open_and_close(session: AsyncSession, event: event_pb2.Event) -> None:
        request = event_pb2.CaseRequested()
        assert event.payload.Unpack(request)
        received.append(request.source_reference)
        await publish(session, STAND_IN_KIT, "CaseClosed", answer(request, len(received)), request.jurisdiction_code)

    server = grpc.aio.server(interceptors=[ActorInterceptor(CASES_SIGNER)])
    event_pb2_grpc.add_EventServiceServicer_to_server(
        EventServicer(database, STAND_IN_KIT, "cases", notifier, poll_interval=0.2), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    consumer = Consumer(source=source, address=source_address, database=database, tables=STAND_IN_KIT,
                        handler=open_and_close, signer=CASES_SIGNER, types=["CaseRequested"])
    task = asyncio.create_task(consumer.run())
    try:
        yield received
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await server.stop(grace=None)
        database.on_publish.remove(notifier.notify)
