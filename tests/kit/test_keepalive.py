"""Keepalive: clients' pings and servers' ping policy agree, so a quiet Watch stream stays on one connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest

from gridgov.common.v1 import event_pb2, event_pb2_grpc
from services.kit.consumer import Consumer
from services.kit.database import Database
from services.kit.keepalive import KEEPALIVE, Keepalive
from services.kit.outbox import EventServicer, OutboxNotifier, publish
from services.kit.server import new_server
from tests.kit.test_events import KIT, SIGNER, count_effects, create_tables, record_effect, requested, wait_for

# Short periods so many pings pass in a few seconds; the relation between the two sides is the production one.
FAST = Keepalive(interval=0.2, timeout=1.0)
PERIODS = 20


class CountingServicer(EventServicer):
    """An EventServicer that counts the Watch streams opened on it."""

    watches = 0

    def Watch(self, request: event_pb2.WatchRequest, context: grpc.aio.ServicerContext
              ) -> AsyncIterator[event_pb2.WatchResponse]:
        self.watches += 1
        return super().Watch(request, context)


def options(pairs: tuple[tuple[str, int], ...]) -> dict[str, int]:
    return dict(pairs)


@pytest.mark.parametrize("keepalive", [KEEPALIVE, FAST], ids=["default", "fast"])
def test_servers_allow_the_pings_clients_send(keepalive: Keepalive) -> None:
    client, server = options(keepalive.channel_options()), options(keepalive.server_options())
    assert server["grpc.http2.min_ping_interval_without_data_ms"] < client["grpc.keepalive_time_ms"]
    assert server["grpc.keepalive_permit_without_calls"] >= client["grpc.keepalive_permit_without_calls"]


async def test_a_quiet_watch_stream_outlives_many_keepalive_periods(database: Database, tmp_path) -> None:
    await create_tables(database)
    consumer_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}")
    await create_tables(consumer_db)
    notifier = OutboxNotifier()
    database.on_publish.append(notifier.notify)
    async with database.transaction() as session:  # the backlog: the stream has carried data once
        await publish(session, KIT, "CaseRequested", requested("backlog"), "110108001001001")
    servicer = CountingServicer(database, KIT, "fire", notifier, poll_interval=60.0)  # the stream stays silent
    server = new_server(SIGNER, FAST)
    event_pb2_grpc.add_EventServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    consumer = Consumer(source="fire", address=f"127.0.0.1:{port}", database=consumer_db, tables=KIT,
                        handler=record_effect, signer=SIGNER, keepalive=FAST)
    task = asyncio.create_task(consumer.run())
    try:
        await wait_for(lambda: count_effects(consumer_db), 1, seconds=5)
        await asyncio.sleep(FAST.interval * PERIODS)  # without agreement the server sends GOAWAY too_many_pings
        async with database.transaction() as session:
            await publish(session, KIT, "CaseRequested", requested("after-the-quiet"), "110108001001001")
        await wait_for(lambda: count_effects(consumer_db), 2, seconds=5)
        assert servicer.watches == 1, "the Watch stream was re-established"
        assert consumer.connected.is_set()
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await server.stop(grace=None)
        await consumer_db.dispose()
