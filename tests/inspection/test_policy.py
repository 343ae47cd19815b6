"""The inspection policy as a decision table, evaluated by both Rego engines over the real bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.policy.bundle import load_bundle
from gateway.policy.engine import Decision, RegopyEngine, RegorusEngine

BUNDLE = load_bundle([Path("services/inspection/policy.rego")])
ENGINES = {"regorus": RegorusEngine(BUNDLE), "regopy": RegopyEngine(BUNDLE)}

DISTRICT, STREET, GRID, OUTSIDE = "110108", "110108001", "110108001001001", "110105001001001"
NEIGHBOUR = "110108002001001"  # another street of the same district

SINGLE = ("pollution_source.read", "pollution_source.create", "pollution_source.rectify", "violation.read",
          "violation.report", "violation.add_evidence", "patrol.record", "grid_head.assign")
BULK = ("pollution_source.list", "pollution_source.export", "pollution_source.import", "patrol.due",
        "missed_patrol.list", "assessment.read", "air_quality.compare", "air_quality.ingest", "inspection_rules.read",
        "inspection_rules.set", "violation.map", "pollution_source.map")
READS = {"pollution_source.read", "violation.read"}
BULK_READS = {"pollution_source.list", "pollution_source.export", "patrol.due", "missed_patrol.list",
              "assessment.read", "air_quality.compare", "inspection_rules.read", "violation.map",
              "pollution_source.map"}
HEAD_SINGLE = set(SINGLE) - {"patrol.record"}

# (role, scope) -> single-record actions allowed on a grid inside the scope, and bulk actions allowed.
TABLE: dict[tuple[str, str], tuple[set[str], set[str]]] = {
    ("grid_leader", STREET): (HEAD_SINGLE, BULK_READS | {"pollution_source.import"}),
    ("grid_leader", GRID): (HEAD_SINGLE - {"grid_head.assign"} | {"patrol.record"},
                            BULK_READS | {"pollution_source.import"}),
    ("environment_bureau", DISTRICT): (set(SINGLE), set(BULK)),
    ("environment_bureau", STREET): (set(SINGLE), set(BULK) - {"inspection_rules.set"}),
    ("district_admin", DISTRICT): (READS | {"grid_head.assign"}, BULK_READS | {"inspection_rules.set"}),
    ("district_admin", STREET): (READS | {"grid_head.assign"}, BULK_READS),
    ("street_staff", STREET): (READS, BULK_READS),
    ("community_staff", STREET): (READS, BULK_READS),
    ("grid_worker", GRID): (READS, BULK_READS),
    ("auditor", DISTRICT): (set(), set()),
    ("resident", GRID): (set(), set()),
}

CASES = (
    [(role, scope, action, GRID, action in single) for (role, scope), (single, _) in TABLE.items()
     for action in SINGLE]
    + [(role, scope, action, OUTSIDE, False) for (role, scope) in TABLE for action in SINGLE]
    + [(role, scope, action, "", action in bulk) for (role, scope), (_, bulk) in TABLE.items() for action in BULK]
    + [
        # A head patrols its own scope, at its own level: a street head on its street, not a grid.
        ("grid_leader", STREET, "patrol.record", STREET, True),
        ("grid_leader", DISTRICT, "patrol.record", STREET, False),
        # A head assigns heads below its level only.
        ("grid_leader", STREET, "grid_head.assign", STREET, False),
        ("grid_leader", DISTRICT, "grid_head.assign", STREET, True),
        ("environment_bureau", DISTRICT, "grid_head.assign", DISTRICT, True),
        ("environment_bureau", DISTRICT, "patrol.record", DISTRICT, True),
        ("grid_leader", STREET, "pollution_source.read", NEIGHBOUR, False),
        ("street_staff", STREET, "violation.read", NEIGHBOUR, False),
        ("environment_bureau", DISTRICT, "violation.report", NEIGHBOUR, True),
        # Missed patrol windows are raised by the service alone: nobody writes them, not even the bureau.
        ("environment_bureau", DISTRICT, "missed_patrol.create", GRID, False),
        ("grid_leader", GRID, "missed_patrol.close", GRID, False),
        # Other services' resources get nothing from this policy.
        ("grid_leader", DISTRICT, "household.read", GRID, False),
        ("environment_bureau", DISTRICT, "case.read", GRID, False),
    ]
)


def policy_input(roles: list[tuple[str, str]], action: str, code: str, resource_type: str | None = None,
                 attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    # A patrol's patroller is the subject unless a test names another.
    attributes = {"patroller": "someone"} if attributes is None else attributes
    return {
        "subject": {"id": "someone", "roles": [{"role": r, "scope": s} for r, s in roles], "department": ""},
        "action": action,
        "resource": {"type": resource_type or action.split(".")[0], "id": "", "jurisdiction_code": code,
                     "attributes": attributes},
        "context": {"portal": "district_portal", "operation": "test", "request_id": "r1",
                    "time": "2026-11-27T12:00:00Z"},
    }


def decide(engine: str, roles: list[tuple[str, str]], action: str, code: str) -> Decision:
    return ENGINES[engine].decide_sync(policy_input(roles, action, code))


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("role", "scope", "action", "code", "allowed"), CASES)
def test_decision_table(engine: str, role: str, scope: str, action: str, code: str, allowed: bool) -> None:
    decision = decide(engine, [(role, scope)], action, code)
    assert decision.allow is allowed, decision.reasons
    if allowed and code == "":
        assert scope in decision.scopes


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("roles", "code", "patroller", "allowed"), [
    ([("grid_leader", GRID)], GRID, "someone", True),
    ([("grid_leader", GRID)], GRID, "another-head", False),
    ([("grid_leader", STREET)], GRID, "grid-head", False),
    ([("environment_bureau", DISTRICT)], GRID, "grid-head", True),
    ([("environment_bureau", STREET)], NEIGHBOUR, "grid-head", False),
    ([("grid_leader", GRID), ("environment_bureau", DISTRICT)], GRID, "another-head", True),
    ([("district_admin", DISTRICT)], GRID, "grid-head", False),
])
def test_a_head_records_only_their_own_patrols(engine: str, roles: list[tuple[str, str]], code: str,
                                               patroller: str, allowed: bool) -> None:
    decision = ENGINES[engine].decide_sync(policy_input(roles, "patrol.record", code,
                                                        attributes={"patroller": patroller}))
    assert decision.allow is allowed, decision.reasons
    if roles == [("grid_leader", GRID)] and not allowed:
        assert decision.reasons == ("a grid head records only their own patrols, not another-head's: the "
                                    "environment bureau enters a patrol on a head's behalf",)


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("roles", "action", "code", "masked"), [
    ([("grid_leader", STREET)], "pollution_source.read", GRID, False),
    ([("grid_leader", STREET)], "pollution_source.list", "", True),
    ([("street_staff", STREET)], "pollution_source.read", GRID, True),
    ([("district_admin", DISTRICT)], "pollution_source.list", "", True),
    ([("environment_bureau", DISTRICT)], "pollution_source.read", GRID, False),
    ([("environment_bureau", DISTRICT)], "pollution_source.list", "", False),
    ([("environment_bureau", DISTRICT), ("street_staff", STREET)], "pollution_source.list", "", True),
    ([("environment_bureau", DISTRICT)], "grid_head.list", "", False),
    ([("grid_leader", STREET)], "grid_head.list", "", True),
])
def test_contacts_masked_unless_granted(engine: str, roles: list[tuple[str, str]], action: str, code: str,
                                        masked: bool) -> None:
    decision = decide(engine, roles, action, code)
    assert decision.allow
    assert ("contact_phone" in decision.mask) is masked
    assert ("phone" in decision.mask) is masked


@pytest.mark.parametrize("engine", list(ENGINES))
def test_list_scopes_are_the_reading_roles(engine: str) -> None:
    decision = decide(engine, [("grid_leader", GRID), ("street_staff", STREET), ("auditor", DISTRICT)],
                      "violation.list", "")
    assert decision.scopes == (STREET, GRID)
    missed = decide(engine, [("grid_leader", GRID), ("street_staff", STREET), ("auditor", DISTRICT)],
                    "missed_patrol.list", "")
    assert missed.allow and missed.scopes == (STREET, GRID)
    rules = decide(engine, [("environment_bureau", STREET), ("district_admin", DISTRICT)], "inspection_rules.set", "")
    assert rules.allow and rules.scopes == (DISTRICT,)


def test_table_covers_every_role_and_action_kind() -> None:
    assert {role for role, _ in TABLE} >= {"grid_leader", "environment_bureau", "district_admin", "street_staff",
                                           "community_staff", "grid_worker", "auditor"}
    assert len(CASES) == len(TABLE) * (2 * len(SINGLE) + len(BULK)) + 13


def test_other_plugins_policies_do_not_change_these_decisions() -> None:
    """With every installed plugin's policy in the bundle, the table still holds (regorus, the fast engine)."""
    from services.kit.plugin import load_plugins

    paths = [path for plugin in load_plugins().values() for path in plugin.policies]
    assert Path("services/inspection/policy.rego").resolve() in {p.resolve() for p in paths}
    engine = RegorusEngine(load_bundle(paths))
    wrong = [(role, scope, action, code) for role, scope, action, code, allowed in CASES
             if engine.decide_sync(policy_input([(role, scope)], action, code)).allow is not allowed]
    assert wrong == []


# Why a refusal, in words: (roles, action, code, the reasons).
REASONS = [
    ([("grid_leader", GRID)], "pollution_source.read", OUTSIDE,
     ["this pollution source lies in 110105001001001, outside your jurisdiction (110108001001001)"]),
    ([("auditor", DISTRICT)], "violation.list", "",
     ["list on violations is for community staff, district admin, environment bureau, grid leader, grid worker, "
      "street staff; your roles: auditor"]),
]


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("roles", "action", "code", "reasons"), REASONS)
def test_a_refusal_says_why_in_plain_words(engine: str, roles: list[tuple[str, str]], action: str, code: str,
                                           reasons: list[str]) -> None:
    decision = decide(engine, roles, action, code)
    assert (decision.allow, list(decision.reasons)) == (False, reasons)
