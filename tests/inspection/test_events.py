"""Violations become cases exactly once across real gRPC servers: a cases stand-in consumes inspection's
Watch stream and answers each CaseRequested with CaseClosed from its own outbox, started late and restarted."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import event_pb2, event_pb2_grpc
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.consumer import Consumer
from services.kit.database import Database
from services.kit.outbox import EventServicer, OutboxNotifier, publish
from services.kit.server import ActorInterceptor
from services.kit.tables import define_kit_tables
from tests.inspection.fixtures import DISTRICT_MD, grid_md, source_input
from tests.support.services import RunningService, running_service

CASES_SIGNER = ActorSigner(DEV_ACTOR_KEY.encode(), "cases")
stand_in_metadata = MetaData()
STAND_IN_KIT = define_kit_tables(stand_in_metadata)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def cases_stand_in(database: Database, port: int, inspection_address: str) -> AsyncIterator[list[str]]:
    """Consumes CaseRequested from inspection and answers each with CaseClosed; yields the references received."""
    received: list[str] = []
    notifier = OutboxNotifier()
    database.on_publish.append(notifier.notify)

    async def open_and_close(session: AsyncSession, event: event_pb2.Event) -> None:
        request = event_pb2.CaseRequested()
        assert event.payload.Unpack(request)
        assert (request.source_service, request.category_code) == ("inspection", "pollution_violation")
        received.append(request.source_reference)
        await publish(session, STAND_IN_KIT, "CaseClosed", event_pb2.CaseClosed(
            case_id=f"case-{request.source_reference}", case_number=f"AJ-{len(received)}",
            source_service=request.source_service, source_reference=request.source_reference,
            resolution="已苫盖整改"), request.jurisdiction_code)

    server = grpc.aio.server(interceptors=[ActorInterceptor(CASES_SIGNER)])
    event_pb2_grpc.add_EventServiceServicer_to_server(
        EventServicer(database, STAND_IN_KIT, "cases", notifier, poll_interval=0.2), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    consumer = Consumer(source="inspection", address=inspection_address, database=database, tables=STAND_IN_KIT,
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


async def wait_until(probe: Callable[[], Awaitable[Any]], seconds: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await probe():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {seconds}s")
        await asyncio.sleep(0.05)


async def report(inspection: RunningService, source_id: str, description: str) -> pb.Violation:
    response = await inspection.stub.ReportViolation(pb.ReportViolationRequest(
        source_id=source_id, violation_type="uncovered_storage", description=description, evidence=["p.jpg"]),
        metadata=grid_md())
    return response.violation


async def state_of(inspection: RunningService, violation_id: str) -> int:
    found = await inspection.stub.GetViolation(pb.GetViolationRequest(id=violation_id), metadata=DISTRICT_MD)
    return int(found.violation.state)


async def test_violation_waits_for_cases_then_closes_exactly_once_across_restarts(
        database: Database, tmp_path: Path) -> None:
    stand_in_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cases.db'}")
    async with stand_in_db.engine.begin() as connection:
        await connection.run_sync(stand_in_metadata.create_all)
    port = free_port()
    peers = {"cases": f"127.0.0.1:{port}"}
    try:
        async with running_service("inspection", database, peers=peers, background=True) as inspection:
            yard = (await inspection.stub.CreateSource(pb.CreateSourceRequest(
                source=source_input(pb.SOURCE_TYPE_OPEN_STORAGE_YARD)), metadata=DISTRICT_MD)).source
            first = await report(inspection, yard.id, "砂石未苫盖")  # cases is down: the request waits
            await asyncio.sleep(0.3)
            assert await state_of(inspection, first.id) == pb.VIOLATION_STATE_OPEN
            async with cases_stand_in(stand_in_db, port, inspection.address) as received:
                async def first_closed() -> bool:
                    return await state_of(inspection, first.id) == pb.VIOLATION_STATE_CLOSED
                await wait_until(first_closed)
                assert received == [first.id]
                closed = (await inspection.stub.GetViolation(pb.GetViolationRequest(id=first.id),
                                                             metadata=DISTRICT_MD)).violation
                assert (closed.case_id, closed.case_number, closed.resolution, closed.closed_on_time) == (
                    f"case-{first.id}", "AJ-1", "已苫盖整改", True)
        # Both sides restart on the same databases; their cursors say where each stream resumes.
        async with running_service("inspection", database, peers=peers, background=True) as inspection:
            second = await report(inspection, yard.id, "再次未苫盖")
            async with cases_stand_in(stand_in_db, port, inspection.address) as received:
                async def second_closed() -> bool:
                    return await state_of(inspection, second.id) == pb.VIOLATION_STATE_CLOSED
                await wait_until(second_closed)
                await asyncio.sleep(0.3)  # room for a wrongly repeated delivery to show up
                assert received == [second.id]
            assert await state_of(inspection, first.id) == pb.VIOLATION_STATE_CLOSED
        async with stand_in_db.read() as session:
            outbox = (await session.execute(STAND_IN_KIT.outbox.select())).all()
        assert len(outbox) == 2  # one case per violation, over both runs
    finally:
        await stand_in_db.dispose()


async def test_inspection_works_without_cases(database: Database) -> None:
    """A bureau that deploys registry and inspection alone: no cases peer, every RPC still answers."""
    async with running_service("inspection", database, background=True) as inspection:
        yard = (await inspection.stub.CreateSource(pb.CreateSourceRequest(
            source=source_input(pb.SOURCE_TYPE_OPEN_STORAGE_YARD)), metadata=DISTRICT_MD)).source
        violation = await report(inspection, yard.id, "未苫盖")
        assert violation.state == pb.VIOLATION_STATE_OPEN
        listed = await inspection.stub.ListViolations(pb.ListViolationsRequest(), metadata=DISTRICT_MD)
        assert [v.id for v in listed.violations] == [violation.id]
