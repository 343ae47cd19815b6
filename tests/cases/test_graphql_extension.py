"""The cases plugin's field on the registry's Jurisdiction, over real HTTP with both services running: open
cases per node of the tree, loaded for a whole list of nodes in one call, absent without the cases plugin."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases.jobs import run_sweep
from services.kit.database import Database
from tests.cases import people
from tests.cases.test_store import NOW, open_and_dispatch
from tests.gateway.harness import gateway_settings, running_gateway, token
from tests.registry.conftest import build_tree
from tests.support.services import running_service

TREE = """{ jurisdiction(code: "110108001") { code openCases { open overdue }
  children { nodes { code openCases { open dueSoon overdue supervised } } } } }"""


async def test_the_tree_carries_open_case_counts_loaded_per_level(database: Database, tmp_path: Path) -> None:
    registry_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    try:
        async with running_service("registry", registry_db) as registry, \
                running_service("cases", database) as cases:
            await build_tree(registry.stub)
            cases.runtime.clock = lambda: NOW
            late = await open_and_dispatch(cases.stub)  # in community 001; overdue three hours on
            await open_and_dispatch(cases.stub)
            await cases.stub.ReportCase(pb.ReportCaseRequest(
                category_code="clutter", description="d", jurisdiction_code="110108001002001",
                source=pb.SOURCE_CHANNEL_HOTLINE), metadata=people.district_admin())
            await cases.stub.ReportCase(pb.ReportCaseRequest(  # another street: outside the viewer's scope
                category_code="clutter", description="d", jurisdiction_code="110108002001001",
                source=pb.SOURCE_CHANNEL_HOTLINE), metadata=people.district_admin())
            await cases.stub.AcceptCase(pb.AcceptCaseRequest(case_id=late.id),
                                        metadata=people.unit("community_workstation"))
            cases.runtime.clock = lambda: NOW + timedelta(hours=3)
            await run_sweep(cases.runtime)

            settings = gateway_settings(tmp_path, services={"registry": registry.address, "cases": cases.address})
            async with running_gateway(settings, {"registry": registry.plugin, "cases": cases.plugin}) as gw:
                street = token(settings, "s1", [("street_staff", people.STREET)])
                body = await gw.data(TREE, street)
                assert "errors" not in body, body
                node = body["data"]["jurisdiction"]
                assert node["openCases"] == {"open": 3, "overdue": 2}
                assert [(c["code"], c["openCases"]) for c in node["children"]["nodes"]] == [
                    ("110108001001", {"open": 2, "dueSoon": 0, "overdue": 2, "supervised": 2}),
                    ("110108001002", {"open": 1, "dueSoon": 0, "overdue": 0, "supervised": 0}),
                    ("110108001003", {"open": 0, "dueSoon": 0, "overdue": 0, "supervised": 0}),
                ]
                # One decision (and one call) for the node, one for its three children together.
                auditor = token(settings, "au", [("auditor", people.DISTRICT)])
                logged = await gw.data("""{ accessDecisions(filter: {action: "case.dashboard", subject: "s1"})
                    { nodes { action allow } } }""", auditor)
                assert "errors" not in logged, logged
                assert logged["data"]["accessDecisions"]["nodes"] == [{"action": "case.dashboard", "allow": True}] * 2

            # Without the cases plugin the registry's Jurisdiction has no such field.
            alone = gateway_settings(tmp_path / "alone", services={"registry": registry.address})
            async with running_gateway(alone, {"registry": registry.plugin}) as gw:
                body = await gw.graphql(TREE, token(alone, "s1", [("street_staff", people.STREET)]))
                assert "openCases" in body.json()["errors"][0]["message"]
    finally:
        await registry_db.dispose()


def test_every_action_names_the_mutation_that_performs_it() -> None:
    """extensions.allowedActions of an illegal case action are mutation names: each one must exist."""
    from gateway.schema import compose
    from services.cases.domain import Action
    from services.cases.graphql import ACTION_MUTATIONS
    from services.kit.plugin import load_plugins

    mutations = compose(load_plugins(["cases"]))._schema.mutation_type
    assert mutations is not None
    assert set(ACTION_MUTATIONS) == {a.value for a in Action}
    assert set(ACTION_MUTATIONS.values()) <= set(mutations.fields)


def test_the_case_link_is_added_to_fire_and_inspection_only_when_they_are_enabled() -> None:
    from gateway.schema import compose
    from services.kit.plugin import load_plugins

    both = compose(load_plugins(["cases", "fire", "inspection"]))._schema.type_map
    assert "case" in both["FireHazard"].fields and "case" in both["PollutionViolation"].fields  # type: ignore[attr-defined]
    assert "FireHazard" not in compose(load_plugins(["cases"]))._schema.type_map
