"""The hazard catalogue as first shipped, edit rules, and checklist validation against the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.fire.domain import CheckResult, HazardCategory, PlaceType, Severity
from services.kit.errors import FieldViolation


@dataclass(frozen=True)
class HazardTypeSpec:
    """One catalogue entry: rectify_days 0 means immediately (the same day)."""

    code: str
    name: str
    category: HazardCategory
    severity: Severity
    rectify_days: int


DEFAULT_CATALOGUE: tuple[HazardTypeSpec, ...] = (
    HazardTypeSpec("no_extinguisher", "未配置灭火器", HazardCategory.FIRE_SAFETY, Severity.GENERAL, 3),
    HazardTypeSpec("extinguisher_broken", "灭火器失效", HazardCategory.FIRE_SAFETY, Severity.GENERAL, 3),
    HazardTypeSpec("exit_locked", "安全出口锁闭", HazardCategory.FIRE_SAFETY, Severity.MAJOR, 0),
    HazardTypeSpec("escape_route_blocked", "疏散通道堵塞", HazardCategory.FIRE_SAFETY, Severity.MAJOR, 0),
    HazardTypeSpec("live_work_storage_mixed", "三合一", HazardCategory.FIRE_SAFETY, Severity.MAJOR, 10),
    HazardTypeSpec("hazardous_goods_in_dwelling", "住宅存放易燃易爆物品", HazardCategory.FIRE_SAFETY,
                   Severity.MAJOR, 1),
    HazardTypeSpec("shop_kitchen_no_fire_door", "商铺厨房未设防火门", HazardCategory.FIRE_SAFETY,
                   Severity.GENERAL, 15),
    HazardTypeSpec("small_venue_sleeping", "三小场所住人", HazardCategory.FIRE_SAFETY, Severity.MAJOR, 1),
    HazardTypeSpec("illegal_wiring", "私拉乱接电线", HazardCategory.FIRE_SAFETY, Severity.GENERAL, 3),
    HazardTypeSpec("clutter", "乱堆乱放", HazardCategory.FIRE_SAFETY, Severity.MINOR, 3),
    HazardTypeSpec("facility_damaged", "消防设施损坏", HazardCategory.FIRE_SAFETY, Severity.GENERAL, 5),
    HazardTypeSpec("rural_fire_use", "农户用火不安全", HazardCategory.RURAL_HOUSEHOLD, Severity.GENERAL, 1),
    HazardTypeSpec("rural_gas_use", "农户用气不安全", HazardCategory.RURAL_HOUSEHOLD, Severity.MAJOR, 0),
    HazardTypeSpec("rural_oil_use", "农户用油不安全", HazardCategory.RURAL_HOUSEHOLD, Severity.GENERAL, 1),
    HazardTypeSpec("rural_electricity_use", "农户用电不安全", HazardCategory.RURAL_HOUSEHOLD, Severity.GENERAL, 3),
    HazardTypeSpec("rural_heating", "农户取暖不安全", HazardCategory.RURAL_HOUSEHOLD, Severity.GENERAL, 1),
)

MAX_RECTIFY_DAYS = 60


def hazard_type_problems(name: str, rectify_days: int) -> list[FieldViolation]:
    """What is wrong with an edit of a catalogue entry."""
    problems = []
    if len(name) > 64:
        problems.append(FieldViolation("name", "must be at most 64 characters"))
    if not 0 <= rectify_days <= MAX_RECTIFY_DAYS:
        problems.append(FieldViolation("rectify_days", f"must be between 0 and {MAX_RECTIFY_DAYS}"))
    return problems


def report_immediately(severity: Severity) -> bool:
    """Major hazards are flagged for immediate report."""
    return severity is Severity.MAJOR


# ---- checklists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    """One checklist line."""

    hazard_type_code: str
    result: CheckResult | None
    evidence: tuple[str, ...] = ()
    fixed_on_spot: bool = False
    note: str = ""


def checklist_problems(
    items: Sequence[CheckItem], catalogue: Mapping[str, HazardCategory], place_type: PlaceType
) -> list[FieldViolation]:
    """Every problem with a checklist against the catalogue and the place inspected."""
    found: list[FieldViolation] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        path = f"items[{index}]"
        category = catalogue.get(item.hazard_type_code)
        if category is None:
            found.append(FieldViolation(f"{path}.hazard_type_code", f"unknown hazard type {item.hazard_type_code!r}"))
        elif category is HazardCategory.RURAL_HOUSEHOLD and place_type is not PlaceType.RURAL_HOUSEHOLD:
            found.append(FieldViolation(f"{path}.hazard_type_code", "rural household checks apply to rural households"))
        if item.hazard_type_code in seen:
            found.append(FieldViolation(f"{path}.hazard_type_code", "appears twice in the checklist"))
        seen.add(item.hazard_type_code)
        if item.result is None:
            found.append(FieldViolation(f"{path}.result", "must be set"))
        elif item.result is CheckResult.HAZARD_FOUND:
            if not item.evidence:
                found.append(FieldViolation(f"{path}.evidence", "a hazard found needs evidence"))
        elif item.fixed_on_spot:
            found.append(FieldViolation(f"{path}.fixed_on_spot", "only a hazard found can be fixed on the spot"))
        if any(not ref.strip() for ref in item.evidence):
            found.append(FieldViolation(f"{path}.evidence", "must not contain empty references"))
    return found


def found_items(items: Iterable[CheckItem]) -> list[CheckItem]:
    return [item for item in items if item.result is CheckResult.HAZARD_FOUND]
