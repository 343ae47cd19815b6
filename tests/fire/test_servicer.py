"""The fire service over real gRPC: places, inspections, the hazard lifecycle, deadlines and the hand-over."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import grpc
import pytest

from gridgov.common.v1 import event_pb2, geo_pb2
from gridgov.fire.v1 import fire_pb2
from services.fire import catalogue, domain
from services.fire.hazard_store import HazardStore
from services.fire.jobs import DeadlineJob
from services.fire.models import InspectionRow, PlaceRow
from services.kit import calendar
from services.kit.database import Database
from services.kit.errors import FailedPrecondition
from services.kit.outbox import read_events
from tests.fire.support import (
    DISTRICT,
    GRID,
    INSPECTOR,
    OTHER_GRID,
    START,
    Clock,
    create_place,
    find_hazard,
    place_input,
)
from tests.support.actors import actor_metadata
from tests.support.idempotency import assert_created_once
from tests.support.services import RunningService, error_detail, running_service


@pytest.fixture
async def fire(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("fire", database) as service:
        service.runtime.clock = Clock()
        yield service


async def test_create_and_read_a_place_masks_contacts_when_told(fire: RunningService) -> None:
    place = await create_place(fire.stub)
    assert place.inspected_by == fire_pb2.GRID_LEVEL_SMALL and place.interval_days == 1
    assert place.next_due_on == "2026-11-23"
    masked = actor_metadata("w", (("grid_worker", GRID),), mask=["owner_phone", "contact_phone", "owner_name"])
    got = (await fire.stub.GetPlace(fire_pb2.GetPlaceRequest(id=place.id), metadata=masked)).place
    assert (got.owner_phone, got.contact_phone, got.owner_name, got.contact_name) == (
        "138****5289", "139****1111", "张*", "李四")
    whole = (await fire.stub.GetPlace(fire_pb2.GetPlaceRequest(id=place.id), metadata=DISTRICT)).place
    assert whole.owner_phone == "13812345289"


async def test_a_place_keeps_its_location_and_one_out_of_range_is_named(fire: RunningService) -> None:
    point = geo_pb2.GeoPoint(latitude=39.9101, longitude=116.2902)
    place = await create_place(fire.stub, location=point)
    got = (await fire.stub.GetPlace(fire_pb2.GetPlaceRequest(id=place.id), metadata=DISTRICT)).place
    assert (got.location.longitude, got.location.latitude) == (116.2902, 39.9101)
    assert not (await create_place(fire.stub, name="无坐标")).HasField("location")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await create_place(fire.stub, location=geo_pb2.GeoPoint(latitude=116.29, longitude=39.91))
    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in error_detail(raised.value).field_violations] == ["place.location.latitude"]


async def test_bad_place_names_every_field(fire: RunningService) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await create_place(fire.stub, type=0, owner_phone="1", jurisdiction_code="110108001")
    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in error_detail(raised.value).field_violations} == {
        "place.type", "place.owner_phone", "place.jurisdiction_code"}


async def test_places_outside_scope_are_neither_listed_nor_read(fire: RunningService) -> None:
    inside = await create_place(fire.stub)
    outside = await create_place(fire.stub, jurisdiction_code=OTHER_GRID, name="外街商店")
    listed = await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(), metadata=INSPECTOR)
    assert [p.id for p in listed.places] == [inside.id]
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.GetPlace(fire_pb2.GetPlaceRequest(id=outside.id), metadata=INSPECTOR)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await create_place(fire.stub, INSPECTOR, jurisdiction_code=OTHER_GRID)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def test_list_places_pages(fire: RunningService) -> None:
    for index in range(5):
        await create_place(fire.stub, name=f"店{index}")
    seen: list[str] = []
    token = ""
    while True:
        page = await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(
            page={"page_size": 2, "page_token": token}), metadata=DISTRICT)
        seen += [p.name for p in page.places]
        token = page.page.next_page_token
        if not token:
            break
    assert seen == [f"店{i}" for i in range(5)]


async def test_inspection_is_locked_once_finalised(fire: RunningService) -> None:
    hazard = await find_hazard(fire.stub)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.RecordChecklist(fire_pb2.RecordChecklistRequest(inspection_id=hazard.inspection_id),
                                        metadata=DISTRICT)
    assert raised.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert error_detail(raised.value).current_state == "finalized"
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.FinalizeInspection(fire_pb2.FinalizeInspectionRequest(inspection_id=hazard.inspection_id),
                                           metadata=DISTRICT)
    assert raised.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    inspection = (await fire.stub.GetInspection(fire_pb2.GetInspectionRequest(id=hazard.inspection_id),
                                                metadata=DISTRICT)).inspection
    assert inspection.state == fire_pb2.INSPECTION_STATE_FINALIZED
    assert list(inspection.hazard_ids) == [hazard.id]
    assert [i.result for i in inspection.items] == [fire_pb2.CHECK_RESULT_HAZARD_FOUND, fire_pb2.CHECK_RESULT_PASSED]


async def test_finalising_moves_the_next_due_date(fire: RunningService) -> None:
    hazard = await find_hazard(fire.stub)
    place = (await fire.stub.GetPlace(fire_pb2.GetPlaceRequest(id=hazard.place_id), metadata=DISTRICT)).place
    assert place.next_due_on == "2026-11-24"
    assert place.last_inspected_at.ToDatetime().replace(tzinfo=START.tzinfo) == START


async def test_bad_checklist_names_the_lines(fire: RunningService) -> None:
    place = await create_place(fire.stub)
    started = await fire.stub.StartInspection(fire_pb2.StartInspectionRequest(
        place_id=place.id, grid_level=fire_pb2.GRID_LEVEL_SMALL), metadata=DISTRICT)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.RecordChecklist(fire_pb2.RecordChecklistRequest(
            inspection_id=started.inspection.id, items=[
                fire_pb2.ChecklistItem(hazard_type_code="exit_locked", result=fire_pb2.CHECK_RESULT_HAZARD_FOUND),
                fire_pb2.ChecklistItem(hazard_type_code="nope", result=fire_pb2.CHECK_RESULT_PASSED),
            ]), metadata=DISTRICT)
    assert {v.field for v in error_detail(raised.value).field_violations} == {
        "items[0].evidence", "items[1].hazard_type_code"}


async def test_fixed_on_the_spot_is_recorded_and_closed(fire: RunningService) -> None:
    hazard = await find_hazard(fire.stub, fixed_on_spot=True)
    assert (hazard.state, hazard.closure) == (fire_pb2.HAZARD_STATE_CLOSED, fire_pb2.CLOSURE_FIXED_ON_SPOT)
    full = (await fire.stub.GetHazard(fire_pb2.GetHazardRequest(id=hazard.id), metadata=DISTRICT)).hazard
    assert [c.action for c in full.history] == ["found", "fix_on_spot"]


async def test_rectify_verify_with_catalogue_deadline(fire: RunningService) -> None:
    hazard = await find_hazard(fire.stub, "no_extinguisher")  # 3 working days
    ordered = (await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(
        id=hazard.id, note="电话通知负责人"), metadata=DISTRICT)).hazard
    expected = domain.rectification_deadline(START, 3, calendar.add_working_days)
    assert ordered.rectify_by.ToDatetime().replace(tzinfo=START.tzinfo) == expected
    await fire.stub.ClaimFix(fire_pb2.ClaimFixRequest(id=hazard.id, evidence=["photo/fixed.jpg"]),
                             metadata=DISTRICT)
    reopened = (await fire.stub.ReopenHazard(fire_pb2.ReopenHazardRequest(id=hazard.id, reason="仍未配置"),
                                             metadata=DISTRICT)).hazard
    assert reopened.state == fire_pb2.HAZARD_STATE_RECTIFYING
    await fire.stub.ClaimFix(fire_pb2.ClaimFixRequest(id=hazard.id), metadata=DISTRICT)
    verified = (await fire.stub.VerifyFix(fire_pb2.VerifyFixRequest(id=hazard.id), metadata=INSPECTOR)).hazard
    assert (verified.state, verified.closure) == (fire_pb2.HAZARD_STATE_CLOSED, fire_pb2.CLOSURE_VERIFIED)
    full = (await fire.stub.GetHazard(fire_pb2.GetHazardRequest(id=hazard.id), metadata=DISTRICT)).hazard
    assert [(c.action, c.to_state) for c in full.history] == [
        ("found", fire_pb2.HAZARD_STATE_OPEN), ("order_rectification", fire_pb2.HAZARD_STATE_RECTIFYING),
        ("claim_fix", fire_pb2.HAZARD_STATE_RECTIFIED), ("reopen", fire_pb2.HAZARD_STATE_RECTIFYING),
        ("claim_fix", fire_pb2.HAZARD_STATE_RECTIFIED), ("verify", fire_pb2.HAZARD_STATE_CLOSED)]
    assert list(full.evidence) == ["photo/1.jpg", "photo/fixed.jpg"]


async def test_exit_locked_is_due_the_same_day_and_flagged(fire: RunningService) -> None:
    hazard = await find_hazard(fire.stub, "exit_locked")
    assert hazard.report_immediately and hazard.severity == fire_pb2.SEVERITY_MAJOR
    ordered = (await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(id=hazard.id),
                                                  metadata=DISTRICT)).hazard
    assert ordered.rectify_by.ToDatetime().replace(tzinfo=START.tzinfo) == domain.end_of_local_day(START.date())
    flagged = await fire.stub.ListHazards(fire_pb2.ListHazardsRequest(report_immediately_only=True),
                                          metadata=DISTRICT)
    assert [h.id for h in flagged.hazards] == [hazard.id]


async def test_illegal_transition_is_failed_precondition(fire: RunningService) -> None:
    hazard = await find_hazard(fire.stub)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.VerifyFix(fire_pb2.VerifyFixRequest(id=hazard.id), metadata=DISTRICT)
    assert raised.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    found = error_detail(raised.value)
    assert (found.code, found.current_state, list(found.allowed_actions)) == (
        "ILLEGAL_TRANSITION", "open", ["fix_on_spot", "order_rectification"])


async def overdue_hazard(fire: RunningService) -> fire_pb2.Hazard:
    hazard = await find_hazard(fire.stub, "exit_locked")
    await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(id=hazard.id), metadata=DISTRICT)
    return hazard


async def hand_over_events(database: Database, fire: RunningService) -> list[event_pb2.CaseRequested]:
    events = await read_events(database, fire.runtime.tables, "fire", 0, ["CaseRequested"])
    out = []
    for event in events:
        payload = event_pb2.CaseRequested()
        assert event.payload.Unpack(payload)
        out.append(payload)
    return out


async def test_deadline_job_marks_overdue_then_hands_over_once(fire: RunningService, database: Database) -> None:
    hazard = await overdue_hazard(fire)
    clock: Clock = fire.runtime.clock  # type: ignore[assignment]
    job = DeadlineJob(fire.runtime)
    assert (await job.run()).marked_overdue == 0
    clock.advance(days=1)
    first = await job.run()
    assert (first.marked_overdue, first.handed_over) == (1, 0)
    assert (await job.run()).marked_overdue == 0  # idempotent
    deadline = domain.end_of_local_day(START.date())
    clock.now = deadline + timedelta(days=7, seconds=-1)
    assert (await job.run()).handed_over == 0  # still within the 7-day grace period
    clock.now = deadline + timedelta(days=7)
    assert (await job.run()).handed_over == 1
    again = await job.run()
    assert (again.marked_overdue, again.handed_over) == (0, 0)
    (request,) = await hand_over_events(database, fire)
    assert (request.source_service, request.source_reference, request.category_code) == (
        "fire", hazard.id, "fire_hazard_handed_over")
    assert request.jurisdiction_code == GRID and request.urgent and list(request.evidence) == ["photo/1.jpg"]
    assert request.address == "万寿路1号" and request.reporter == "admin"
    got = (await fire.stub.GetHazard(fire_pb2.GetHazardRequest(id=hazard.id), metadata=DISTRICT)).hazard
    assert got.state == fire_pb2.HAZARD_STATE_HANDED_OVER
    assert [c.action for c in got.history][-2:] == ["mark_overdue", "hand_over"]


async def test_hand_over_once_across_a_restart(database: Database) -> None:
    clock = Clock()
    async with running_service("fire", database) as fire:
        fire.runtime.clock = clock
        hazard = await overdue_hazard(fire)
        clock.advance(days=9)
        assert (await DeadlineJob(fire.runtime).run()).handed_over == 1
    async with running_service("fire", database) as restarted:
        restarted.runtime.clock = clock
        result = await DeadlineJob(restarted.runtime).run()
        assert (result.marked_overdue, result.handed_over) == (0, 0)
        events = await hand_over_events(database, restarted)
        assert [e.source_reference for e in events] == [hazard.id]


async def test_an_owner_can_still_fix_an_overdue_hazard(fire: RunningService, database: Database) -> None:
    hazard = await overdue_hazard(fire)
    clock: Clock = fire.runtime.clock  # type: ignore[assignment]
    clock.advance(days=2)
    await DeadlineJob(fire.runtime).run()
    await fire.stub.ClaimFix(fire_pb2.ClaimFixRequest(id=hazard.id), metadata=DISTRICT)
    clock.advance(days=30)
    assert (await DeadlineJob(fire.runtime).run()).handed_over == 0
    assert await hand_over_events(database, fire) == []


async def test_due_lists_per_grid_level(fire: RunningService) -> None:
    await create_place(fire.stub, name="小店")
    key_unit = await create_place(fire.stub, name="商场", type=fire_pb2.PLACE_TYPE_KEY_UNIT)
    await create_place(fire.stub, name="工厂", type=fire_pb2.PLACE_TYPE_FACTORY)

    async def due(code: str, status: int, as_of: str) -> list[str]:
        response = await fire.stub.ListDueInspections(fire_pb2.ListDueInspectionsRequest(
            jurisdiction_code=code, status=status, as_of=as_of), metadata=DISTRICT)
        return [p.name for p in response.places]

    assert await due(GRID, fire_pb2.DUE_STATUS_DUE, "2026-11-23") == ["小店"]
    assert await due(GRID[:12], fire_pb2.DUE_STATUS_DUE, "2026-11-23") == ["工厂"]
    assert await due(GRID[:9], fire_pb2.DUE_STATUS_DUE, "2026-11-23") == ["商场"]
    assert await due(GRID, fire_pb2.DUE_STATUS_OVERDUE, "2026-11-23") == []
    assert await due(GRID, fire_pb2.DUE_STATUS_OVERDUE, "2026-11-24") == ["小店"]
    assert sorted(await due("110108", fire_pb2.DUE_STATUS_DUE, "2026-11-23")) == ["商场", "小店", "工厂"]
    await find_hazard(fire.stub, place=key_unit)  # inspected on 23 Nov: next due 23 Dec
    assert await due(GRID[:9], fire_pb2.DUE_STATUS_DUE, "2026-12-22") == []
    assert await due(GRID[:9], fire_pb2.DUE_STATUS_DUE, "2026-12-23") == ["商场"]


async def test_plan_change_reschedules_places(fire: RunningService) -> None:
    await create_place(fire.stub, type=fire_pb2.PLACE_TYPE_WAREHOUSE)
    changed = await fire.stub.SetInspectionPlan(fire_pb2.SetInspectionPlanRequest(plan=fire_pb2.InspectionPlan(
        place_type=fire_pb2.PLACE_TYPE_WAREHOUSE, grid_level=fire_pb2.GRID_LEVEL_BIG, interval_days=14)),
        metadata=DISTRICT)
    assert changed.places_rescheduled == 1
    listed = await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(type=fire_pb2.PLACE_TYPE_WAREHOUSE),
                                        metadata=DISTRICT)
    assert (listed.places[0].inspected_by, listed.places[0].interval_days) == (fire_pb2.GRID_LEVEL_BIG, 14)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.SetInspectionPlan(fire_pb2.SetInspectionPlanRequest(plan=fire_pb2.InspectionPlan(
            place_type=fire_pb2.PLACE_TYPE_WAREHOUSE, grid_level=fire_pb2.GRID_LEVEL_BIG, interval_days=14)),
            metadata=INSPECTOR)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def test_catalogue_edits_are_versioned(fire: RunningService) -> None:
    types = (await fire.stub.ListHazardTypes(fire_pb2.ListHazardTypesRequest(), metadata=DISTRICT)).hazard_types
    assert len(types) == len(catalogue.DEFAULT_CATALOGUE)
    updated = (await fire.stub.UpdateHazardType(fire_pb2.UpdateHazardTypeRequest(
        code="clutter", severity=fire_pb2.SEVERITY_GENERAL, rectify_days=5, expected_version=1),
        metadata=DISTRICT)).hazard_type
    assert (updated.version, updated.rectify_days, updated.name, updated.updated_by) == (2, 5, "乱堆乱放", "admin")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.UpdateHazardType(fire_pb2.UpdateHazardTypeRequest(
            code="clutter", severity=fire_pb2.SEVERITY_GENERAL, rectify_days=5, expected_version=1),
            metadata=DISTRICT)
    assert raised.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    versions = (await fire.stub.ListHazardTypeVersions(fire_pb2.ListHazardTypeVersionsRequest(code="clutter"),
                                                       metadata=DISTRICT)).versions
    assert [(v.version, v.rectify_days) for v in versions] == [(2, 5), (1, 3)]
    hazard = await find_hazard(fire.stub, "clutter")
    assert hazard.hazard_type_version == 2
    rural = await fire.stub.ListHazardTypes(fire_pb2.ListHazardTypesRequest(
        category=fire_pb2.HAZARD_CATEGORY_RURAL_HOUSEHOLD), metadata=DISTRICT)
    assert len(rural.hazard_types) == 5
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.UpdateHazardType(fire_pb2.UpdateHazardTypeRequest(
            code="clutter", severity=0, rectify_days=-1), metadata=DISTRICT)
    assert {v.field for v in error_detail(raised.value).field_violations} == {"severity", "rectify_days"}


async def test_order_rectification_with_an_explicit_deadline(fire: RunningService) -> None:
    hazard = await find_hazard(fire.stub)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(
            id=hazard.id, rectify_by=START - timedelta(hours=1)), metadata=DISTRICT)
    assert [v.field for v in error_detail(raised.value).field_violations] == ["rectify_by"]
    ordered = (await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(
        id=hazard.id, rectify_by=START + timedelta(days=2)), metadata=DISTRICT)).hazard
    assert ordered.rectify_by.ToDatetime().replace(tzinfo=START.tzinfo) == START + timedelta(days=2)


async def test_one_run_works_through_every_batch(fire: RunningService, database: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from services.fire import jobs

    monkeypatch.setattr(jobs, "BATCH", 2)
    hazards = [await overdue_hazard(fire) for _ in range(5)]
    clock: Clock = fire.runtime.clock  # type: ignore[assignment]
    clock.advance(days=9)
    result = await DeadlineJob(fire.runtime).run()
    assert (result.marked_overdue, result.handed_over) == (5, 5)
    assert sorted(e.source_reference for e in await hand_over_events(database, fire)) == sorted(h.id for h in hazards)


def test_grace_period_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.fire import jobs
    from services.kit.config import ConfigError

    assert jobs.grace_days() == 7
    monkeypatch.setenv(jobs.GRACE_VARIABLE, "3")
    assert jobs.grace_days() == 3
    monkeypatch.setenv(jobs.GRACE_VARIABLE, "-1")
    with pytest.raises(ConfigError):
        jobs.grace_days()


async def test_deadline_job_rolls_back_only_the_hazard_that_failed(fire: RunningService, database: Database,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    hazards = [await overdue_hazard(fire) for _ in range(3)]
    clock: Clock = fire.runtime.clock  # type: ignore[assignment]
    clock.advance(days=1)
    failing = hazards[1].id
    original = HazardStore.apply

    async def apply_then_fail(self, row, action, *args, **kwargs):  # type: ignore[no-untyped-def]
        changed = await original(self, row, action, *args, **kwargs)
        if row.id == failing:  # its update, history and event are written, then the change fails
            raise FailedPrecondition("changed by another request meanwhile")
        return changed

    monkeypatch.setattr(HazardStore, "apply", apply_then_fail)
    assert (await DeadlineJob(fire.runtime).run()).marked_overdue == 2
    states = {h.id: (await fire.stub.GetHazard(fire_pb2.GetHazardRequest(id=h.id), metadata=DISTRICT)).hazard
              for h in hazards}
    assert [states[h.id].state for h in hazards] == [fire_pb2.HAZARD_STATE_OVERDUE, fire_pb2.HAZARD_STATE_RECTIFYING,
                                                     fire_pb2.HAZARD_STATE_OVERDUE]
    assert [c.action for c in states[failing].history][-1] == "order_rectification"
    announced = await read_events(database, fire.runtime.tables, "fire", 0, ["HazardOverdue"])
    assert len(announced) == 2
    monkeypatch.setattr(HazardStore, "apply", original)
    assert (await DeadlineJob(fire.runtime).run()).marked_overdue == 1  # the next run picks it up


async def test_place_text_is_bounded_and_free_of_control_characters(fire: RunningService) -> None:
    for name, problem in [("超" * 129, "must be at most 128 characters, got 129"),
                          ("便民\u2066超市", "must not contain the control character U+2066")]:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await create_place(fire.stub, name=name)
        assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        [violation] = error_detail(raised.value).field_violations
        assert violation.field == "place.name" and violation.description.startswith(problem)
    assert (await create_place(fire.stub, name="超" * 128)).name == "超" * 128  # its column holds 128


async def test_only_a_trusted_loader_records_an_order_given_earlier(fire: RunningService) -> None:
    from google.protobuf import timestamp_pb2

    from services.kit.actor import ActorSigner
    from services.kit.config import DEV_ACTOR_KEY

    earlier = timestamp_pb2.Timestamp()
    earlier.FromDatetime(START - timedelta(days=2))
    hazard = await find_hazard(fire.stub)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(id=hazard.id, rectify_by=earlier),
                                           metadata=DISTRICT)
    assert [(v.field, v.description) for v in error_detail(raised.value).field_violations] == [
        ("rectify_by", "must be in the future")]
    loader = ActorSigner(DEV_ACTOR_KEY.encode(), "launcher").system_metadata(read_scopes=("110108",))
    await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(id=hazard.id, rectify_by=earlier),
                                       metadata=loader)
    assert (await DeadlineJob(fire.runtime).run()).marked_overdue == 1
    got = (await fire.stub.GetHazard(fire_pb2.GetHazardRequest(id=hazard.id), metadata=DISTRICT)).hazard
    assert got.state == fire_pb2.HAZARD_STATE_OVERDUE


async def test_finalizing_needs_a_recorded_checklist_item(fire: RunningService) -> None:
    place = await create_place(fire.stub)
    started = await fire.stub.StartInspection(fire_pb2.StartInspectionRequest(
        place_id=place.id, grid_level=fire_pb2.GRID_LEVEL_SMALL), metadata=INSPECTOR)
    inspection_id = started.inspection.id
    for items in ([], [fire_pb2.ChecklistItem(hazard_type_code="clutter", result=fire_pb2.CHECK_RESULT_NOT_INSPECTED)]):
        await fire.stub.RecordChecklist(fire_pb2.RecordChecklistRequest(inspection_id=inspection_id, items=items),
                                        metadata=INSPECTOR)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await fire.stub.FinalizeInspection(fire_pb2.FinalizeInspectionRequest(inspection_id=inspection_id),
                                               metadata=INSPECTOR)
        assert raised.value.code() is grpc.StatusCode.FAILED_PRECONDITION
        detail = error_detail(raised.value)
        assert "at least one checklist item" in detail.message
        assert (detail.current_state, list(detail.allowed_actions)) == ("draft", ["record_checklist"])
    await fire.stub.RecordChecklist(fire_pb2.RecordChecklistRequest(inspection_id=inspection_id, items=[
        fire_pb2.ChecklistItem(hazard_type_code="clutter", result=fire_pb2.CHECK_RESULT_PASSED)]), metadata=INSPECTOR)
    final = await fire.stub.FinalizeInspection(fire_pb2.FinalizeInspectionRequest(inspection_id=inspection_id),
                                               metadata=INSPECTOR)
    assert final.inspection.state == fire_pb2.INSPECTION_STATE_FINALIZED and not final.hazards


async def test_four_eyes_the_finder_does_not_verify_unless_the_district_turns_it_off(fire: RunningService) -> None:
    other = actor_metadata("inspector-2", (("fire_inspector", "110108001"),))
    settings = await fire.stub.GetDistrictSettings(fire_pb2.GetDistrictSettingsRequest(district_code="110108"),
                                                   metadata=INSPECTOR)
    assert settings.settings.four_eyes_verification and not settings.settings.updated_by
    hazards = []
    for _ in range(2):
        hazard = await find_hazard(fire.stub, metadata=INSPECTOR)
        await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(id=hazard.id), metadata=INSPECTOR)
        await fire.stub.ClaimFix(fire_pb2.ClaimFixRequest(id=hazard.id), metadata=INSPECTOR)
        hazards.append(hazard)
    first, second = hazards
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.VerifyFix(fire_pb2.VerifyFixRequest(id=first.id), metadata=INSPECTOR)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert "inspector-1 found this hazard, so someone else verifies its fix" in (raised.value.details() or "")
    verified = (await fire.stub.VerifyFix(fire_pb2.VerifyFixRequest(id=first.id), metadata=other)).hazard
    assert verified.state == fire_pb2.HAZARD_STATE_CLOSED
    # A street scope does not change the district's settings; the district's does.
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.SetDistrictSettings(fire_pb2.SetDistrictSettingsRequest(
            district_code="110108", four_eyes_verification=False), metadata=INSPECTOR)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.SetDistrictSettings(fire_pb2.SetDistrictSettingsRequest(district_code="1101"),
                                            metadata=DISTRICT)
    assert [v.field for v in error_detail(raised.value).field_violations] == ["district_code"]
    changed = (await fire.stub.SetDistrictSettings(fire_pb2.SetDistrictSettingsRequest(
        district_code="110108", four_eyes_verification=False), metadata=DISTRICT)).settings
    assert (changed.four_eyes_verification, changed.updated_by) == (False, "admin")
    alone = (await fire.stub.VerifyFix(fire_pb2.VerifyFixRequest(id=second.id), metadata=INSPECTOR)).hazard
    assert alone.state == fire_pb2.HAZARD_STATE_CLOSED


async def test_creating_rpcs_run_once_per_idempotency_key(fire: RunningService) -> None:
    request = fire_pb2.CreatePlaceRequest(place=place_input())
    different = fire_pb2.CreatePlaceRequest(place=place_input(name="另一家超市"))
    place = (await assert_created_once(fire, fire.stub.CreatePlace, request, DISTRICT, PlaceRow.__table__,
                                       different)).place
    start = fire_pb2.StartInspectionRequest(place_id=place.id, grid_level=fire_pb2.GRID_LEVEL_SMALL)
    other_place = await create_place(fire.stub, name="第三家")
    await assert_created_once(fire, fire.stub.StartInspection, start, DISTRICT, InspectionRow.__table__,
                              fire_pb2.StartInspectionRequest(place_id=other_place.id,
                                                              grid_level=fire_pb2.GRID_LEVEL_SMALL), again=False)
