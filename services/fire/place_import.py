"""Place imports from CSV or XLSX ledgers: every row checked first, each bad row reported by its line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from services.fire.domain import PlaceDraft, PlaceType, RiskLevel, place_problems
from services.kit.errors import FieldViolation, InvalidArgument
from services.kit.landing import Locate, landing
from services.kit.tabular import LATITUDE_COLUMN, LONGITUDE_COLUMN, Column, FileFormat, coordinate_cells, read_table

PLACE_TYPE_LABELS: Mapping[str, PlaceType] = {
    "小商店": PlaceType.SMALL_SHOP, "小作坊": PlaceType.SMALL_WORKSHOP, "小娱乐场所": PlaceType.SMALL_ENTERTAINMENT,
    "三合一": PlaceType.LIVE_WORK_STORAGE, "出租房": PlaceType.RENTAL_HOUSING, "农户": PlaceType.RURAL_HOUSEHOLD,
    "重点单位": PlaceType.KEY_UNIT, "工厂": PlaceType.FACTORY, "仓库": PlaceType.WAREHOUSE,
    "公共场所": PlaceType.PUBLIC_VENUE,
}
RISK_LEVEL_LABELS: Mapping[str, RiskLevel] = {"低": RiskLevel.LOW, "中": RiskLevel.MEDIUM, "高": RiskLevel.HIGH}

# A column's max_length is the width of the place column it is stored in.
IMPORT_COLUMNS = (
    Column("type", "类型"), Column("name", "名称", ("place_name",), max_length=128),
    Column("address", "地址", max_length=256), Column("jurisdiction_code", "网格编码", ("grid_code",), max_length=15),
    Column("owner_name", "负责人", max_length=64), Column("owner_phone", "负责人电话", max_length=20),
    Column("contact_name", "联系人", max_length=64), Column("contact_phone", "联系人电话", max_length=20),
    Column("risk_level", "风险等级"), Column("organization_id", "单位编号", max_length=36),
    Column("household_id", "户编号", max_length=36), LONGITUDE_COLUMN, LATITUDE_COLUMN,
)
REQUIRED = ("type", "name", "address", "jurisdiction_code", "owner_name", "owner_phone", "risk_level")
MAX_ROWS = 10_000


def _choice(text: str, labels: Mapping[str, object], enum: type) -> object | None:
    text = text.strip()
    if text in labels:
        return labels[text]
    try:
        return enum(text.lower())
    except ValueError:
        return None


def parse_places(content: bytes, file_format: FileFormat,
                 locate: Locate | None = None) -> list[tuple[int, PlaceDraft]]:
    """Every row as (line, draft); raises InvalidArgument listing each bad row (``rows[<line>].<field>``) if any.

    With ``locate`` (the grid a longitude/latitude falls in), a row with coordinates may leave its grid empty: it
    lands in the grid they fall in; a row whose grid disagrees with them keeps it and carries the located one."""
    rows = read_table(content, file_format, IMPORT_COLUMNS, REQUIRED)
    if not rows:
        raise InvalidArgument.field("file", "has no data rows")
    if len(rows) > MAX_ROWS:
        raise InvalidArgument.field("file", f"has {len(rows)} rows; import at most {MAX_ROWS} at a time")
    drafts: list[tuple[int, PlaceDraft]] = []
    problems: list[FieldViolation] = []
    for row in rows:
        values = row.values
        prefix = f"rows[{row.line}]"
        place_type = _choice(values.get("type", ""), PLACE_TYPE_LABELS, PlaceType)
        risk = _choice(values.get("risk_level", ""), RISK_LEVEL_LABELS, RiskLevel)
        longitude, latitude, cell_problems = coordinate_cells(values, prefix)
        draft = PlaceDraft(
            type=place_type,  # type: ignore[arg-type]
            name=values.get("name", ""), address=values.get("address", ""),
            jurisdiction_code=values.get("jurisdiction_code", ""), owner_name=values.get("owner_name", ""),
            owner_phone=values.get("owner_phone", ""), contact_name=values.get("contact_name", ""),
            contact_phone=values.get("contact_phone", ""), risk_level=risk,  # type: ignore[arg-type]
            organization_id=values.get("organization_id", ""), household_id=values.get("household_id", ""),
            latitude=latitude, longitude=longitude,
        )
        if locate is not None and not cell_problems:
            code, located = landing(draft.jurisdiction_code, draft.longitude, draft.latitude, locate)
            draft = replace(draft, jurisdiction_code=code, located_grid=located)
        row_problems = cell_problems + place_problems(draft, prefix, location=prefix)
        if place_type is None and values.get("type", "").strip():
            unknown = FieldViolation(f"{prefix}.type", f"unknown place type {values['type']!r}")
            row_problems = [unknown if p.field == unknown.field else p for p in row_problems]
        problems.extend(row_problems)
        drafts.append((row.line, draft))
    if problems:
        raise InvalidArgument(problems)
    return drafts
