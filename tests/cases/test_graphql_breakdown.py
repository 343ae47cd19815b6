"""A dashboard's breakdown over real HTTP through the gateway against a real cases server: per child jurisdiction
one level down from the jurisdiction asked for (or the caller's own), per category and per Beijing day; for the
centres only, inside their scope, and a period over 366 days refused by its GraphQL name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.kit.calendar import BEIJING
from services.kit.database import Database
from tests.cases.people import COMMUNITY, DISTRICT, GRID, STREET
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import running_service

REPORT = """mutation($input: CaseReportInput!) { reportCase(input: $input) { id } }"""
BREAKDOWN = """query($prefix: String! = "", $start: DateTime, $end: DateTime) {
  caseBreakdown(jurisdictionPrefix: $prefix, periodStart: $start, periodEnd: $end) {
    jurisdictionCode children { jurisdictionCode open dueSoon overdue reported }
    categories { categoryCode reported } days { day reported closed } } }"""
OTHER_GRID = f"{COMMUNITY}002"
OTHER_COMMUNITY_GRID = f"{STREET}002001"


@pytest.fixture
async def gateway(database: Database, tmp_path: Path) -> AsyncIterator[RunningGateway]:
    async with running_service("cases", database) as cases:
        settings = gateway_settings(tmp_path, services={"cases": cases.address})
        async with running_gateway(settings, {"cases": cases.plugin}) as gw:
            yield gw


def bearer(gw: RunningGateway, role: str, scope: str, department: str = "") -> str:
    return token(gw.settings, f"{role}-{scope}", [(role, scope)], department=department)


async def test_breakdown_by_child_category_and_day_in_scope(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", DISTRICT)
    for grid, category in ((GRID, "garbage_exposed"), (GRID, "garbage_exposed"), (OTHER_GRID, "clutter"),
                           (OTHER_COMMUNITY_GRID, "garbage_exposed")):
        await gateway.ok(REPORT, admin, {"input": {"categoryCode": category, "description": "路口问题",
                                                   "jurisdictionCode": grid, "source": "GRID_WORKER"}})

    district = (await gateway.ok(BREAKDOWN, admin))["caseBreakdown"]
    assert district["jurisdictionCode"] == DISTRICT
    assert district["children"] == [
        {"jurisdictionCode": STREET, "open": 4, "dueSoon": 0, "overdue": 0, "reported": 4}]
    assert district["categories"] == [{"categoryCode": "garbage_exposed", "reported": 3},
                                      {"categoryCode": "clutter", "reported": 1}]
    today = datetime.now(BEIJING).date().isoformat()
    assert [d for d in district["days"] if d["reported"] or d["closed"]] == [
        {"day": today, "reported": 4, "closed": 0}]
    assert district["days"][0]["day"].endswith("-01")  # the whole month, every day

    street = (await gateway.ok(BREAKDOWN, admin, {"prefix": STREET}))["caseBreakdown"]
    assert [(c["jurisdictionCode"], c["open"]) for c in street["children"]] == [
        (COMMUNITY, 3), (f"{STREET}002", 1)]

    # A community's staff is broken down its own community by default: its grids, nothing of the next community.
    community = (await gateway.ok(BREAKDOWN, bearer(gateway, "community_staff", COMMUNITY)))["caseBreakdown"]
    assert community["jurisdictionCode"] == COMMUNITY
    assert [(c["jurisdictionCode"], c["reported"]) for c in community["children"]] == [(GRID, 2), (OTHER_GRID, 1)]
    grid = (await gateway.ok(BREAKDOWN, admin, {"prefix": GRID}))["caseBreakdown"]
    assert grid["children"] == [] and grid["categories"] == [{"categoryCode": "garbage_exposed", "reported": 2}]


async def test_breakdown_is_the_centres_and_its_period_is_bounded(gateway: RunningGateway) -> None:
    unit = bearer(gateway, "handling_unit", DISTRICT, department="城管执法局")
    assert (await gateway.data(BREAKDOWN, unit))["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    community = bearer(gateway, "community_staff", COMMUNITY)
    refused = await gateway.data(BREAKDOWN, community, {"prefix": f"{STREET}002"})
    assert refused["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

    start = datetime(2026, 1, 1, tzinfo=UTC)
    body = await gateway.data(BREAKDOWN, bearer(gateway, "district_admin", DISTRICT),
                              {"start": start.isoformat(), "end": (start + timedelta(days=367)).isoformat()})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT", error
    assert error["extensions"]["field"] == "periodEnd" and "366 days" in error["message"], error
