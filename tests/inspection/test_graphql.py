"""The inspection plugin through the gateway over real HTTP, deployed without cases: every action's
mutation, field errors, illegal transitions, scopes and masking as each role sees them."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.kit.database import Database
from services.kit.plugin import load_plugins
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.inspection.fixtures import DISTRICT, GOOD_ROWS, GRID, OTHER_GRID, STREET, survey_csv
from tests.support.services import RunningService, running_service

NOW = datetime(2026, 11, 27, 2, tzinfo=UTC)  # 10:00 in Beijing, a Friday
SOURCE_FIELDS = ("id name sourceType status contactPhone areaM2 controlLevel fumePurifierInstalled "
                 "missingChecklistItems jurisdictionCode")
CREATE = f"""mutation($input: PollutionSourceInput!) {{ createPollutionSource(input: $input) {{ {SOURCE_FIELDS} }} }}"""
ONE = f"""query($id: ID!) {{ pollutionSource(id: $id) {{ {SOURCE_FIELDS} }} }}"""
LIST = f"""query {{ pollutionSources {{ nodes {{ {SOURCE_FIELDS} }} pageInfo {{ endCursor }} }} }}"""


@dataclass
class Stack:
    inspection: RunningService
    gateway: RunningGateway
    bureau: str
    street_head: str
    head: str
    other_head: str
    street_staff: str
    auditor: str

    async def ok(self, query: str, bearer: str, **variables: Any) -> dict[str, Any]:
        return await self.gateway.ok(query, bearer, variables)

    async def error(self, query: str, bearer: str, **variables: Any) -> dict[str, Any]:
        return (await self.gateway.first_error(query, bearer, variables))["extensions"]  # type: ignore[no-any-return]


@pytest.fixture
async def stack(database: Database, tmp_path: Path) -> AsyncIterator[Stack]:
    async with running_service("inspection", database) as inspection:
        inspection.runtime.clock = lambda: NOW
        settings = gateway_settings(tmp_path, services={"inspection": inspection.address})
        async with running_gateway(settings, load_plugins(["inspection"])) as gateway:
            stack = Stack(
                inspection, gateway,
                bureau=token(settings, "bureau1", [("environment_bureau", DISTRICT)]),
                street_head=token(settings, "head-2", [("grid_leader", STREET)]),
                head=token(settings, "head-4", [("grid_leader", GRID)]),
                other_head=token(settings, "head-x", [("grid_leader", OTHER_GRID)]),
                street_staff=token(settings, "s1", [("street_staff", STREET)]),
                auditor=token(settings, "aud", [("auditor", DISTRICT)]),
            )
            for subject, code in (("head-2", STREET), ("head-4", GRID), ("head-x", OTHER_GRID)):
                await stack.ok("""mutation($input: GridHeadInput!) { assignGridHead(input: $input) { level } }""",
                               stack.bureau, input={"subjectId": subject, "name": "网格长", "jurisdictionCode": code,
                                                    "assignedOn": "2026-11-01"})
            yield stack


def restaurant(**changes: Any) -> dict[str, Any]:
    return {"sourceType": "RESTAURANT_FUMES", "name": "老北京烤鸭", "jurisdictionCode": GRID, "address": "翠微路3号",
            "responsibleUnit": "烤鸭店", "contactName": "孙", "contactPhone": "13700001111",
            "fumePurifierInstalled": True, **changes}


async def test_sources_masking_and_scope_by_role(stack: Stack) -> None:
    created = (await stack.ok(CREATE, stack.head, input=restaurant()))["createPollutionSource"]
    assert (created["status"], created["fumePurifierInstalled"], created["contactPhone"]) == (
        "ACTIVE", True, "13700001111")  # the head covering it sees the contact it just entered
    assert (await stack.ok(LIST, stack.bureau))["pollutionSources"]["nodes"][0]["contactPhone"] == "13700001111"
    assert (await stack.ok(LIST, stack.head))["pollutionSources"]["nodes"][0]["contactPhone"] == "137****1111"
    assert (await stack.ok(ONE, stack.head, id=created["id"]))["pollutionSource"]["contactPhone"] == "13700001111"
    assert (await stack.ok(ONE, stack.street_staff, id=created["id"]))["pollutionSource"][
        "contactPhone"] == "137****1111"
    assert (await stack.ok(LIST, stack.other_head))["pollutionSources"]["nodes"] == []
    assert (await stack.error(ONE, stack.other_head, id=created["id"]))["code"] == "PERMISSION_DENIED"
    assert (await stack.error(LIST, stack.auditor))["code"] == "PERMISSION_DENIED"
    outside = await stack.error(CREATE, stack.other_head, input=restaurant())
    assert outside["code"] == "PERMISSION_DENIED"


async def test_bad_input_names_fields_and_illegal_verbs_say_what_is_allowed(stack: Stack) -> None:
    bad = await stack.error(CREATE, stack.bureau, input=restaurant(
        contactPhone="123", areaM2=20.0, fumePurifierInstalled=None, controlLevel="CITY"))
    assert bad["code"] == "INVALID_ARGUMENT"
    # Named as the client sent them: the input argument's fields, not the service's request message.
    assert [v["field"] for v in bad["fieldViolations"]] == [
        "input.contactPhone", "input.areaM2", "input.fumePurifierInstalled", "input.controlLevel"]
    assert bad["field"] == "input.contactPhone"
    created = (await stack.ok(CREATE, stack.bureau, input=restaurant()))["createPollutionSource"]
    verb = """mutation($id: ID!) { %s(id: $id, reason: "检查") { status } }"""
    illegal = await stack.error(verb % "reopenPollutionSource", stack.head, id=created["id"])
    assert (illegal["code"], illegal["currentState"], illegal["allowedActions"]) == (
        "ILLEGAL_TRANSITION", "ACTIVE", ["closePollutionSource", "rectifyPollutionSource", "relocatePollutionSource"])
    for mutation, status in (("rectifyPollutionSource", "RECTIFYING"), ("resumePollutionSource", "ACTIVE"),
                             ("closePollutionSource", "CLOSED"), ("reopenPollutionSource", "ACTIVE"),
                             ("relocatePollutionSource", "RELOCATED")):
        assert (await stack.ok(verb % mutation, stack.head, id=created["id"]))[mutation]["status"] == status
    update = """mutation($id: ID!, $input: PollutionSourceInput!) { updatePollutionSource(id: $id, input: $input) {
      name status } }"""
    updated = (await stack.ok(update, stack.head, id=created["id"], input=restaurant(name="新烤鸭店")))
    assert updated["updatePollutionSource"] == {"name": "新烤鸭店", "status": "RELOCATED"}


async def test_patrols_violations_rules_and_air_quality(stack: Stack) -> None:
    imported = await stack.ok("""mutation($d: String!) { importPollutionSources(format: CSV, data: $d) {
        imported } }""", stack.bureau, d=base64.b64encode(survey_csv(*GOOD_ROWS)).decode())
    assert imported["importPollutionSources"]["imported"] == 4
    sources = (await stack.ok(LIST, stack.bureau))["pollutionSources"]["nodes"]
    site = next(s for s in sources if s["sourceType"] == "CONSTRUCTION_SITE")
    assert site["missingChecklistItems"] == ["covering", "hardened_roads", "wet_work", "covered_transport"]
    patrol = """mutation($input: PatrolInput!) { recordPatrol(input: $input) { id level jurisdictionCode } }"""
    # The street head patrols its street; the grid head its grid; neither the other's.
    assert (await stack.ok(patrol, stack.street_head, input={}))["recordPatrol"]["level"] == 2
    mine = (await stack.ok(patrol, stack.head, input={"checks": [{"sourceId": site["id"], "compliant": False}]}))
    assert mine["recordPatrol"]["jurisdictionCode"] == GRID
    assert (await stack.error(patrol, stack.street_head, input={"patroller": "head-4"}))["code"] == (
        "PERMISSION_DENIED")
    batch = """mutation($patrols: [PatrolInput!]!) { recordPatrols(patrols: $patrols) { patroller patrolledAt } }"""
    synced = await stack.ok(batch, stack.head, patrols=[{"patrolledAt": "2026-11-25T01:00:00+00:00"},
                                                        {"patrolledAt": "2026-11-26T01:00:00+00:00"}])
    assert [p["patroller"] for p in synced["recordPatrols"]] == ["head-4", "head-4"]
    mixed = await stack.error(batch, stack.head, patrols=[{"patroller": "head-2"}])
    assert [v["field"] for v in mixed["fieldViolations"]] == ["patrols"]
    future = await stack.error(batch, stack.head, patrols=[{}, {"patrolledAt": "2027-01-01T00:00:00+00:00"}])
    assert [v["field"] for v in future["fieldViolations"]] == ["patrols[1].patrolledAt"]
    report = """mutation($input: PollutionViolationInput!) { reportPollutionViolation(input: $input) {
      id state checklistItem } }"""
    missing = await stack.error(report, stack.head, input={
        "sourceId": site["id"], "violationType": "construction_measure_missing", "description": "未冲洗",
        "evidence": []})
    assert [v["field"] for v in missing["fieldViolations"]] == ["input.checklistItem", "input.evidence"]
    first = await stack.gateway.upload(stack.head, site["jurisdictionCode"])
    violation = (await stack.ok(report, stack.head, input={
        "sourceId": site["id"], "violationType": "construction_measure_missing", "checklistItem": "wet_work",
        "description": "未湿法作业", "evidence": [first], "patrolId": mine["recordPatrol"]["id"]}))
    violation_id = violation["reportPollutionViolation"]["id"]
    evidence = """mutation($id: ID!, $files: [String!]!) {
      addPollutionViolationEvidence(id: $id, evidence: $files) { evidence } }"""
    second = await stack.gateway.upload(stack.head, site["jurisdictionCode"])
    assert (await stack.ok(evidence, stack.head, id=violation_id, files=[second]))["addPollutionViolationEvidence"][
        "evidence"] == [first, second]
    assert (await stack.error(evidence, stack.other_head, id=violation_id, files=[second]))["code"] == \
        "PERMISSION_DENIED"
    offers = """query($id: ID!) { pollutionViolation(id: $id) { viewerActions } }"""
    # The grid head and the bureau keep violations; street staff only read them.
    for bearer, expected in ((stack.head, ["addPollutionViolationEvidence"]),
                             (stack.bureau, ["addPollutionViolationEvidence"]), (stack.street_staff, [])):
        assert (await stack.ok(offers, bearer, id=violation_id))["pollutionViolation"]["viewerActions"] == expected
    listed = await stack.ok("""query { pollutionViolations(state: OPEN) { nodes { id } pageInfo { endCursor } } }""",
                            stack.street_staff)
    assert [v["id"] for v in listed["pollutionViolations"]["nodes"]] == [violation_id]

    rules = (await stack.ok("""query { pollutionRules { checklist { code name }
        patrolFrequencies { level frequency { times unit } }
        supervisionFrequencies { controlLevel frequency { times unit } } } }""", stack.head))["pollutionRules"]
    new_rules = {
        "checklist": rules["checklist"][:5],
        "patrolFrequencies": [{"level": f["level"], **f["frequency"]} for f in rules["patrolFrequencies"]],
        "supervisionFrequencies": [{"controlLevel": f["controlLevel"], **f["frequency"]}
                                   for f in rules["supervisionFrequencies"]],
    }
    set_rules = """mutation($input: PollutionRulesInput!) { setPollutionRules(input: $input) { checklist { code } } }"""
    assert (await stack.error(set_rules, stack.head, input=new_rules))["code"] == "PERMISSION_DENIED"
    assert len((await stack.ok(set_rules, stack.bureau, input=new_rules))["setPollutionRules"]["checklist"]) == 5
    defined = await stack.ok("""mutation { definePollutionViolationType(input: {code: "road_dust", name: "道路扬尘",
        rectifyWorkingDays: 2, sourceTypes: [CONSTRUCTION_SITE]}) { code sourceTypes } }""", stack.bureau)
    assert defined["definePollutionViolationType"] == {"code": "road_dust", "sourceTypes": ["CONSTRUCTION_SITE"]}

    ingest = """mutation($r: [AirQualityStationReadingInput!]!, $c: [AirQualityReferenceReadingInput!]!) {
      ingestAirQuality(readings: $r, references: $c) { readings references } }"""
    at = "2026-11-10T04:00:00+00:00"
    readings = [{"stationCode": "wsl", "jurisdictionCode": STREET, "observedAt": at, "pollutant": "PM25",
                 "value": 55.0}]
    references = [{"area": "北京市", "observedAt": at, "pollutant": "PM25", "value": 50.0}]
    assert (await stack.error(ingest, stack.head, r=readings, c=references))["code"] == "PERMISSION_DENIED"
    assert (await stack.ok(ingest, stack.bureau, r=readings, c=references))["ingestAirQuality"] == {
        "readings": 1, "references": 1}
    compared = (await stack.ok("""query { airQualityComparison(start: "2026-11-01", end: "2026-11-30") {
        nodes { pollutant average referenceAverage difference percentOfReference samples } } }""", stack.street_staff))
    assert compared["airQualityComparison"]["nodes"][0] == {
        "pollutant": "PM25", "average": 55.0, "referenceAverage": 50.0, "difference": 5.0, "percentOfReference": 110.0,
        "samples": 1}
    due = await stack.ok("""query { patrolsDue(start: "2026-11-01", end: "2026-11-07") { nodes { gridHead { subjectId
        assignedOn } missed windows { status } } } supervisionDue(start: "2026-10-01", end: "2026-12-31") {
        nodes { name controlLevel missed due frequency { times unit } windows { start status } } } }""", stack.bureau)
    heads = {d["gridHead"]["subjectId"]: d for d in due["patrolsDue"]["nodes"]}
    assert heads["head-4"]["missed"] == 7 and heads["head-4"]["gridHead"]["assignedOn"] == "2026-11-01"
    # The key source entered the inventory on 27 November: November's check is due, December's upcoming.
    assert due["supervisionDue"]["nodes"] == [{"name": "热电厂", "controlLevel": "NATIONAL", "missed": 0, "due": 1,
                                      "frequency": {"times": 1, "unit": "MONTH"},
                                      "windows": [{"start": "2026-11-27", "status": "DUE"},
                                                  {"start": "2026-12-01", "status": "UPCOMING"}]}]
    exported = (await stack.ok("""query { pollutionSourceExport(format: XLSX) }""", stack.bureau))
    assert base64.b64decode(exported["pollutionSourceExport"])[:2] == b"PK"


MISSED = """query($after: String!, $kind: MissedPatrolKind) { missedPatrols(first: 10, after: $after, kind: $kind) {
  edges { cursor } nodes { id kind subjectId name jurisdictionCode level controlLevel windowStart windowEnd required
  done raisedAt } pageInfo { hasNextPage endCursor } } }"""


async def test_missed_patrols_raised_by_the_job_as_each_role_sees_them(stack: Stack) -> None:
    [job] = stack.inspection.plugin.jobs(stack.inspection.runtime)
    await job.run()
    # Friday 27 November: the daily heads' 13 to 26 November (the 14-day look-back), the street head's two
    # weeks that closed in it; the week and the day running now are not missed yet.
    mine = (await stack.ok(MISSED, stack.head, after=""))["missedPatrols"]
    assert len(mine["nodes"]) == 10 and mine["pageInfo"]["hasNextPage"]
    rest = (await stack.ok(MISSED, stack.head, after=mine["pageInfo"]["endCursor"]))["missedPatrols"]
    days = [m["windowStart"] for m in mine["nodes"] + rest["nodes"]]
    assert days == [f"2026-11-{d}" for d in range(26, 12, -1)] and not rest["pageInfo"]["hasNextPage"]
    # Every edge's cursor resumes right after its row, inside a page as at its end.
    for k in (0, 3, 9):
        after_k = (await stack.ok(MISSED, stack.head, after=mine["edges"][k]["cursor"]))["missedPatrols"]
        assert [m["windowStart"] for m in after_k["nodes"]] == days[k + 1:k + 11]
    assert mine["nodes"][0] == {
        "id": mine["nodes"][0]["id"], "kind": "PATROL", "subjectId": "head-4", "name": "网格长",
        "jurisdictionCode": GRID, "level": 4, "controlLevel": None, "windowStart": "2026-11-26",
        "windowEnd": "2026-11-26", "required": 1, "done": 0, "raisedAt": "2026-11-27T02:00:00+00:00"}
    street = (await stack.ok(MISSED, stack.street_staff, after="", kind="PATROL"))["missedPatrols"]["nodes"]
    assert [m["subjectId"] for m in street][:2] == ["head-4", "head-4"]
    weeks = (await stack.ok("""query { missedPatrols(jurisdictionCode: "110108001", first: 50) { nodes {
        subjectId windowStart windowEnd } } }""", stack.street_staff))["missedPatrols"]["nodes"]
    assert [(m["windowStart"], m["windowEnd"]) for m in weeks if m["subjectId"] == "head-2"] == [
        ("2026-11-16", "2026-11-22"), ("2026-11-09", "2026-11-15")]
    assert {m["subjectId"] for m in weeks} == {"head-4", "head-2"}  # not the other street's head-x
    assert (await stack.error(MISSED, stack.auditor, after=""))["code"] == "PERMISSION_DENIED"
    bad = await stack.error("""query { missedPatrols(jurisdictionCode: "1101") { pageInfo { endCursor } } }""",
                            stack.bureau)
    assert (bad["code"], [v["field"] for v in bad["fieldViolations"]]) == ("INVALID_ARGUMENT", ["jurisdictionCode"])


async def test_a_head_records_only_their_own_patrols_and_the_bureau_enters_others(stack: Stack) -> None:
    await stack.ok("""mutation($input: GridHeadInput!) { assignGridHead(input: $input) { level } }""", stack.bureau,
                   input={"subjectId": "head-4b", "name": "副网格长", "jurisdictionCode": GRID,
                          "assignedOn": "2026-11-01"})
    patrol = """mutation($input: PatrolInput!) { recordPatrol(input: $input) { patroller recordedBy } }"""
    batch = """mutation($p: String!) { recordPatrols(patroller: $p, patrols: [{}]) { patroller recordedBy } }"""
    # Another head of the very same grid: the scope fits, the name does not.
    for query, variables in ((patrol, {"input": {"patroller": "head-4b"}}), (batch, {"p": "head-4b"})):
        denied = await stack.gateway.first_error(query, stack.head, variables)
        assert denied["extensions"]["code"] == "PERMISSION_DENIED"
        assert "a grid head records only their own patrols, not head-4b's" in denied["message"]
    assert (await stack.ok(patrol, stack.head, input={}))["recordPatrol"] == {"patroller": "head-4",
                                                                              "recordedBy": "head-4"}
    entered = await stack.ok(patrol, stack.bureau, input={"patroller": "head-4b"})
    assert entered["recordPatrol"] == {"patroller": "head-4b", "recordedBy": "bureau1"}


async def test_creating_mutations_forward_their_idempotency_key(stack: Stack) -> None:
    keyed = """mutation($input: PollutionSourceInput!, $key: String) {
      createPollutionSource(input: $input, idempotencyKey: $key) { id } }"""
    first = (await stack.ok(keyed, stack.head, input=restaurant(), key="s-1"))["createPollutionSource"]
    assert (await stack.ok(keyed, stack.head, input=restaurant(), key="s-1"))["createPollutionSource"] == first
    refused = await stack.error(keyed, stack.head, input=restaurant(name="另一家"), key="s-1")
    assert refused["code"] == "FAILED_PRECONDITION"
    bad = await stack.error(keyed, stack.head, input=restaurant(), key="")
    assert bad["fieldViolations"][0]["field"] == "idempotencyKey"
