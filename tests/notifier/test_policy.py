"""The notifier policy as a decision table, evaluated by both Rego engines over the real bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.policy.bundle import load_bundle
from gateway.policy.engine import Decision, RegopyEngine, RegorusEngine

BUNDLE = load_bundle([Path("services/notifier/policy.rego")])
ENGINES = {"regorus": RegorusEngine(BUNDLE), "regopy": RegopyEngine(BUNDLE)}

DISTRICT, STREET, GRID, OUTSIDE = "110108", "110108001", "110108001001001", "110105001001001"
ME = "someone"

INBOX = ("inbox.list", "inbox.count", "inbox.mark_read")
ROLES = (("district_admin", DISTRICT), ("street_staff", STREET), ("community_staff", "110108001001"),
         ("grid_worker", GRID), ("grid_leader", GRID), ("handling_unit", DISTRICT), ("fire_inspector", STREET),
         ("resident", GRID), ("auditor", DISTRICT), ("environment_bureau", DISTRICT))
CENTRES = {"district_admin", "street_staff", "community_staff"}

# (role, action, resource id, jurisdiction_code) -> allowed. Every role reads its own inbox and nobody else's;
# the directory is the centres' inside their scope; deliveries are the centres' and auditors'.
CASES = (
    [(role, scope, action, ME, "", True) for role, scope in ROLES for action in INBOX]
    + [(role, scope, action, "another", "", False) for role, scope in ROLES for action in INBOX]
    + [(role, scope, "staff_member.put", "", GRID, role in CENTRES) for role, scope in ROLES]
    + [(role, scope, "staff_member.put", "", OUTSIDE, False) for role, scope in ROLES]
    + [(role, scope, "staff_member.list", "", "", role in CENTRES) for role, scope in ROLES]
    + [(role, scope, "delivery.list", "", "", role in CENTRES | {"auditor"}) for role, scope in ROLES]
    + [
        ("district_admin", DISTRICT, "case.read", "", GRID, False),
        ("auditor", DISTRICT, "staff_member.put", "", GRID, False),
    ]
)


def policy_input(roles: list[tuple[str, str]], action: str, resource_id: str, code: str) -> dict[str, Any]:
    return {
        "subject": {"id": ME, "roles": [{"role": r, "scope": s} for r, s in roles], "department": ""},
        "action": action,
        "resource": {"type": action.split(".")[0], "id": resource_id, "jurisdiction_code": code, "attributes": {}},
        "context": {"portal": "district_portal", "operation": "test", "request_id": "r1",
                    "time": "2026-12-04T12:00:00Z"},
    }


def decide(engine: str, roles: list[tuple[str, str]], action: str, resource_id: str, code: str) -> Decision:
    return ENGINES[engine].decide_sync(policy_input(roles, action, resource_id, code))


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("role", "scope", "action", "resource_id", "code", "allowed"), CASES)
def test_decision_table(engine: str, role: str, scope: str, action: str, resource_id: str, code: str,
                        allowed: bool) -> None:
    decision = decide(engine, [(role, scope)], action, resource_id, code)
    assert decision.allow is allowed, decision.reasons
    if allowed and action.endswith(".list") and not action.startswith("inbox"):
        assert scope in decision.scopes


@pytest.mark.parametrize("engine", list(ENGINES))
def test_another_persons_inbox_is_refused_in_plain_words(engine: str) -> None:
    decision = decide(engine, [("district_admin", DISTRICT)], "inbox.list", "another", "")
    assert decision.reasons == ("a notification belongs to its recipient: you read only your own inbox",)


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("roles", "masked"), [
    ([("district_admin", DISTRICT)], False),
    ([("street_staff", STREET)], False),
])
def test_directory_phones_are_seen_by_those_who_keep_it(engine: str, roles: list[tuple[str, str]],
                                                        masked: bool) -> None:
    decision = decide(engine, roles, "staff_member.list", "", "")
    assert decision.allow
    assert ("phone" in decision.mask) is masked
