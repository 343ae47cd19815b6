"""Every demo token `make run` prints does one real action of its role, against the demo district loaded
into the four real services behind a real gateway over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from launcher.demo import load_demo_data
from services.kit import demo
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.database import Database
from services.kit.plugin import load_plugins
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import RunningService, running_service

SERVICES = ("registry", "cases", "fire", "inspection")
CASE = "mutation($input: CaseReportInput!) { reportCase(input: $input) { id state reporter } }"


def report(source: str, description: str) -> dict[str, Any]:
    return {"input": {"categoryCode": "garbage_exposed", "description": description,
                      "jurisdictionCode": demo.GRID_CODE, "source": source, "address": "翠微路3号"}}


async def demo_stack(tmp_path: Path, stack: AsyncExitStack) -> RunningGateway:
    running: dict[str, RunningService] = {}
    for name in SERVICES:
        database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}")
        stack.push_async_callback(database.dispose)
        running[name] = await stack.enter_async_context(running_service(name, database))
    signer = ActorSigner(DEV_ACTOR_KEY.encode(), "launcher")
    plugins = load_plugins(list(SERVICES))
    await load_demo_data(plugins, {name: s.address for name, s in running.items()}, signer)
    settings = gateway_settings(tmp_path / "gateway", services={name: s.address for name, s in running.items()})
    return await stack.enter_async_context(running_gateway(settings, plugins))


async def walk(gateway: RunningGateway) -> AsyncIterator[tuple[str, str]]:
    """Each demo user's action, yielded as (label, what it did) once done."""
    bearer = {user.label: token(gateway.settings, user.subject, [(user.role, user.scope)], user.department)
              for user in demo.USERS}

    async def ok(label: str, query: str, **variables: Any) -> dict[str, Any]:
        return await gateway.ok(query, bearer[label], variables)

    # The grid worker reports two cases in its grid and records a visit to a household there.
    first = (await ok("grid worker", CASE, **report("GRID_WORKER", "路口垃圾堆积")))["reportCase"]
    second = (await ok("grid worker", CASE, **report("GRID_WORKER", "楼下垃圾满溢")))["reportCase"]
    households = await ok("grid worker", """query($f: HouseholdFilterInput) { households(filter: $f, first: 1) {
      nodes { id } } }""", f={"jurisdictionPrefix": demo.GRID_CODE})
    visit = await ok("grid worker", """mutation($id: ID!) { recordVisit(input: {householdId: $id, notes: "上门走访"}) {
      worker } }""", id=households["households"]["nodes"][0]["id"])
    assert visit["recordVisit"]["worker"] == "demo-grid-worker"
    yield "grid worker", "reported two cases and recorded a visit"

    # The street registers one; the district dispatches it; the community registers and dispatches the other.
    registered = await ok("street", 'mutation($id: ID!) { registerCase(id: $id) { state } }', id=first["id"])
    assert registered["registerCase"]["state"] == "REGISTERED"
    yield "street", "registered a case"
    dispatched = await ok("district", 'mutation($id: ID!) { dispatchCase(input: {id: $id}) { state handlingUnit } }',
                          id=first["id"])
    assert dispatched["dispatchCase"] == {"state": "DISPATCHED", "handlingUnit": "community_workstation"}
    yield "district", "dispatched a case"
    await ok("community", 'mutation($id: ID!) { registerCase(id: $id) { state } }', id=second["id"])
    await ok("community", 'mutation($id: ID!) { dispatchCase(input: {id: $id}) { state } }', id=second["id"])
    yield "community", "registered and dispatched a community case"

    # The community workstation finds both in its list and accepts one.
    listed = await ok("unit", "query { cases(first: 200) { nodes { id handlingUnit } } }")
    units = {c["handlingUnit"] for c in listed["cases"]["nodes"]}
    assert {first["id"], second["id"]} <= {c["id"] for c in listed["cases"]["nodes"]}
    assert units == {"community_workstation"}
    accepted = await ok("unit", 'mutation($id: ID!) { acceptCase(id: $id) { state } }', id=first["id"])
    assert accepted["acceptCase"]["state"] == "ACCEPTED"
    yield "unit", "accepted a case dispatched to it"

    mine = (await ok("resident", CASE, **report("RESIDENT", "小区门口垃圾未清运")))["reportCase"]
    assert mine["reporter"] == "demo-resident"
    assert [c["id"] for c in (await ok("resident", "query { cases { nodes { id } } }"))["cases"]["nodes"]] == [
        mine["id"]]
    yield "resident", "reported a case and read their own"

    # The fire inspector inspects a place of its street; the fire department reads the ledger.
    places = await ok("fire", """query($code: String!) { firePlaces(jurisdictionCode: $code, first: 20) {
      nodes { id type inspectedBy } } }""", code=demo.STREET_CODE)
    place = next(p for p in places["firePlaces"]["nodes"] if p["type"] != "RURAL_HOUSEHOLD")
    started = await ok("fire", """mutation($id: ID!, $level: FireGridLevel!) {
      startFireInspection(placeId: $id, gridLevel: $level) { id } }""", id=place["id"], level=place["inspectedBy"])
    inspection = started["startFireInspection"]["id"]
    await ok("fire", """mutation($id: ID!) { recordFireChecklist(inspectionId: $id, items: [
      {hazardTypeCode: "clutter", result: PASSED}]) { id } }""", id=inspection)
    final = await ok("fire", 'mutation($id: ID!) { finalizeFireInspection(inspectionId: $id) { state } }',
                     id=inspection)
    assert final["finalizeFireInspection"]["state"] == "FINALIZED"
    yield "fire", "recorded an inspection"
    ledger = await ok("fire dept", "query { fireLedgerStatistics { total { found } } }")
    assert ledger["fireLedgerStatistics"]["total"]["found"] > 0
    yield "fire dept", "read the ledger statistics"

    # The grid head records its own patrol; the bureau reads the assessment.
    patrol = await ok("grid head", "mutation { recordPatrol(input: {}) { patroller jurisdictionCode recordedBy } }")
    assert patrol["recordPatrol"] == {"patroller": demo.GRID_LEADER, "jurisdictionCode": demo.COMMUNITY_CODE,
                                      "recordedBy": demo.GRID_LEADER}
    yield "grid head", "recorded a patrol"
    today = datetime.now(UTC).date()
    rows = await ok("environment", """query($start: String!, $end: String!) {
      pollutionAssessment(start: $start, end: $end, unit: STREET) { nodes { key patrolsRequired } } }""",
                    start=(today - timedelta(days=7)).isoformat(), end=today.isoformat())
    assessed = rows["pollutionAssessment"]["nodes"]
    assert assessed and all(r["patrolsRequired"] > 0 for r in assessed)
    yield "environment", "read the assessment"

    verified = await ok("auditor", "query { decisionLogVerification { ok checked } }")
    assert verified["decisionLogVerification"]["ok"] and verified["decisionLogVerification"]["checked"] > 0
    yield "auditor", "verified the decision log"


async def test_every_printed_demo_token_does_its_roles_work(tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        gateway = await demo_stack(tmp_path, stack)
        done = [label async for label, _ in walk(gateway)]
    assert sorted(done) == sorted(user.label for user in demo.USERS)
