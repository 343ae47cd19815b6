"""The cases policy as a decision table: every role, inside and outside its scope, each kind of action
and tier, on both Rego engines; and the service's own role check agrees with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.policy.bundle import load_bundle
from gateway.policy.engine import RegopyEngine, RegorusEngine
from services.cases import roles
from services.cases.domain import Action, CaseState, Participant, Tier
from tests.cases.factory import case_in

BUNDLE = load_bundle([Path("services/cases/policy.rego")])
ENGINES = {"regorus": RegorusEngine(BUNDLE), "regopy": RegopyEngine(BUNDLE)}

GRID = "110108001001001"
OUTSIDE = "110108002001001"  # another street of the district
FOREIGN = "110109001001001"  # another district
UNIT = "urban_management"
# (role, scope, department)
SUBJECTS = {
    "district_admin": ("district_admin", "110108", ""),
    "street_staff": ("street_staff", "110108001", ""),
    "community_staff": ("community_staff", "110108001001", ""),
    "grid_worker": ("grid_worker", GRID, ""),
    "auditor": ("auditor", "110108", ""),
    "resident": ("resident", "110108", ""),
    "unit_staff": ("handling_unit", "110108", UNIT),
    "other_unit": ("handling_unit", "110108", "water"),
    "unit_without_department": ("handling_unit", "110108", ""),
}
CENTRE_TIER = {"district_admin": 3, "street_staff": 2, "community_staff": 1}
TIERS = {"community": 1, "street": 2, "district": 3}


def decide(engine: str, who: str, action: str, code: str = GRID, **attributes: Any) -> Any:
    role, scope, department = SUBJECTS[who]
    attributes = {"tier": "community", "units": [UNIT], "reporter": "someone", **attributes}
    resource_type = action.split(".")[0]
    policy_input = {
        "subject": {"id": who, "roles": [{"role": role, "scope": scope}], "department": department},
        "action": action,
        "resource": {"type": resource_type, "id": "c1" if code else "", "jurisdiction_code": code,
                     "attributes": attributes},
        "context": {"portal": "", "operation": "", "request_id": "t", "time": "2026-11-27T00:00:00Z"},
    }
    return ENGINES[engine].decide_sync(policy_input)


def centre_expected(who: str, code: str, tier: str) -> bool:
    if who not in CENTRE_TIER:
        return False
    inside = code.startswith(SUBJECTS[who][1])
    return inside and CENTRE_TIER[who] >= TIERS[tier]


CENTRE_TABLE = [
    (who, verb, code, tier, centre_expected(who, code, tier))
    for who in SUBJECTS for verb in ("dispatch", "verify")
    for code in (GRID, OUTSIDE, FOREIGN) for tier in TIERS
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("who", "verb", "code", "tier", "allowed"), CENTRE_TABLE)
def test_centre_actions_by_role_scope_and_tier(engine: str, who: str, verb: str, code: str, tier: str,
                                               allowed: bool) -> None:
    assert decide(engine, who, f"case.{verb}", code, tier=tier).allow is allowed


# Every other kind of action: (subject, action, code, expected) written out.
TABLE = [
    # the handling unit's own verbs: only the unit the case is dispatched to, inside its scope
    *[(who, f"case.{verb}", GRID, who == "unit_staff")
      for who in SUBJECTS for verb in ("accept", "return", "handle", "request_extension", "request_hold")],
    ("unit_staff", "case.accept", FOREIGN, False),
    # reporting
    *[(who, "case.report", GRID, who != "auditor") for who in SUBJECTS],
    ("grid_worker", "case.report", OUTSIDE, False), ("community_staff", "case.report", OUTSIDE, False),
    ("auditor", "case.report", GRID, False),
    # reading one case
    ("district_admin", "case.read", GRID, True), ("street_staff", "case.read", OUTSIDE, False),
    ("community_staff", "case.read", GRID, True), ("grid_worker", "case.read", GRID, True),
    ("grid_worker", "case.read", OUTSIDE, False), ("auditor", "case.read", GRID, False),
    ("unit_staff", "case.read", GRID, True), ("other_unit", "case.read", GRID, False),
    ("resident", "case.read", GRID, False),
    # rating the handling: the raising tiers
    ("street_staff", "case.rate", GRID, True), ("community_staff", "case.rate", GRID, True),
    ("community_staff", "case.rate", OUTSIDE, False), ("district_admin", "case.rate", GRID, False),
    ("unit_staff", "case.rate", GRID, False), ("grid_worker", "case.rate", GRID, False),
    # lists and dashboards (no jurisdiction code: the scopes carry it)
    # (a handling unit's list needs the filter to its own unit: see test_a_unit_lists_only_its_own_cases)
    *[(who, "case.list", "", who not in ("auditor", "unit_staff", "other_unit", "unit_without_department"))
      for who in SUBJECTS],
    *[(who, "case.dashboard", "", who in CENTRE_TIER) for who in SUBJECTS],
    *[(who, "case.evaluate", "", who in CENTRE_TIER) for who in SUBJECTS],
    *[(who, "case.rank", "", who == "district_admin") for who in SUBJECTS],
    # the map: counts per grid for the centres, points for every list role but a unit's (the service applies
    # each role's reach to the points)
    *[(who, "case.grid_counts", "", who in CENTRE_TIER) for who in SUBJECTS],
    *[(who, "case.breakdown", "", who in CENTRE_TIER) for who in SUBJECTS],
    *[(who, "case.map_points", "", who not in ("auditor", "unit_staff", "other_unit", "unit_without_department"))
      for who in SUBJECTS],
    # the catalogue and the dispatch table
    *[(who, "case_category.list", "", who not in ("auditor", "resident")) for who in SUBJECTS],
    *[(who, "case_category.update", "", who == "district_admin") for who in SUBJECTS],
    *[(who, "dispatch_rule.set", "", who == "district_admin") for who in SUBJECTS],
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("who", "action", "code", "allowed"), TABLE)
def test_decision_table(engine: str, who: str, action: str, code: str, allowed: bool) -> None:
    assert decide(engine, who, action, code).allow is allowed


@pytest.mark.parametrize("engine", ENGINES)
def test_a_resident_reads_only_what_they_reported(engine: str) -> None:
    assert decide(engine, "resident", "case.read", GRID, reporter="resident").allow
    assert not decide(engine, "resident", "case.read", GRID, reporter="neighbour").allow


UNIT_LISTS = [
    # (subject, handling_unit filter, allowed, scopes)
    ("unit_staff", UNIT, True, ("110108",)),
    ("unit_staff", "", False, ()),
    ("unit_staff", "water", False, ()),
    ("other_unit", "water", True, ("110108",)),
    ("other_unit", UNIT, False, ()),
    ("unit_without_department", "", False, ()),
    ("unit_without_department", UNIT, False, ()),
    # a centre role may filter by any unit
    ("district_admin", UNIT, True, ("110108",)),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("who", "unit", "allowed", "scopes"), UNIT_LISTS)
def test_a_unit_lists_only_its_own_cases(engine: str, who: str, unit: str, allowed: bool,
                                          scopes: tuple[str, ...]) -> None:
    decision = decide(engine, who, "case.list", "", handling_unit=unit)
    assert decision.allow is allowed and decision.scopes == scopes


@pytest.mark.parametrize("engine", ENGINES)
def test_the_denials_of_a_unit_list_name_what_is_missing(engine: str) -> None:
    assert decide(engine, "unit_without_department", "case.list", "").reasons == (
        "a handling_unit subject without a department claim reads no cases",)
    assert decide(engine, "unit_without_department", "case.read", GRID, units=[""]).reasons == (
        "a handling_unit subject without a department claim reads no cases",)
    assert decide(engine, "unit_staff", "case.list", "", handling_unit="water").reasons == (
        f"a handling unit lists only its own cases: handlingUnit must be {UNIT}",)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_mixed_subject_lists_its_unit_scope_only_through_its_unit(engine: str) -> None:
    subject = {"id": "mixed", "roles": [{"role": "grid_worker", "scope": GRID},
                                        {"role": "handling_unit", "scope": "110108"}], "department": UNIT}
    for unit, scopes in (("", (GRID,)), (UNIT, ("110108", GRID))):
        decision = ENGINES[engine].decide_sync({
            "subject": subject, "action": "case.list",
            "resource": {"type": "case", "id": "", "jurisdiction_code": "", "attributes": {"handling_unit": unit}},
            "context": {"portal": "", "operation": "", "request_id": "t", "time": "2026-11-27T00:00:00Z"}})
        assert decision.allow and decision.scopes == scopes


@pytest.mark.parametrize("engine", ENGINES)
def test_scopes_and_masking(engine: str) -> None:
    listed = decide(engine, "street_staff", "case.list", "")
    assert listed.scopes == ("110108001",) and "reporter_phone" not in listed.mask
    assert "reporter_phone" in decide(engine, "grid_worker", "case.list", "").mask
    assert "reporter_phone" in decide(engine, "unit_staff", "case.read", GRID).mask
    assert "reporter_phone" not in decide(engine, "community_staff", "case.read", GRID).mask
    assert decide(engine, "auditor", "case.list", "").scopes == ()


VERB_OF = {Action.DISPATCH: "dispatch", Action.CLOSE: "verify", Action.REWORK: "verify",
           Action.ESCALATE: "escalate", Action.CALLBACK: "callback", Action.ACCEPT: "accept",
           Action.HANDLE: "handle", Action.RATE: "rate"}


@pytest.mark.parametrize("who", SUBJECTS)
@pytest.mark.parametrize("tier", list(Tier))
def test_the_service_check_agrees_with_the_policy(who: str, tier: Tier) -> None:
    """roles.refusal() is the service's defence in depth: it must allow exactly what the policy allows."""
    role, scope, department = SUBJECTS[who]
    actor = roles.Actor(who, ((role, scope),), department)
    for code in (GRID, OUTSIDE):
        case = case_in(CaseState.ACCEPTED, tier=tier, jurisdiction_code=code,
                       participants=(Participant(UNIT, True),))
        for action, verb in VERB_OF.items():
            service = roles.refusal(actor, action, case) is None
            policy = decide("regorus", who, f"case.{verb}", code, tier=tier.name.lower()).allow
            assert service is policy, (who, tier, code, action)


LINK_SUBJECTS = {**SUBJECTS, "fire_inspector": ("fire_inspector", "110108001", ""),
                 "grid_leader": ("grid_leader", GRID, ""), "environment_bureau": ("environment_bureau", "110108", "")}
# Following a record's link to its case: readers of cases, and the departments whose records raise them.
LINK_TABLE = [
    *[(who, source, who in ("district_admin", "street_staff", "community_staff", "grid_worker"))
      for who in SUBJECTS for source in ("fire", "inspection")],
    ("fire_inspector", "fire", True), ("fire_inspector", "inspection", False),
    ("grid_leader", "inspection", True), ("environment_bureau", "inspection", True),
    ("grid_leader", "fire", False), ("environment_bureau", "registry", False),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("who", "source", "allowed"), LINK_TABLE)
def test_following_a_record_to_its_case(engine: str, who: str, source: str, allowed: bool) -> None:
    role, scope, department = LINK_SUBJECTS[who]
    policy_input = {
        "subject": {"id": who, "roles": [{"role": role, "scope": scope}], "department": department},
        "action": "case.link",
        "resource": {"type": "case", "id": "", "jurisdiction_code": "", "attributes": {"source_service": source}},
        "context": {"portal": "", "operation": "", "request_id": "t", "time": "2026-11-27T00:00:00Z"},
    }
    decision = ENGINES[engine].decide_sync(policy_input)
    assert decision.allow is allowed
    assert decision.scopes == ((scope,) if allowed else ())
    assert "reporter_phone" in decision.mask or who in ("district_admin", "street_staff", "community_staff")


# Why a refusal, in words the user can act on: (subject, action, code, attributes, the reasons).
REASONS = [
    ("community_staff", "case.dispatch", GRID, {"tier": "street"},
     ["this case is at the street tier; community staff act on community-tier cases"]),
    ("street_staff", "case.verify", GRID, {"tier": "district"},
     ["this case is at the district tier; street staff act on street- and community-tier cases"]),
    ("other_unit", "case.accept", GRID, {},
     ["this case is dispatched to urban_management, not to your unit (water)"]),
    ("other_unit", "case.handle", GRID, {"units": []}, ["this case is not dispatched to any unit yet"]),
    ("grid_worker", "case.accept", GRID, {}, ["only the staff of a unit the case is dispatched to may accept it"]),
    ("grid_worker", "case.handle", GRID, {},
     ["only the staff of a unit the case is dispatched to may report it handled"]),
    ("community_staff", "case.dispatch", OUTSIDE, {},
     ["this case lies in 110108002001001, outside your jurisdiction (110108001001)"]),
    ("auditor", "case.dispatch", GRID, {},
     ["auditor may not dispatch cases; the command centre of the case's tier does"]),
    ("resident", "case.read", GRID, {"reporter": "neighbour"}, ["a resident reads only the cases they reported"]),
    ("auditor", "case.list", "", {}, ["auditor may not list cases"]),
    ("grid_worker", "case.request_extension", GRID, {},
     ["only the staff of a unit the case is dispatched to may ask for more time"]),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("who", "action", "code", "attributes", "reasons"), REASONS)
def test_a_refusal_says_why_in_plain_words(engine: str, who: str, action: str, code: str,
                                           attributes: dict[str, Any], reasons: list[str]) -> None:
    decision = decide(engine, who, action, code, **attributes)
    assert not decision.allow
    assert list(decision.reasons) == reasons
    assert all("  " not in reason and "community_staff" not in reason for reason in decision.reasons)
