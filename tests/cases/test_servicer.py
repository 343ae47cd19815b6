"""The cases service over real gRPC: the loop, errors with their details, scope, roles, duplicates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from sqlalchemy import func, select

from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.common.v1 import event_pb2, geo_pb2
from services.cases.models import KIT, CaseRow, HistoryRow
from services.kit.database import Database
from tests.cases import people
from tests.support.actors import actor_metadata
from tests.support.idempotency import assert_created_once
from tests.support.services import error_detail, running_service

# Monday 23 Nov 2026, 10:00 in Beijing.
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def report(stub, category: str = "garbage_exposed", metadata=None, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("source", pb.SOURCE_CHANNEL_GRID_WORKER)
    fields.setdefault("description", "垃圾堆在路边")
    request = pb.ReportCaseRequest(category_code=category, jurisdiction_code=people.GRID, address="翠微路1号", **fields)
    return (await stub.ReportCase(request, metadata=metadata or people.grid_worker())).case


async def test_report_register_dispatch_accept_handle_close_archive(database: Database) -> None:
    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        stub = svc.stub
        case = await report(stub, reporter_phone="13812345289")
        assert case.state == pb.CASE_STATE_REPORTED and case.tier == pb.TIER_COMMUNITY
        assert case.number == "110108-20261123-0001"
        c = people.community_staff()
        await stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id), metadata=c)
        dispatched = (await stub.DispatchCase(pb.DispatchCaseRequest(case_id=case.id), metadata=c)).case
        # The dispatch table is empty: the category's default unit; 2 working hours from Monday 10:00.
        assert dispatched.handling_unit == "community_workstation"
        assert dispatched.deadline.ToDatetime(UTC) == NOW + timedelta(hours=2)
        u = people.unit("community_workstation", people.COMMUNITY)
        await stub.AcceptCase(pb.AcceptCaseRequest(case_id=case.id), metadata=u)
        handled = (await stub.HandleCase(pb.HandleCaseRequest(case_id=case.id, resolution="清理完毕",
                                                              evidence=["after.jpg"]), metadata=u)).case
        assert handled.state == pb.CASE_STATE_HANDLED and list(handled.evidence_after) == ["after.jpg"]
        closed = (await stub.VerifyCase(pb.VerifyCaseRequest(case_id=case.id, passed=True), metadata=c)).case
        assert closed.state == pb.CASE_STATE_CLOSED
        archived = await stub.CallbackCase(pb.CallbackCaseRequest(
            case_id=case.id, satisfaction=pb.SATISFACTION_SATISFIED, comment="满意"), metadata=c)
        assert archived.case.state == pb.CASE_STATE_ARCHIVED and list(archived.reporters) == ["gw1"]
        full = (await stub.GetCase(pb.GetCaseRequest(case_id=case.id), metadata=people.district_admin())).case
        assert [h.action for h in full.history] == ["report", "register", "dispatch", "accept", "handle", "close",
                                                    "callback"]
        assert full.reporter_phone == "13812345289"
        masked = await stub.GetCase(pb.GetCaseRequest(case_id=case.id), metadata=actor_metadata(
            "admin", (("district_admin", "110108"),), mask=["reporter_phone"]))
        assert masked.case.reporter_phone == "138****5289"
        async with database.read() as session:
            types = list(await session.scalars(select(KIT.outbox.c.type).order_by(KIT.outbox.c.sequence)))
            payload = (await session.execute(select(KIT.outbox.c.payload).where(
                KIT.outbox.c.type == "CaseClosed"))).scalar_one()
        assert types.count("CaseStateChanged") == 7 and types.count("CaseClosed") == 1
        assert types.count("CaseReminder") == 1
        from google.protobuf import any_pb2
        packed = any_pb2.Any()
        packed.ParseFromString(payload)
        closed_event = event_pb2.CaseClosed()
        assert packed.Unpack(closed_event) and closed_event.case_number == case.number


async def test_illegal_action_names_the_state_and_the_allowed_actions(database: Database) -> None:
    async with running_service("cases", database) as svc:
        case = await report(svc.stub)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.AcceptCase(pb.AcceptCaseRequest(case_id=case.id),
                                      metadata=people.unit("community_workstation"))
        assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        d = error_detail(raised.value)
        assert d.code == "ILLEGAL_TRANSITION" and d.current_state == "reported"
        assert list(d.allowed_actions) == ["link_emergency", "merge", "register", "reject"]


async def test_bad_input_names_every_field(database: Database) -> None:
    async with running_service("cases", database) as svc:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.ReportCase(pb.ReportCaseRequest(category_code="nope", jurisdiction_code="1101",
                                                           location=geo_pb2.GeoPoint(latitude=91, longitude=0)),
                                      metadata=people.grid_worker())
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        fields = [v.field for v in error_detail(raised.value).field_violations]
        assert fields == ["category_code", "description", "jurisdiction_code", "source", "location.latitude"]
        case = await report(svc.stub)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.RejectCase(pb.RejectCaseRequest(case_id=case.id), metadata=people.community_staff())
        assert [v.field for v in error_detail(raised.value).field_violations] == ["reason"]


async def test_roles_and_tiers_are_checked_by_the_service(database: Database) -> None:
    async with running_service("cases", database) as svc:
        stub = svc.stub
        # A street-tier category: the community may not register it, the street may.
        case = await report(stub, "street_lamp_broken")
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id), metadata=people.community_staff())
        assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED and "street tier" in raised.value.details()
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id),
                                    metadata=people.street_staff(people.OTHER_STREET))
        assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
        await stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id), metadata=people.street_staff())
        await stub.DispatchCase(pb.DispatchCaseRequest(case_id=case.id), metadata=people.street_staff())
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.AcceptCase(pb.AcceptCaseRequest(case_id=case.id), metadata=people.unit("water"))
        assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_resident_sees_only_their_own_reports(database: Database) -> None:
    async with running_service("cases", database) as svc:
        mine = await report(svc.stub, source=pb.SOURCE_CHANNEL_RESIDENT, metadata=people.resident("r1"))
        theirs = await report(svc.stub, source=pb.SOURCE_CHANNEL_RESIDENT, metadata=people.resident("r2"))
        listed = await svc.stub.ListCases(pb.ListCasesRequest(), metadata=people.resident("r1"))
        assert [c.id for c in listed.cases] == [mine.id]
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.GetCase(pb.GetCaseRequest(case_id=theirs.id), metadata=people.resident("r1"))
        assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
        everyone = await svc.stub.ListCases(pb.ListCasesRequest(), metadata=people.district_admin())
        assert len(everyone.cases) == 2


async def test_duplicates_are_flagged_and_merged_reporters_called_back(database: Database) -> None:
    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        stub = svc.stub
        here = geo_pb2.GeoPoint(latitude=39.9075, longitude=116.2973)
        near = geo_pb2.GeoPoint(latitude=39.9077, longitude=116.2974)  # about 24 m away
        original = await report(stub, location=here)
        duplicate = await report(stub, location=near, source=pb.SOURCE_CHANNEL_RESIDENT,
                                 metadata=people.resident("r1"))
        far = await report(stub, location=geo_pb2.GeoPoint(latitude=39.92, longitude=116.2973))
        assert duplicate.duplicate_of == original.id and far.duplicate_of == ""
        c = people.community_staff()
        merged = await stub.MergeCase(pb.MergeCaseRequest(case_id=duplicate.id, original_id=original.id), metadata=c)
        assert merged.case.state == pb.CASE_STATE_MERGED and merged.case.merged_into == original.id
        await stub.RegisterCase(pb.RegisterCaseRequest(case_id=original.id), metadata=c)
        await stub.DispatchCase(pb.DispatchCaseRequest(case_id=original.id), metadata=c)
        u = people.unit("community_workstation")
        await stub.AcceptCase(pb.AcceptCaseRequest(case_id=original.id), metadata=u)
        await stub.HandleCase(pb.HandleCaseRequest(case_id=original.id, resolution="done"), metadata=u)
        await stub.VerifyCase(pb.VerifyCaseRequest(case_id=original.id, passed=True), metadata=c)
        called = await stub.CallbackCase(pb.CallbackCaseRequest(
            case_id=original.id, satisfaction=pb.SATISFACTION_BASICALLY_SATISFIED), metadata=c)
        assert sorted(called.reporters) == ["gw1", "r1"]


async def test_history_is_append_only_and_complete(database: Database) -> None:
    async with running_service("cases", database) as svc:
        case = await report(svc.stub)
        await svc.stub.RejectCase(pb.RejectCaseRequest(case_id=case.id, reason="重复"),
                                  metadata=people.community_staff())
        async with database.read() as session:
            rows = list(await session.scalars(select(HistoryRow).where(HistoryRow.case_id == case.id)
                                              .order_by(HistoryRow.id)))
            count = (await session.execute(select(func.count()).select_from(CaseRow))).scalar_one()
        assert [(r.action, r.from_state.value, r.to_state.value, r.comment) for r in rows] == [
            ("report", "reported", "reported", "垃圾堆在路边"), ("reject", "reported", "rejected", "重复")]
        assert count == 1


async def test_free_text_is_bounded_and_free_of_control_characters(database: Database) -> None:
    async with running_service("cases", database) as svc:
        for description, problem in [("垃" * 10001, "must be at most 10000 characters, got 10001"),
                                     ("垃圾\x00堆", "must not contain the control character U+0000"),
                                     ("垃圾\u202e堆", "must not contain the control character U+202E")]:
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await report(svc.stub, description=description)
            assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            [violation] = error_detail(raised.value).field_violations
            assert violation.field == "description" and violation.description.startswith(problem)
        assert (await report(svc.stub, description="垃" * 9998 + "\n\t")).description.startswith("垃垃")


async def test_cases_raised_by_another_service_are_found_by_source_inside_the_scope(database: Database) -> None:
    from google.protobuf import any_pb2

    from services.cases import consumer, servicer

    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        handle = consumer.case_requested_handler(lambda: NOW, servicer.duplicate_rule())
        for reference, code in (("hz-1", people.GRID), ("hz-2", people.GRID), ("hz-9", "110108002001001")):
            payload = any_pb2.Any()
            payload.Pack(event_pb2.CaseRequested(source_service="fire", source_reference=reference,
                                                 category_code="fire_hazard_handed_over", jurisdiction_code=code,
                                                 description="逾期未整改"))
            async with database.transaction() as session:
                await handle(session, event_pb2.Event(event_id=reference, source="fire", payload=payload))
        await report(svc.stub)  # a case nobody raised
        street = actor_metadata("inspector", (("fire_inspector", people.STREET),))
        found = await svc.stub.FindCasesBySource(pb.FindCasesBySourceRequest(
            source_service="fire", source_references=["hz-1", "hz-2", "hz-9", "hz-none"]), metadata=street)
        # hz-9 lies in another street: outside the caller's scope, as if it had no case.
        assert sorted(c.source_reference for c in found.cases) == ["hz-1", "hz-2"]
        assert all(c.number and c.state == pb.CASE_STATE_REPORTED for c in found.cases)
        other = await svc.stub.FindCasesBySource(pb.FindCasesBySourceRequest(
            source_service="inspection", source_references=["hz-1"]), metadata=street)
        assert list(other.cases) == []
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await svc.stub.FindCasesBySource(pb.FindCasesBySourceRequest(source_references=["hz-1"]), metadata=street)
        assert [v.field for v in error_detail(missing.value).field_violations] == ["source_service"]

        admin = people.district_admin()
        listed = await svc.stub.ListCases(pb.ListCasesRequest(source_service="fire"), metadata=admin)
        assert sorted(c.source_reference for c in listed.cases) == ["hz-1", "hz-2", "hz-9"]
        one = await svc.stub.ListCases(pb.ListCasesRequest(source_service="fire", source_reference="hz-2"),
                                       metadata=admin)
        assert [c.source_reference for c in one.cases] == ["hz-2"]


async def test_a_handling_unit_lists_only_the_cases_it_leads_or_co_handles(database: Database) -> None:
    async with running_service("cases", database) as svc:
        stub, c = svc.stub, people.community_staff()
        led, co_handled, elsewhere, unassigned = [await report(stub) for _ in range(4)]
        for case, unit, co_units in ((led, "water", []), (co_handled, "roads", ["water"]),
                                     (elsewhere, "roads", [])):
            await stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id), metadata=c)
            await stub.DispatchCase(pb.DispatchCaseRequest(case_id=case.id, unit=unit, co_units=co_units), metadata=c)
        listed = await stub.ListCases(pb.ListCasesRequest(), metadata=people.unit("water"))
        assert {x.id for x in listed.cases} == {led.id, co_handled.id}
        # A filter by another unit does not widen it.
        other = await stub.ListCases(pb.ListCasesRequest(handling_unit="roads"), metadata=people.unit("water"))
        assert {x.id for x in other.cases} == {co_handled.id}
        for hidden in (elsewhere, unassigned):
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await stub.GetCase(pb.GetCaseRequest(case_id=hidden.id), metadata=people.unit("water"))
            assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
            assert "leads or co-handles" in (raised.value.details() or "")
        # Without a department claim a handling_unit role reads nothing.
        nobody = actor_metadata("nobody", (("handling_unit", people.DISTRICT),))
        assert not (await stub.ListCases(pb.ListCasesRequest(), metadata=nobody)).cases
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetCase(pb.GetCaseRequest(case_id=led.id), metadata=nobody)
        assert "without a department claim" in (raised.value.details() or "")
        # A subject who is also a grid worker reads its grid whole, and only its unit's cases beyond it.
        mixed = actor_metadata("mixed", (("grid_worker", "110108001001009"), ("handling_unit", people.DISTRICT)),
                               department="water")
        assert {x.id for x in (await stub.ListCases(pb.ListCasesRequest(), metadata=mixed)).cases} == {
            led.id, co_handled.id}
        everyone = await stub.ListCases(pb.ListCasesRequest(), metadata=people.district_admin())
        assert len(everyone.cases) == 4


async def test_a_report_retried_with_its_key_is_one_case(database: Database) -> None:
    async with running_service("cases", database) as svc:
        request = pb.ReportCaseRequest(category_code="garbage_exposed", description="垃圾堆在路边",
                                       jurisdiction_code=people.GRID, address="翠微路1号",
                                       source=pb.SOURCE_CHANNEL_GRID_WORKER)
        different = pb.ReportCaseRequest()
        different.CopyFrom(request)
        different.address = "翠微路2号"
        first = await assert_created_once(svc, svc.stub.ReportCase, request, people.grid_worker(),
                                          CaseRow.__table__, different)
        keyed = pb.ReportCaseRequest()
        keyed.CopyFrom(request)
        keyed.idempotency_key = "offline-queue-1"
        mine = await svc.stub.ReportCase(keyed, metadata=people.grid_worker())
        # Another subject's identical key is another report, not a replay of this one.
        theirs = await svc.stub.ReportCase(keyed, metadata=actor_metadata("gw2", (("grid_worker", people.GRID),)))
        assert len({first.case.id, mine.case.id, theirs.case.id}) == 3
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            keyed.idempotency_key = "键"
            await svc.stub.ReportCase(keyed, metadata=people.grid_worker())
        assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in error_detail(raised.value).field_violations] == ["idempotency_key"]


async def test_a_report_keeps_the_grid_its_location_falls_in_when_they_disagree(database: Database) -> None:
    async with running_service("cases", database) as svc:
        other = people.GRID[:-3] + "002"
        flagged = await report(svc.stub, located_grid=other,
                               location=geo_pb2.GeoPoint(latitude=39.9605, longitude=116.3015))
        assert (flagged.jurisdiction_code, flagged.located_grid) == (people.GRID, other)
        again = (await svc.stub.GetCase(pb.GetCaseRequest(case_id=flagged.id), metadata=people.grid_worker())).case
        assert again.located_grid == other
        listed = await svc.stub.ListCases(pb.ListCasesRequest(), metadata=people.district_admin())
        assert [c.located_grid for c in listed.cases if c.id == flagged.id] == [other]
        plain = await report(svc.stub)
        assert plain.located_grid == ""
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await report(svc.stub, located_grid="1101")
        assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in error_detail(raised.value).field_violations] == ["located_grid"]
