"""The gateway's rules on every engine: compiled regorus, interpreted regorus and regopy agree with a table."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest

from gateway.policy.aliases import expand_aliases
from gateway.policy.bundle import PERSONAL_FIELDS, Bundle, load_bundle
from gateway.policy.engine import Decision, RegopyEngine, RegorusEngine

HERE = Path(__file__).parent / "policies"
POLICIES = [HERE / "sample" / "policy.rego", HERE / "other" / "policy.rego"]
ALL_PERSONAL = tuple(sorted(PERSONAL_FIELDS))


def engines(bundle: Bundle) -> list[Any]:
    return [RegorusEngine(bundle), RegorusEngine(bundle, compiled=False), RegopyEngine(bundle)]


def request(roles: list[tuple[str, str]], action: str, type_: str, code: str = "", *, subject: str = "alice",
            resource_id: str = "", **attributes: Any) -> dict[str, Any]:
    return {
        "subject": {"id": subject, "roles": [{"role": r, "scope": s} for r, s in roles], "department": ""},
        "action": action,
        "resource": {"type": type_, "id": resource_id, "jurisdiction_code": code, "attributes": attributes},
        "context": {"portal": "", "operation": "Q", "request_id": "r", "time": "2026-11-27T08:00:00Z"},
    }


COMMUNITY = [("community_staff", "110108001001")]
WORKER = [("grid_worker", "110108001001002")]
AUDITOR = [("auditor", "110108")]
# (case, input, allow, reasons contain, mask, scopes)
TABLE: list[tuple[str, dict[str, Any], bool, str, tuple[str, ...], tuple[str, ...]]] = [
    ("auditor lists the log", request(AUDITOR, "access_decision.list", "access_decision"), True,
     "auditor reads the decision log", ALL_PERSONAL, ("110108",)),
    ("auditor verifies the log", request(AUDITOR, "access_decision.verify", "access_decision"), True,
     "auditor reads the decision log", ALL_PERSONAL, ("110108",)),
    ("auditor exports the log", request(AUDITOR, "access_decision.export", "access_decision"), True,
     "auditor reads the decision log", ALL_PERSONAL, ("110108",)),
    ("staff cannot list the log", request(COMMUNITY, "access_decision.list", "access_decision"), False,
     "community staff may not list access decisions", ALL_PERSONAL, ()),
    ("auditor reads no business data", request(AUDITOR, "sample_record.read", "sample_record", "110108001001001"),
     False, "auditor may not read sample records in 110108001001001", ALL_PERSONAL, ()),
    ("viewer reads itself", request(COMMUNITY, "viewer.read", "viewer", resource_id="alice"), True,
     "a subject reads its own identity", ALL_PERSONAL, ()),
    ("viewer reads nobody else", request(COMMUNITY, "viewer.read", "viewer", resource_id="bob"), False,
     "community staff may not read viewers", ALL_PERSONAL, ()),
    ("community reads inside, id unmasked", request(COMMUNITY, "sample_record.read", "sample_record",
                                                    "110108001001003"), True, "staff reads sample records in scope",
     tuple(f for f in ALL_PERSONAL if f != "id_number"), ()),
    ("community reads outside", request(COMMUNITY, "sample_record.read", "sample_record", "110108001002003"), False,
     "this sample record lies in 110108001002003, outside your jurisdiction (110108001001)", ALL_PERSONAL, ()),
    ("grid worker reads inside, id masked", request(WORKER, "sample_record.read", "sample_record", "110108001001002"),
     True, "staff reads sample records in scope", ALL_PERSONAL, ()),
    ("grid worker outside its grid", request(WORKER, "sample_record.read", "sample_record", "110108001001003"), False,
     "this sample record lies in 110108001001003, outside your jurisdiction (110108001001002)", ALL_PERSONAL, ()),
    ("list gets the role scopes", request(COMMUNITY + WORKER, "sample_record.list", "sample_record"), True,
     "staff lists sample records in scope", ALL_PERSONAL, ("110108001001", "110108001001002")),
    ("a deny wins", request(COMMUNITY, "sample_record.read", "sample_record", "110108001001003", frozen=True), False,
     "sample records are frozen (lib.verb ignored)", tuple(f for f in ALL_PERSONAL if f != "id_number"), ()),
    ("a second package's grant and mask", request([("fire_inspector", "110108002")], "other_record.read",
                                                  "other_record", "110108002001001"), True,
     "inspectors read other records", tuple(sorted((*ALL_PERSONAL, "owner_name"))), ()),
    ("no roles at all", request([], "sample_record.list", "sample_record"), False,
     "a user without roles may not list sample records", ALL_PERSONAL, ()),
]


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundle(POLICIES)


@pytest.mark.parametrize(("case", "policy_input", "allow", "reason", "mask", "scopes"), TABLE,
                         ids=[t[0] for t in TABLE])
def test_decision_table_on_every_engine(bundle: Bundle, case: str, policy_input: dict[str, Any], allow: bool,
                                        reason: str, mask: tuple[str, ...], scopes: tuple[str, ...]) -> None:
    decisions = [engine.decide_sync(policy_input) for engine in engines(bundle)]
    for decision in decisions:
        assert decision.allow is allow, case
        assert any(reason in r for r in decision.reasons), (case, decision.reasons)
        assert decision.mask == mask, case
        assert decision.scopes == scopes, case
    assert decisions[0] == decisions[1] == decisions[2]


@pytest.mark.parametrize(("case", "policy_input", "allow", "reason", "mask", "scopes"),
                         [t for t in TABLE if not t[2]], ids=[t[0] for t in TABLE if not t[2]])
def test_denial_reasons_are_plain_words(bundle: Bundle, case: str, policy_input: dict[str, Any], allow: bool,
                                        reason: str, mask: tuple[str, ...], scopes: tuple[str, ...]) -> None:
    """What a refused user reads: no double spaces, no identifiers with underscores, no dotted actions."""
    for engine in engines(bundle):
        for text in engine.decide_sync(policy_input).reasons:
            assert "  " not in text and "_" not in text and ".read" not in text and ".list" not in text, (case, text)


def test_the_bundle_compiles_to_the_vm(bundle: Bundle) -> None:
    assert RegorusEngine(bundle).compiled
    assert RegorusEngine(load_bundle()).compiled


def test_a_bundle_without_services_denies_with_a_reason() -> None:
    policy_input = request(COMMUNITY, "sample_record.read", "sample_record", "110108001001001")
    for engine in engines(load_bundle()):
        assert engine.decide_sync(policy_input) == Decision(
            False, ("community staff may not read sample records in 110108001001001",),
            ALL_PERSONAL, ())


def test_every_service_policy_in_the_repository_agrees_across_engines() -> None:
    repository = Path(__file__).parents[2]
    policies = sorted(repository.glob("services/*/policy.rego"))
    bundle = load_bundle(policies)
    compiled, interpreted, regopy = RegorusEngine(bundle), RegorusEngine(bundle, compiled=False), RegopyEngine(bundle)
    assert compiled.compiled, "a service policy uses something regorus's compiler rejects"
    roles = [("district_admin", "110108"), ("street_staff", "110108001"), ("community_staff", "110108001001"),
             ("grid_worker", "110108001001001"), ("auditor", "110108")]
    types = ["household", "resident", "building", "case", "fire_hazard", "pollution_source", "patrol"]
    for role in roles:
        for type_ in types:
            for verb, code in (("list", ""), ("read", "110108001001001"), ("read", "110108002001001"),
                               ("create", "110108001001001")):
                policy_input = request([role], f"{type_}.{verb}", type_, code)
                decision = compiled.decide_sync(policy_input)
                assert decision == interpreted.decide_sync(policy_input), policy_input
                # regopy re-reads the bundle per query (~80 ms here): a sample of the matrix.
                if verb == "read" and code.startswith("110108001"):
                    assert decision == regopy.decide_sync(policy_input), policy_input


def test_personal_fields_match_the_rego_library(bundle: Bundle) -> None:
    import regorus

    engine = regorus.Engine()
    for name, text in bundle.modules:
        engine.add_policy(name, text)
    assert set(engine.eval_rule("data.gridgov.lib.personal_fields")) == PERSONAL_FIELDS


def test_alias_expansion_leaves_strings_and_comments_alone() -> None:
    source = ('package x\n\nimport rego.v1\n\nimport data.gridgov.lib\nimport data.gridgov.lib as h\n\n'
              '# lib.verb in a comment\nr := "lib.verb" if lib.verb == h.action_type\nq := `lib.x` if obj.lib.y\n')
    expanded = expand_aliases(source)
    assert 'r := "lib.verb" if data.gridgov.lib.verb == data.gridgov.lib.action_type' in expanded
    assert "# lib.verb in a comment" in expanded and "`lib.x`" in expanded and "obj.lib.y" in expanded
    assert "import data.gridgov.lib\n" in expanded


def test_an_engine_freed_by_a_collection_on_another_thread_raises_nothing(bundle: Bundle) -> None:
    # regorus objects may only be dropped on the thread that made them; pytest turns the unraisable
    # error such a drop reports into a failure of this test.
    for compiled in (True, False):
        engine = RegorusEngine(bundle, compiled=compiled)
        engine.decide_sync({"subject": {"id": "u", "roles": []}, "action": "viewer.read",
                            "resource": {"type": "viewer", "id": "u", "jurisdiction_code": "", "attributes": {}},
                            "context": {}})
        cycle: dict[str, Any] = {"engine": engine}
        cycle["itself"] = cycle
        del engine, cycle
        collector = threading.Thread(target=gc.collect)
        collector.start()
        collector.join()
