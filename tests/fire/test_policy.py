"""The fire policy as a decision table: every role × inside/outside its scope × action kind, on both engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.policy.bundle import load_bundle
from gateway.policy.engine import RegopyEngine, RegorusEngine

BUNDLE = load_bundle([Path("services/fire/policy.rego")])
ENGINES = {"regorus": RegorusEngine(BUNDLE), "regopy": RegopyEngine(BUNDLE)}

STREET = "110108001"
GRID = "110108001001001"
OUTSIDE = "110108002001001"
# Each role's grant: where it works.
ROLE_SCOPES = {
    "district_admin": "110108", "street_staff": STREET, "community_staff": "110108001001",
    "grid_worker": GRID, "fire_inspector": STREET, "fire_department": "110108", "auditor": "110108",
}
READS = ["fire_place.read", "fire_inspection.read", "fire_hazard.read", "fire_ledger.export"]
WRITES = ["fire_place.create", "fire_inspection.start", "fire_inspection.record", "fire_inspection.finalize",
          "fire_hazard.order_rectification", "fire_hazard.claim_fix", "fire_hazard.verify", "fire_hazard.reopen"]
FIELD = {"district_admin", "street_staff", "community_staff", "grid_worker", "fire_inspector"}


def policy_input(role: str, action: str, code: str, scope: str | None = None) -> dict[str, Any]:
    return {
        "subject": {"id": "someone", "roles": [{"role": role, "scope": scope or ROLE_SCOPES[role]}],
                    "department": ""},
        "action": action,
        "resource": {"type": action.split(".")[0], "id": "", "jurisdiction_code": code, "attributes": {}},
        "context": {"portal": "", "operation": "", "request_id": "r", "time": "2026-11-27T00:00:00Z"},
    }


def single_record_table() -> list[tuple[str, str, str, bool]]:
    rows = []
    for role in ROLE_SCOPES:
        for where, code in (("inside", GRID), ("outside", OUTSIDE)):
            # The district-wide roles have no "outside" in this district.
            inside = where == "inside" or ROLE_SCOPES[role] == "110108"
            for action in READS:
                rows.append((role, action, code, inside and role in FIELD | {"fire_department"}))
            for action in WRITES:
                rows.append((role, action, code, inside and role in FIELD))
    return rows


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("role", "action", "code", "allowed"), single_record_table())
def test_single_record_decisions(engine: str, role: str, action: str, code: str, allowed: bool) -> None:
    decision = ENGINES[engine].decide_sync(policy_input(role, action, code))
    assert decision.allow is allowed, decision.reasons


LISTS = ["fire_place.list", "fire_place.due", "fire_inspection.list", "fire_hazard.list", "fire_ledger.statistics",
         "fire_hazard.map", "fire_place.map"]


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize("action", LISTS)
@pytest.mark.parametrize("role", list(ROLE_SCOPES))
def test_lists_are_scoped_to_the_role(engine: str, action: str, role: str) -> None:
    decision = ENGINES[engine].decide_sync(policy_input(role, action, ""))
    if role == "auditor":
        assert (decision.allow, decision.scopes) == (False, ())
    else:
        assert (decision.allow, decision.scopes) == (True, (ROLE_SCOPES[role],))


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("role", "scope", "action", "allowed"), [
    ("district_admin", "110108", "fire_hazard_type.update", True),
    ("district_admin", "110108", "fire_inspection_plan.update", True),
    ("district_admin", STREET, "fire_hazard_type.update", False),  # only at district level
    ("street_staff", STREET, "fire_hazard_type.update", False),
    ("fire_inspector", STREET, "fire_inspection_plan.update", False),
    ("fire_department", "110108", "fire_hazard_type.update", False),
    ("fire_department", "110108", "fire_hazard_type.list", True),
    ("grid_worker", GRID, "fire_inspection_plan.list", True),
    ("auditor", "110108", "fire_hazard_type.list", False),
    ("fire_department", "110108", "fire_place.import", False),
    ("grid_worker", GRID, "fire_place.import", True),
])
def test_catalogue_plans_and_imports(engine: str, role: str, scope: str, action: str, allowed: bool) -> None:
    assert ENGINES[engine].decide_sync(policy_input(role, action, "", scope)).allow is allowed


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("role", "code", "masked"), [
    ("fire_inspector", GRID, False),
    ("district_admin", GRID, False),
    ("community_staff", GRID, False),
    ("grid_worker", GRID, True),
    ("fire_department", GRID, True),
    ("fire_inspector", "", False),  # a list
    ("grid_worker", "", True),
    ("fire_department", "", True),
])
def test_owner_contacts_masked_unless_granted(engine: str, role: str, code: str, masked: bool) -> None:
    action = "fire_place.read" if code else "fire_place.list"
    decision = ENGINES[engine].decide_sync(policy_input(role, action, code))
    assert decision.allow
    assert {"owner_phone", "contact_phone"} <= set(decision.mask) if masked else \
        not {"owner_phone", "contact_phone"} & set(decision.mask)


@pytest.mark.parametrize("engine", list(ENGINES))
def test_fire_rules_do_not_grant_other_resources(engine: str) -> None:
    for action in ("household.read", "case.dispatch", "access_decision.list"):
        decision = ENGINES[engine].decide_sync(policy_input("fire_inspector", action, GRID))
        assert not decision.allow


# Why a refusal, in words: (role, action, code, the reasons).
REASONS = [
    ("fire_department", "fire_hazard.order_rectification", GRID,
     ["order rectification on fire hazards is for community staff, district admin, fire inspector, grid worker, "
      "street staff; your roles: fire department"]),
    ("grid_worker", "fire_place.read", OUTSIDE,
     ["this fire place lies in 110108002001001, outside your jurisdiction (110108001001001)"]),
    ("auditor", "fire_hazard.list", "",
     ["list on fire hazards is for community staff, district admin, fire department, fire inspector, grid worker, "
      "street staff; your roles: auditor"]),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("role", "action", "code", "reasons"), REASONS)
def test_a_refusal_says_why_in_plain_words(engine: str, role: str, action: str, code: str,
                                           reasons: list[str]) -> None:
    decision = ENGINES[engine].decide_sync(policy_input(role, action, code))
    assert (decision.allow, list(decision.reasons)) == (False, reasons)


def verify_input(subject: str, found_by: str, four_eyes: bool, role: str = "fire_inspector",
                 state: str = "rectified") -> dict[str, Any]:
    decision_input = policy_input(role, "fire_hazard.verify", GRID)
    decision_input["subject"]["id"] = subject
    decision_input["resource"]["attributes"] = {"found_by": found_by, "four_eyes_verification": four_eyes,
                                                "state": state}
    return decision_input


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("subject", "found_by", "four_eyes", "role", "allowed"), [
    ("inspector-1", "inspector-1", True, "fire_inspector", False),
    ("inspector-2", "inspector-1", True, "fire_inspector", True),
    ("inspector-1", "inspector-1", False, "fire_inspector", True),
    ("worker-1", "worker-1", True, "grid_worker", False),
    ("admin", "inspector-1", True, "district_admin", True),
    ("dept", "inspector-1", True, "fire_department", False),  # reads only
])
def test_four_eyes_verification(engine: str, subject: str, found_by: str, four_eyes: bool, role: str,
                                allowed: bool) -> None:
    decision = ENGINES[engine].decide_sync(verify_input(subject, found_by, four_eyes, role))
    assert decision.allow is allowed, decision.reasons
    if subject == found_by and four_eyes:
        assert decision.reasons == (f"{subject} found this hazard, so someone else verifies its fix: the district "
                                    "requires four-eyes verification (fourEyesVerification)",)


@pytest.mark.parametrize("engine", list(ENGINES))
def test_four_eyes_leaves_an_illegal_verification_to_the_service(engine: str) -> None:
    assert ENGINES[engine].decide_sync(verify_input("inspector-1", "inspector-1", True, state="rectifying")).allow


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize(("role", "scope", "action", "district", "allowed"), [
    ("fire_department", "110108", "fire_settings.update", "110108", True),
    ("district_admin", "110108", "fire_settings.update", "110108", True),
    ("district_admin", "110109", "fire_settings.update", "110108", False),
    ("district_admin", STREET, "fire_settings.update", "110108", False),
    ("fire_inspector", STREET, "fire_settings.update", "110108", False),
    ("street_staff", STREET, "fire_settings.update", "110108", False),
    ("fire_department", "110108", "fire_settings.update", STREET, False),  # a district's, not a street's
    ("fire_inspector", STREET, "fire_settings.read", "110108", True),
    ("grid_worker", GRID, "fire_settings.read", "110108", True),
    ("fire_inspector", "110109001", "fire_settings.read", "110108", False),
    ("auditor", "110108", "fire_settings.read", "110108", False),
])
def test_district_settings(engine: str, role: str, scope: str, action: str, district: str, allowed: bool) -> None:
    decision = ENGINES[engine].decide_sync(policy_input(role, action, district, scope))
    assert decision.allow is allowed, decision.reasons
    if allowed and action == "fire_settings.read":
        assert decision.scopes == (district,)
