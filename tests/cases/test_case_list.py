"""A page built straight from rows (case_list) is the message convert.case makes of the domain record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.common.v1 import actor_pb2
from services.cases import convert, domain
from services.cases.bulk import bulk_load
from services.cases.case_list import add_cases
from services.cases.models import CaseRow
from services.cases.store import to_domain
from services.kit import actor as actor_context
from services.kit.database import Database
from tests.cases.people import STREET, street_staff
from tests.support.services import running_service

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TWO_PARTS = [{"unit": "u1", "lead": True, "report": "fixed", "accepted_at": "2026-11-20T01:02:03.456789+00:00",
              "handled_at": "2026-11-21T04:05:06+00:00"},
             {"unit": "u2", "lead": False, "report": "", "accepted_at": None, "handled_at": None}]


async def _vary(database: Database) -> None:
    """Gives a few rows what the bulk loader never writes: requests, phones, sources, no location, two parts."""
    async with database.read() as session:
        ids = list(await session.scalars(select(CaseRow.id).order_by(CaseRow.id).limit(6)))
    changes = [
        {"pending_request": domain.RequestKind.EXTENSION, "reporter_phone": "13812345289"},
        {"source_service": "fire", "source_reference": "h-1", "latitude": None},
        {"participants": TWO_PARTS, "longitude": None, "reporter_phone": "1"},
        {"started_at": None, "deadline": NOW},
        {"supervision_tier": domain.Tier.DISTRICT, "satisfaction": None},
        {"pending_request": domain.RequestKind.HOLD, "resolution": "done", "evidence_after": ["a", "b"]},
    ]
    async with database.transaction() as session:
        for case_id, values in zip(ids, changes, strict=True):
            await session.execute(update(CaseRow).where(CaseRow.id == case_id).values(**values))


@pytest.mark.parametrize("mask", [False, True])
async def test_a_page_of_rows_is_the_message_of_the_domain_record(database: Database, mask: bool) -> None:
    await bulk_load(database, 300, seed=5, now=NOW)
    await _vary(database)
    rows = await database.fetch(select(CaseRow.__table__).order_by(CaseRow.id))
    fast = pb.ListCasesResponse()
    add_cases(fast.cases, rows, mask)
    token = actor_context.set_current(actor_pb2.Actor(subject="t", read_scopes=[""],
                                                      mask=["reporter_phone"] if mask else []))
    try:
        slow = [convert.case(to_domain(row)) for row in rows]  # type: ignore[arg-type]
    finally:
        actor_context._current.reset(token)
    assert len(fast.cases) == 300
    assert list(fast.cases) == slow
    # Every kind of value was compared, not only defaults.
    assert any(c.pending_request for c in slow) and any(len(c.participants) == 2 for c in slow)
    assert any(not c.HasField("location") for c in slow) and any(c.HasField("closed_at") for c in slow)
    assert any(c.reporter_phone == ("138****5289" if mask else "13812345289") for c in slow)


async def test_the_overdue_list_through_grpc_keeps_its_order_and_pages(database: Database) -> None:
    await bulk_load(database, 600, seed=3, now=NOW)
    async with running_service("cases", database) as svc:
        svc.runtime.clock = lambda: NOW
        md = street_staff()
        seen: list[pb.Case] = []
        token = ""
        while True:
            page = await svc.stub.ListOverdueCases(pb.ListOverdueCasesRequest(
                page={"page_size": 7, "page_token": token}), metadata=md)
            seen.extend(page.cases)
            token = page.page.next_page_token
            if not token:
                break
        async with database.read() as session:
            rows = list(await session.scalars(select(CaseRow).where(CaseRow.due_status == "overdue")))
        assert seen and {c.id for c in seen} == {r.id for r in rows if r.jurisdiction_code.startswith(STREET)}
        keys = [(c.deadline.ToDatetime(), c.id) for c in seen]
        assert keys == sorted(keys)
        assert all(c.due_status == pb.DUE_STATUS_OVERDUE for c in seen)
