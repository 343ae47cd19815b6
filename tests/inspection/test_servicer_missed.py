"""Missed patrol windows over a real in-process gRPC server: the job raises them, ListMissedPatrols lists them in
the caller's scope with keyset pages, and a notifier reads the events on the Watch stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import grpc
import pytest
from google.protobuf import timestamp_pb2

from gridgov.common.v1 import event_pb2, event_pb2_grpc
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.kit.database import Database
from tests.inspection.fixtures import COMMUNITY, DISTRICT_MD, GRID, OTHER_GRID, STREET, grid_md, source_input
from tests.support.actors import actor_metadata
from tests.support.services import RunningService, error_detail, running_service

NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)  # 10:00 on Tuesday 1 December in Beijing
ASSIGNED = datetime(2026, 11, 27, 2, tzinfo=UTC)


@pytest.fixture
async def service(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("inspection", database) as running:
        yield running


def at(moment: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(moment)
    return value


async def raise_missed(service: RunningService) -> tuple[str, str]:
    """Three daily heads and a street head assigned on 27 November, one grid head who patrolled every day, and a
    national key source never checked; runs the plugin's job at NOW. Returns the key source's id and its name."""
    stub = service.stub
    service.runtime.clock = lambda: ASSIGNED
    for subject, code in (("head-4", GRID), ("diligent", GRID[:-3] + "002"), ("other", OTHER_GRID),
                          ("head-2", STREET)):
        await stub.AssignGridHead(pb.AssignGridHeadRequest(grid_head=pb.GridHead(
            subject_id=subject, name=f"网格长{subject}", jurisdiction_code=code, phone="13912345678")),
            metadata=DISTRICT_MD)
    source = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input(
        pb.SOURCE_TYPE_INDUSTRIAL_KEY_SOURCE, name="热电厂")), metadata=DISTRICT_MD)).source
    service.runtime.clock = lambda: NOW
    await stub.RecordPatrols(pb.RecordPatrolsRequest(patrols=[
        pb.RecordPatrolRequest(patroller="diligent", patrolled_at=at(datetime(2026, 11, day, 2, tzinfo=UTC)))
        for day in range(27, 31)]), metadata=grid_md("diligent", GRID[:-3] + "002"))
    [job] = service.plugin.jobs(service.runtime)
    await job.run()
    await job.run()  # a second run raises nothing more
    return source.id, source.name


async def test_missed_windows_listed_in_scope_with_pages_and_filters(service: RunningService) -> None:
    source_id, _ = await raise_missed(service)
    stub = service.stub
    everything = await stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(), metadata=DISTRICT_MD)
    # Daily heads missed 27 to 30 November; the street head's week (23 to 29 November) and the key source's
    # November were owed from the 27th; 1 December is running for everyone.
    assert sorted((m.subject_id, m.window_start) for m in everything.missed_patrols) == sorted(
        [(s, f"2026-11-{d}") for s in ("head-4", "other") for d in (27, 28, 29, 30)]
        + [("head-2", "2026-11-27"), (source_id, "2026-11-27")])
    assert everything.page.next_page_token == ""
    supervision = next(m for m in everything.missed_patrols if m.kind == pb.MISSED_KIND_SUPERVISION)
    assert (supervision.name, supervision.jurisdiction_code, supervision.control_level, supervision.level,
            supervision.window_end, supervision.required, supervision.done) == (
        "热电厂", GRID, pb.CONTROL_LEVEL_NATIONAL, 0, "2026-11-30", 1, 0)
    assert supervision.raised_at.ToDatetime(tzinfo=UTC) == NOW
    street = next(m for m in everything.missed_patrols if m.subject_id == "head-2")
    assert (street.kind, street.level, street.control_level, street.window_end, street.required, street.done) == (
        pb.MISSED_KIND_PATROL, 2, pb.CONTROL_LEVEL_UNSPECIFIED, "2026-11-29", 1, 0)

    # A grid head sees its own grid only: neither the street head's week nor the other grid.
    mine = await stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(), metadata=grid_md("head-4"))
    assert {(m.subject_id, m.jurisdiction_code) for m in mine.missed_patrols} == {("head-4", GRID),
                                                                                (source_id, GRID)}
    # Keyset pages, newest first, over the street staff's scope.
    staff = actor_metadata("s1", roles=(("street_staff", STREET),))
    pages, token = [], ""
    while True:
        page = await stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(page={"page_size": 2, "page_token": token}),
                                            metadata=staff)
        pages.append([m.id for m in page.missed_patrols])
        token = page.page.next_page_token
        if not token:
            break
    seen = [i for ids in pages for i in ids]
    assert len(seen) == 6 and seen == sorted(seen, reverse=True) and [len(p) for p in pages] == [2, 2, 2]
    # Filters: a prefix inside the scope, a kind, a subject; a prefix outside the scope reads nothing.
    community = await stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(jurisdiction_code=COMMUNITY),
                                             metadata=staff)
    assert len(community.missed_patrols) == 5
    kinds = await stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(kind=pb.MISSED_KIND_SUPERVISION),
                                         metadata=DISTRICT_MD)
    assert [m.subject_id for m in kinds.missed_patrols] == [source_id]
    other = await stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(subject_id="other"), metadata=DISTRICT_MD)
    assert [m.window_start for m in other.missed_patrols] == [f"2026-11-{d}" for d in (30, 29, 28, 27)]
    outside = await stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(jurisdiction_code=OTHER_GRID),
                                           metadata=grid_md("head-4"))
    assert list(outside.missed_patrols) == []


async def test_bad_filters_are_each_named(service: RunningService) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(kind=99, jurisdiction_code="1101"),
                                             metadata=DISTRICT_MD)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error_detail(caught.value).field_violations] == ["kind", "jurisdiction_code"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(page={"page_token": "bm9wZQ"}),
                                             metadata=DISTRICT_MD)
    assert [v.field for v in error_detail(caught.value).field_violations] == ["page.page_token"]


async def test_a_notifier_reads_each_reminder_once_on_the_watch_stream(service: RunningService) -> None:
    source_id, name = await raise_missed(service)
    stub = event_pb2_grpc.EventServiceStub(service.channel)
    stream = stub.Watch(event_pb2.WatchRequest(types=["PatrolMissed", "SupervisionMissed"]),
                        metadata=service.runtime.signer.system_metadata())
    received = []
    async for response in stream:
        received.append(response.event)
        if len(received) == 10:
            break
    stream.cancel()
    assert [e.type for e in received].count("PatrolMissed") == 9
    supervision = next(e for e in received if e.type == "SupervisionMissed")
    message = pb.SupervisionMissed()
    assert supervision.payload.Unpack(message)
    assert (message.source_id, message.name, supervision.jurisdiction_code, message.window_start) == (
        source_id, name, GRID, "2026-11-27")
    listed = await service.stub.ListMissedPatrols(pb.ListMissedPatrolsRequest(), metadata=DISTRICT_MD)
    reminder_ids = set()
    for event in received:
        payload = pb.PatrolMissed() if event.type == "PatrolMissed" else pb.SupervisionMissed()
        assert event.payload.Unpack(payload)
        reminder_ids.add(payload.reminder_id)
    assert reminder_ids == {m.id for m in listed.missed_patrols}
