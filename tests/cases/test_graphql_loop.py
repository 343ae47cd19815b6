"""One case from report to archive over real HTTP through the gateway: it escalates from the community to
the street, is returned once, fails verification once, ends with a callback; then its evaluation figures."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from services.kit.database import Database
from tests.cases.people import COMMUNITY, DISTRICT, GRID, STREET
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import running_service

CASE_FIELDS = "id number state tier handlingUnit answerableUnit reworkCount escalationCount dueStatus"


async def run(gateway: RunningGateway, bearer: str, query: str, **variables: Any) -> dict[str, Any]:
    body = await gateway.data(query, bearer, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]  # type: ignore[no-any-return]


# Mutations of more than two arguments take them as one input object.
WITH_INPUT = {"dispatchCase", "handleCase", "verifyCase", "rateCaseHandling"}


async def act(gateway: RunningGateway, bearer: str, mutation: str, args: str, **variables: Any) -> dict[str, Any]:
    declared = ", ".join(f"${k}: {v}" for k, v in _types(variables).items())
    passed = ", ".join(f"{k}: ${k}" for k in variables) + args
    if mutation in WITH_INPUT:
        passed = f"input: {{{passed}}}"
    query = f"mutation({declared}) {{ {mutation}({passed}) {{ {CASE_FIELDS} }} }}"
    return (await run(gateway, bearer, query, **variables))[mutation]


def _types(variables: dict[str, Any]) -> dict[str, str]:
    names = {"id": "ID!", "reason": "String!", "resolution": "String!", "passed": "Boolean!", "unit": "String!",
             "comment": "String!", "score": "Int!"}
    return {k: names[k] for k in variables}


async def test_the_loop_from_report_to_archive_through_the_gateway(database: Database, tmp_path: Path) -> None:
    async with running_service("cases", database) as cases:
        settings = gateway_settings(tmp_path, services={"cases": cases.address})
        async with running_gateway(settings, {"cases": cases.plugin}) as gw:
            worker = token(settings, "gw1", [("grid_worker", GRID)])
            community = token(settings, "c1", [("community_staff", COMMUNITY)])
            street = token(settings, "s1", [("street_staff", STREET)])
            workstation = token(settings, "cw1", [("handling_unit", COMMUNITY)], department="community_workstation")
            enforcement = token(settings, "le1", [("handling_unit", DISTRICT)], department="law_enforcement")
            admin = token(settings, "a1", [("district_admin", DISTRICT)])

            report = {"categoryCode": "garbage_exposed", "description": "路口垃圾堆积", "jurisdictionCode": GRID,
                      "source": "GRID_WORKER", "address": "翠微路3号"}
            # Evidence is files uploaded first: a name of a file nobody stored, or another street's photo, is refused.
            elsewhere = await gw.upload(token(settings, "gw2", [("grid_worker", "110108002001001")]), "110108002001001")
            refused = await gw.data("""mutation($input: CaseReportInput!) { reportCase(input: $input) { id } }""",
                                    worker, {"input": {**report, "evidence": ["before.jpg", elsewhere]}})
            violations = refused["errors"][0]["extensions"]["fieldViolations"]
            assert [v["field"] for v in violations] == ["input.evidence[0]", "input.evidence[1]"]
            assert "POST /media" in violations[0]["description"] and "may not read" in violations[1]["description"]
            photo = await gw.upload(worker, GRID)
            reported = (await run(gw, worker, """mutation($input: CaseReportInput!) {
                reportCase(input: $input) { id state tier reporter evidenceBefore } }""",
                input={**report, "evidence": [photo]}))["reportCase"]
            assert reported["evidenceBefore"] == [photo]
            case_id = reported["id"]
            assert (reported["state"], reported["tier"], reported["reporter"]) == ("REPORTED", "COMMUNITY", "gw1")
            # Bad input names the input's fields as the client sent them.
            bad = await gw.data("""mutation($input: CaseReportInput!) { reportCase(input: $input) { id } }""", worker,
                                {"input": {"categoryCode": "no_such_category", "description": "x",
                                           "jurisdictionCode": GRID, "source": "GRID_WORKER", "latitude": 95.0,
                                           "longitude": 116.3}})
            fields = [v["field"] for v in bad["errors"][0]["extensions"]["fieldViolations"]]
            assert "input.categoryCode" in fields and "input.latitude" in fields, fields
            assert bad["errors"][0]["extensions"]["field"] == fields[0]

            # The community registers and dispatches; its workstation sends it back.
            assert (await act(gw, community, "registerCase", "", id=case_id))["state"] == "REGISTERED"
            dispatched = await act(gw, community, "dispatchCase", "", id=case_id)
            assert dispatched["handlingUnit"] == "community_workstation" and dispatched["dueStatus"] == "NORMAL"
            # Another unit is refused in words it can act on, without the policy's identifiers.
            refused = (await gw.data(f'mutation {{ acceptCase(id: "{case_id}") {{ id }} }}', enforcement))["errors"][0]
            reason = "this case is dispatched to community_workstation, not to your unit (law_enforcement)"
            assert refused["extensions"]["code"] == "PERMISSION_DENIED"
            assert (refused["extensions"]["reasons"], refused["message"]) == ([reason], f"not allowed: {reason}")
            returned = await act(gw, workstation, "returnCase", "", id=case_id, reason="占道经营，不属社区职责")
            assert returned["state"] == "RETURNED" and returned["answerableUnit"] == "community_workstation"

            # The street may not act on a community-loop case's return... but the community escalates it.
            escalated = await act(gw, community, "escalateCase", "", id=case_id, reason="需街道执法力量")
            assert (escalated["state"], escalated["tier"], escalated["escalationCount"]) == (
                "REGISTERED", "STREET", 1)
            denied = await gw.data(f'mutation {{ dispatchCase(input: {{id: "{case_id}"}}) {{ id }} }}', community)
            assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

            # The street dispatches to law enforcement: accept, handle, fail verification, redo, pass.
            await act(gw, street, "dispatchCase", "", id=case_id, unit="law_enforcement")
            accepted = await act(gw, enforcement, "acceptCase", "", id=case_id)
            assert accepted["answerableUnit"] == "law_enforcement"  # first responder until another unit accepts
            await act(gw, enforcement, "handleCase", "", id=case_id, resolution="已清理")
            rework = await act(gw, street, "verifyCase", "", id=case_id, passed=False, comment="仍有残留")
            assert (rework["state"], rework["reworkCount"]) == ("DISPATCHED", 1)
            illegal = await gw.data(f'mutation {{ verifyCase(input: {{id: "{case_id}", passed: true}}) {{ id }} }}',
                                 street)
            extensions = illegal["errors"][0]["extensions"]
            assert extensions["code"] == "ILLEGAL_TRANSITION" and extensions["currentState"] == "DISPATCHED"
            assert extensions["allowedActions"] == [
                "acceptCase", "escalateCase", "linkCaseEmergency", "returnCase", "superviseCase"]
            await act(gw, enforcement, "acceptCase", "", id=case_id)
            await act(gw, enforcement, "handleCase", "", id=case_id, resolution="彻底清理并冲洗")
            assert (await act(gw, street, "verifyCase", "", id=case_id, passed=True))["state"] == "CLOSED"

            called = (await run(gw, street, """mutation($id: ID!) {
                callbackCase(input: {id: $id, satisfaction: SATISFIED, comment: "满意"}) {
                case { state } reporters } }""",
                id=case_id))["callbackCase"]
            assert called == {"case": {"state": "ARCHIVED"}, "reporters": ["gw1"]}
            await act(gw, community, "rateCaseHandling", "", id=case_id, score=4)

            full = (await run(gw, admin, """query($id: ID!) { case(id: $id) {
                state reporterPhone history { action fromState toState actor } } }""", id=case_id))["case"]
            assert [h["action"] for h in full["history"]] == [
                "report", "register", "dispatch", "return", "escalate", "dispatch", "accept", "handle", "rework",
                "accept", "handle", "close", "callback", "rate"]
            assert full["history"][3] == {"action": "return", "fromState": "DISPATCHED", "toState": "RETURNED",
                                          "actor": "cw1"}

            now = datetime.now(UTC)
            period = {"start": (now - timedelta(days=1)).isoformat(), "end": (now + timedelta(days=1)).isoformat()}
            figures_query = """query($key: String!, $subject: CaseEvaluationSubject!, $start: DateTime!,
                $end: DateTime!) { caseEvaluation(subject: $subject, key: $key, periodStart: $start, periodEnd: $end) {
                reported registered dispatched handled handledOnTime closed closedOnTime dueToClose rework
                callbacks ratings closureRate onTimeClosureRate reworkRate onTimeHandlingRate
                accurateRegistrationRate missedReportRate satisfactionRate meanRating } }"""
            street_figures = (await run(gw, street, figures_query, key=STREET, subject="JURISDICTION",
                                        **period))["caseEvaluation"]
            assert street_figures == {
                "reported": 1, "registered": 1, "dispatched": 1, "handled": 1, "handledOnTime": 1, "closed": 1,
                "closedOnTime": 1, "dueToClose": 1, "rework": 1, "callbacks": 1, "ratings": 1,
                "closureRate": 1.0, "onTimeClosureRate": 1.0, "reworkRate": 1.0, "onTimeHandlingRate": 1.0,
                "accurateRegistrationRate": 1.0, "missedReportRate": 0.0, "satisfactionRate": 1.0, "meanRating": 4.0,
            }
            unit_figures = (await run(gw, admin, figures_query, key="law_enforcement", subject="UNIT",
                                      **period))["caseEvaluation"]
            assert (unit_figures["closed"], unit_figures["rework"], unit_figures["meanRating"]) == (1, 1, 4.0)
            ranking = (await run(gw, admin, """query($start: DateTime!, $end: DateTime!) {
                caseRanking(dimension: STREET, periodStart: $start, periodEnd: $end) {
                totalCount nodes { rank score evaluation { key closed } } } }""", **period))["caseRanking"]
            # 40 on-time closure + 20 closure + 20 satisfaction + 10 * 4/5 rating + 0 (all reworked)
            assert ranking == {"totalCount": 1,
                               "nodes": [{"rank": 1, "score": 88.0, "evaluation": {"key": STREET, "closed": 1}}]}
            # The same ranking as a file for the centre's spreadsheet, under Chinese headers.
            exported = (await run(gw, admin, """query($start: DateTime!, $end: DateTime!) {
                caseRankingExport(dimension: STREET, periodStart: $start, periodEnd: $end, format: CSV) {
                fileName contentType contentBase64 } }""", **period))["caseRankingExport"]
            assert exported["fileName"].startswith("case-ranking-streets-") and exported["contentType"].startswith(
                "text/csv")
            table = base64.b64decode(exported["contentBase64"]).decode("utf-8-sig").splitlines()
            assert table[0].startswith("排名,街道/单位,综合得分,上报数") and table[1].startswith(f"1,{STREET},88.0,1,")
            assert "100.0%" in table[1]

            board = (await run(gw, street, """query { caseDashboard {
                byState { state count } byDueStatus { dueStatus count } supervised overdue { id }
                evaluation { key closed } } }"""))["caseDashboard"]
            assert board == {"byState": [{"state": "ARCHIVED", "count": 1}], "byDueStatus": [], "supervised": 0,
                             "overdue": [], "evaluation": {"key": STREET, "closed": 1}}
            # Parts selected through fragments are fetched as well.
            framed = (await run(gw, street, """query { caseDashboard { ...Board } }
                fragment Board on CaseDashboard { supervised ... on CaseDashboard { evaluation { key closed } } }
                """))["caseDashboard"]
            assert framed == {"supervised": 0, "evaluation": {"key": STREET, "closed": 1}}
            listed = (await run(gw, community, """query($prefix: String!) {
                cases(states: [ARCHIVED], jurisdictionPrefix: $prefix) {
                nodes { id number } pageInfo { hasNextPage } } }""",
                prefix=COMMUNITY))["cases"]
            assert [c["id"] for c in listed["nodes"]] == [case_id] and not listed["pageInfo"]["hasNextPage"]
