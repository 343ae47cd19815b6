"""Outbox, Watch and consumer: every event takes effect exactly once, across failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
import pytest
from sqlalchemy import Column, MetaData, String, Table, func, select

from gridgov.common.v1 import event_pb2, event_pb2_grpc
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.consumer import Consumer, apply_event, read_cursor
from services.kit.database import Database
from services.kit.outbox import EventServicer, OutboxNotifier, Outgoing, publish, publish_all_in, read_events
from services.kit.server import ActorInterceptor
from services.kit.tables import define_kit_tables

SIGNER = ActorSigner(DEV_ACTOR_KEY.encode(), "test")
metadata = MetaData()
KIT = define_kit_tables(metadata)
effects = Table("effects", metadata, Column("reference", String(64), primary_key=True))


async def create_tables(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


def requested(reference: str) -> event_pb2.CaseRequested:
    return event_pb2.CaseRequested(
        source_service="fire", source_reference=reference, jurisdiction_code="110108001001001"
    )


@asynccontextmanager
async def event_server(database: Database, notifier: OutboxNotifier) -> AsyncIterator[str]:
    server = grpc.aio.server(interceptors=[ActorInterceptor(SIGNER)])
    event_pb2_grpc.add_EventServiceServicer_to_server(
        EventServicer(database, KIT, "fire", notifier, poll_interval=0.2), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(grace=None)


async def record_effect(session, event: event_pb2.Event) -> None:
    payload = event_pb2.CaseRequested()
    event.payload.Unpack(payload)
    await session.execute(effects.insert().values(reference=payload.source_reference))


async def count_effects(database: Database) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(effects))).scalar_one()


async def test_publish_rolls_back_with_the_change(database: Database) -> None:
    await create_tables(database)
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            await publish(session, KIT, "CaseRequested", requested("h1"), "110108001001001")
            raise RuntimeError("the change failed")
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(KIT.outbox))).scalar_one() == 0


async def test_apply_event_is_exactly_once_across_a_crash(database: Database) -> None:
    await create_tables(database)
    event = event_pb2.Event(sequence=1, type="CaseRequested")
    event.payload.Pack(requested("h1"))

    async def crash_after_effect(session, event) -> None:
        await record_effect(session, event)
        raise ConnectionError("process died before the cursor was written")

    with pytest.raises(ConnectionError):
        await apply_event(database, KIT, "fire", event, crash_after_effect)
    assert await count_effects(database) == 0  # the effect rolled back with the cursor

    assert await apply_event(database, KIT, "fire", event, record_effect) is True
    assert await apply_event(database, KIT, "fire", event, record_effect) is False  # redelivered
    assert await count_effects(database) == 1
    async with database.read() as session:
        assert await read_cursor(session, KIT, "fire") == 1


async def test_consumer_follows_the_stream_and_resumes(database: Database, tmp_path) -> None:
    await create_tables(database)
    consumer_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}")
    await create_tables(consumer_db)
    notifier = OutboxNotifier()
    database.on_publish.append(notifier.notify)
    for reference in ("h1", "h2"):
        async with database.transaction() as session:
            await publish(session, KIT, "CaseRequested", requested(reference), "110108001001001")

    async with event_server(database, notifier) as address:
        consumer = Consumer(source="fire", address=address, database=consumer_db, tables=KIT,
                            handler=record_effect, signer=SIGNER, types=["CaseRequested"])
        task = asyncio.create_task(consumer.run())
        try:
            await wait_for(lambda: count_effects(consumer_db), 2)
            async with database.transaction() as session:  # published while the consumer is watching
                await publish(session, KIT, "CaseRequested", requested("h3"), "110108001001001")
            await wait_for(lambda: count_effects(consumer_db), 3)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        # a restarted consumer resumes after its cursor: nothing applies twice
        task = asyncio.create_task(consumer.run())
        await asyncio.wait_for(consumer.connected.wait(), 5)
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert await count_effects(consumer_db) == 3
    await consumer_db.dispose()


async def test_watch_refuses_a_call_without_a_signed_actor(database: Database) -> None:
    await create_tables(database)
    async with event_server(database, OutboxNotifier()) as address, grpc.aio.insecure_channel(address) as channel:
        stub = event_pb2_grpc.EventServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as error:
            async for _ in stub.Watch(event_pb2.WatchRequest()):
                pass
        assert error.value.code() is grpc.StatusCode.UNAUTHENTICATED
        forged = ActorSigner(b"another key").system_metadata()
        with pytest.raises(grpc.aio.AioRpcError) as error:
            async for _ in stub.Watch(event_pb2.WatchRequest(), metadata=forged):
                pass
        assert error.value.code() is grpc.StatusCode.UNAUTHENTICATED


async def wait_for(probe, expected: int, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while (value := await probe()) != expected:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"expected {expected}, still {value} after {seconds}s")
        await asyncio.sleep(0.05)


async def test_many_events_publish_in_one_statement_in_their_order(database: Database) -> None:
    await create_tables(database)
    woken: list[int] = []
    database.on_publish.append(lambda: woken.append(1))
    references = [f"batch-{i}" for i in range(7)]

    def publish_batch(session) -> list[str]:  # type: ignore[no-untyped-def]
        return publish_all_in(session, KIT, [Outgoing("CaseRequested", requested(r), "110108001001001")
                                             for r in references])

    ids = await database.run_write(publish_batch)
    assert len(set(ids)) == 7 and woken == [1]
    events = await read_events(database, KIT, "fire", 0)
    assert [e.event_id for e in events] == ids
    payloads = [event_pb2.CaseRequested() for _ in events]
    for event, payload in zip(events, payloads, strict=True):
        event.payload.Unpack(payload)
    assert [p.source_reference for p in payloads] == references
    assert [e.sequence for e in events] == sorted(e.sequence for e in events)
    assert await database.run_write(lambda session: publish_all_in(session, KIT, [])) == []
    assert woken == [1]
