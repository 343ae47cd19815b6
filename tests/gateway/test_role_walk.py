"""Every role, every list with a by-id read: the whole list is exactly what the role may read one by one.

The four services run over the demo district (made smaller: the walk reads every record once per role by id), the
gateway over all of them. A record's universe is what the service holds district-wide (read with the system's own
metadata, outside any role); for each role the test pages the list through the gateway, then asks for every record
of the universe by id, and compares the two sets of ids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from gridgov.cases.v1 import cases_pb2
from gridgov.fire.v1 import fire_pb2
from gridgov.inspection.v1 import inspection_pb2
from gridgov.registry.v1 import registry_pb2
from launcher.demo import ordered
from services.cases import demo as cases_demo
from services.fire import demo as fire_demo
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.database import Database
from services.kit.demo import DISTRICT_CODE
from services.kit.plugin import DemoContext
from services.registry import demo as registry_demo
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import RunningService, running_service

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Every role of the policies, as the demo tokens carry them: (name, role, scope, department).
ROLES = (
    ("district_admin", "district_admin", "110108", ""),
    ("street_staff", "street_staff", "110108001", ""),
    ("community_staff", "community_staff", "110108001001", ""),
    ("grid_worker", "grid_worker", "110108001001001", ""),
    ("handling_unit", "handling_unit", "110108", "law_enforcement"),
    ("handling_unit_without_department", "handling_unit", "110108", ""),
    ("resident", "resident", "110108001001001", ""),
    ("fire_inspector", "fire_inspector", "110108001", "fire_department"),
    ("fire_department", "fire_department", "110108", "fire_department"),
    ("grid_leader", "grid_leader", "110108001001", ""),
    ("environment_bureau", "environment_bureau", "110108", "environment_bureau"),
    ("auditor", "auditor", "110108", ""),
)
REPORT = """mutation($input: CaseReportInput!) { reportCase(input: $input) { id } }"""
# The by-id reads of a batch, as aliases of one document.
BATCH = 50


@dataclass(frozen=True)
class Listing:
    """A list query and the by-id query of its nodes, and how to read the whole list from the service itself."""

    query: str  # the list's root field
    one: str  # the by-id root field
    key: str  # the by-id argument and the id field of a node
    service: str
    method: str
    request: Callable[[dict[str, Any]], Any]
    rows: str


LISTINGS = (
    Listing("households", "household", "id", "registry", "ListHouseholds",
            lambda page: registry_pb2.ListHouseholdsRequest(page=page), "households"),
    Listing("residents", "resident", "id", "registry", "ListResidents",
            lambda page: registry_pb2.ListResidentsRequest(page=page), "residents"),
    Listing("jurisdictions", "jurisdiction", "code", "registry", "ListJurisdictions",
            lambda page: registry_pb2.ListJurisdictionsRequest(page=page), "jurisdictions"),
    Listing("cases", "case", "id", "cases", "ListCases", lambda page: cases_pb2.ListCasesRequest(page=page), "cases"),
    Listing("firePlaces", "firePlace", "id", "fire", "ListPlaces", lambda page: fire_pb2.ListPlacesRequest(page=page),
            "places"),
    Listing("fireInspections", "fireInspection", "id", "fire", "ListInspections",
            lambda page: fire_pb2.ListInspectionsRequest(page=page), "inspections"),
    Listing("fireHazards", "fireHazard", "id", "fire", "ListHazards",
            lambda page: fire_pb2.ListHazardsRequest(page=page), "hazards"),
    Listing("pollutionSources", "pollutionSource", "id", "inspection", "ListSources",
            lambda page: inspection_pb2.ListSourcesRequest(page=page), "sources"),
    Listing("pollutionViolations", "pollutionViolation", "id", "inspection", "ListViolations",
            lambda page: inspection_pb2.ListViolationsRequest(page=page), "violations"),
)
# Mismatches known and being fixed elsewhere: (role, list) -> reason.
KNOWN: dict[tuple[str, str], str] = {}


@dataclass
class Walk:
    gateway: RunningGateway
    services: Mapping[str, RunningService]
    metadata: tuple[tuple[str, str | bytes], ...]
    universes: dict[str, list[str]]


async def _universe(walk: Walk, listing: Listing) -> list[str]:
    """Every id the service holds for the list, read with the system's district-wide metadata."""
    service, ids, token_ = walk.services[listing.service], [], ""
    while True:
        response = await getattr(service.stub, listing.method)(
            listing.request({"page_size": 200, "page_token": token_}), metadata=walk.metadata)
        ids += [getattr(row, listing.key) for row in getattr(response, listing.rows)]
        token_ = response.page.next_page_token
        if not token_:
            return ids


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def walk(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Walk]:
    tmp_path = tmp_path_factory.mktemp("walk")
    patch = pytest.MonkeyPatch()
    # A smaller district: every record is read once per role by id.
    patch.setattr(registry_demo, "HOUSEHOLDS", 60)
    patch.setattr(registry_demo, "ORGANIZATIONS", 4)
    patch.setattr(registry_demo, "VISITS", 6)
    patch.setattr(fire_demo, "PLACES_PER_GRID", 1)
    signer = ActorSigner(DEV_ACTOR_KEY.encode(), "demo")
    metadata = signer.system_metadata(read_scopes=(DISTRICT_CODE,))
    async with AsyncExitStack() as stack:
        services: dict[str, RunningService] = {}
        for name in ("registry", "cases", "fire", "inspection"):
            database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}")
            stack.push_async_callback(database.dispose)
            services[name] = await stack.enter_async_context(running_service(name, database))
        for plugin in ordered({name: s.plugin for name, s in services.items()}):
            context = DemoContext(channel=services[plugin.name].channel, metadata=metadata)
            if plugin.name == "cases":
                await cases_demo.load(context, count=40)
            elif plugin.demo_data is not None:
                await plugin.demo_data(context)
        settings = gateway_settings(tmp_path, services={n: s.address for n, s in services.items()},
                                    max_aliases=BATCH + 1, call_timeout=20.0)
        gateway = await stack.enter_async_context(
            running_gateway(settings, {n: s.plugin for n, s in services.items()}))
        result = Walk(gateway, services, metadata, {})
        # A resident's own report: the one case the resident's list and by-id reads must both show.
        await gateway.ok(REPORT, _bearer(result, "resident"), {"input": {
            "categoryCode": "garbage_exposed", "description": "楼下垃圾没人清", "jurisdictionCode": "110108001001001",
            "source": "RESIDENT", "address": "翠微路3号"}})
        for listing in LISTINGS:
            result.universes[listing.query] = await _universe(result, listing)
        yield result
    patch.undo()


def _bearer(walk: Walk, role_name: str) -> str:
    _, role, scope, department = next(r for r in ROLES if r[0] == role_name)
    return token(walk.gateway.settings, f"walk-{role_name}", [(role, scope)], department=department)


async def listed_ids(walk: Walk, listing: Listing, bearer: str) -> set[str] | None:
    """The ids of the whole list, page by page; None when the role may not list at all."""
    document = (f"query($after: String) {{ {listing.query}(first: 200, after: $after) {{ nodes {{ {listing.key} }} "
                "pageInfo { hasNextPage endCursor } } }")
    ids: list[str] = []
    after = None
    while True:
        body = await walk.gateway.data(document, bearer, {"after": after})
        if body.get("errors"):
            assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED", body["errors"]
            return None
        page = body["data"][listing.query]
        ids += [node[listing.key] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert len(ids) == len(set(ids)), f"{listing.query} repeats rows across pages"
            return set(ids)
        after = page["pageInfo"]["endCursor"]


async def readable_ids(walk: Walk, listing: Listing, bearer: str) -> set[str]:
    """The ids of the universe the role may read one by one (a refusal or NOT_FOUND means it may not)."""
    universe = walk.universes[listing.query]
    readable: set[str] = set()
    argument_type = "ID!" if listing.key == "id" else "String!"
    for start in range(0, len(universe), BATCH):
        batch = universe[start:start + BATCH]
        declared = ", ".join(f"$k{i}: {argument_type}" for i in range(len(batch)))
        fields = " ".join(f"r{i}: {listing.one}({listing.key}: $k{i}) {{ {listing.key} }}" for i in range(len(batch)))
        body = await walk.gateway.data(f"query({declared}) {{ {fields} }}", bearer,
                                       {f"k{i}": key for i, key in enumerate(batch)})
        for error in body.get("errors", []):
            assert error["extensions"]["code"] in ("PERMISSION_DENIED", "NOT_FOUND"), error
        readable |= {row[listing.key] for row in (body.get("data") or {}).values() if row}
    return readable


CASES = [
    pytest.param(role[0], listing.query, id=f"{role[0]}-{listing.query}",
                 marks=[pytest.mark.xfail(strict=True, reason=KNOWN[(role[0], listing.query)])]
                 if (role[0], listing.query) in KNOWN else [])
    for role in ROLES for listing in LISTINGS
]


@pytest.mark.parametrize(("role_name", "query"), CASES)
async def test_a_list_shows_exactly_what_the_role_may_read_by_id(walk: Walk, role_name: str, query: str) -> None:
    listing = next(entry for entry in LISTINGS if entry.query == query)
    bearer = _bearer(walk, role_name)
    listed = await listed_ids(walk, listing, bearer)
    readable = await readable_ids(walk, listing, bearer)
    assert set(listed or ()) <= set(walk.universes[query])
    assert {"listed, not readable": sorted(set(listed or ()) - readable),
            "readable, not listed": sorted(readable - set(listed or ()))} == {
        "listed, not readable": [], "readable, not listed": []}


async def test_the_demo_district_has_records_in_every_list(walk: Walk) -> None:
    """The walk means something only if every list has rows to show and to hide."""
    assert {query: len(ids) for query, ids in walk.universes.items() if not ids} == {}
    cases = next(entry for entry in LISTINGS if entry.query == "cases")
    mine = await listed_ids(walk, cases, _bearer(walk, "resident"))
    assert mine is not None and len(mine) == 1
