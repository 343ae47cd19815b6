"""Case.viewerActions over real HTTP through the gateway: each role is offered exactly what it may do to the case
as it stands, every offer is carried out when taken, and offering writes nothing to the decision log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.kit.database import Database
from tests.cases.people import COMMUNITY, DISTRICT, GRID, STREET
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import running_service

OFFERS = 'query($id: ID!) { case(id: $id) { state viewerActions } }'


async def offered(gw: RunningGateway, bearer: str, case_id: str) -> list[str]:
    return (await gw.ok(OFFERS, bearer, {"id": case_id}))["case"]["viewerActions"]  # type: ignore[no-any-return]


async def checked(gw: RunningGateway, auditor: str) -> int:
    return (await gw.ok("{ decisionLogVerification { checked } }", auditor))["decisionLogVerification"]["checked"]  # type: ignore[no-any-return]


async def take(gw: RunningGateway, bearer: str, query: str, **variables: Any) -> None:
    await gw.ok(query, bearer, variables)


async def test_each_role_is_offered_what_it_may_do(database: Database, tmp_path: Path) -> None:
    async with running_service("cases", database) as cases:
        settings = gateway_settings(tmp_path, services={"cases": cases.address})
        async with running_gateway(settings, {"cases": cases.plugin}) as gw:
            worker = token(settings, "gw1", [("grid_worker", GRID)])
            community = token(settings, "c1", [("community_staff", COMMUNITY)])
            street = token(settings, "s1", [("street_staff", STREET)])
            workstation = token(settings, "cw1", [("handling_unit", COMMUNITY)], department="community_workstation")
            admin = token(settings, "a1", [("district_admin", DISTRICT)])
            auditor = token(settings, "au1", [("auditor", DISTRICT)])

            case_id = (await gw.ok("""mutation($input: CaseReportInput!) { reportCase(input: $input) { id } }""",
                                   worker, {"input": {"categoryCode": "garbage_exposed", "description": "路口垃圾堆积",
                                                      "jurisdictionCode": GRID, "source": "GRID_WORKER"}}))[
                "reportCase"]["id"]
            # Reported: the centres that cover its tier may take it in; the reporter may only read it.
            assert await offered(gw, worker, case_id) == []
            centre = ["linkCaseEmergency", "mergeCase", "registerCase", "rejectCase"]
            assert await offered(gw, community, case_id) == centre
            assert await offered(gw, street, case_id) == centre
            assert await offered(gw, admin, case_id) == centre

            # Offering decides nothing: the log grows by the read alone, with or without viewerActions.
            before = await checked(gw, auditor)
            await gw.ok('query($id: ID!) { case(id: $id) { state } }', worker, {"id": case_id})
            plain = await checked(gw, auditor) - before
            before = await checked(gw, auditor)
            await offered(gw, community, case_id)
            assert await checked(gw, auditor) - before == plain

            await take(gw, community, 'mutation($id: ID!) { registerCase(id: $id) { id } }', id=case_id)
            assert await offered(gw, community, case_id) == [
                "dispatchCase", "escalateCase", "linkCaseEmergency", "superviseCase", "voidCase"]
            await take(gw, community, 'mutation($id: ID!) { dispatchCase(input: {id: $id}) { id } }', id=case_id)
            # Dispatched to the community workstation: it may accept or return; the centre watches over it.
            assert await offered(gw, workstation, case_id) == ["acceptCase", "returnCase"]
            assert await offered(gw, community, case_id) == ["escalateCase", "linkCaseEmergency", "superviseCase"]

            await take(gw, workstation, 'mutation($id: ID!) { acceptCase(id: $id) { id } }', id=case_id)
            assert await offered(gw, workstation, case_id) == ["handleCase", "requestCaseExtension",
                                                                 "requestCaseHold"]
            await take(gw, workstation, 'mutation($id: ID!) { requestCaseExtension(input: {id: $id, amount: 2, '
                       'reason: "需协调物业"}) { id } }', id=case_id)
            # One request at a time; the centre now decides it.
            assert await offered(gw, workstation, case_id) == ["handleCase"]
            assert "decideCaseExtension" in await offered(gw, community, case_id)
            await take(gw, community, 'mutation($id: ID!) { decideCaseExtension(input: {id: $id, approve: true}) '
                       '{ id } }', id=case_id)
            assert "decideCaseExtension" not in await offered(gw, community, case_id)

            await take(gw, workstation, 'mutation($id: ID!) { handleCase(input: {id: $id, resolution: "已清理"}) '
                       '{ id } }', id=case_id)
            assert await offered(gw, workstation, case_id) == []
            assert await offered(gw, community, case_id) == ["verifyCase"]
            await take(gw, community, 'mutation($id: ID!) { verifyCase(input: {id: $id, passed: true}) { id } }',
                       id=case_id)
            # Closed: the grid worker's report is owed a callback, so archiving is not offered; rating is.
            assert await offered(gw, community, case_id) == ["callbackCase", "rateCaseHandling"]
            assert await offered(gw, admin, case_id) == ["callbackCase"]
