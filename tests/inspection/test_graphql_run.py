"""The whole run through the gateway over real HTTP, with inspection and cases as real gRPC servers that
consume each other's events: survey import, a patrol, a violation, its case closed in cases, the violation
closing, the grid's assessment; and a violation reported while cases was down, delivered once it starts."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.kit.calendar import BEIJING
from services.kit.database import Database
from services.kit.plugin import load_plugins
from tests.conftest import POSTGRES_URL
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.inspection.fixtures import DISTRICT, GOOD_ROWS, GRID, survey_csv
from tests.support.databases import postgres_schema
from tests.support.services import free_port, running_service, wait_until

IMPORT = """mutation($data: String!) { importPollutionSources(format: CSV, data: $data) { imported } }"""
SOURCES = """query { pollutionSources(first: 10) { nodes { id name sourceType contactPhone status areaM2
  jurisdictionCode missingChecklistItems } pageInfo { endCursor } } }"""
ASSIGN = """mutation($input: GridHeadInput!) { assignGridHead(input: $input) { subjectId level jurisdictionCode } }"""
PATROL = """mutation($input: PatrolInput!) { recordPatrol(input: $input) { id patroller level checks { sourceId
  compliant finding } } }"""
REPORT = """mutation($input: PollutionViolationInput!) { reportPollutionViolation(input: $input) { id state
  jurisdictionCode reporter deadline } }"""
VIOLATION = """query($id: ID!) { pollutionViolation(id: $id) { id state caseId caseNumber resolution closedOnTime
  closedAt } }"""
LINKED = """query($id: ID!) { pollutionViolation(id: $id) { case { id number state } }
  pollutionViolations { nodes { id case { id state } } } }"""
CASES = """query { cases(first: 20) { nodes { id number state sourceService sourceReference categoryCode } } }"""
ASSESSMENT = """query($start: String!, $end: String!) { pollutionAssessment(start: $start, end: $end, unit: GRID) {
  nodes { key patrolsRequired patrolsFulfilled windowsMissed complianceRate violationsFound violationsClosed
  violationsClosedOnTime } } }"""
DUE = """query($start: String!, $end: String!) { patrolsDue(start: $start, end: $end) { nodes { gridHead { subjectId }
  missed due complianceRate windows { start status } } } }"""


@asynccontextmanager
async def second_database(database: Database, tmp_path: Path) -> AsyncIterator[Database]:
    """A database of the same kind for the cases service (each service owns its own)."""
    if database.url.startswith("sqlite"):
        db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cases.db'}")
        try:
            yield db
        finally:
            await db.dispose()
        return
    async with postgres_schema(POSTGRES_URL) as db:
        yield db


async def ok(gateway: RunningGateway, bearer: str, query: str, **variables: Any) -> dict[str, Any]:
    return await gateway.ok(query, bearer, variables)


class People:
    """Tokens of everyone in the run."""

    def __init__(self, settings: Any) -> None:
        self.bureau = token(settings, "bureau1", [("environment_bureau", DISTRICT)])
        self.head = token(settings, "head-4", [("grid_leader", GRID)])
        self.admin = token(settings, "admin1", [("district_admin", DISTRICT)])
        self.unit = token(settings, "eb1", [("handling_unit", DISTRICT)], department="environment_bureau")


async def case_for(gateway: RunningGateway, people: People, violation_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        body = await gateway.data(CASES, people.admin)
        if body.get("errors") and body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE":
            return None  # the gateway's channel to a cases service that just started is still reconnecting
        assert "errors" not in body, body["errors"]
        items = body["data"]["cases"]["nodes"]
        mine = [c for c in items if c["sourceReference"] == violation_id]
        assert len(mine) <= 1, mine  # exactly one case per violation
        return mine[0] if mine else None
    # Generous: consumers and channels reconnect with back-off (up to 10 s).
    return await wait_until(probe, seconds=30)


async def close_case(gateway: RunningGateway, people: People, case_id: str) -> None:
    """Register, dispatch (the dispatch table sends it to the environment bureau), accept, handle, verify."""
    for bearer, mutation in (
        (people.admin, f'registerCase(id: "{case_id}")'),
        (people.admin, f'dispatchCase(input: {{id: "{case_id}"}})'),
        (people.unit, f'acceptCase(id: "{case_id}")'),
        (people.unit, f'handleCase(input: {{id: "{case_id}", resolution: "已苫盖，责令整改"}})'),
        (people.admin, f'verifyCase(input: {{id: "{case_id}", passed: true}})'),
    ):
        await ok(gateway, bearer, f"mutation {{ {mutation} {{ id state }} }}")


async def closed_violation(gateway: RunningGateway, people: People, violation_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        found = (await ok(gateway, people.bureau, VIOLATION, id=violation_id))["pollutionViolation"]
        return found if found["state"] == "CLOSED" else None
    # Generous: consumers and channels reconnect with back-off (up to 10 s).
    return await wait_until(probe, seconds=30)


def this_month() -> tuple[str, str]:
    today = datetime.now(UTC).astimezone(BEIJING).date()
    start = today.replace(day=1)
    end = (start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1))
    return start.isoformat(), end.replace(day=1).fromordinal(end.toordinal() - 1).isoformat()


async def test_survey_patrol_violation_case_and_assessment(database: Database, tmp_path: Path) -> None:
    inspection_port, cases_port = free_port(), free_port()
    async with second_database(database, tmp_path) as cases_db, \
            running_service("inspection", database, peers={"cases": f"127.0.0.1:{cases_port}"}, background=True,
                            port=inspection_port) as inspection, \
            running_service("cases", cases_db, peers={"inspection": f"127.0.0.1:{inspection_port}"},
                            background=True, port=cases_port) as cases:
        settings = gateway_settings(tmp_path, services={"inspection": inspection.address, "cases": cases.address})
        async with running_gateway(settings, load_plugins(["inspection", "cases"])) as gateway:
            people = People(settings)
            # The survey: a bad row stops the whole file, naming itself; the good file imports.
            bad = survey_csv(GOOD_ROWS[0], f"火电站,x,{GRID},地址,单位,人,13800000000,,,,,,")
            body = await gateway.data(IMPORT, people.bureau, {"data": base64.b64encode(bad).decode()})
            error = body["errors"][0]["extensions"]
            assert error["code"] == "INVALID_ARGUMENT"
            # The row is in the file the data argument carries; its place in the file opens the description.
            assert [v["field"] for v in error["fieldViolations"]] == ["data"] and error["field"] == "data"
            assert error["fieldViolations"][0]["description"].startswith("rows[3].source_type: ")
            assert (await ok(gateway, people.bureau, SOURCES))["pollutionSources"]["nodes"] == []
            imported = await ok(gateway, people.bureau, IMPORT, data=base64.b64encode(survey_csv(*GOOD_ROWS)).decode())
            assert imported["importPollutionSources"]["imported"] == 4

            head = await ok(gateway, people.bureau, ASSIGN, input={
                "subjectId": "head-4", "name": "王网格长", "jurisdictionCode": GRID, "phone": "13912345678"})
            assert head["assignGridHead"] == {"subjectId": "head-4", "level": 4, "jurisdictionCode": GRID}
            sources = (await ok(gateway, people.head, SOURCES))["pollutionSources"]["nodes"]
            yard = next(s for s in sources if s["sourceType"] == "OPEN_STORAGE_YARD")
            assert yard["contactPhone"] == "010*****1234"  # a head's list is masked
            assert yard["areaM2"] == 3000.0 and yard["status"] == "ACTIVE"

            patrol = (await ok(gateway, people.head, PATROL, input={
                "checks": [{"sourceId": yard["id"], "compliant": False, "finding": "砂石未苫盖"}],
                "findings": "一处堆场未苫盖"}))["recordPatrol"]
            assert (patrol["patroller"], patrol["level"]) == ("head-4", 4)
            photo = await gateway.upload(people.head, yard["jurisdictionCode"])
            violation = (await ok(gateway, people.head, REPORT, input={
                "sourceId": yard["id"], "violationType": "uncovered_storage", "description": "砂石料未苫盖",
                "evidence": [photo], "patrolId": patrol["id"]}))["reportPollutionViolation"]
            assert (violation["state"], violation["reporter"]) == ("OPEN", "head-4")

            case = await case_for(gateway, people, violation["id"])
            assert (case["sourceService"], case["categoryCode"], case["state"]) == (
                "inspection", "pollution_violation", "REPORTED")
            for viewer in (people.head, people.bureau):  # the violation shows its case as soon as it exists
                linked = await ok(gateway, viewer, LINKED, id=violation["id"])
                assert linked["pollutionViolation"]["case"] == {
                    "id": case["id"], "number": case["number"], "state": "REPORTED"}
                assert [v["case"] for v in linked["pollutionViolations"]["nodes"]] == [
                    {"id": case["id"], "state": "REPORTED"}]
            await close_case(gateway, people, case["id"])
            closed = await closed_violation(gateway, people, violation["id"])
            assert (closed["caseId"], closed["caseNumber"], closed["closedOnTime"]) == (
                case["id"], case["number"], True)

            start, end = this_month()
            rows = (await ok(gateway, people.bureau, ASSESSMENT, start=start, end=end))["pollutionAssessment"]["nodes"]
            assert rows == [{"key": GRID, "patrolsRequired": 1, "patrolsFulfilled": 1, "windowsMissed": 0,
                             "complianceRate": 1.0, "violationsFound": 1, "violationsClosed": 1,
                             "violationsClosedOnTime": 1}]
            due = (await ok(gateway, people.head, DUE, start=start, end=end))["patrolsDue"]["nodes"]
            assert [(d["gridHead"]["subjectId"], d["missed"], d["due"]) for d in due] == [("head-4", 0, 0)]
            denied = await gateway.data(ASSESSMENT, people.unit, {"start": start, "end": end})
            assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_violation_reported_while_cases_is_down_is_delivered_later(database: Database, tmp_path: Path) -> None:
    inspection_port, cases_port = free_port(), free_port()
    async with second_database(database, tmp_path) as cases_db, \
            running_service("inspection", database, peers={"cases": f"127.0.0.1:{cases_port}"}, background=True,
                            port=inspection_port) as inspection:
        settings = gateway_settings(tmp_path, services={"inspection": inspection.address,
                                                        "cases": f"127.0.0.1:{cases_port}"})
        async with running_gateway(settings, load_plugins(["inspection", "cases"])) as gateway:
            people = People(settings)
            await ok(gateway, people.bureau, IMPORT, data=base64.b64encode(survey_csv(GOOD_ROWS[1])).decode())
            await ok(gateway, people.bureau, ASSIGN,
                     input={"subjectId": "head-4", "name": "王", "jurisdictionCode": GRID})
            yard = (await ok(gateway, people.head, SOURCES))["pollutionSources"]["nodes"][0]
            photo = await gateway.upload(people.head, yard["jurisdictionCode"])
            violation = (await ok(gateway, people.head, REPORT, input={
                "sourceId": yard["id"], "violationType": "missing_wind_break_net", "description": "未设防风网",
                "evidence": [photo]}))["reportPollutionViolation"]
            down = await gateway.data(CASES, people.admin)
            assert down["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert (await ok(gateway, people.bureau, VIOLATION, id=violation["id"]))["pollutionViolation"][
                "state"] == "OPEN"
            # Cases being down fails only the link, not the violation.
            linked = await gateway.data(LINKED, people.bureau, {"id": violation["id"]})
            assert linked["data"]["pollutionViolation"] == {"case": None}
            assert {e["extensions"]["code"] for e in linked["errors"]} == {"SERVICE_UNAVAILABLE"}
            async with running_service("cases", cases_db, peers={"inspection": inspection.address},
                                       background=True, port=cases_port):
                case = await case_for(gateway, people, violation["id"])
                await close_case(gateway, people, case["id"])
                closed = await closed_violation(gateway, people, violation["id"])
                assert closed["caseNumber"] == case["number"]
                await asyncio.sleep(0.2)
                await case_for(gateway, people, violation["id"])  # still exactly one
