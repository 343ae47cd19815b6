"""The inspection service over a real in-process gRPC server: sources, survey, patrols, violations, review."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import any_pb2, timestamp_pb2

from gridgov.common.v1 import event_pb2
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.convert import to_proto
from services.inspection.domain import DEFAULT_CHECKLIST, SourceAction, SourceDraft, SourceStatus
from services.inspection.models import PatrolRow, SourceRow, ViolationRow
from services.inspection.survey import COLUMNS, REQUIRED, parse_row
from services.kit.consumer import apply_event
from services.kit.database import Database
from services.kit.outbox import read_events
from services.kit.tabular import FileFormat, read_table
from tests.inspection.fixtures import (
    DISTRICT,
    DISTRICT_MD,
    GOOD_ROWS,
    GRID,
    OTHER_GRID,
    STREET,
    grid_md,
    source_input,
    survey_csv,
)
from tests.inspection.test_domain import SOURCE_ALLOWED, SOURCE_TABLE
from tests.support.idempotency import assert_created_once
from tests.support.services import RunningService, error_detail, running_service


@pytest.fixture
async def service(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("inspection", database) as running:
        yield running


def fields(error: grpc.aio.AioRpcError) -> list[str]:
    return [v.field for v in error_detail(error).field_violations]


def ts(moment: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(moment)
    return value


async def test_source_lifecycle_and_masking(service: RunningService) -> None:
    stub = service.stub
    created = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input(
        checklist=[pb.ChecklistEntry(item="enclosure", in_place=True)])), metadata=DISTRICT_MD)).source
    assert created.status == pb.SOURCE_STATUS_ACTIVE
    assert created.area_m2 == 1500.0
    assert "wheel_washing" in created.missing_checklist_items and "enclosure" not in created.missing_checklist_items
    assert created.contact_phone == "13800135289"
    masked = (await stub.GetSource(pb.GetSourceRequest(id=created.id),
                                   metadata=grid_md(mask=("contact_phone",)))).source
    assert masked.contact_phone == "138****5289"
    moved = await stub.RectifySource(pb.RectifySourceRequest(id=created.id), metadata=grid_md())
    assert moved.source.status == pb.SOURCE_STATUS_RECTIFYING
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReopenSource(pb.ReopenSourceRequest(id=created.id), metadata=grid_md())
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert error_detail(caught.value).current_state == "rectifying"
    assert list(error_detail(caught.value).allowed_actions) == ["close", "relocate", "resume"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetSource(pb.GetSourceRequest(id=created.id), metadata=grid_md(scope=OTHER_GRID))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def test_create_rejects_every_bad_field(service: RunningService) -> None:
    bad = source_input(pb.SOURCE_TYPE_RESTAURANT_FUMES, code=STREET, contact_phone="12", area_m2=3.0)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.stub.CreateSource(pb.CreateSourceRequest(source=bad), metadata=DISTRICT_MD)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert fields(caught.value) == ["source.jurisdiction_code", "source.contact_phone", "source.area_m2"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.stub.CreateSource(pb.CreateSourceRequest(source=pb.SourceInput()), metadata=DISTRICT_MD)
    assert fields(caught.value) == ["source.source_type"]


async def test_import_with_bad_rows_imports_nothing_and_names_each(service: RunningService) -> None:
    stub = service.stub
    data = survey_csv(
        GOOD_ROWS[0],
        f"火电站,未知类型,{GRID},地址,单位,人,13800000000,,,,,,",                   # line 3: type
        f"餐饮油烟,缺净化器信息,{GRID},翠微路5号,饭店,钱,13800000000,,,,,,",         # line 4: purifier
        GOOD_ROWS[1],
        f"施工工地,外区工地,{OTHER_GRID},某路,单位,人,13800000000,100,,,,,",          # line 6: outside scope
        f"工业重点源,某厂,{GRID},某路,单位,人,138,,,,,省控,",                          # line 7: phone, level, permit
        GOOD_ROWS[0],                                                               # line 8: repeats line 2
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV, data=data),
                                 metadata=grid_md(scope=STREET))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert fields(caught.value) == [
        "rows[3].source_type", "rows[4].fume_purifier_installed", "rows[6].jurisdiction_code",
        "rows[7].contact_phone", "rows[7].control_level", "rows[7].permit_number", "rows[8].name"]
    listed = await stub.ListSources(pb.ListSourcesRequest(), metadata=DISTRICT_MD)
    assert list(listed.sources) == []
    imported = await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV,
                                                                data=survey_csv(*GOOD_ROWS)), metadata=DISTRICT_MD)
    assert imported.imported == 4
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV, data=survey_csv(GOOD_ROWS[2])),
                                 metadata=DISTRICT_MD)
    assert fields(caught.value) == ["rows[2].name"]  # already in the inventory


async def test_export_round_trips_through_the_survey_reader(service: RunningService) -> None:
    stub = service.stub
    await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV, data=survey_csv(*GOOD_ROWS)),
                             metadata=DISTRICT_MD)
    originals = {s.name: s for s in (await stub.ListSources(pb.ListSourcesRequest(), metadata=DISTRICT_MD)).sources}
    assert len(originals) == 4
    exports: dict[int, bytes] = {}
    for proto_format, file_format in ((pb.FILE_FORMAT_CSV, FileFormat.CSV), (pb.FILE_FORMAT_XLSX, FileFormat.XLSX)):
        exported = await stub.ExportSources(pb.ExportSourcesRequest(format=proto_format), metadata=DISTRICT_MD)
        assert exported.rows == 4
        exports[proto_format] = exported.data
        rows = read_table(exported.data, file_format, COLUMNS, REQUIRED)
        drafts = {}
        for row in rows:
            draft, problems = parse_row(row, DEFAULT_CHECKLIST)
            assert problems == []
            assert draft is not None
            drafts[draft.name] = draft
        assert drafts.keys() == originals.keys()
        for name, original in originals.items():
            again = source_message_of(drafts[name])
            for attribute in ("source_type", "jurisdiction_code", "area_m2", "dust_controls", "checklist",
                              "fume_purifier_installed", "control_level", "permit_number", "contact_phone"):
                assert getattr(again, attribute) == getattr(original, attribute), (name, attribute)
    with pytest.raises(grpc.aio.AioRpcError) as caught:  # re-importing the export finds every source present
        await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_XLSX,
                                                         data=exports[pb.FILE_FORMAT_XLSX]),
                                 metadata=DISTRICT_MD)
    assert fields(caught.value) == [f"rows[{line}].name" for line in range(2, 6)]


def source_message_of(draft: SourceDraft) -> pb.Source:
    """The fields a Source message would carry for ``draft`` (masking off)."""
    message = pb.Source(source_type=to_proto(draft.source_type), jurisdiction_code=draft.jurisdiction_code,
                        contact_phone=draft.contact_phone, permit_number=draft.permit_number,
                        dust_controls=[to_proto(d) for d in draft.dust_controls],
                        checklist=[pb.ChecklistEntry(item=k, in_place=v) for k, v in sorted(draft.checklist.items())],
                        control_level=to_proto(draft.control_level) if draft.control_level else 0)
    if draft.area_m2 is not None:
        message.area_m2 = draft.area_m2
    if draft.fume_purifier_installed is not None:
        message.fume_purifier_installed = draft.fume_purifier_installed
    return message


NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def fix_clock(service: RunningService, moment: datetime = NOW) -> None:
    service.runtime.clock = lambda: moment


async def assign(service: RunningService, subject: str, code: str, name: str = "王网格长") -> pb.GridHead:
    """Assigns a head as of 31 October, so November's patrols are all owed; the clock is restored after."""
    clock = service.runtime.clock
    fix_clock(service, datetime(2026, 10, 31, 2, tzinfo=UTC))
    response = await service.stub.AssignGridHead(pb.AssignGridHeadRequest(grid_head=pb.GridHead(
        subject_id=subject, name=name, jurisdiction_code=code, phone="13912345678")), metadata=DISTRICT_MD)
    service.runtime.clock = clock
    return response.grid_head


async def test_grid_heads_by_level_and_scope(service: RunningService) -> None:
    heads = [await assign(service, f"head-{len(code)}", code) for code in (DISTRICT, STREET, GRID[:12], GRID)]
    assert [h.level for h in heads] == [1, 2, 3, 4]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.stub.AssignGridHead(pb.AssignGridHeadRequest(grid_head=pb.GridHead(
            subject_id=" ", name="", jurisdiction_code="11010800", level=2, phone="x")), metadata=DISTRICT_MD)
    assert fields(caught.value) == ["grid_head.subject_id", "grid_head.name", "grid_head.jurisdiction_code",
                                    "grid_head.phone"]
    listed = await service.stub.ListGridHeads(pb.ListGridHeadsRequest(page={"page_size": 2}),
                                              metadata=grid_md(scope=STREET, mask=("phone",)))
    assert [h.jurisdiction_code for h in listed.grid_heads] == [STREET, GRID[:12]]
    assert listed.grid_heads[0].phone == "139****5678"
    rest = await service.stub.ListGridHeads(pb.ListGridHeadsRequest(
        page={"page_size": 2, "page_token": listed.page.next_page_token}), metadata=grid_md(scope=STREET))
    assert [h.jurisdiction_code for h in rest.grid_heads] == [GRID]
    assert rest.page.next_page_token == ""


async def test_patrols_due_and_missed_across_a_month(service: RunningService) -> None:
    fix_clock(service)
    stub = service.stub
    source = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input()), metadata=DISTRICT_MD)).source
    await assign(service, "head-4", GRID)
    await assign(service, "head-3", GRID[:12])
    missed_days = {4, 11, 18, 19, 25}
    for day in range(1, 31):
        if day in missed_days:
            continue
        await stub.RecordPatrol(pb.RecordPatrolRequest(
            patrolled_at=ts(datetime(2026, 11, day, 1, tzinfo=UTC)),
            checks=[pb.SourceCheck(source_id=source.id, compliant=True)]), metadata=grid_md("head-4"))
    for day in (3, 5, 10):  # the community head: twice in week 2 (Nov 2-8), once in week 3, never after
        await stub.RecordPatrol(pb.RecordPatrolRequest(patrolled_at=ts(datetime(2026, 11, day, 3, tzinfo=UTC))),
                                metadata=grid_md("head-3", scope=GRID[:12]))
    due = await stub.ListPatrolDue(pb.ListPatrolDueRequest(period=pb.Period(start="2026-11-01", end="2026-11-30")),
                                   metadata=DISTRICT_MD)
    by_head = {e.grid_head.subject_id: e for e in due.entries}
    grid_head = by_head["head-4"]
    assert grid_head.missed == len(missed_days)
    assert [w.start for w in grid_head.windows if w.status == pb.WINDOW_STATUS_MISSED] == [
        f"2026-11-{d:02d}" for d in sorted(missed_days)]
    assert grid_head.compliance_rate == pytest.approx(25 / 30)
    assert grid_head.frequency == pb.Frequency(times=1, unit=pb.PERIOD_UNIT_DAY)
    community = by_head["head-3"]
    assert [(w.start, w.required, w.done, w.status) for w in community.windows] == [
        ("2026-11-01", 1, 0, pb.WINDOW_STATUS_MISSED), ("2026-11-02", 2, 2, pb.WINDOW_STATUS_MET),
        ("2026-11-09", 2, 1, pb.WINDOW_STATUS_MISSED), ("2026-11-16", 2, 0, pb.WINDOW_STATUS_MISSED),
        ("2026-11-23", 2, 0, pb.WINDOW_STATUS_MISSED), ("2026-11-30", 1, 0, pb.WINDOW_STATUS_MISSED)]
    # December has started: today is due, not missed.
    december = await stub.ListPatrolDue(pb.ListPatrolDueRequest(
        period=pb.Period(start="2026-12-01", end="2026-12-31"), only_lacking=True), metadata=grid_md("head-4"))
    assert [(e.grid_head.subject_id, e.missed, e.due) for e in december.entries] == [("head-4", 0, 1)]
    # A head who takes a grid on 16 November owes patrols from that day on; renaming them changes nothing.
    fix_clock(service, datetime(2026, 11, 16, 2, tzinfo=UTC))
    await stub.AssignGridHead(pb.AssignGridHeadRequest(grid_head=pb.GridHead(
        subject_id="late", name="新网格长", jurisdiction_code=OTHER_GRID)), metadata=DISTRICT_MD)
    fix_clock(service)
    await stub.AssignGridHead(pb.AssignGridHeadRequest(grid_head=pb.GridHead(
        subject_id="late", name="改名", jurisdiction_code=OTHER_GRID)), metadata=DISTRICT_MD)
    due = await stub.ListPatrolDue(pb.ListPatrolDueRequest(period=pb.Period(start="2026-11-01", end="2026-11-30")),
                                   metadata=DISTRICT_MD)
    late = next(e for e in due.entries if e.grid_head.subject_id == "late")
    assert (late.windows[0].start, len(late.windows), late.missed) == ("2026-11-16", 15, 15)
    patrols = await stub.ListPatrols(pb.ListPatrolsRequest(patroller="head-4", page={"page_size": 3}),
                                     metadata=DISTRICT_MD)
    assert len(patrols.patrols) == 3 and patrols.page.next_page_token
    assert patrols.patrols[0].checks[0].source_id == source.id


async def test_the_patroller_is_the_caller_unless_the_bureau_enters_it(service: RunningService) -> None:
    fix_clock(service)
    stub = service.stub
    await assign(service, "head-4", GRID)
    await assign(service, "head-4b", GRID, name="李网格长")
    own = (await stub.RecordPatrol(pb.RecordPatrolRequest(), metadata=grid_md("head-4"))).patrol
    assert (own.patroller, own.recorded_by) == ("head-4", "head-4")
    # A head naming another head of the same grid is refused, one patrol or a batch, and nothing is stored.
    for call in (stub.RecordPatrol(pb.RecordPatrolRequest(patroller="head-4b"), metadata=grid_md("head-4")),
                 stub.RecordPatrols(pb.RecordPatrolsRequest(patrols=[pb.RecordPatrolRequest(patroller="head-4b")]),
                                    metadata=grid_md("head-4"))):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
        assert caught.value.details() == ("a grid head records only their own patrols, not head-4b's: the "
                                          "environment bureau enters a patrol on a head's behalf")
    # The bureau enters a head's patrol on their behalf; the record keeps who entered it.
    entered = (await stub.RecordPatrol(pb.RecordPatrolRequest(patroller="head-4b"), metadata=DISTRICT_MD)).patrol
    assert (entered.patroller, entered.recorded_by) == ("head-4b", "bureau")
    listed = await stub.ListPatrols(pb.ListPatrolsRequest(), metadata=DISTRICT_MD)
    assert sorted((p.patroller, p.recorded_by) for p in listed.patrols) == [("head-4", "head-4"),
                                                                           ("head-4b", "bureau")]


async def test_record_patrol_rejects_what_is_not_the_heads(service: RunningService) -> None:
    fix_clock(service)
    stub = service.stub
    outside = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input(code=OTHER_GRID)),
                                       metadata=DISTRICT_MD)).source
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RecordPatrol(pb.RecordPatrolRequest(), metadata=grid_md("nobody"))
    assert fields(caught.value) == ["patroller"]
    await assign(service, "head-4", GRID)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RecordPatrol(pb.RecordPatrolRequest(
            patrolled_at=ts(NOW + timedelta(hours=1)),
            checks=[pb.SourceCheck(source_id=outside.id), pb.SourceCheck(source_id="missing")]),
            metadata=grid_md("head-4"))
    assert fields(caught.value) == ["patrolled_at", "checks[0].source_id", "checks[1].source_id"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RecordPatrol(pb.RecordPatrolRequest(patroller="head-4"), metadata=grid_md("x", scope=OTHER_GRID))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def case_requests(service: RunningService) -> list[event_pb2.CaseRequested]:
    events = await read_events(service.runtime.database, service.runtime.tables, "inspection", 0, ["CaseRequested"])
    result = []
    for event in events:
        message = event_pb2.CaseRequested()
        assert event.payload.Unpack(message)
        result.append(message)
    return result


async def test_violation_raises_one_case_and_closes_from_case_closed(service: RunningService) -> None:
    fix_clock(service)
    stub = service.stub
    site = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input(
        location={"latitude": 39.9, "longitude": 116.3})), metadata=DISTRICT_MD)).source
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReportViolation(pb.ReportViolationRequest(source_id=site.id,
                                                             violation_type="construction_measure_missing"),
                                   metadata=grid_md())
    assert fields(caught.value) == ["checklist_item", "description", "evidence"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReportViolation(pb.ReportViolationRequest(source_id=site.id, violation_type="no_such"),
                                   metadata=grid_md())
    assert fields(caught.value) == ["violation_type"]
    assert await case_requests(service) == []
    reported = (await stub.ReportViolation(pb.ReportViolationRequest(
        source_id=site.id, violation_type="construction_measure_missing", checklist_item="wheel_washing",
        description="出场车辆未冲洗", evidence=["photo/1.jpg"]), metadata=grid_md("head-4"))).violation
    assert reported.state == pb.VIOLATION_STATE_OPEN and reported.reporter == "head-4" and not reported.urgent
    # Three working days from Tuesday 1 December 2026, 10:00.
    assert reported.deadline.ToDatetime(tzinfo=UTC) == datetime(2026, 12, 4, 2, tzinfo=UTC)
    requests = await case_requests(service)
    assert len(requests) == 1
    request = requests[0]
    assert (request.source_service, request.source_reference, request.category_code, request.jurisdiction_code,
            list(request.evidence), request.reporter) == (
        "inspection", reported.id, "pollution_violation", GRID, ["photo/1.jpg"], "head-4")
    assert request.location.latitude == pytest.approx(39.9) and "出场车辆未冲洗" in request.description
    more = await stub.AddViolationEvidence(pb.AddViolationEvidenceRequest(id=reported.id, evidence=["photo/2.jpg"]),
                                           metadata=grid_md())
    assert list(more.violation.evidence) == ["photo/1.jpg", "photo/2.jpg"]

    closed_at = datetime(2026, 12, 3, 8, tzinfo=UTC)
    await deliver_case_closed(service, 1, reported.id, closed_at)
    await deliver_case_closed(service, 2, "someone-else", closed_at, source_service="fire")
    await deliver_case_closed(service, 3, "unknown-violation", closed_at)
    await deliver_case_closed(service, 4, reported.id, closed_at + timedelta(days=9))  # a repeat changes nothing
    after = (await stub.GetViolation(pb.GetViolationRequest(id=reported.id), metadata=grid_md())).violation
    assert after.state == pb.VIOLATION_STATE_CLOSED
    assert (after.case_id, after.case_number, after.closed_on_time) == ("case-1", "AJ-1", True)
    assert after.closed_at.ToDatetime(tzinfo=UTC) == closed_at
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.AddViolationEvidence(pb.AddViolationEvidenceRequest(id=reported.id, evidence=["late.jpg"]),
                                        metadata=grid_md())
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert error_detail(caught.value).current_state == "closed"
    listed = await stub.ListViolations(pb.ListViolationsRequest(state=pb.VIOLATION_STATE_CLOSED),
                                       metadata=DISTRICT_MD)
    assert [v.id for v in listed.violations] == [reported.id]
    assert len(await case_requests(service)) == 1


async def deliver_case_closed(service: RunningService, sequence: int, reference: str, closed_at: datetime,
                              source_service: str = "inspection") -> None:
    """Applies a CaseClosed through the kit's consumer path, as the subscription would."""
    closed = event_pb2.CaseClosed(case_id=f"case-{sequence}", case_number=f"AJ-{sequence}",
                                  source_service=source_service, source_reference=reference,
                                  closed_at=ts(closed_at), resolution="已整改")
    payload = any_pb2.Any()
    payload.Pack(closed)
    event = event_pb2.Event(sequence=sequence, event_id=f"e{sequence}", type="CaseClosed", source="cases",
                            payload=payload)
    (subscription,) = service.plugin.subscriptions(service.runtime)
    assert (subscription.source, list(subscription.types)) == ("cases", ["CaseClosed"])
    assert await apply_event(service.runtime.database, service.runtime.tables, "cases", event, subscription.handle)


async def test_violation_at_a_closed_source_or_outside_scope_is_refused(service: RunningService) -> None:
    stub = service.stub
    yard = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input(pb.SOURCE_TYPE_OPEN_STORAGE_YARD)),
                                    metadata=DISTRICT_MD)).source
    await stub.CloseSource(pb.CloseSourceRequest(id=yard.id), metadata=DISTRICT_MD)
    request = pb.ReportViolationRequest(source_id=yard.id, violation_type="uncovered_storage", description="未覆盖",
                                        evidence=["a.jpg"])
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReportViolation(request, metadata=grid_md())
    assert fields(caught.value) == ["source_id"]
    await stub.ReopenSource(pb.ReopenSourceRequest(id=yard.id), metadata=DISTRICT_MD)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReportViolation(request, metadata=grid_md(scope=OTHER_GRID))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    request.urgent = True
    reported = (await stub.ReportViolation(request, metadata=grid_md())).violation
    assert (reported.state, reported.urgent) == (pb.VIOLATION_STATE_OPEN, True)
    assert [(r.source_reference, r.urgent) for r in await case_requests(service)] == [(reported.id, True)]


async def test_rules_are_data(service: RunningService) -> None:
    stub = service.stub
    rules = (await stub.GetRules(pb.GetRulesRequest(), metadata=DISTRICT_MD)).rules
    assert len(rules.checklist) == 6
    assert [(f.level, f.frequency.times, f.frequency.unit) for f in rules.patrol_frequencies] == [
        (1, 2, pb.PERIOD_UNIT_MONTH), (2, 1, pb.PERIOD_UNIT_WEEK), (3, 2, pb.PERIOD_UNIT_WEEK),
        (4, 1, pb.PERIOD_UNIT_DAY)]
    del rules.checklist[5:]
    rules.patrol_frequencies[2].frequency.times = 3
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SetRules(pb.SetRulesRequest(rules=rules), metadata=grid_md())
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    saved = (await stub.SetRules(pb.SetRulesRequest(rules=rules), metadata=DISTRICT_MD)).rules
    assert len(saved.checklist) == 5 and saved.patrol_frequencies[2].frequency.times == 3
    site = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input()), metadata=DISTRICT_MD)).source
    assert len(site.missing_checklist_items) == 5
    rules.patrol_frequencies[0].frequency.unit = pb.PERIOD_UNIT_UNSPECIFIED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SetRules(pb.SetRulesRequest(rules=rules), metadata=DISTRICT_MD)
    assert fields(caught.value) == ["rules.patrol_frequencies[0].frequency.unit"]
    defined = await stub.DefineViolationType(pb.DefineViolationTypeRequest(violation_type=pb.ViolationType(
        code="dust_on_road", name="道路扬尘", rectify_working_days=2, source_types=[pb.SOURCE_TYPE_CONSTRUCTION_SITE])),
        metadata=DISTRICT_MD)
    assert defined.violation_type.code == "dust_on_road"
    codes = [t.code for t in (await stub.ListViolationTypes(pb.ListViolationTypesRequest(),
                                                            metadata=grid_md())).violation_types]
    assert "dust_on_road" in codes and "coal_burning" in codes


async def test_air_quality_compared_with_the_city(service: RunningService) -> None:
    stub = service.stub
    at = datetime(2026, 11, 10, 4, tzinfo=UTC)
    readings = [pb.StationReading(station_code=s, jurisdiction_code=code, observed_at=ts(at),
                                  pollutant=pb.POLLUTANT_PM25, value=v)
                for s, code, v in (("wsl", STREET, 40.0), ("ydl", GRID, 60.0), ("far", "110105", 999.0))]
    references = [pb.ReferenceReading(area="北京市", observed_at=ts(at), pollutant=pb.POLLUTANT_PM25, value=40.0)]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.IngestAirQuality(pb.IngestAirQualityRequest(readings=[
            *readings[:2], pb.StationReading(station_code="", jurisdiction_code="1", pollutant=0, value=-1)]),
            metadata=DISTRICT_MD)
    assert fields(caught.value) == ["readings[2].station_code", "readings[2].jurisdiction_code",
                                    "readings[2].observed_at", "readings[2].pollutant", "readings[2].value"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.IngestAirQuality(pb.IngestAirQualityRequest(readings=readings), metadata=DISTRICT_MD)
    assert fields(caught.value) == ["readings[2].jurisdiction_code"]  # another district's station
    stored = await stub.IngestAirQuality(pb.IngestAirQualityRequest(readings=readings[:2], references=references),
                                         metadata=DISTRICT_MD)
    assert (stored.readings, stored.references) == (2, 1)
    await stub.IngestAirQuality(pb.IngestAirQualityRequest(readings=readings[:1]), metadata=DISTRICT_MD)  # a repeat
    compared = await stub.CompareAirQuality(pb.CompareAirQualityRequest(
        period=pb.Period(start="2026-11-01", end="2026-11-30")), metadata=DISTRICT_MD)
    pm25 = compared.pollutants[0]
    assert (pm25.pollutant, pm25.average, pm25.reference_average, pm25.difference, pm25.percent_of_reference,
            pm25.samples) == (pb.POLLUTANT_PM25, 50.0, 40.0, 10.0, 125.0, 2)
    assert not compared.pollutants[1].HasField("average")
    december = await stub.CompareAirQuality(pb.CompareAirQualityRequest(
        period=pb.Period(start="2026-12-01", end="2026-12-31")), metadata=DISTRICT_MD)
    assert december.pollutants[0].samples == 0


async def test_assessment_per_grid_street_and_person(service: RunningService) -> None:
    fix_clock(service)
    stub = service.stub
    site = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input()), metadata=DISTRICT_MD)).source
    await assign(service, "head-4", GRID)
    for day in range(1, 31, 2):
        await stub.RecordPatrol(pb.RecordPatrolRequest(patrolled_at=ts(datetime(2026, 11, day, 1, tzinfo=UTC))),
                                metadata=grid_md("head-4"))
    fix_clock(service, datetime(2026, 11, 20, 2, tzinfo=UTC))
    late = (await stub.ReportViolation(pb.ReportViolationRequest(
        source_id=site.id, violation_type="uncovered_storage", description="未覆盖", evidence=["a.jpg"]),
        metadata=grid_md("head-4"))).violation
    on_time = (await stub.ReportViolation(pb.ReportViolationRequest(
        source_id=site.id, violation_type="open_burning", description="焚烧", evidence=["b.jpg"]),
        metadata=grid_md("head-4"))).violation
    await stub.ReportViolation(pb.ReportViolationRequest(
        source_id=site.id, violation_type="open_burning", description="又焚烧", evidence=["c.jpg"]),
        metadata=grid_md("head-4"))
    fix_clock(service)
    await deliver_case_closed(service, 1, late.id, datetime(2026, 11, 30, 2, tzinfo=UTC))
    await deliver_case_closed(service, 2, on_time.id, datetime(2026, 11, 20, 6, tzinfo=UTC))
    period = pb.Period(start="2026-11-01", end="2026-11-30")
    for unit, key in ((pb.ASSESSMENT_UNIT_GRID, GRID), (pb.ASSESSMENT_UNIT_STREET, STREET),
                      (pb.ASSESSMENT_UNIT_PERSON, "head-4")):
        rows = (await stub.GetAssessment(pb.GetAssessmentRequest(period=period, unit=unit),
                                         metadata=DISTRICT_MD)).rows
        assert [(r.key, r.patrols_required, r.patrols_fulfilled, r.windows_missed, r.violations_found,
                 r.violations_closed, r.violations_closed_on_time) for r in rows] == [
            (key, 30, 15, 15, 3, 2, 1)], unit
        assert rows[0].compliance_rate == pytest.approx(0.5)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetAssessment(pb.GetAssessmentRequest(period=pb.Period(start="x", end="2026-11-01")),
                                 metadata=DISTRICT_MD)
    assert fields(caught.value) == ["period.start"]
    outside = await stub.GetAssessment(pb.GetAssessmentRequest(period=period, unit=pb.ASSESSMENT_UNIT_GRID),
                                       metadata=grid_md(scope=OTHER_GRID))
    assert list(outside.rows) == []


SETUP = {SourceStatus.ACTIVE: [], SourceStatus.RECTIFYING: ["RectifySource"], SourceStatus.CLOSED: ["CloseSource"],
         SourceStatus.RELOCATED: ["RelocateSource"]}
VERB_RPCS = {SourceAction.RECTIFY: "RectifySource", SourceAction.RESUME: "ResumeSource",
             SourceAction.CLOSE: "CloseSource", SourceAction.RELOCATE: "RelocateSource",
             SourceAction.REOPEN: "ReopenSource"}


async def test_every_source_status_and_verb_over_grpc(service: RunningService) -> None:
    stub = service.stub
    for (status, action), expected in SOURCE_TABLE.items():
        source = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input(name=f"{status}-{action}")),
                                          metadata=DISTRICT_MD)).source
        for rpc in SETUP[status]:
            await getattr(stub, rpc)(getattr(pb, f"{rpc}Request")(id=source.id), metadata=DISTRICT_MD)
        rpc = VERB_RPCS[action]
        call = getattr(stub, rpc)(getattr(pb, f"{rpc}Request")(id=source.id, reason="表驱动"), metadata=grid_md())
        if expected is None:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await call
            assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION, (status, action)
            assert (error_detail(caught.value).current_state, list(error_detail(caught.value).allowed_actions)) == (
                status.value, list(SOURCE_ALLOWED[status]))
        else:
            assert (await call).source.status == to_proto(expected), (status, action)


async def test_record_patrols_batch_is_all_or_nothing(service: RunningService) -> None:
    fix_clock(service)
    stub = service.stub
    source = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input()), metadata=DISTRICT_MD)).source
    await assign(service, "head-4", GRID)
    await assign(service, "head-3", GRID[:12])
    good = pb.RecordPatrolRequest(patroller="head-4", patrolled_at=ts(NOW - timedelta(days=1)),
                                  checks=[pb.SourceCheck(source_id=source.id, compliant=True)])
    batch = [good, pb.RecordPatrolRequest(patroller="ghost"),
             pb.RecordPatrolRequest(patroller="head-3", patrolled_at=ts(NOW + timedelta(days=1)),
                                    checks=[pb.SourceCheck(source_id="missing")])]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RecordPatrols(pb.RecordPatrolsRequest(patrols=batch), metadata=DISTRICT_MD)
    assert fields(caught.value) == ["patrols[1].patroller", "patrols[2].patrolled_at",
                                    "patrols[2].checks[0].source_id"]
    assert list((await stub.ListPatrols(pb.ListPatrolsRequest(), metadata=DISTRICT_MD)).patrols) == []
    with pytest.raises(grpc.aio.AioRpcError) as caught:  # one head outside the caller's scope refuses the batch
        await stub.RecordPatrols(pb.RecordPatrolsRequest(patrols=[good]), metadata=grid_md(scope=OTHER_GRID))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RecordPatrols(pb.RecordPatrolsRequest(), metadata=DISTRICT_MD)
    assert fields(caught.value) == ["patrols"]
    second = pb.RecordPatrolRequest(patroller="head-3", patrolled_at=ts(NOW - timedelta(days=2)))
    recorded = await stub.RecordPatrols(pb.RecordPatrolsRequest(patrols=[good, second]), metadata=DISTRICT_MD)
    assert [(p.patroller, p.level, len(p.checks)) for p in recorded.patrols] == [("head-4", 4, 1), ("head-3", 3, 0)]
    listed = await stub.ListPatrols(pb.ListPatrolsRequest(), metadata=DISTRICT_MD)
    assert {p.id for p in listed.patrols} == {p.id for p in recorded.patrols}


async def test_source_text_is_bounded_and_free_of_control_characters(service: RunningService) -> None:
    for name, problem in [("工" * 129, "must be at most 128 characters, got 129"),
                          ("万寿路\x1b[2J工地", "must not contain the control character U+001B")]:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await service.stub.CreateSource(pb.CreateSourceRequest(source=source_input(name=name)),
                                            metadata=DISTRICT_MD)
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        [violation] = error_detail(caught.value).field_violations
        assert violation.field == "source.name" and violation.description.startswith(problem)
    created = await service.stub.CreateSource(pb.CreateSourceRequest(source=source_input(name="工" * 128)),
                                              metadata=DISTRICT_MD)
    assert created.source.name == "工" * 128  # its column holds 128


async def test_creating_rpcs_run_once_per_idempotency_key(service: RunningService) -> None:
    fix_clock(service)
    stub = service.stub
    create = pb.CreateSourceRequest(source=source_input())
    site = (await assert_created_once(service, stub.CreateSource, create, DISTRICT_MD, SourceRow.__table__,
                                      pb.CreateSourceRequest(source=source_input(name="另一工地")))).source
    imported = pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV, data=survey_csv(*GOOD_ROWS))
    answer = await assert_created_once(service, stub.ImportSources, imported, grid_md(scope=STREET),
                                       SourceRow.__table__, pb.ImportSourcesRequest(
                                           format=pb.FILE_FORMAT_CSV, data=survey_csv(GOOD_ROWS[0])),
                                       created=len(GOOD_ROWS), again=False)
    assert answer.imported == len(GOOD_ROWS)
    await assign(service, "head-4", GRID)
    patrol = pb.RecordPatrolRequest(patroller="head-4", patrolled_at=ts(NOW - timedelta(days=1)),
                                    checks=[pb.SourceCheck(source_id=site.id, compliant=True)])
    later = pb.RecordPatrolRequest(patroller="head-4", patrolled_at=ts(NOW - timedelta(hours=1)))
    await assert_created_once(service, stub.RecordPatrol, patrol, DISTRICT_MD, PatrolRow.__table__, later)
    batch = await assert_created_once(service, stub.RecordPatrols, pb.RecordPatrolsRequest(patrols=[patrol, later]),
                                      DISTRICT_MD, PatrolRow.__table__, pb.RecordPatrolsRequest(patrols=[later]),
                                      created=2)
    assert len(batch.patrols) == 2
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        keyed = pb.RecordPatrolRequest(patroller="head-4", idempotency_key="inner")
        await stub.RecordPatrols(pb.RecordPatrolsRequest(patrols=[keyed]), metadata=DISTRICT_MD)
    assert fields(caught.value) == ["patrols[0].idempotency_key"]
    violation = pb.ReportViolationRequest(
        source_id=site.id, violation_type="construction_measure_missing", checklist_item="wheel_washing",
        description="出场车辆未冲洗", evidence=["photo/1.jpg"])
    other = pb.ReportViolationRequest()
    other.CopyFrom(violation)
    other.description = "另一次"
    before = len(await case_requests(service))
    reported = (await assert_created_once(service, stub.ReportViolation, violation, grid_md("head-4"),
                                          ViolationRow.__table__, other)).violation
    assert len(await case_requests(service)) == before + 2  # the first call and the keyless one: no third case
    evidence = pb.AddViolationEvidenceRequest(id=reported.id, evidence=["photo/2.jpg"], idempotency_key="upload-2")
    first = await stub.AddViolationEvidence(evidence, metadata=grid_md("head-4"))
    assert await stub.AddViolationEvidence(evidence, metadata=grid_md("head-4")) == first
    assert list(first.violation.evidence) == ["photo/1.jpg", "photo/2.jpg"]
    got = await stub.GetViolation(pb.GetViolationRequest(id=reported.id), metadata=grid_md("head-4"))
    assert list(got.violation.evidence) == ["photo/1.jpg", "photo/2.jpg"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.AddViolationEvidence(pb.AddViolationEvidenceRequest(
            id=reported.id, evidence=["photo/3.jpg"], idempotency_key="upload-2"), metadata=grid_md("head-4"))
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
