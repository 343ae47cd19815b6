"""CaseClosed closes the right hazard exactly once; the hand-over crosses real gRPC servers, even when
the cases side starts only after the hand-over (the event waits in fire's outbox)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from gridgov.common.v1 import event_pb2
from gridgov.fire.v1 import fire_pb2
from services.fire.events import CaseClosedHandler
from services.fire.jobs import DeadlineJob
from services.kit.consumer import apply_event
from services.kit.database import Database
from services.kit.outbox import read_events
from tests.fire.support import DISTRICT, Clock, find_hazard
from tests.support.cases_stand_in import cases_stand_in, create_stand_in_tables
from tests.support.services import RunningService, free_port, running_service, wait_until


def closed_event(sequence: int, reference: str, source_service: str = "fire",
                 case_number: str = "AJ-1") -> event_pb2.Event:
    event = event_pb2.Event(sequence=sequence, event_id=f"e{sequence}", type="CaseClosed", source="cases")
    event.payload.Pack(event_pb2.CaseClosed(case_id=f"case-{sequence}", case_number=case_number,
                                            source_service=source_service, source_reference=reference,
                                            resolution="已整改"))
    return event


async def state_of(fire: RunningService, hazard_id: str) -> fire_pb2.Hazard:
    return (await fire.stub.GetHazard(fire_pb2.GetHazardRequest(id=hazard_id), metadata=DISTRICT)).hazard


async def handed_over(fire: RunningService) -> fire_pb2.Hazard:
    clock: Clock = fire.runtime.clock  # type: ignore[assignment]
    hazard = await find_hazard(fire.stub, "exit_locked")
    await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(id=hazard.id), metadata=DISTRICT)
    clock.advance(days=9)
    assert (await DeadlineJob(fire.runtime).run()).handed_over == 1
    return hazard


@pytest.fixture
async def fire(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("fire", database) as service:
        service.runtime.clock = Clock()
        yield service


async def test_case_closed_closes_the_right_hazard_once(fire: RunningService, database: Database) -> None:
    first = await handed_over(fire)
    second = await handed_over(fire)
    handler = CaseClosedHandler(fire.runtime)
    tables = fire.runtime.tables
    assert await apply_event(database, tables, "cases", closed_event(1, second.id, case_number="AJ-7"), handler)
    closed, untouched = await state_of(fire, second.id), await state_of(fire, first.id)
    assert (closed.state, closed.closure, closed.case_number, closed.case_id) == (
        fire_pb2.HAZARD_STATE_CLOSED, fire_pb2.CLOSURE_CASE_CLOSED, "AJ-7", "case-1")
    assert closed.history[-1].action == "close_case" and "AJ-7" in closed.history[-1].note
    assert untouched.state == fire_pb2.HAZARD_STATE_HANDED_OVER
    # The same event again is not applied; a second CaseClosed for a closed hazard changes nothing.
    assert not await apply_event(database, tables, "cases", closed_event(1, second.id), handler)
    assert await apply_event(database, tables, "cases", closed_event(2, second.id, case_number="AJ-8"), handler)
    assert (await state_of(fire, second.id)).case_number == "AJ-7"
    assert len((await state_of(fire, second.id)).history) == len(closed.history)


@pytest.mark.parametrize(("source", "known"), [("inspection", True), ("fire", False)])
async def test_other_services_cases_and_unknown_hazards_are_ignored(
        fire: RunningService, database: Database, source: str, known: bool) -> None:
    hazard = await handed_over(fire)
    event = closed_event(1, hazard.id if known else "no-such-hazard", source_service=source)
    assert await apply_event(database, fire.runtime.tables, "cases", event, CaseClosedHandler(fire.runtime))
    assert (await state_of(fire, hazard.id)).state == fire_pb2.HAZARD_STATE_HANDED_OVER


async def test_case_closed_before_hand_over_is_ignored(fire: RunningService, database: Database) -> None:
    hazard = await find_hazard(fire.stub)
    assert await apply_event(database, fire.runtime.tables, "cases", closed_event(1, hazard.id),
                             CaseClosedHandler(fire.runtime))
    assert (await state_of(fire, hazard.id)).state == fire_pb2.HAZARD_STATE_OPEN


# ---- across real gRPC servers: a stand-in for the cases side built from the kit alone ----------------

def answer(request: event_pb2.CaseRequested, count: int) -> event_pb2.CaseClosed:
    return event_pb2.CaseClosed(case_id=f"case-{count}", case_number=f"AJ-{count}",
                                source_service=request.source_service, source_reference=request.source_reference,
                                resolution="派出所已处理")


async def test_hand_over_waits_in_the_outbox_until_cases_starts(database: Database, tmp_path: Path) -> None:
    stand_in_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cases.db'}")
    await create_stand_in_tables(stand_in_db)
    port = free_port()
    try:
        async with running_service("fire", database, peers={"cases": f"127.0.0.1:{port}"},
                                   background=True) as fire:
            fire.runtime.clock = Clock()
            hazard = await handed_over(fire)  # cases is not running: the hand-over waits in fire's outbox
            await asyncio.sleep(0.3)
            assert (await state_of(fire, hazard.id)).state == fire_pb2.HAZARD_STATE_HANDED_OVER
            async with cases_stand_in(stand_in_db, port, "fire", fire.address, answer) as received:
                async def closed() -> bool:
                    return (await state_of(fire, hazard.id)).state == fire_pb2.HAZARD_STATE_CLOSED
                await wait_until(closed)
                assert received == [hazard.id]  # delivered once
                done = await state_of(fire, hazard.id)
                assert (done.closure, done.case_number) == (fire_pb2.CLOSURE_CASE_CLOSED, "AJ-1")
                # A second hand-over while both run is delivered and closed as well, and nothing twice.
                second = await handed_over(fire)
                async def second_closed() -> bool:
                    return (await state_of(fire, second.id)).state == fire_pb2.HAZARD_STATE_CLOSED
                await wait_until(second_closed)
                assert received == [hazard.id, second.id]
    finally:
        await stand_in_db.dispose()


async def test_an_overdue_hazard_is_announced_once_before_its_hand_over(fire: RunningService,
                                                                        database: Database) -> None:
    clock: Clock = fire.runtime.clock  # type: ignore[assignment]
    hazard = await find_hazard(fire.stub, "exit_locked")
    await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(id=hazard.id), metadata=DISTRICT)
    clock.advance(days=2)
    assert (await DeadlineJob(fire.runtime).run()).marked_overdue == 1
    assert (await DeadlineJob(fire.runtime).run()).marked_overdue == 0
    overdue = await state_of(fire, hazard.id)
    announced = [e for e in await read_events(database, fire.runtime.tables, "fire", 0) if e.type == "HazardOverdue"]
    assert len(announced) == 1 and announced[0].jurisdiction_code == hazard.jurisdiction_code
    message = fire_pb2.HazardOverdue()
    assert announced[0].payload.Unpack(message)
    assert (message.hazard_id, message.place_id, message.found_by) == (hazard.id, hazard.place_id, hazard.found_by)
    assert message.rectify_by == overdue.rectify_by
    assert message.hand_over_at.ToDatetime() - message.rectify_by.ToDatetime() == timedelta(days=7)
    # Handed over after the grace period: the police get the case, the notifier no second announcement.
    clock.advance(days=7)
    assert (await DeadlineJob(fire.runtime).run()).handed_over == 1
    events = await read_events(database, fire.runtime.tables, "fire", 0)
    assert [e.type for e in events if e.type in ("HazardOverdue", "CaseRequested")] == ["HazardOverdue",
                                                                                        "CaseRequested"]
