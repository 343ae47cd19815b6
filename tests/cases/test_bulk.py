"""The benchmark loader writes cases the service reads back, with tallies and due statuses consistent."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases.bulk import bulk_load
from services.cases.jobs import run_sweep
from services.cases.models import CaseRow, CaseUnitRow
from services.kit.database import Database
from tests.cases.people import district_admin
from tests.support.services import running_service

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def test_bulk_loaded_cases_are_whole(database: Database) -> None:
    await bulk_load(database, 600, seed=3, now=NOW)
    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        board = await svc.stub.GetDashboard(pb.GetDashboardRequest(), metadata=district_admin())
        async with database.read() as session:
            total = (await session.execute(select(func.count()).select_from(CaseRow))).scalar_one()
            running = list(await session.scalars(select(CaseRow.id).where(CaseRow.deadline.is_not(None))
                                                 .where(CaseRow.state.in_(["dispatched", "accepted"])).limit(5)))
            parts = sum(len(p) for p in await session.scalars(select(CaseRow.participants)))
            unit_rows = (await session.execute(select(func.count()).select_from(CaseUnitRow))).scalar_one()
        assert total == 600 and sum(s.count for s in board.by_state) == 600
        assert unit_rows == parts > 0
        for case_id in running:
            case = (await svc.stub.GetCase(pb.GetCaseRequest(case_id=case_id), metadata=district_admin())).case
            assert case.deadline.ToDatetime(UTC) > case.dispatched_at.ToDatetime(UTC)
            assert case.participants[0].unit == case.handling_unit
        # Due statuses were computed for NOW: the sweep at NOW has nothing to change.
        assert (await run_sweep(svc.runtime)).changed == 0
        listed = await svc.stub.ListCases(pb.ListCasesRequest(page={"page_size": 200}), metadata=district_admin())
        assert len(listed.cases) == 200 and listed.page.next_page_token
