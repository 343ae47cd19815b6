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
        number members { name idNumber phone relationship gender birthDate } visits { nodes { id } } } }""",
                                worker, {"id": nodes[0]["id"]})
    head = detail["data"]["household"]["members"][0]
    assert head["idNumber"].startswith("110108********") and "****" in head["phone"]
    # Only the year of birth beside a masked ID: the whole date would give the hidden digits back.
    assert all(len(m["birthDate"]) == 4 for m in detail["data"]["household"]["members"])
    visit = await gateway.data("""mutation($id: ID!) { recordVisit(input: {householdId: $id, notes: "走访"}) {
        worker jurisdictionCode } }""", worker, {"id": nodes[0]["id"]})
    assert visit["data"]["recordVisit"] == {"worker": "grid_worker-user", "jurisdictionCode": "110108001001001"}
    denied = await gateway.data("""mutation($id: ID!) { setCareLevel(input: {householdId: $id, careLevel: ATTENTION,
        reason: "x"}) { id } }""", worker, {"id": nodes[0]["id"]})
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
    tree = await gateway.data("""{ jurisdiction(code: "110108001") { name level children { nodes { code level
        children(first: 1) { nodes { code gridType } pageInfo { hasNextPage } } } } } }""", street)
    node = tree["data"]["jurisdiction"]
    assert node["level"] == "STREET" and [c["code"] for c in node["children"]["nodes"]] == [
        "110108001001", "110108001002", "110108001003"]
    first_grids = node["children"]["nodes"][0]["children"]
    assert first_grids == {"nodes": [{"code": "110108001001001", "gridType": "URBAN"}],
                           "pageInfo": {"hasNextPage": True}}
    outside = await gateway.data("""{ jurisdiction(code: "110108") { name } }""", street)
    assert outside["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_an_auditor_gets_no_registry_data(gateway: RunningGateway) -> None:
    auditor = bearer(gateway, "auditor", "110108")
    denied = await gateway.data(HOUSEHOLDS, auditor, {"first": 10, "after": ""})
    assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_import_reports_bad_rows_and_export_returns_the_ledger(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    content = base64.b64encode(sample("households-ledger-with-errors.csv")).decode()
    report = await gateway.data("""mutation($c: String!) { importHouseholds(input: {contentBase64: $c, format: CSV}) {
        errors { line field reason } households nothingStored } }""", admin, {"c": content})
    result = report["data"]["importHouseholds"]
    # The clean ledger is registered already, so its IDs are reported too; the six defects are among them.
    assert result["nothingStored"] and result["households"] == 0
    defects = {(e["line"], e["field"]) for e in result["errors"]}
    assert {(3, "id_number"), (5, "jurisdiction_code"), (9, "gender"), (11, "birth_date"), (12, "name")} <= defects
    bad = await gateway.data("""mutation { importHouseholds(input: {contentBase64: "@@", format: CSV}) {
        households } }""", admin)
    assert bad["errors"][0]["extensions"]["fieldViolations"][0]["field"] == "input.contentBase64"
    exported = await gateway.data("""query { householdExport(format: CSV, jurisdictionPrefix: "110108001001001")
        { contentBase64 households residents filename } }""", admin)
    ledger = exported["data"]["householdExport"]
    assert (ledger["households"], ledger["residents"]) == (12, 26)
    assert base64.b64decode(ledger["contentBase64"]).decode("utf-8-sig").startswith("户编号,所属网格")


async def test_bad_input_names_the_field(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    too_many = await gateway.data(HOUSEHOLDS, admin, {"first": 500, "after": ""})
    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
    # The GraphQL argument that carried the page size, not the service's page.page_size.
    assert too_many["errors"][0]["extensions"]["fieldViolations"][0]["field"] == "first"
    assert too_many["errors"][0]["extensions"]["field"] == "first"
    assert too_many["errors"][0]["message"].startswith("first: ")
    grid = await gateway.data("""mutation { createBuilding(input: {jurisdictionCode: "110108001001009", address: "x"})
        { id } }""", admin)
    assert grid["errors"][0]["extensions"]["fieldViolations"][0]["field"] == "input.jurisdictionCode"
    assert grid["errors"][0]["extensions"]["field"] == "input.jurisdictionCode"
    cursor = await gateway.data(HOUSEHOLDS, admin, {"first": 5, "after": "not-a-cursor"})
    assert cursor["errors"][0]["extensions"]["field"] == "after"


EDGES = """query($first: Int!, $after: String) { households(first: $first, after: $after) {
  edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""


async def test_every_edge_cursor_resumes_after_its_row(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    whole = await gateway.data(EDGES, admin, {"first": 200})
    edges = whole["data"]["households"]["edges"]
    ids = [e["node"]["id"] for e in edges]
    assert len(ids) == 144 and not whole["data"]["households"]["pageInfo"]["hasNextPage"]
    page = (await gateway.data(EDGES, admin, {"first": 100}))["data"]["households"]
    assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
    # Inside a page (one call of skip + first rows), past the service's page maximum (two calls), at its end.
    for k, first in ((0, 5), (41, 30), (57, 200), (99, 10), (143, 10)):
        after_k = await gateway.data(EDGES, admin, {"first": first, "after": page["edges"][k]["cursor"]
                                                    if k < 100 else edges[k]["cursor"]})
        assert "errors" not in after_k, after_k
        assert [e["node"]["id"] for e in after_k["data"]["households"]["edges"]] == ids[k + 1:k + 1 + first]
        assert after_k["data"]["households"]["pageInfo"]["hasNextPage"] == (k + 1 + first < 144)


@pytest.mark.parametrize(("variables", "field"), [
    ({"first": 0}, "first"), ({"first": -1}, "first"), ({"first": 201}, "first"),
    ({"first": 5, "after": "not-a-cursor"}, "after"),
    # A well-formed cursor around a page token the service did not issue.
    ({"first": 5, "after": "eyJ0IjoiZ2FyYmxlZCIsInMiOjB9"}, "after"),
])
async def test_a_bad_page_request_names_its_argument(gateway: RunningGateway, variables: dict[str, object],
                                                    field: str) -> None:
    body = await gateway.data(EDGES, bearer(gateway, "district_admin", "110108"), variables)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    assert [v["field"] for v in error["extensions"]["fieldViolations"]] == [field]
    assert error["message"].startswith(f"{field}:")


async def test_oversize_text_gets_a_clean_error(gateway: RunningGateway) -> None:
    worker = bearer(gateway, "grid_worker", "110108001001001")
    households = await gateway.data(HOUSEHOLDS, worker, {"first": 1, "after": ""})
    household = households["data"]["households"]["nodes"][0]["id"]
    error = await gateway.first_error(VISIT, worker, {"id": household, "notes": "访" * 10001})
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    assert error["message"].startswith("input.notes: must be at most 10000 characters, got 10001")
    assert error["extensions"]["field"] == "input.notes"


VISIT = "mutation($id: ID!, $notes: String!) { recordVisit(input: {householdId: $id, notes: $notes}) { worker } }"


async def test_text_past_a_services_message_limit_gets_a_clean_error(tmp_path: Path) -> None:
    # A gateway whose body limit lets the text through (the default 2 MiB answers 413 first). 12 MB fits
    # the services' message maximum (services.kit.server.MAX_MESSAGE_BYTES, 32 MiB), so the registry's
    # text check names the field; 33 MiB does not, and gRPC's refusal (RESOURCE_EXHAUSTED, "Received
    # message larger than max") reaches the caller as a plain INVALID_ARGUMENT, not as INTERNAL quoting gRPC.
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    create = """mutation($address: String!) { createBuilding(input: {jurisdictionCode: "110108001001001",
                address: $address}) { id } }"""
    async with running_service("registry", database) as registry:
        settings = gateway_settings(tmp_path, services={"registry": registry.address},
                                    max_body_bytes=48 * 1024 * 1024, max_upload_bytes=48 * 1024 * 1024)
        async with running_gateway(settings, {"registry": registry.plugin}) as gateway:
            admin = bearer(gateway, "district_admin", "110108")
            long = await gateway.first_error(create, admin, {"address": "楼" * (4 * 1024 * 1024)})
            huge = await gateway.first_error(create, admin, {"address": "楼" * (11 * 1024 * 1024)})
    await database.dispose()
    assert long["extensions"]["code"] == "INVALID_ARGUMENT" and long["extensions"]["field"] == "input.address"
    assert huge["extensions"]["code"] == "INVALID_ARGUMENT"
    assert huge["message"].startswith("the input is too large for the registry service")
    assert "larger than max" not in huge["message"] and "CreateBuilding" not in huge["message"]


async def test_creating_mutations_forward_their_idempotency_key(gateway: RunningGateway) -> None:
    admin = bearer(gateway, "district_admin", "110108")
    keyed = """mutation($key: String) {
      createBuilding(input: {jurisdictionCode: "110108001001001", address: "99号楼"}, idempotencyKey: $key) {
        id } }"""
    first = await gateway.ok(keyed, admin, {"key": "b-1"})
    assert await gateway.ok(keyed, admin, {"key": "b-1"}) == first
    worker = bearer(gateway, "grid_worker", "110108001001001")
    household = (await gateway.ok(HOUSEHOLDS, worker, {"first": 1, "after": ""}))["households"]["nodes"][0]["id"]
    visit = """mutation($id: ID!, $key: String) {
      recordVisit(input: {householdId: $id, notes: "走访"}, idempotencyKey: $key) { id } }"""
    recorded = await gateway.ok(visit, worker, {"id": household, "key": "v-1"})
    assert await gateway.ok(visit, worker, {"id": household, "key": "v-1"}) == recorded


async def test_a_ledger_import_may_be_larger_than_other_requests(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    ledger = base64.b64encode(sample("households-ledger.csv")).decode()  # about 84 KB
    imports = """mutation($c: String!) { importHouseholds(input: {contentBase64: $c, format: CSV, dryRun: true}) {
        households nothingStored } }"""
    async with running_service("registry", database) as registry:
        await build_tree(registry.stub)
        settings = gateway_settings(tmp_path, services={"registry": registry.address},
                                    max_body_bytes=32 * 1024, max_upload_bytes=128 * 1024)
        async with running_gateway(settings, {"registry": registry.plugin}) as gateway:
            admin = bearer(gateway, "district_admin", "110108")
            url = f"{gateway.url}/graphql"
            headers = {"Authorization": f"Bearer {admin}"}
            imported = await gateway.client.post(url, json={"query": imports, "variables": {"c": ledger}},
                                                 headers=headers)
            # Anything else of that size is refused, however it is dressed.
            padded = await gateway.client.post(url, json={"query": "{ viewer { id } }",
                                                          "variables": {"pad": ledger}}, headers=headers)
            mixed = await gateway.client.post(url, json={
                "query": """mutation($c: String!, $b: CreateBuildingInput!) {
                    importHouseholds(input: {contentBase64: $c, format: CSV, dryRun: true}) { households }
                    createBuilding(input: $b) { id } }""",
                "variables": {"c": ledger, "b": {}}}, headers=headers)
            too_large = await gateway.client.post(url, json={"query": imports, "variables": {"c": ledger * 2}},
                                                  headers=headers)
    await database.dispose()
    assert imported.status_code == 200, imported.text
    assert imported.json()["data"]["importHouseholds"]["households"] > 0
    assert padded.status_code == mixed.status_code == 413
    assert ("only a mutation made of file imports (importBoundaries, importHouseholds)"
            in padded.json()["errors"][0]["message"])
    assert too_large.status_code == 413 and "GRIDGOV_MAX_UPLOAD_BYTES" in too_large.json()["errors"][0]["message"]
