"""From inspection to hand-over to the case closing, through the gateway over HTTP with fire and cases as real
gRPC servers consuming each other's events; then the same run with cases started only after the hand-over."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from services.kit.database import Database
from services.kit.plugin import load_plugins
from tests.conftest import POSTGRES_URL
from tests.fire.support import GRID, Clock
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.databases import postgres_schema
from tests.support.services import RunningService, free_port, running_service, wait_until

STREET = GRID[:9]
PLACE = """mutation($place: FirePlaceInput!) { createFirePlace(place: $place) { id } }"""
START = """mutation($id: ID!) { startFireInspection(placeId: $id, gridLevel: SMALL) { id } }"""
RECORD = """mutation($id: ID!, $items: [FireChecklistItemInput!]!) { recordFireChecklist(inspectionId: $id,
  items: $items) { id } }"""
FINALIZE = """mutation($id: ID!) { finalizeFireInspection(inspectionId: $id) { hazardIds } }"""
ORDER = """mutation($id: ID!) { orderFireRectification(input: {id: $id}) { state } }"""
HAZARD = """query($id: ID!) { fireHazard(id: $id) { state closure caseId caseNumber
  history { action toState } } }"""
LINKED = """query($id: ID!) { fireHazard(id: $id) { case { id number state } }
  fireHazards { nodes { id case { id state } } } }"""
BY_SOURCE = """query($ref: String!) { cases(sourceService: "fire", sourceReference: $ref) { nodes { id } } }"""
CASES = """query($prefix: String!) { cases(jurisdictionPrefix: $prefix, categoryCode: "fire_hazard_handed_over") {
  nodes { id state urgent sourceService sourceReference jurisdictionCode } } }"""


@asynccontextmanager
async def cases_database(database: Database, tmp_path: Path) -> AsyncIterator[Database]:
    """A database for cases of the same kind as fire's (each service owns its own)."""
    if database.engine.dialect.name == "postgresql":
        async with postgres_schema(POSTGRES_URL) as db:
            yield db
        return
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cases.db'}")
    try:
        yield db
    finally:
        await db.dispose()


class Portal:
    """The tokens of the run and GraphQL calls that must succeed."""

    def __init__(self, gateway: RunningGateway) -> None:
        settings = gateway.settings
        self.gateway = gateway
        self.inspector = token(settings, "inspector-1", [("fire_inspector", STREET)])
        self.street = token(settings, "street-1", [("street_staff", STREET)])
        self.police = token(settings, "110-station", [("handling_unit", "110108")], department="police_station")

    async def run(self, query: str, bearer: str, **variables: Any) -> dict[str, Any]:
        body = await self.gateway.data(query, bearer, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]

    async def hand_over(self, fire: RunningService) -> str:
        """Inspection finds illegal wiring, rectification is ordered, the deadline and grace pass: handed over.

        (A general hazard: a major one raises an urgent case, which cases sends to emergency linkage.)
        """
        place = (await self.run(PLACE, self.inspector, place={
            "type": "SMALL_ENTERTAINMENT", "name": "星光棋牌室", "address": "万寿路8号", "jurisdictionCode": GRID,
            "ownerName": "赵六", "ownerPhone": "13800000008", "riskLevel": "HIGH"}))["createFirePlace"]
        inspection = (await self.run(START, self.inspector, id=place["id"]))["startFireInspection"]
        photo = await self.gateway.upload(self.inspector, GRID)
        await self.run(RECORD, self.inspector, id=inspection["id"], items=[
            {"hazardTypeCode": "illegal_wiring", "result": "HAZARD_FOUND", "evidence": [photo]}])
        (hazard_id,) = (await self.run(FINALIZE, self.inspector, id=inspection["id"]))["finalizeFireInspection"][
            "hazardIds"]
        assert (await self.run(ORDER, self.inspector, id=hazard_id))["orderFireRectification"]["state"] == "RECTIFYING"
        clock: Clock = fire.runtime.clock  # type: ignore[assignment]
        clock.advance(days=12)  # 3 working days to fix, then 7 days of grace
        from services.fire.jobs import DeadlineJob

        result = await DeadlineJob(fire.runtime).run()
        assert (result.marked_overdue, result.handed_over) == (1, 1)
        assert (await self.hazard(hazard_id))["state"] == "HANDED_OVER"
        return hazard_id

    async def hazard(self, hazard_id: str) -> dict[str, Any]:
        return (await self.run(HAZARD, self.inspector, id=hazard_id))["fireHazard"]  # type: ignore[no-any-return]

    async def case_for(self, hazard_id: str) -> dict[str, Any] | None:
        items = (await self.run(CASES, self.street, prefix=STREET))["cases"]["nodes"]
        found = [c for c in items if c["sourceReference"] == hazard_id]
        assert len(found) <= 1  # one case per hand-over, never two
        return found[0] if found else None

    async def linked(self, hazard_id: str, case: dict[str, Any]) -> None:
        """The inspector follows the hazard to its case, alone and in the list; the street finds it by source."""
        data = await self.run(LINKED, self.inspector, id=hazard_id)
        assert data["fireHazard"]["case"]["id"] == case["id"] and data["fireHazard"]["case"]["number"]
        assert data["fireHazard"]["case"]["state"] == case["state"]
        assert [h["case"] for h in data["fireHazards"]["nodes"] if h["id"] == hazard_id] == [
            {"id": case["id"], "state": case["state"]}]
        found = (await self.run(BY_SOURCE, self.street, ref=hazard_id))["cases"]["nodes"]
        assert found == [{"id": case["id"]}]
        assert (await self.run(BY_SOURCE, self.street, ref="no-such-hazard"))["cases"]["nodes"] == []

    async def close_case(self, case_id: str) -> None:
        """The street registers and dispatches, the fire unit accepts and handles, the street verifies: closed."""
        async def act(bearer: str, mutation: str, extra: str = "") -> str:
            arguments = f"id: $id{extra}"
            if mutation in ("dispatchCase", "handleCase", "verifyCase"):  # more than two arguments: one input
                arguments = f"input: {{{arguments}}}"
            query = f'mutation($id: ID!) {{ {mutation}({arguments}) {{ state }} }}'
            return (await self.run(query, bearer, id=case_id))[mutation]["state"]  # type: ignore[no-any-return]

        assert await act(self.street, "registerCase") == "REGISTERED"
        assert await act(self.street, "dispatchCase") == "DISPATCHED"
        assert await act(self.police, "acceptCase") == "ACCEPTED"
        assert await act(self.police, "handleCase", ', resolution: "已责令开启安全出口并处罚"') == "HANDLED"
        assert await act(self.street, "verifyCase", ", passed: true") == "CLOSED"


async def check_closed(portal: Portal, hazard_id: str, case_id: str) -> None:
    async def closed() -> dict[str, Any] | None:
        hazard = await portal.hazard(hazard_id)
        return hazard if hazard["state"] == "CLOSED" else None

    hazard = await wait_until(closed)
    assert (hazard["closure"], hazard["caseId"]) == ("CASE_CLOSED", case_id)
    assert hazard["caseNumber"]
    assert [h["action"] for h in hazard["history"]] == [
        "found", "order_rectification", "mark_overdue", "hand_over", "close_case"]


async def test_inspection_to_hand_over_to_case_closed(database: Database, tmp_path: Path) -> None:
    fire_port, cases_port = free_port(), free_port()
    async with cases_database(database, tmp_path) as cases_db, \
            running_service("fire", database, peers={"cases": f"127.0.0.1:{cases_port}"}, background=True,
                            port=fire_port) as fire, \
            running_service("cases", cases_db, peers={"fire": fire.address}, background=True,
                            port=cases_port) as cases:
        fire.runtime.clock = Clock()
        settings = gateway_settings(tmp_path, services={"fire": fire.address, "cases": cases.address})
        async with running_gateway(settings, load_plugins(["fire", "cases"])) as gateway:
            portal = Portal(gateway)
            hazard_id = await portal.hand_over(fire)
            case = await wait_until(lambda: portal.case_for(hazard_id))
            assert (case["state"], case["urgent"], case["sourceService"], case["jurisdictionCode"]) == (
                "REPORTED", False, "fire", GRID)
            await portal.linked(hazard_id, case)  # from the moment the case exists, not only once it closes
            await portal.close_case(case["id"])
            await check_closed(portal, hazard_id, case["id"])
            # The deadline job again changes nothing and raises no second case.
            from services.fire.jobs import DeadlineJob

            again = await DeadlineJob(fire.runtime).run()
            assert (again.marked_overdue, again.handed_over) == (0, 0)
            assert (await portal.case_for(hazard_id))["state"] == "CLOSED"  # type: ignore[index]
            await portal.linked(hazard_id, {"id": case["id"], "state": "CLOSED"})


async def test_the_hand_over_waits_for_cases_to_start(database: Database, tmp_path: Path) -> None:
    cases_port = free_port()
    async with cases_database(database, tmp_path) as cases_db, \
            running_service("fire", database, peers={"cases": f"127.0.0.1:{cases_port}"}, background=True) as fire:
        fire.runtime.clock = Clock()
        # A fire department deploys registry + fire alone: the gateway serves only the fire plugin.
        alone = gateway_settings(tmp_path / "alone", services={"fire": fire.address})
        async with running_gateway(alone, load_plugins(["fire"])) as gateway:
            hazard_id = await Portal(gateway).hand_over(fire)
            await asyncio.sleep(0.5)
            assert (await Portal(gateway).hazard(hazard_id))["state"] == "HANDED_OVER"  # waiting in the outbox
        async with running_service("cases", cases_db, peers={"fire": fire.address}, background=True,
                                   port=cases_port) as cases:
            both = gateway_settings(tmp_path / "both", services={"fire": fire.address, "cases": cases.address})
            async with running_gateway(both, load_plugins(["fire", "cases"])) as gateway:
                portal = Portal(gateway)
                case = await wait_until(lambda: portal.case_for(hazard_id))
                await portal.close_case(case["id"])
                await check_closed(portal, hazard_id, case["id"])
