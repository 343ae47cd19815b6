"""The registry's GraphQL part through a real gateway over HTTP, against a real registry service."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.database import Database
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.registry.conftest import ADMIN, build_tree, sample
from tests.support.services import running_service

HOUSEHOLDS = """
query($first: Int!, $after: String!, $filter: HouseholdFilterInput) {
  households(first: $first, after: $after, filter: $filter) {
    nodes { id address careLevel headName memberCount jurisdictionCode tags }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[RunningGateway]:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    async with running_service("registry", database) as registry:
        await build_tree(registry.stub)
        await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
            content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV), metadata=ADMIN)
        settings = gateway_settings(tmp_path, services={"registry": registry.address})
        async with running_gateway(settings, {"registry": registry.plugin}) as running:
            yield running
    await database.dispose()


def bearer(gateway: RunningGateway, role: str, scope: str) -> str:
    return token(gateway.settings, subject=f"{role}-user", roles=((role, scope),))


async def test_household_pages_carry_the_list_columns(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    first = await gateway.data(HOUSEHOLDS, admin, {"first": 100, "after": ""})
    assert "errors" not in first, first
    page = first["data"]["households"]
    assert len(page["nodes"]) == 100 and page["pageInfo"]["hasNextPage"]
    row = page["nodes"][0]
    assert set(row) == {"id", "address", "careLevel", "headName", "memberCount", "jurisdictionCode", "tags"}
    rest = await gateway.data(HOUSEHOLDS, admin, {"first": 100, "after": page["pageInfo"]["endCursor"]})
    assert len(rest["data"]["households"]["nodes"]) == 44
    close = await gateway.data(HOUSEHOLDS, admin, {"first": 50, "after": "", "filter": {
        "careLevel": "CLOSE_CONTACT", "tags": ["LEFT_BEHIND_ELDERLY"]}})
    assert len(close["data"]["households"]["nodes"]) == 5


async def test_a_grid_worker_sees_its_grid_masked_and_cannot_change_households(gateway: RunningGateway) -> None:
    worker = bearer(gateway, "grid_worker", "110108001001001")
    listed = await gateway.data(HOUSEHOLDS, worker, {"first": 50, "after": ""})
    nodes = listed["data"]["households"]["nodes"]
    assert {n["jurisdictionCode"] for n in nodes} == {"110108001001001"}
    detail = await gateway.data("""query($id: ID!) { household(id: $id) {
        number members { name idNumber phone relationship gender } visits { nodes { id } } } }""",
                                worker, {"id": nodes[0]["id"]})
    head = detail["data"]["household"]["members"][0]
    assert head["idNumber"].startswith("110108********") and "****" in head["phone"]
    visit = await gateway.data("""mutation($id: ID!) { recordVisit(householdId: $id, notes: "走访") {
        worker jurisdictionCode } }""", worker, {"id": nodes[0]["id"]})
    assert visit["data"]["recordVisit"] == {"worker": "grid_worker-user", "jurisdictionCode": "110108001001001"}
    denied = await gateway.data("""mutation($id: ID!) { setCareLevel(householdId: $id, careLevel: ATTENTION,
        reason: "x") { id } }""", worker, {"id": nodes[0]["id"]})
    assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_street_staff_see_personal_data_whole(gateway: RunningGateway) -> None:
    street = bearer(gateway, "street_staff", "110108001")
    found = await gateway.data("""{ residentByIdNumber(idNumber: "110108197403062913") {
        name idNumber phone gender populationType } }""", street)
    assert found["data"]["residentByIdNumber"] == {
        "name": "胡强", "idNumber": "110108197403062913", "phone": "13131705289", "gender": "MALE",
        "populationType": "REGISTERED"}


async def test_the_tree_is_browsed_from_a_node_to_its_children(gateway: RunningGateway) -> None:
    street = bearer(gateway, "street_staff", "110108001")
    tree = await gateway.data("""{ jurisdiction(code: "110108001") { name level children { code level
        children { code gridType } } } }""", street)
    node = tree["data"]["jurisdiction"]
    assert node["level"] == "STREET" and [c["code"] for c in node["children"]] == [
        "110108001001", "110108001002", "110108001003"]
    assert node["children"][0]["children"][0] == {"code": "110108001001001", "gridType": "URBAN"}
    outside = await gateway.data("""{ jurisdiction(code: "110108") { name } }""", street)
    assert outside["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_an_auditor_gets_no_registry_data(gateway: RunningGateway) -> None:
    auditor = bearer(gateway, "auditor", "110108")
    denied = await gateway.data(HOUSEHOLDS, auditor, {"first": 10, "after": ""})
    assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_import_reports_bad_rows_and_export_returns_the_ledger(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    content = base64.b64encode(sample("households-ledger-with-errors.csv")).decode()
    report = await gateway.data("""mutation($c: String!) { importHouseholds(contentBase64: $c, format: CSV) {
        errors { line field reason } households nothingStored } }""", admin, {"c": content})
    result = report["data"]["importHouseholds"]
    # The clean ledger is registered already, so its IDs are reported too; the six defects are among them.
    assert result["nothingStored"] and result["households"] == 0
    defects = {(e["line"], e["field"]) for e in result["errors"]}
    assert {(3, "id_number"), (5, "jurisdiction_code"), (9, "gender"), (11, "birth_date"), (12, "name")} <= defects
    bad = await gateway.data("""mutation { importHouseholds(contentBase64: "@@", format: CSV) { households } }""",
                             admin)
    assert bad["errors"][0]["extensions"]["fieldViolations"][0]["field"] == "contentBase64"
    exported = await gateway.data("""mutation { exportHouseholds(format: CSV, jurisdictionPrefix: "110108001001001")
        { contentBase64 households residents filename } }""", admin)
    ledger = exported["data"]["exportHouseholds"]
    assert (ledger["households"], ledger["residents"]) == (12, 26)
    assert base64.b64decode(ledger["contentBase64"]).decode("utf-8-sig").startswith("户编号,所属网格")


async def test_bad_input_names_the_field(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    too_many = await gateway.data(HOUSEHOLDS, admin, {"first": 500, "after": ""})
    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
    assert too_many["errors"][0]["extensions"]["fieldViolations"][0]["field"] == "page.page_size"
    grid = await gateway.data("""mutation { createBuilding(jurisdictionCode: "110108001001009", address: "x")
        { id } }""", admin)
    assert grid["errors"][0]["extensions"]["fieldViolations"][0]["field"] == "jurisdiction_code"


async def test_ten_megabytes_of_text_get_a_clean_error(gateway: RunningGateway) -> None:
    worker = bearer(gateway, "grid_worker", "110108001001001")
    households = await gateway.data(HOUSEHOLDS, worker, {"first": 1, "after": ""})
    household = households["data"]["households"]["nodes"][0]["id"]
    visit = "mutation($id: ID!, $notes: String!) { recordVisit(householdId: $id, notes: $notes) { worker } }"
    for notes, message in [("访" * 10001, "notes: must be at most 10000 characters, got 10001"),
                           ("x" * (10 * 1024 * 1024), "the input is too large for the registry service")]:
        error = await gateway.first_error(visit, worker, {"id": household, "notes": notes})
        assert error["extensions"]["code"] == "INVALID_ARGUMENT"
        assert error["message"].startswith(message)
        assert "larger than max" not in error["message"] and "recordVisit" not in error["message"]


async def test_creating_mutations_forward_their_idempotency_key(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    keyed = """mutation($key: String) {
      createBuilding(jurisdictionCode: "110108001001001", address: "99号楼", idempotencyKey: $key) { id } }"""
    first = await gateway.ok(keyed, admin, {"key": "b-1"})
    assert await gateway.ok(keyed, admin, {"key": "b-1"}) == first
    worker = bearer(gateway, "grid_worker", "110108001001001")
    household = (await gateway.ok(HOUSEHOLDS, worker, {"first": 1, "after": ""}))["households"]["nodes"][0]["id"]
    visit = """mutation($id: ID!, $key: String) {
      recordVisit(householdId: $id, notes: "走访", idempotencyKey: $key) { id } }"""
    recorded = await gateway.ok(visit, worker, {"id": household, "key": "v-1"})
    assert await gateway.ok(visit, worker, {"id": household, "key": "v-1"}) == recorded
