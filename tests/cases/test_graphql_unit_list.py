"""A handling unit's case list over real HTTP: only the cases its unit leads or co-handles, never the rest of
its scope; a unit token without a department is refused with the reason."""

from __future__ import annotations

from pathlib import Path

from services.kit.database import Database
from tests.cases.people import COMMUNITY, DISTRICT, GRID
from tests.cases.test_graphql_loop import run
from tests.gateway.harness import gateway_settings, running_gateway, token
from tests.support.services import running_service

REPORT = """mutation($input: CaseReportInput!) { reportCase(input: $input) { id } }"""
DISPATCH = """mutation($id: ID!, $unit: String!, $co: [String!]) {
  dispatchCase(input: {id: $id, unit: $unit, coUnits: $co}) { id handlingUnit } }"""
LIST = "query($unit: String! = \"\") { cases(handlingUnit: $unit) { nodes { id description } } }"


async def test_a_unit_token_lists_only_its_units_cases(database: Database, tmp_path: Path) -> None:
    async with running_service("cases", database) as cases:
        settings = gateway_settings(tmp_path, services={"cases": cases.address})
        async with running_gateway(settings, {"cases": cases.plugin}) as gw:
            worker = token(settings, "gw1", [("grid_worker", GRID)])
            community = token(settings, "c1", [("community_staff", COMMUNITY)])
            water = token(settings, "w1", [("handling_unit", DISTRICT)], department="water")
            no_department = token(settings, "x1", [("handling_unit", DISTRICT)])
            ids = []
            for n in range(4):
                reported = await run(gw, worker, REPORT, input={
                    "categoryCode": "garbage_exposed", "description": f"第{n}处垃圾", "jurisdictionCode": GRID,
                    "source": "GRID_WORKER", "address": "翠微路3号"})
                ids.append(reported["reportCase"]["id"])
            led, co_handled, elsewhere, unassigned = ids
            for case_id, unit, co in ((led, "water", []), (co_handled, "roads", ["water"]), (elsewhere, "roads", [])):
                await run(gw, community, f'mutation {{ registerCase(id: "{case_id}") {{ id }} }}')
                await run(gw, community, DISPATCH, id=case_id, unit=unit, co=co)

            listed = (await run(gw, water, LIST))["cases"]["nodes"]
            assert {c["id"] for c in listed} == {led, co_handled}
            # Asking for another unit's list is refused by the policy, naming the filter it needs.
            error = await gw.first_error(LIST, water, {"unit": "roads"})
            assert error["extensions"]["code"] == "PERMISSION_DENIED"
            assert "handlingUnit must be water" in error["message"]
            for hidden in (elsewhere, unassigned):
                denied = await gw.first_error(f'{{ case(id: "{hidden}") {{ id }} }}', water)
                assert denied["extensions"]["code"] == "PERMISSION_DENIED"
            for query in (LIST, f'{{ case(id: "{led}") {{ id }} }}'):
                refused = await gw.first_error(query, no_department)
                assert refused["extensions"]["code"] == "PERMISSION_DENIED"
                assert "without a department claim" in refused["message"]
            # The centre still lists the whole community, and filters by any unit.
            assert len((await run(gw, community, LIST))["cases"]["nodes"]) == 4
            assert {c["id"] for c in (await run(gw, community, LIST, unit="roads"))["cases"]["nodes"]} == {
                co_handled, elsewhere}
