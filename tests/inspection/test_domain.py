"""The inspection domain: every (state, action) pair, source attributes by type, rules and violations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from services.inspection.domain import (
    DEFAULT_CHECKLIST,
    DEFAULT_VIOLATION_TYPES,
    ChecklistItem,
    ControlLevel,
    DustControl,
    Frequency,
    GridLevel,
    InspectionRules,
    PeriodUnit,
    SourceAction,
    SourceDraft,
    SourceStatus,
    SourceType,
    ViolationAction,
    ViolationState,
    ViolationType,
    check_violation,
    closed_on_time,
    missing_checklist_items,
    parse_period,
    source_transition,
    validate_rules,
    validate_source,
    validate_violation_type,
    violation_transition,
)
from services.kit.errors import IllegalTransition, InvalidArgument

S, A = SourceStatus, SourceAction
# The whole source table: (status, action) -> the status after, or None when refused.
SOURCE_TABLE = {
    (S.ACTIVE, A.RECTIFY): S.RECTIFYING, (S.ACTIVE, A.RESUME): None, (S.ACTIVE, A.CLOSE): S.CLOSED,
    (S.ACTIVE, A.RELOCATE): S.RELOCATED, (S.ACTIVE, A.REOPEN): None,
    (S.RECTIFYING, A.RECTIFY): None, (S.RECTIFYING, A.RESUME): S.ACTIVE, (S.RECTIFYING, A.CLOSE): S.CLOSED,
    (S.RECTIFYING, A.RELOCATE): S.RELOCATED, (S.RECTIFYING, A.REOPEN): None,
    (S.CLOSED, A.RECTIFY): None, (S.CLOSED, A.RESUME): None, (S.CLOSED, A.CLOSE): None,
    (S.CLOSED, A.RELOCATE): None, (S.CLOSED, A.REOPEN): S.ACTIVE,
    (S.RELOCATED, A.RECTIFY): None, (S.RELOCATED, A.RESUME): None, (S.RELOCATED, A.CLOSE): None,
    (S.RELOCATED, A.RELOCATE): None, (S.RELOCATED, A.REOPEN): None,
}
SOURCE_ALLOWED = {
    S.ACTIVE: ("close", "rectify", "relocate"),
    S.RECTIFYING: ("close", "relocate", "resume"),
    S.CLOSED: ("reopen",),
    S.RELOCATED: (),
}

V, VA = ViolationState, ViolationAction
VIOLATION_TABLE = {
    (V.OPEN, VA.ADD_EVIDENCE): V.OPEN, (V.OPEN, VA.CLOSE): V.CLOSED,
    (V.CLOSED, VA.ADD_EVIDENCE): None, (V.CLOSED, VA.CLOSE): None,
}


def test_tables_cover_every_pair() -> None:
    assert set(SOURCE_TABLE) == {(s, a) for s in SourceStatus for a in SourceAction}
    assert set(VIOLATION_TABLE) == {(s, a) for s in ViolationState for a in ViolationAction}


@pytest.mark.parametrize(("status", "action"), list(SOURCE_TABLE))
def test_source_transition(status: SourceStatus, action: SourceAction) -> None:
    expected = SOURCE_TABLE[(status, action)]
    if expected is not None:
        assert source_transition(status, action) is expected
        return
    with pytest.raises(IllegalTransition) as caught:
        source_transition(status, action)
    assert (caught.value.kind, caught.value.state, caught.value.action) == ("pollution_source", status.value,
                                                                            action.value)
    assert caught.value.allowed == SOURCE_ALLOWED[status]


@pytest.mark.parametrize(("state", "action"), list(VIOLATION_TABLE))
def test_violation_transition(state: ViolationState, action: ViolationAction) -> None:
    expected = VIOLATION_TABLE[(state, action)]
    if expected is not None:
        assert violation_transition(state, action) is expected
        return
    with pytest.raises(IllegalTransition) as caught:
        violation_transition(state, action)
    assert caught.value.state == state.value
    assert caught.value.allowed == ()


def draft(source_type: SourceType, **changes: object) -> SourceDraft:
    """A valid draft of ``source_type`` with the attributes its type requires."""
    base = SourceDraft(source_type, "某工地", "110108001001001", "万寿路1号", "某建设公司", "王工", "13800135289")
    typed: dict[str, object] = {}
    if source_type in (SourceType.OPEN_STORAGE_YARD, SourceType.CONSTRUCTION_SITE, SourceType.BARE_LAND,
                       SourceType.COAL_YARD):
        typed["area_m2"] = 1200.0
    if source_type is SourceType.RESTAURANT_FUMES:
        typed["fume_purifier_installed"] = True
    if source_type is SourceType.INDUSTRIAL_KEY_SOURCE:
        typed.update(control_level=ControlLevel.CITY, permit_number="91110108MA01")
    return replace(base, **{**typed, **changes})  # type: ignore[arg-type]


def fields_of(problems: object) -> list[str]:
    return [v.field for v in problems.items]  # type: ignore[attr-defined]


@pytest.mark.parametrize("source_type", list(SourceType))
def test_every_type_accepts_its_own_attributes(source_type: SourceType) -> None:
    assert fields_of(validate_source(draft(source_type), DEFAULT_CHECKLIST)) == []


# (type, changes) -> the fields refused.
ATTRIBUTE_CASES = [
    (SourceType.CONSTRUCTION_SITE, {"area_m2": None}, ["source.area_m2"]),
    (SourceType.BARE_LAND, {"area_m2": -5.0}, ["source.area_m2"]),
    (SourceType.RESTAURANT_FUMES, {"area_m2": 30.0}, ["source.area_m2"]),
    (SourceType.RESTAURANT_FUMES, {"fume_purifier_installed": None}, ["source.fume_purifier_installed"]),
    (SourceType.COAL_BOILER, {"fume_purifier_installed": False}, ["source.fume_purifier_installed"]),
    (SourceType.INDUSTRIAL_KEY_SOURCE, {"control_level": None, "permit_number": ""},
     ["source.control_level", "source.permit_number"]),
    (SourceType.CONCRETE_PLANT, {"control_level": ControlLevel.CITY, "permit_number": "x"},
     ["source.control_level", "source.permit_number"]),
    (SourceType.OPEN_STORAGE_YARD, {"dust_controls": (DustControl.WIND_BREAK_NET, DustControl.WIND_BREAK_NET)},
     ["source.dust_controls"]),
    (SourceType.RESTAURANT_FUMES, {"dust_controls": (DustControl.COVERING,)}, ["source.dust_controls"]),
    (SourceType.CONSTRUCTION_SITE, {"checklist": {"wheel_washing": True, "helipad": False}},
     ["source.checklist.helipad"]),
    (SourceType.BARE_LAND, {"checklist": {"wheel_washing": True}}, ["source.checklist"]),
    (SourceType.COAL_BOILER, {"name": " ", "jurisdiction_code": "110108001", "address": "", "responsible_unit": "",
                              "contact_phone": "12345"},
     ["source.name", "source.jurisdiction_code", "source.address", "source.responsible_unit",
      "source.contact_phone"]),
    (SourceType.COAL_BOILER, {"latitude": 39.9}, ["source.location"]),
    (SourceType.COAL_BOILER, {"latitude": 99.0, "longitude": 200.0},
     ["source.location.latitude", "source.location.longitude"]),
]


@pytest.mark.parametrize(("source_type", "changes", "expected"), ATTRIBUTE_CASES)
def test_source_attribute_violations(source_type: SourceType, changes: dict[str, object],
                                     expected: list[str]) -> None:
    assert fields_of(validate_source(draft(source_type, **changes), DEFAULT_CHECKLIST)) == expected


def test_checklist_is_data_five_or_eight_items() -> None:
    five = DEFAULT_CHECKLIST[:5]
    site = draft(SourceType.CONSTRUCTION_SITE, checklist={"covered_transport": True})
    assert fields_of(validate_source(site, five)) == ["source.checklist.covered_transport"]
    eight = (*DEFAULT_CHECKLIST, ChecklistItem("monitoring", "在线监测"), ChecklistItem("video", "视频监控"))
    site = draft(SourceType.CONSTRUCTION_SITE, checklist={"video": True, "enclosure": True})
    assert fields_of(validate_source(site, eight)) == []
    assert missing_checklist_items(site, eight) == [item.code for item in eight if item.code not in
                                                     ("video", "enclosure")]
    assert missing_checklist_items(draft(SourceType.BARE_LAND), eight) == []


def test_rules_validation_names_every_item() -> None:
    validate_rules(InspectionRules())
    bad = InspectionRules(
        checklist=(ChecklistItem("Bad Code", "x"), ChecklistItem("wet_work", ""), ChecklistItem("wet_work", "y")),
        patrol={GridLevel.GRID: Frequency(0, PeriodUnit.DAY)},
        supervision={},
    )
    with pytest.raises(InvalidArgument) as caught:
        validate_rules(bad)
    assert [v.field for v in caught.value.violations] == [
        "checklist[0].code", "checklist[1].name", "checklist[2].code",
        "patrol_frequencies", "patrol_frequencies", "patrol_frequencies",
        "supervision_frequencies", "supervision_frequencies", "supervision_frequencies",
        "patrol_frequencies[4].times",
    ]
    with pytest.raises(InvalidArgument) as caught:
        validate_rules(InspectionRules(checklist=()))
    assert [v.field for v in caught.value.violations] == ["checklist"]


def test_grid_level_follows_code_length() -> None:
    assert [GridLevel.of_code(c) for c in ("110108", "110108001", "110108001001", "110108001001001")] == list(
        GridLevel)
    assert [level.code_length for level in GridLevel] == [6, 9, 12, 15]
    with pytest.raises(ValueError, match="7 digits"):
        GridLevel.of_code("1101080")


CATALOGUE = {vt.code: vt for vt in DEFAULT_VIOLATION_TYPES}


def test_catalogue_has_the_issue_types() -> None:
    assert {"uncovered_storage", "missing_wind_break_net", "construction_measure_missing", "purifier_not_working",
            "open_burning", "open_air_barbecue", "coal_burning"} <= set(CATALOGUE)
    for vt in DEFAULT_VIOLATION_TYPES:
        validate_violation_type(vt)


@pytest.mark.parametrize(("code", "source_type", "status", "item", "description", "evidence", "expected"), [
    ("uncovered_storage", SourceType.OPEN_STORAGE_YARD, S.ACTIVE, "", "未覆盖", ["p.jpg"], []),
    ("uncovered_storage", SourceType.RESTAURANT_FUMES, S.ACTIVE, "", "未覆盖", ["p.jpg"], ["violation_type"]),
    ("open_burning", SourceType.RESTAURANT_FUMES, S.RECTIFYING, "", "焚烧", ["p.jpg"], []),
    ("open_burning", SourceType.BARE_LAND, S.CLOSED, "", "焚烧", ["p.jpg"], ["source_id"]),
    ("open_burning", SourceType.BARE_LAND, S.RELOCATED, "", "焚烧", ["p.jpg"], ["source_id"]),
    ("construction_measure_missing", SourceType.CONSTRUCTION_SITE, S.ACTIVE, "wheel_washing", "未冲洗", ["p"], []),
    ("construction_measure_missing", SourceType.CONSTRUCTION_SITE, S.ACTIVE, "", "x", ["p"], ["checklist_item"]),
    ("coal_burning", SourceType.COAL_BOILER, S.ACTIVE, "wheel_washing", "", [], [
        "checklist_item", "description", "evidence"]),
    ("coal_burning", SourceType.COAL_BOILER, S.ACTIVE, "", "燃煤", ["ok", " "], ["evidence[1]"]),
])
def test_check_violation(code: str, source_type: SourceType, status: SourceStatus, item: str, description: str,
                         evidence: list[str], expected: list[str]) -> None:
    if not expected:
        check_violation(CATALOGUE[code], source_type, status, item, DEFAULT_CHECKLIST, description, evidence)
        return
    with pytest.raises(InvalidArgument) as caught:
        check_violation(CATALOGUE[code], source_type, status, item, DEFAULT_CHECKLIST, description, evidence)
    assert [v.field for v in caught.value.violations] == expected


def test_violation_type_validation() -> None:
    with pytest.raises(InvalidArgument) as caught:
        validate_violation_type(ViolationType("Dust!", "", 0))
    assert [v.field for v in caught.value.violations] == [
        "violation_type.code", "violation_type.name", "violation_type.rectify_working_days"]


def test_closed_on_time() -> None:
    deadline = datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert closed_on_time(deadline, None) is None
    assert closed_on_time(deadline, deadline) is True
    assert closed_on_time(deadline, datetime(2026, 11, 30, 10, tzinfo=UTC)) is False


def test_parse_period() -> None:
    assert parse_period("2026-11-01", "2026-11-30") == (date(2026, 11, 1), date(2026, 11, 30))
    for start, end, fields in [("2026-13-01", "x", ["period.start", "period.end"]),
                               ("2026-11-02", "2026-11-01", ["period.end"]),
                               ("2025-01-01", "2026-11-01", ["period.end"])]:
        with pytest.raises(InvalidArgument) as caught:
            parse_period(start, end)
        assert [v.field for v in caught.value.violations] == fields
