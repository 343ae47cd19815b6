"""Violations become cases exactly once across real gRPC servers: a cases stand-in consumes inspection's
Watch stream and answers each CaseRequested with CaseClosed from its own outbox, started late and restarted."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gridgov.common.v1 import event_pb2
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.kit.database import Database
from tests.inspection.fixtures import DISTRICT_MD, grid_md, source_input
from tests.support.cases_stand_in import STAND_IN_KIT, cases_stand_in, create_stand_in_tables
from tests.support.services import RunningService, free_port, running_service, wait_until


def answer(request: event_pb2.CaseRequested, count: int) -> event_pb2.CaseClosed:
    assert (request.source_service, request.category_code) == ("inspection", "pollution_violation")
    return event_pb2.CaseClosed(case_id=f"case-{request.source_reference}", case_number=f"AJ-{count}",
                                source_service=request.source_service, source_reference=request.source_reference,
                                resolution="已苫盖整改")


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
    await create_stand_in_tables(stand_in_db)
    port = free_port()
    peers = {"cases": f"127.0.0.1:{port}"}
    try:
        async with running_service("inspection", database, peers=peers, background=True) as inspection:
            yard = (await inspection.stub.CreateSource(pb.CreateSourceRequest(
                source=source_input(pb.SOURCE_TYPE_OPEN_STORAGE_YARD)), metadata=DISTRICT_MD)).source
            first = await report(inspection, yard.id, "砂石未苫盖")  # cases is down: the request waits
            await asyncio.sleep(0.3)
            assert await state_of(inspection, first.id) == pb.VIOLATION_STATE_OPEN
            async with cases_stand_in(stand_in_db, port, "inspection", inspection.address, answer) as received:
                async def first_closed() -> bool:
                    return await state_of(inspection, first.id) == pb.VIOLATION_STATE_CLOSED
                await wait_until(first_closed, seconds=30)
                assert received == [first.id]
                closed = (await inspection.stub.GetViolation(pb.GetViolationRequest(id=first.id),
                                                             metadata=DISTRICT_MD)).violation
                assert (closed.case_id, closed.case_number, closed.resolution, closed.closed_on_time) == (
                    f"case-{first.id}", "AJ-1", "已苫盖整改", True)
        # Both sides restart on the same databases; their cursors say where each stream resumes.
        async with running_service("inspection", database, peers=peers, background=True) as inspection:
            second = await report(inspection, yard.id, "再次未苫盖")
            async with cases_stand_in(stand_in_db, port, "inspection", inspection.address, answer) as received:
                async def second_closed() -> bool:
                    return await state_of(inspection, second.id) == pb.VIOLATION_STATE_CLOSED
                await wait_until(second_closed, seconds=30)
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
