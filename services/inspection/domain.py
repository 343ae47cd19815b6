"""Pollution-source inspection rules: source kinds and attributes, state machines, rules data, deadlines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum

from services.kit.errors import IllegalTransition, Violations
from services.kit.validation import coordinate_problems


class SourceType(StrEnum):
    OPEN_STORAGE_YARD = "open_storage_yard"
    CONSTRUCTION_SITE = "construction_site"
    BARE_LAND = "bare_land"
    RESTAURANT_FUMES = "restaurant_fumes"
    OPEN_AIR_BARBECUE = "open_air_barbecue"
    COAL_BOILER = "coal_boiler"
    COAL_YARD = "coal_yard"
    CONCRETE_PLANT = "concrete_plant"
    INDUSTRIAL_KEY_SOURCE = "industrial_key_source"


class SourceStatus(StrEnum):
    ACTIVE = "active"
    RECTIFYING = "rectifying"
    CLOSED = "closed"
    RELOCATED = "relocated"


class SourceAction(StrEnum):
    RECTIFY = "rectify"
    RESUME = "resume"
    CLOSE = "close"
    RELOCATE = "relocate"
    REOPEN = "reopen"


class ControlLevel(StrEnum):
    """Who controls an industrial key source (国控 / 市控 / 区控)."""

    NATIONAL = "national"
    CITY = "city"
    DISTRICT = "district"


class DustControl(StrEnum):
    """Dust-control measures a yard or bare land may have besides the construction checklist."""

    WIND_BREAK_NET = "wind_break_net"
    ENCLOSED_STORE = "enclosed_store"
    COVERING = "covering"
    SPRINKLING = "sprinkling"


class ViolationState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ViolationAction(StrEnum):
    ADD_EVIDENCE = "add_evidence"
    CLOSE = "close"


class GridLevel(IntEnum):
    """The four pollution-grid levels and the jurisdiction code length each one patrols."""

    DISTRICT = 1
    STREET = 2
    COMMUNITY = 3
    GRID = 4

    @property
    def code_length(self) -> int:
        return 3 + 3 * int(self)

    @classmethod
    def of_code(cls, code: str) -> GridLevel:
        """The level whose scope is ``code``; raises ValueError for a code of no level."""
        lengths = {6: cls.DISTRICT, 9: cls.STREET, 12: cls.COMMUNITY, 15: cls.GRID}
        if len(code) not in lengths:
            raise ValueError(f"a code of {len(code)} digits has no grid level")
        return lengths[len(code)]


class PeriodUnit(StrEnum):
    """The window a patrol or supervision frequency is counted in."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


# Sources measured by area (yards, sites, bare land).
AREA_TYPES = frozenset({SourceType.OPEN_STORAGE_YARD, SourceType.CONSTRUCTION_SITE, SourceType.BARE_LAND,
                        SourceType.COAL_YARD})
# Sources whose dust control is recorded as measures in place.
DUST_TYPES = frozenset({SourceType.OPEN_STORAGE_YARD, SourceType.BARE_LAND, SourceType.COAL_YARD,
                        SourceType.CONCRETE_PLANT})
PURIFIER_TYPES = frozenset({SourceType.RESTAURANT_FUMES})
KEY_SOURCE_TYPES = frozenset({SourceType.INDUSTRIAL_KEY_SOURCE})

SOURCE_TRANSITIONS: Mapping[SourceStatus, Mapping[SourceAction, SourceStatus]] = {
    SourceStatus.ACTIVE: {SourceAction.RECTIFY: SourceStatus.RECTIFYING, SourceAction.CLOSE: SourceStatus.CLOSED,
                          SourceAction.RELOCATE: SourceStatus.RELOCATED},
    SourceStatus.RECTIFYING: {SourceAction.RESUME: SourceStatus.ACTIVE, SourceAction.CLOSE: SourceStatus.CLOSED,
                              SourceAction.RELOCATE: SourceStatus.RELOCATED},
    # A closed business may reopen at the same place; a relocated one is a new source where it went.
    SourceStatus.CLOSED: {SourceAction.REOPEN: SourceStatus.ACTIVE},
    SourceStatus.RELOCATED: {},
}

VIOLATION_TRANSITIONS: Mapping[ViolationState, Mapping[ViolationAction, ViolationState]] = {
    ViolationState.OPEN: {ViolationAction.ADD_EVIDENCE: ViolationState.OPEN,
                          ViolationAction.CLOSE: ViolationState.CLOSED},
    ViolationState.CLOSED: {},
}


def source_transition(status: SourceStatus, action: SourceAction) -> SourceStatus:
    """The status after ``action``; raises IllegalTransition when ``status`` does not allow it."""
    allowed = SOURCE_TRANSITIONS[status]
    if action not in allowed:
        raise IllegalTransition("pollution_source", status.value, action.value, [a.value for a in allowed])
    return allowed[action]


def violation_transition(state: ViolationState, action: ViolationAction) -> ViolationState:
    """The state after ``action``; raises IllegalTransition when ``state`` does not allow it."""
    allowed = VIOLATION_TRANSITIONS[state]
    if action not in allowed:
        raise IllegalTransition("violation", state.value, action.value, [a.value for a in allowed])
    return allowed[action]


@dataclass(frozen=True)
class ChecklistItem:
    """One item of the construction-site checklist of "100%" measures."""

    code: str
    name: str


@dataclass(frozen=True)
class Frequency:
    """``times`` patrols or checks required in every ``unit`` window."""

    times: int
    unit: PeriodUnit


# The "six 100%" most cities use; a city with five or eight items replaces the list.
# Roles that enter a patrol on a grid head's behalf (from a paper patrol sheet, say), inside their scope;
# a grid head records only their own.
ON_BEHALF_ROLES = frozenset({"environment_bureau"})

DEFAULT_CHECKLIST = (
    ChecklistItem("enclosure", "施工现场100%围挡"),
    ChecklistItem("covering", "物料堆放100%覆盖"),
    ChecklistItem("hardened_roads", "施工现场路面100%硬化"),
    ChecklistItem("wheel_washing", "出入车辆100%冲洗"),
    ChecklistItem("wet_work", "拆迁工地100%湿法作业"),
    ChecklistItem("covered_transport", "渣土车辆100%密闭运输"),
)
DEFAULT_PATROL_FREQUENCIES: Mapping[GridLevel, Frequency] = {
    GridLevel.DISTRICT: Frequency(2, PeriodUnit.MONTH),
    GridLevel.STREET: Frequency(1, PeriodUnit.WEEK),
    # "two to three times a week": two is the requirement, three is good practice.
    GridLevel.COMMUNITY: Frequency(2, PeriodUnit.WEEK),
    GridLevel.GRID: Frequency(1, PeriodUnit.DAY),
}
DEFAULT_SUPERVISION_FREQUENCIES: Mapping[ControlLevel, Frequency] = {
    ControlLevel.NATIONAL: Frequency(1, PeriodUnit.MONTH),
    ControlLevel.CITY: Frequency(1, PeriodUnit.QUARTER),
    ControlLevel.DISTRICT: Frequency(1, PeriodUnit.QUARTER),
}


@dataclass(frozen=True)
class InspectionRules:
    """The configurable data of the service: checklist, patrol and supervision frequencies."""

    checklist: tuple[ChecklistItem, ...] = DEFAULT_CHECKLIST
    patrol: Mapping[GridLevel, Frequency] = field(default_factory=lambda: dict(DEFAULT_PATROL_FREQUENCIES))
    supervision: Mapping[ControlLevel, Frequency] = field(
        default_factory=lambda: dict(DEFAULT_SUPERVISION_FREQUENCIES))


def validate_rules(rules: InspectionRules, prefix: str = "") -> None:
    """Raises InvalidArgument naming every bad item of ``rules`` (field paths start with ``prefix``)."""
    problems = Violations()
    if not 1 <= len(rules.checklist) <= 12:
        problems.add(f"{prefix}checklist", f"must have 1 to 12 items, got {len(rules.checklist)}")
    seen: set[str] = set()
    for i, item in enumerate(rules.checklist):
        if not item.code.isidentifier() or not item.code.islower():
            problems.add(f"{prefix}checklist[{i}].code", "must be a lower-case code such as wheel_washing")
        elif item.code in seen:
            problems.add(f"{prefix}checklist[{i}].code", f"repeats {item.code}")
        seen.add(item.code)
        if not item.name.strip():
            problems.add(f"{prefix}checklist[{i}].name", "must not be empty")
    for level in GridLevel:
        if level not in rules.patrol:
            problems.add(f"{prefix}patrol_frequencies", f"lacks level {int(level)}")
    for control in ControlLevel:
        if control not in rules.supervision:
            problems.add(f"{prefix}supervision_frequencies", f"lacks control level {control.value}")
    for name, frequencies in (("patrol_frequencies", rules.patrol), ("supervision_frequencies", rules.supervision)):
        for key, frequency in frequencies.items():
            label = int(key) if isinstance(key, GridLevel) else key.value
            if not 1 <= frequency.times <= 31:
                problems.add(f"{prefix}{name}[{label}].times", f"must be 1 to 31, got {frequency.times}")
    problems.raise_if_any()


@dataclass(frozen=True)
class SourceDraft:
    """A pollution source as entered: common fields plus the attributes of its type."""

    source_type: SourceType
    name: str
    jurisdiction_code: str
    address: str
    responsible_unit: str
    contact_name: str
    contact_phone: str
    latitude: float | None = None
    longitude: float | None = None
    area_m2: float | None = None
    dust_controls: tuple[DustControl, ...] = ()
    checklist: Mapping[str, bool] = field(default_factory=dict)
    fume_purifier_installed: bool | None = None
    control_level: ControlLevel | None = None
    permit_number: str = ""
    # The grid the location falls in when it is not jurisdiction_code (set by the gateway); "" otherwise.
    located_grid: str = ""


def phone_problem(phone: str) -> str | None:
    """What is wrong with a mobile or landline number, or None."""
    digits = phone.replace("-", "")
    if not digits.isdigit() or not digits.isascii():
        return "must be a phone number of digits (and dashes)"
    if len(digits) == 11 and digits.startswith("1"):
        return None
    if 7 <= len(digits) <= 12 and digits.startswith("0"):
        return None
    return "must be an 11-digit mobile number or a landline with its area code"


def validate_source(draft: SourceDraft, checklist: Sequence[ChecklistItem], prefix: str = "source") -> Violations:
    """Every field violation of ``draft`` under ``prefix`` (a grid code is required, not a coarser one)."""
    problems = Violations()
    if not draft.name.strip():
        problems.add(f"{prefix}.name", "must not be empty")
    code = draft.jurisdiction_code
    if not (code.isdigit() and code.isascii() and len(code) == 15) or code[-3:] == "000":
        problems.add(f"{prefix}.jurisdiction_code", "must be a 15-digit grid code")
    located = draft.located_grid
    if located and (not (located.isdigit() and located.isascii() and len(located) == 15) or located[-3:] == "000"):
        problems.add(f"{prefix}.located_grid", "must be a 15-digit grid code")
    if not draft.address.strip():
        problems.add(f"{prefix}.address", "must not be empty")
    if not draft.responsible_unit.strip():
        problems.add(f"{prefix}.responsible_unit", "must not be empty")
    if draft.contact_phone and (reason := phone_problem(draft.contact_phone)):
        problems.add(f"{prefix}.contact_phone", reason)
    if (draft.latitude is None) != (draft.longitude is None):
        problems.add(f"{prefix}.location", "needs both latitude and longitude, or neither")
    elif draft.latitude is not None and draft.longitude is not None:
        problems.extend(coordinate_problems(draft.latitude, draft.longitude, f"{prefix}.location"))
    _validate_attributes(draft, checklist, prefix, problems)
    return problems


def _validate_attributes(draft: SourceDraft, checklist: Sequence[ChecklistItem], prefix: str,
                         problems: Violations) -> None:
    kind = draft.source_type
    if kind in AREA_TYPES:
        if draft.area_m2 is None or draft.area_m2 <= 0:
            problems.add(f"{prefix}.area_m2", f"must be a positive area for a {kind.value}")
    elif draft.area_m2 is not None:
        problems.add(f"{prefix}.area_m2", f"does not apply to a {kind.value}")
    if draft.dust_controls and kind not in DUST_TYPES:
        problems.add(f"{prefix}.dust_controls", f"do not apply to a {kind.value}")
    if len(set(draft.dust_controls)) != len(draft.dust_controls):
        problems.add(f"{prefix}.dust_controls", "repeat a measure")
    if kind is SourceType.CONSTRUCTION_SITE:
        known = {item.code for item in checklist}
        for item_code in draft.checklist:
            if item_code not in known:
                problems.add(f"{prefix}.checklist.{item_code}", "is not an item of the configured checklist")
    elif draft.checklist:
        problems.add(f"{prefix}.checklist", f"applies to construction sites only, not a {kind.value}")
    if kind in PURIFIER_TYPES:
        if draft.fume_purifier_installed is None:
            problems.add(f"{prefix}.fume_purifier_installed", "must be stated for a restaurant")
    elif draft.fume_purifier_installed is not None:
        problems.add(f"{prefix}.fume_purifier_installed", f"does not apply to a {kind.value}")
    if kind in KEY_SOURCE_TYPES:
        if draft.control_level is None:
            problems.add(f"{prefix}.control_level", "must be national, city or district for a key source")
        if not draft.permit_number.strip():
            problems.add(f"{prefix}.permit_number", "must be given for a key source")
    else:
        if draft.control_level is not None:
            problems.add(f"{prefix}.control_level", f"does not apply to a {kind.value}")
        if draft.permit_number:
            problems.add(f"{prefix}.permit_number", f"does not apply to a {kind.value}")


def missing_checklist_items(draft: SourceDraft, checklist: Sequence[ChecklistItem]) -> list[str]:
    """Checklist items a construction site does not have in place (absent counts as missing)."""
    if draft.source_type is not SourceType.CONSTRUCTION_SITE:
        return []
    return [item.code for item in checklist if not draft.checklist.get(item.code, False)]


@dataclass(frozen=True)
class ViolationType:
    """A catalogue entry: what was found and how many working days the owner has to fix it."""

    code: str
    name: str
    rectify_working_days: int
    # Source types it can be found at; empty means any.
    source_types: frozenset[SourceType] = frozenset()


# The catalogue the first migration seeds; more are added as data through DefineViolationType.
DEFAULT_VIOLATION_TYPES = (
    ViolationType("uncovered_storage", "物料堆放未覆盖", 3, frozenset(
        {SourceType.OPEN_STORAGE_YARD, SourceType.COAL_YARD, SourceType.CONSTRUCTION_SITE, SourceType.BARE_LAND})),
    ViolationType("missing_wind_break_net", "未设置防风抑尘网", 5, frozenset(
        {SourceType.OPEN_STORAGE_YARD, SourceType.COAL_YARD, SourceType.BARE_LAND})),
    ViolationType("construction_measure_missing", "施工工地未落实六个百分百", 3,
                  frozenset({SourceType.CONSTRUCTION_SITE})),
    ViolationType("purifier_not_working", "餐饮油烟净化设施未安装或未正常使用", 5,
                  frozenset({SourceType.RESTAURANT_FUMES})),
    ViolationType("open_burning", "露天焚烧", 1, frozenset()),
    ViolationType("open_air_barbecue", "露天烧烤", 1, frozenset({SourceType.OPEN_AIR_BARBECUE,
                                                                 SourceType.RESTAURANT_FUMES})),
    ViolationType("coal_burning", "违规燃煤", 3, frozenset({SourceType.COAL_BOILER, SourceType.COAL_YARD})),
    ViolationType("emission_over_limit", "超标排放", 10, frozenset({SourceType.INDUSTRIAL_KEY_SOURCE,
                                                                   SourceType.CONCRETE_PLANT,
                                                                   SourceType.COAL_BOILER})),
)


def validate_violation_type(vt: ViolationType) -> None:
    """Raises InvalidArgument naming each bad field of a catalogue entry."""
    problems = Violations()
    if not vt.code.isidentifier() or not vt.code.islower() or len(vt.code) > 64:
        problems.add("violation_type.code", "must be a lower-case code of at most 64 characters")
    if not vt.name.strip():
        problems.add("violation_type.name", "must not be empty")
    if not 1 <= vt.rectify_working_days <= 60:
        problems.add("violation_type.rectify_working_days", "must be 1 to 60")
    problems.raise_if_any()


def check_violation(vt: ViolationType, source_type: SourceType, source_status: SourceStatus,
                    checklist_item: str, checklist: Sequence[ChecklistItem], description: str,
                    evidence: Sequence[str]) -> None:
    """Raises InvalidArgument naming every reason a violation cannot be reported as given."""
    problems = Violations()
    if vt.source_types and source_type not in vt.source_types:
        problems.add("violation_type", f"{vt.code} cannot be found at a {source_type.value}")
    if source_status in (SourceStatus.CLOSED, SourceStatus.RELOCATED):
        problems.add("source_id", f"the source is {source_status.value}: no violation can be found there")
    if vt.code == "construction_measure_missing":
        if checklist_item not in {item.code for item in checklist}:
            problems.add("checklist_item", "must name the configured checklist item that is missing")
    elif checklist_item:
        problems.add("checklist_item", f"applies to construction_measure_missing only, not {vt.code}")
    if not description.strip():
        problems.add("description", "must say what was found")
    if not evidence:
        problems.add("evidence", "at least one photo or document reference is required")
    for i, item in enumerate(evidence):
        if not item.strip() or len(item) > 500:
            problems.add(f"evidence[{i}]", "must be a reference of 1 to 500 characters")
    problems.raise_if_any()


def closed_on_time(deadline: datetime, closed_at: datetime | None) -> bool | None:
    """Whether a violation closed by its deadline; None while it is open."""
    if closed_at is None:
        return None
    return closed_at <= deadline


def parse_period(start: str, end: str) -> tuple[date, date]:
    """An inclusive period of local dates; raises InvalidArgument naming period.start/period.end."""
    problems = Violations()
    parsed: dict[str, date] = {}
    for name, text in (("start", start), ("end", end)):
        try:
            parsed[name] = date.fromisoformat(text)
        except ValueError:
            problems.add(f"period.{name}", f"must be a date YYYY-MM-DD, got {text!r}")
    problems.raise_if_any()
    if parsed["end"] < parsed["start"]:
        problems.add("period.end", "must not be before period.start")
    elif (parsed["end"] - parsed["start"]).days > 366:
        problems.add("period.end", "a period may span at most a year")
    problems.raise_if_any()
    return parsed["start"], parsed["end"]
