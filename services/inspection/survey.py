"""The "one map, one table" survey ledger: its columns, reading a row into a draft, writing a source back."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from services.inspection.domain import (
    ChecklistItem,
    ControlLevel,
    DustControl,
    SourceDraft,
    SourceType,
    validate_source,
)
from services.kit.errors import FieldViolation
from services.kit.landing import Locate, landing
from services.kit.tabular import Column, Row

# A column's max_length is the width of the source column it is stored in.
COLUMNS = (
    Column("source_type", "污染源类型", ("type",)),
    Column("name", "名称", max_length=128),
    Column("jurisdiction_code", "网格编码", ("grid_code",), max_length=15),
    Column("address", "地址", max_length=256),
    Column("longitude", "经度", ("lng", "lon")),
    Column("latitude", "纬度", ("lat",)),
    Column("responsible_unit", "责任单位", max_length=128),
    Column("contact_name", "联系人", max_length=64),
    Column("contact_phone", "联系电话", ("phone",), max_length=20),
    Column("area_m2", "面积(平方米)", ("面积", "area")),
    Column("dust_controls", "防尘措施"),
    Column("checklist", "已落实清单项", ("checklist_in_place",)),
    Column("fume_purifier_installed", "油烟净化器", ("purifier",)),
    Column("control_level", "管控级别"),
    Column("permit_number", "排污许可证号", ("permit",), max_length=64),
)
# Export adds the id and status; import ignores them (a survey row is always a new source).
EXPORT_COLUMNS = (Column("id", "编号"), *COLUMNS, Column("status", "状态"))
REQUIRED = ("source_type", "name", "jurisdiction_code", "address", "responsible_unit")

TYPE_NAMES: Mapping[SourceType, str] = {
    SourceType.OPEN_STORAGE_YARD: "露天堆场", SourceType.CONSTRUCTION_SITE: "施工工地",
    SourceType.BARE_LAND: "裸露空地", SourceType.RESTAURANT_FUMES: "餐饮油烟",
    SourceType.OPEN_AIR_BARBECUE: "露天烧烤", SourceType.COAL_BOILER: "燃煤锅炉",
    SourceType.COAL_YARD: "煤炭堆场", SourceType.CONCRETE_PLANT: "混凝土搅拌站",
    SourceType.INDUSTRIAL_KEY_SOURCE: "工业重点源",
}
CONTROL_NAMES: Mapping[ControlLevel, str] = {ControlLevel.NATIONAL: "国控", ControlLevel.CITY: "市控",
                                             ControlLevel.DISTRICT: "区控"}
DUST_NAMES: Mapping[DustControl, str] = {DustControl.WIND_BREAK_NET: "防风抑尘网",
                                         DustControl.ENCLOSED_STORE: "封闭料仓",
                                         DustControl.COVERING: "苫盖", DustControl.SPRINKLING: "洒水"}
YES, NO = ("是", "有", "yes", "true", "1", "y"), ("否", "无", "no", "false", "0", "n")
_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def _lookup(text: str, names: Mapping[str, str]) -> str | None:
    """The code whose code or Chinese name is ``text``."""
    lowered = text.strip().lower()
    for code, name in names.items():
        if lowered in (code, name):
            return code
    return None


def _items(text: str) -> list[str]:
    return [t for t in _SEPARATORS.split(text.strip()) if t]


def parse_row(row: Row, checklist: Sequence[ChecklistItem],
              locate: Locate | None = None) -> tuple[SourceDraft | None, list[FieldViolation]]:
    """The draft of one ledger row, or every problem of the row, each naming ``rows[<line>].<column>``.

    With ``locate``, a row with coordinates may leave its grid empty: it lands in the grid they fall in; a row
    whose grid disagrees with them keeps it and carries the located one."""
    prefix = f"rows[{row.line}]"
    values = row.values
    problems: list[FieldViolation] = []

    def bad(column: str, reason: str) -> None:
        problems.append(FieldViolation(f"{prefix}.{column}", reason))

    type_code = _lookup(values.get("source_type", ""), {t.value: n for t, n in TYPE_NAMES.items()})
    if type_code is None:
        bad("source_type", f"{values.get('source_type', '')!r} is not a pollution source type")
    numbers: dict[str, float | None] = {}
    for column in ("area_m2", "latitude", "longitude"):
        text = values.get(column, "").strip()
        numbers[column] = None
        if text:
            try:
                numbers[column] = float(text)
            except ValueError:
                bad(column, f"{text!r} is not a number")
            else:
                if not math.isfinite(numbers[column] or 0.0):
                    bad(column, f"{text!r} is not a finite number")
                    numbers[column] = None
    dust: list[DustControl] = []
    for item in _items(values.get("dust_controls", "")):
        code = _lookup(item, {d.value: n for d, n in DUST_NAMES.items()})
        if code is None:
            bad("dust_controls", f"{item!r} is not a dust-control measure")
        else:
            dust.append(DustControl(code))
    by_name = {item.name: item.code for item in checklist}
    in_place = [by_name.get(item, item) for item in _items(values.get("checklist", ""))]
    purifier_text = values.get("fume_purifier_installed", "").strip().lower()
    purifier: bool | None = None
    if purifier_text in YES:
        purifier = True
    elif purifier_text in NO:
        purifier = False
    elif purifier_text:
        bad("fume_purifier_installed", f"{purifier_text!r} is neither 是 nor 否")
    control_text = values.get("control_level", "").strip()
    control_code = _lookup(control_text, {c.value: n for c, n in CONTROL_NAMES.items()}) if control_text else None
    if control_text and control_code is None:
        bad("control_level", f"{control_text!r} is not 国控, 市控 or 区控")
    if type_code is None:
        return None, problems
    source_type = SourceType(type_code)
    checklist_state = ({item.code: item.code in in_place for item in checklist}
                       if source_type is SourceType.CONSTRUCTION_SITE else {})
    # Items the ledger names that the configured checklist lacks are reported by validate_source.
    checklist_state.update({code: True for code in in_place})
    code, located = values.get("jurisdiction_code", ""), ""
    if locate is not None:
        code, located = landing(code, numbers["longitude"], numbers["latitude"], locate)
    draft = SourceDraft(
        source_type=source_type, name=values.get("name", ""), jurisdiction_code=code, located_grid=located,
        address=values.get("address", ""), responsible_unit=values.get("responsible_unit", ""),
        contact_name=values.get("contact_name", ""), contact_phone=values.get("contact_phone", "").strip(),
        latitude=numbers["latitude"], longitude=numbers["longitude"], area_m2=numbers["area_m2"],
        dust_controls=tuple(dust), checklist=checklist_state, fume_purifier_installed=purifier,
        control_level=ControlLevel(control_code) if control_code else None,
        permit_number=values.get("permit_number", ""),
    )
    # A cell that could not be read is reported once, not again as missing.
    unreadable = {p.field for p in problems}
    problems.extend(p for p in validate_source(draft, checklist, prefix).items if p.field not in unreadable)
    return (draft if not problems else None), problems


def export_values(draft: SourceDraft, source_id: str, status: str, phone: str,
                  checklist: Sequence[ChecklistItem]) -> dict[str, object]:
    """A source as one ledger row, readable by people and by parse_row."""
    names = {item.code: item.name for item in checklist}
    return {
        "id": source_id, "source_type": TYPE_NAMES[draft.source_type], "name": draft.name,
        "jurisdiction_code": draft.jurisdiction_code, "address": draft.address,
        "longitude": draft.longitude, "latitude": draft.latitude, "responsible_unit": draft.responsible_unit,
        "contact_name": draft.contact_name, "contact_phone": phone, "area_m2": draft.area_m2,
        "dust_controls": "、".join(DUST_NAMES[d] for d in draft.dust_controls),
        "checklist": "、".join(names.get(code, code) for code, ok in draft.checklist.items() if ok),
        "fume_purifier_installed": None if draft.fume_purifier_installed is None
        else ("是" if draft.fume_purifier_installed else "否"),
        "control_level": CONTROL_NAMES[draft.control_level] if draft.control_level else None,
        "permit_number": draft.permit_number, "status": status,
    }
