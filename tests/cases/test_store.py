"""Store-level behaviour on both databases: the overdue sweep, tallies, catalogue versions, evaluation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from sqlalchemy import func, select

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases.jobs import run_sweep
from services.cases.models import KIT, CaseRow, CaseUnitRow, HistoryRow, TallyRow
from services.kit.database import Database
from tests.cases import people
from tests.support.services import error_detail, running_service

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 Beijing


async def open_and_dispatch(stub, category: str = "garbage_exposed") -> pb.Case:  # type: ignore[no-untyped-def]
    case = (await stub.ReportCase(pb.ReportCaseRequest(
        category_code=category, description="d", jurisdiction_code=people.GRID,
        source=pb.SOURCE_CHANNEL_GRID_WORKER), metadata=people.grid_worker())).case
    admin = people.district_admin()
    await stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id), metadata=admin)
    return (await stub.DispatchCase(pb.DispatchCaseRequest(case_id=case.id), metadata=admin)).case


async def snapshot(database: Database) -> tuple[int, int, list[tuple[str, str, bool]]]:
    async with database.read() as session:
        history = (await session.execute(select(func.count()).select_from(HistoryRow))).scalar_one()
        events = (await session.execute(select(func.count()).select_from(KIT.outbox))).scalar_one()
        rows = (await session.execute(select(CaseRow.id, CaseRow.due_status, CaseRow.supervised)
                                      .order_by(CaseRow.id))).all()
    return history, events, [(r[0], r[1].value, r[2]) for r in rows]


async def test_the_overdue_sweep_run_twice_changes_nothing_the_second_time(database: Database) -> None:
    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        two_hours = await open_and_dispatch(svc.stub)  # 2 working hours: deadline Monday 12:00
        five_days = await open_and_dispatch(svc.stub, "road_pothole")  # 5 working days
        # Monday 12:30: the first is overdue (supervised), the second untouched.
        svc.runtime.clock = lambda: NOW + timedelta(hours=2, minutes=30)
        first = await run_sweep(svc.runtime)
        assert (first.examined, first.changed) == (1, 1)
        before = await snapshot(database)
        second = await run_sweep(svc.runtime)
        assert (second.examined, second.changed) == (0, 0)
        assert await snapshot(database) == before
        got = (await svc.stub.GetCase(pb.GetCaseRequest(case_id=two_hours.id), metadata=people.district_admin())).case
        assert got.due_status == pb.DUE_STATUS_OVERDUE and got.supervised
        assert [h.action for h in got.history][-2:] == ["mark_overdue", "supervise"]
        # Tuesday 10:30 is past 150% (3 working hours): supervision goes to the street, once.
        svc.runtime.clock = lambda: NOW + timedelta(days=1, minutes=30)
        assert (await run_sweep(svc.runtime)).changed == 1
        assert (await run_sweep(svc.runtime)).changed == 0
        got = (await svc.stub.GetCase(pb.GetCaseRequest(case_id=two_hours.id), metadata=people.district_admin())).case
        assert got.supervision_tier == pb.TIER_STREET
        other = (await svc.stub.GetCase(pb.GetCaseRequest(case_id=five_days.id),
                                        metadata=people.district_admin())).case
        assert other.due_status == pb.DUE_STATUS_NORMAL
        overdue = await svc.stub.ListOverdueCases(pb.ListOverdueCasesRequest(jurisdiction_prefix=people.STREET),
                                                  metadata=people.street_staff())
        assert [c.id for c in overdue.cases] == [two_hours.id]
        async with database.read() as session:
            reminders = list(await session.scalars(select(KIT.outbox.c.type).where(
                KIT.outbox.c.type == "CaseReminder")))
        assert len(reminders) == 4  # two dispatches, one overdue, one supervised


async def test_dashboard_tallies_match_a_direct_count(database: Database) -> None:
    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        a = await open_and_dispatch(svc.stub)
        await open_and_dispatch(svc.stub)
        await svc.stub.ReportCase(pb.ReportCaseRequest(
            category_code="clutter", description="d", jurisdiction_code="110108002001001",
            source=pb.SOURCE_CHANNEL_HOTLINE), metadata=people.district_admin())
        await svc.stub.AcceptCase(pb.AcceptCaseRequest(case_id=a.id), metadata=people.unit("community_workstation"))
        svc.runtime.clock = lambda: NOW + timedelta(hours=3)
        await run_sweep(svc.runtime)
        board = await svc.stub.GetDashboard(pb.GetDashboardRequest(jurisdiction_prefix=people.STREET),
                                            metadata=people.street_staff())
        assert {s.state: s.count for s in board.by_state} == {pb.CASE_STATE_DISPATCHED: 1,
                                                               pb.CASE_STATE_ACCEPTED: 1}
        assert {d.due_status: d.count for d in board.by_due_status} == {pb.DUE_STATUS_OVERDUE: 2}
        assert board.supervised == 2
        # The overdue list and the month's figures come with the counts when asked for, in the same call.
        whole = await svc.stub.GetDashboard(pb.GetDashboardRequest(
            jurisdiction_prefix=people.STREET, overdue_first=10, with_evaluation=True), metadata=people.street_staff())
        listed = await svc.stub.ListOverdueCases(pb.ListOverdueCasesRequest(jurisdiction_prefix=people.STREET),
                                                 metadata=people.street_staff())
        assert [c.id for c in whole.overdue] == [c.id for c in listed.cases] and len(whole.overdue) == 2
        assert (whole.evaluation.key, whole.evaluation.reported, whole.evaluation.dispatched) == (people.STREET, 2, 2)
        assert not board.overdue and not board.HasField("evaluation")
        district = await svc.stub.GetDashboard(pb.GetDashboardRequest(), metadata=people.district_admin())
        async with database.read() as session:
            direct = dict((await session.execute(select(CaseRow.state, func.count()).group_by(CaseRow.state))).all())
            tallies = (await session.execute(select(func.sum(TallyRow.count)))).scalar_one()
        assert {s.state: s.count for s in district.by_state} == {
            pb.CaseState.Value("CASE_STATE_" + k.name): v for k, v in direct.items()}
        assert tallies == 3


async def test_a_category_change_is_a_new_version_and_old_cases_keep_their_limits(database: Database) -> None:
    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        old = await open_and_dispatch(svc.stub)
        categories = {c.code: c for c in (await svc.stub.ListCategories(
            pb.ListCategoriesRequest(), metadata=people.district_admin())).categories}
        changed = pb.Category()
        changed.CopyFrom(categories["garbage_exposed"])
        changed.limit = 4
        stored = (await svc.stub.UpdateCategory(pb.UpdateCategoryRequest(category=changed),
                                                metadata=people.district_admin())).category
        assert (stored.version, stored.limit, stored.changed_by) == (2, 4, "admin")
        new = await open_and_dispatch(svc.stub)
        assert (old.category_version, new.category_version) == (1, 2)
        assert old.deadline.ToDatetime(UTC) == NOW + timedelta(hours=2)
        assert new.deadline.ToDatetime(UTC) == NOW + timedelta(hours=4)
        # A rework of the old case keeps its old limit.
        admin = people.district_admin()
        u = people.unit("community_workstation")
        await svc.stub.AcceptCase(pb.AcceptCaseRequest(case_id=old.id), metadata=u)
        await svc.stub.HandleCase(pb.HandleCaseRequest(case_id=old.id, resolution="x"), metadata=u)
        redo = (await svc.stub.VerifyCase(pb.VerifyCaseRequest(case_id=old.id, passed=False, comment="still"),
                                          metadata=admin)).case
        assert redo.rework_count == 1 and redo.deadline.ToDatetime(UTC) == NOW + timedelta(hours=2)


async def test_the_dispatch_table_routes_by_the_longest_prefix_and_the_centre_overrides(database: Database) -> None:
    async with running_service("cases", database) as svc:
        admin = people.district_admin()
        for prefix, unit in ((people.DISTRICT, "street_office"), (people.COMMUNITY, "urban_management")):
            await svc.stub.SetDispatchRule(pb.SetDispatchRuleRequest(rule=pb.DispatchRule(
                category_code="garbage_exposed", jurisdiction_prefix=prefix, unit=unit)), metadata=admin)
        routed = await open_and_dispatch(svc.stub)
        assert routed.handling_unit == "urban_management"
        case = (await svc.stub.ReportCase(pb.ReportCaseRequest(
            category_code="garbage_exposed", description="d", jurisdiction_code=people.GRID,
            source=pb.SOURCE_CHANNEL_GRID_WORKER), metadata=people.grid_worker())).case
        await svc.stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id), metadata=admin)
        chosen = (await svc.stub.DispatchCase(pb.DispatchCaseRequest(case_id=case.id, unit="water",
                                                                     co_units=["landscaping"]), metadata=admin)).case
        assert chosen.handling_unit == "water" and [p.unit for p in chosen.participants] == ["water", "landscaping"]
        rules = await svc.stub.ListDispatchRules(pb.ListDispatchRulesRequest(), metadata=admin)
        assert len(rules.rules) == 2


def test_the_figures_cache_expires_and_can_be_off(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from services.cases import servicer_base
    from services.cases.evaluation import Counts

    clock = [100.0]
    monkeypatch.setattr(servicer_base.time, "monotonic", lambda: clock[0])
    cache = servicer_base.FiguresCache(ttl=60)
    cache.put(("jurisdiction", "110108001"), Counts(reported=3))
    assert cache.get(("jurisdiction", "110108001")) == Counts(reported=3)
    clock[0] += 61
    assert cache.get(("jurisdiction", "110108001")) is None
    off = servicer_base.FiguresCache(ttl=0)
    off.put(("unit", "water"), Counts(reported=1))
    assert off.get(("unit", "water")) is None


async def test_the_dashboard_month_is_beijings(database: Database) -> None:
    async with running_service("cases", database) as svc:
        # 23:00 on 30 November in Beijing, then half past midnight on 1 December (both 30 November in UTC).
        svc.runtime.clock = lambda: datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
        november = await open_and_dispatch(svc.stub)
        svc.runtime.clock = lambda: datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
        december = await open_and_dispatch(svc.stub)
        street = people.street_staff()
        board = await svc.stub.GetDashboard(pb.GetDashboardRequest(jurisdiction_prefix=people.STREET,
                                                                   with_evaluation=True), metadata=street)
        assert (board.evaluation.key, board.evaluation.reported) == (people.STREET, 1)
        period = pb.GetDashboardRequest(jurisdiction_prefix=people.STREET, with_evaluation=True, overdue_first=1)
        period.period_start.FromDatetime(datetime(2026, 10, 31, 16, 0))  # 1 November, Beijing
        period.period_end.FromDatetime(datetime(2026, 11, 30, 16, 0))  # 1 December, Beijing
        assert (await svc.stub.GetDashboard(period, metadata=street)).evaluation.reported == 1
        assert {november.number[7:15], december.number[7:15]} == {"20261130", "20261201"}


async def test_the_dashboard_refuses_a_bad_overdue_count_or_period(database: Database) -> None:
    async with running_service("cases", database) as svc:
        street = people.street_staff()
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.GetDashboard(pb.GetDashboardRequest(overdue_first=201), metadata=street)
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in error_detail(raised.value).field_violations] == ["overdue_first"]
        backwards = pb.GetDashboardRequest(with_evaluation=True)
        backwards.period_start.FromDatetime(datetime(2026, 12, 1))
        backwards.period_end.FromDatetime(datetime(2026, 11, 1))
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.GetDashboard(backwards, metadata=street)
        assert [v.field for v in error_detail(raised.value).field_violations] == ["period_end"]


async def test_a_units_work_list_holds_the_cases_it_leads_or_co_handles(database: Database) -> None:
    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        admin = people.district_admin()

        async def dispatched(unit: str, co_units: tuple[str, ...] = ()) -> pb.Case:
            case = (await svc.stub.ReportCase(pb.ReportCaseRequest(
                category_code="garbage_exposed", description="d", jurisdiction_code=people.GRID,
                source=pb.SOURCE_CHANNEL_GRID_WORKER), metadata=people.grid_worker())).case
            await svc.stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id), metadata=admin)
            return (await svc.stub.DispatchCase(pb.DispatchCaseRequest(case_id=case.id, unit=unit, co_units=co_units),
                                                metadata=admin)).case

        async def work_list(unit: str) -> set[str]:
            listed = await svc.stub.ListCases(pb.ListCasesRequest(handling_unit=unit), metadata=admin)
            return {c.id for c in listed.cases}

        shared = await dispatched("water", ("landscaping",))
        own = await dispatched("landscaping")
        assert await work_list("landscaping") == {shared.id, own.id}
        assert await work_list("water") == {shared.id}
        # Returned: no unit has a part in it until it is dispatched again.
        await svc.stub.ReturnCase(pb.ReturnCaseRequest(case_id=shared.id, reason="not ours"),
                                  metadata=people.unit("water"))
        assert (await work_list("landscaping"), await work_list("water")) == ({own.id}, set())
        await svc.stub.DispatchCase(pb.DispatchCaseRequest(case_id=shared.id, unit="urban_management",
                                                           co_units=["water"]), metadata=admin)
        assert (await work_list("water"), await work_list("urban_management")) == ({shared.id}, {shared.id})
        # Accepting a part leaves the rows as they are.
        await svc.stub.AcceptCase(pb.AcceptCaseRequest(case_id=shared.id), metadata=people.unit("water"))
        async with database.read() as session:
            rows = (await session.execute(select(CaseUnitRow.case_id, CaseUnitRow.unit, CaseUnitRow.lead)
                                          .order_by(CaseUnitRow.unit))).all()
        assert [tuple(r) for r in rows] == [(own.id, "landscaping", True), (shared.id, "urban_management", True),
                                            (shared.id, "water", False)]


async def test_open_counts_refuse_bad_codes_and_codes_outside_the_scope(database: Database) -> None:
    async with running_service("cases", database) as svc:
        street = people.street_staff()
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.CountOpenCases(pb.CountOpenCasesRequest(
                jurisdiction_codes=[people.STREET, "11010800", "x"]), metadata=street)
        assert [v.field for v in error_detail(raised.value).field_violations] == [
            "jurisdiction_codes[1]", "jurisdiction_codes[2]"]
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.CountOpenCases(pb.CountOpenCasesRequest(jurisdiction_codes=[people.GRID] * 201),
                                          metadata=street)
        assert [v.field for v in error_detail(raised.value).field_violations] == ["jurisdiction_codes"]
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await svc.stub.CountOpenCases(pb.CountOpenCasesRequest(jurisdiction_codes=["110108002"]), metadata=street)
        assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
        empty = await svc.stub.CountOpenCases(pb.CountOpenCasesRequest(jurisdiction_codes=[people.GRID]),
                                              metadata=street)
        assert [(c.jurisdiction_code, c.open) for c in empty.counts] == [(people.GRID, 0)]


async def test_callers_missing_the_figures_together_share_one_computation() -> None:
    from services.cases.evaluation import Counts
    from services.cases.servicer_base import FiguresCache

    cache = FiguresCache(ttl=60)
    runs: list[int] = []
    release = asyncio.Event()

    async def compute() -> Counts:
        runs.append(1)
        await release.wait()
        return Counts(reported=len(runs))

    waiting = [asyncio.create_task(cache.get_or_compute(("jurisdiction", "s"), compute)) for _ in range(5)]
    await asyncio.sleep(0)
    release.set()
    assert [c.reported for c in await asyncio.gather(*waiting)] == [1] * 5 and runs == [1]
    assert (await cache.get_or_compute(("jurisdiction", "s"), compute)).reported == 1  # from the cache

    async def failing() -> Counts:
        runs.append(1)
        await asyncio.sleep(0)
        raise RuntimeError("database gone")

    failed = await asyncio.gather(*(cache.get_or_compute(("unit", "u"), failing) for _ in range(3)),
                                  return_exceptions=True)
    assert [str(e) for e in failed] == ["database gone"] * 3 and len(runs) == 2

    # The caller computing gives up: those waiting compute for themselves, once.
    release.clear()
    first = asyncio.create_task(cache.get_or_compute(("grid_worker", "g"), compute))
    await asyncio.sleep(0)
    second = asyncio.create_task(cache.get_or_compute(("grid_worker", "g"), compute))
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    release.set()
    assert (await second).reported == 4 and first.cancelled() and len(runs) == 4
