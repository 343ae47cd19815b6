"""The registry's access rules as a decision table, evaluated on both Rego engines, which must agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.policy.bundle import load_bundle
from gateway.policy.engine import Decision, RegopyEngine, RegorusEngine

POLICY = Path("services/registry/policy.rego")
ROLES = {
    "district_admin": "110108",
    "street_staff": "110108001",
    "community_staff": "110108001001",
    "grid_worker": "110108001001001",
    "auditor": "110108",
}
INSIDE = "110108001001001"
OUTSIDE = {"district_admin": "110109001001001"}  # every other role: a grid of another street
OUTSIDE_DEFAULT = "110108002001001"
WRITE_ACTION = {"household": "household.update", "resident": "resident.update", "building": "building.update",
                "organization": "organization.update", "visit": "visit.record", "jurisdiction": "jurisdiction.create"}
OFFICE = {"district_admin", "street_staff", "community_staff"}
PERSONAL = ("id_number", "phone", "contact_phone")


def expected(role: str, inside: bool, kind: str, resource_type: str) -> bool:
    """The table: who may read, write and read personal data whole, inside or outside their scope."""
    if not inside or role == "auditor":
        return False
    if kind == "read":
        return True
    if kind == "read_personal_data":
        return role in OFFICE
    if resource_type == "jurisdiction":
        return role in {"district_admin", "street_staff"}
    return role in OFFICE or (role == "grid_worker" and resource_type in {"resident", "visit"})


TABLE = [(role, inside, kind, resource_type)
         for role in ROLES for inside in (True, False) for kind in ("read", "write", "read_personal_data")
         for resource_type in WRITE_ACTION]


def policy_input(roles: list[tuple[str, str]], action: str, jurisdiction_code: str = "") -> dict[str, Any]:
    return {
        "subject": {"id": "someone", "roles": [{"role": r, "scope": s} for r, s in roles], "department": ""},
        "action": action,
        "resource": {"type": action.split(".")[0], "id": "r1", "jurisdiction_code": jurisdiction_code,
                     "attributes": {}},
        "context": {"portal": "district_portal", "operation": "test", "request_id": "t",
                    "time": "2026-11-27T10:00:00Z"},
    }


@pytest.fixture(scope="module", params=["regorus", "regopy", "regorus-with-every-plugin"])
def engine(request: pytest.FixtureRequest) -> Any:
    """Both engines on the registry's bundle; and the table must still hold beside every other plugin's rules."""
    if request.param == "regorus-with-every-plugin":
        return RegorusEngine(load_bundle(sorted(Path("services").glob("*/policy.rego"))))
    bundle = load_bundle([POLICY])
    return RegorusEngine(bundle) if request.param == "regorus" else RegopyEngine(bundle)


def decide(engine: Any, roles: list[tuple[str, str]], action: str, code: str = "") -> Decision:
    return engine.decide_sync(policy_input(roles, action, code))


@pytest.mark.parametrize(("role", "inside", "kind", "resource_type"), TABLE)
def test_decision_table(engine: Any, role: str, inside: bool, kind: str, resource_type: str) -> None:
    code = INSIDE if inside else OUTSIDE.get(role, OUTSIDE_DEFAULT)
    action = WRITE_ACTION[resource_type] if kind == "write" else f"{resource_type}.read"
    decision = decide(engine, [(role, ROLES[role])], action, code)
    if kind == "read_personal_data":
        whole = decision.allow and not any(field in decision.mask for field in PERSONAL)
        assert whole is expected(role, inside, kind, resource_type), decision
    else:
        assert decision.allow is expected(role, inside, kind, resource_type), decision.reasons


@pytest.mark.parametrize("role", ROLES)
def test_lists_read_the_scopes_of_the_roles_allowed_to_list(engine: Any, role: str) -> None:
    decision = decide(engine, [(role, ROLES[role])], "household.list")
    if role == "auditor":
        assert (decision.allow, decision.scopes) == (False, ())
        return
    assert decision.allow and decision.scopes == (ROLES[role],)
    masked = {f for f in PERSONAL if f in decision.mask}
    assert masked == (set(PERSONAL) if role == "grid_worker" else set())


def test_a_subject_with_an_office_role_and_a_grid_role_lists_masked(engine: Any) -> None:
    decision = decide(engine, [("community_staff", "110108001001"), ("grid_worker", "110108001002001")],
                      "resident.list")
    assert decision.scopes == ("110108001001", "110108001002001")
    assert "id_number" in decision.mask


def test_street_staff_keep_the_tree_only_below_their_street(engine: Any) -> None:
    street = [("street_staff", "110108001")]
    assert not decide(engine, street, "jurisdiction.create", "110108001").allow
    assert decide(engine, street, "jurisdiction.create", "110108001004").allow
    assert decide(engine, street, "jurisdiction.assign_workers", "110108001004002").allow
    assert not decide(engine, [("community_staff", "110108001001")], "jurisdiction.assign_workers",
                      "110108001001001").allow


def test_imports_and_exports_are_bulk_actions_scoped_by_role(engine: Any) -> None:
    imported = decide(engine, [("street_staff", "110108001"), ("grid_worker", "110108002001001")], "household.import")
    assert imported.allow and imported.scopes == ("110108001",)
    assert not decide(engine, [("grid_worker", INSIDE)], "household.import").allow
    exported = decide(engine, [("grid_worker", INSIDE)], "household.export")
    assert exported.allow and exported.scopes == (INSIDE,) and "id_number" in exported.mask


def test_a_single_record_read_without_a_jurisdiction_is_not_granted(engine: Any) -> None:
    assert not decide(engine, [("district_admin", "110108")], "household.read", "").allow


@pytest.mark.parametrize("engine_class", [RegorusEngine, RegopyEngine])
def test_the_rules_stay_out_of_other_resource_types(engine_class: Any) -> None:
    own = engine_class(load_bundle([POLICY]))  # alone: another plugin may grant case.read
    assert not decide(own, [("district_admin", "110108")], "case.read", INSIDE).allow
    assert not decide(own, [("district_admin", "110108")], "household.read_case", INSIDE).allow


def test_both_engines_agree_on_every_row() -> None:
    bundle = load_bundle([POLICY])
    regorus, regopy = RegorusEngine(bundle), RegopyEngine(bundle)
    for role, inside, kind, resource_type in TABLE[::3]:
        code = INSIDE if inside else OUTSIDE.get(role, OUTSIDE_DEFAULT)
        action = WRITE_ACTION[resource_type] if kind == "write" else f"{resource_type}.read"
        assert decide(regorus, [(role, ROLES[role])], action, code) == decide(regopy, [(role, ROLES[role])],
                                                                              action, code)


# Why a refusal, in words: (roles, action, code, the reasons).
REASONS = [
    ([("grid_worker", INSIDE)], "household.create", INSIDE,
     ["create on households is for community staff, district admin, street staff; your roles: grid worker"]),
    ([("community_staff", "110108001001")], "household.read", OUTSIDE_DEFAULT,
     ["this household lies in 110108002001001, outside your jurisdiction (110108001001)"]),
]


@pytest.mark.parametrize(("roles", "action", "code", "reasons"), REASONS)
def test_a_refusal_says_why_in_plain_words(engine: Any, roles: list[tuple[str, str]], action: str, code: str,
                                           reasons: list[str]) -> None:
    decision = decide(engine, roles, action, code)
    assert (decision.allow, list(decision.reasons)) == (False, reasons)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_district_admin_imports_boundaries_and_every_reading_role_exports_draws_and_reports(
        engine: Any, role: str) -> None:
    imported = decide(engine, [(role, ROLES[role])], "boundary.import")
    assert imported.allow is (role == "district_admin"), imported.reasons
    assert imported.scopes == ((ROLES[role],) if role == "district_admin" else ())
    for action in ("boundary.export", "boundary.layer", "boundary.report"):
        decision = decide(engine, [(role, ROLES[role])], action)
        assert decision.allow is (role != "auditor"), (action, decision.reasons)
        assert decision.scopes == (() if role == "auditor" else (ROLES[role],))


def test_a_boundary_import_is_scoped_to_the_district_admin_grants_only(engine: Any) -> None:
    decision = decide(engine, [("district_admin", "110108"), ("street_staff", "110109001")], "boundary.import")
    assert decision.allow and decision.scopes == ("110108",)
