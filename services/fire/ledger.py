"""The ledger (台账): statistics by hazard type and grid, and its sections as CSV or XLSX files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.fire import domain
from services.fire.convert import personal_fields
from services.fire.domain import Closure, LedgerSection
from services.fire.models import HazardRow, InspectionRow, PlaceRow
from services.kit import tabular
from services.kit.clock import as_utc
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.tabular import Column, FileFormat

# Export rows are read in pages of this many, so a district's ledger never sits in one result set.
EXPORT_BATCH = 1000


@dataclass(frozen=True)
class Statistic:
    """One ledger row: a hazard type in a grid (both empty in the total)."""

    hazard_type_code: str
    jurisdiction_code: str
    found: int
    rectified_on_time: int
    overdue: int
    handed_over: int
    closed: int

    @property
    def rectification_rate(self) -> float:
        return domain.rectification_rate(self.found, self.closed)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


async def statistics(session: AsyncSession, scopes: Sequence[str], jurisdiction_code: str,
                     found_from: datetime | None, found_to: datetime | None) -> tuple[list[Statistic], Statistic]:
    """Found, rectified on time, overdue, handed over and closed hazards per hazard type and grid."""
    on_time = or_(
        HazardRow.closure == Closure.FIXED_ON_SPOT,
        and_(HazardRow.closure == Closure.VERIFIED, HazardRow.rectify_by.is_not(None),
             HazardRow.rectified_at <= HazardRow.rectify_by),
    )
    query = (
        select(HazardRow.hazard_type_code, HazardRow.jurisdiction_code, func.count().label("found"),
               _count(on_time).label("on_time"), _count(HazardRow.overdue_at.is_not(None)).label("overdue"),
               _count(HazardRow.handed_over_at.is_not(None)).label("handed_over"),
               _count(HazardRow.closed_at.is_not(None)).label("closed"))
        .where(scope_condition(HazardRow.jurisdiction_code, scopes))
        .group_by(HazardRow.hazard_type_code, HazardRow.jurisdiction_code)
        .order_by(HazardRow.hazard_type_code, HazardRow.jurisdiction_code)
    )
    if jurisdiction_code:
        query = query.where(prefix_condition(HazardRow.jurisdiction_code, jurisdiction_code))
    if found_from is not None:
        query = query.where(HazardRow.found_at >= found_from)
    if found_to is not None:
        query = query.where(HazardRow.found_at < found_to)
    rows = [Statistic(r.hazard_type_code, r.jurisdiction_code, r.found, r.on_time, r.overdue, r.handed_over,
                      r.closed) for r in await session.execute(query)]
    total = Statistic("", "", *(sum(getattr(r, f) for r in rows)
                                for f in ("found", "rectified_on_time", "overdue", "handed_over", "closed")))
    return rows, total


PLACE_COLUMNS = (
    Column("id", "编号"), Column("name", "名称"), Column("type", "类型"), Column("address", "地址"),
    Column("jurisdiction_code", "网格编码"), Column("owner_name", "负责人"), Column("owner_phone", "负责人电话"),
    Column("contact_name", "联系人"), Column("contact_phone", "联系人电话"), Column("risk_level", "风险等级"),
    Column("inspected_by", "检查网格层级"), Column("interval_days", "检查周期(天)"),
    Column("last_inspected_on", "上次检查日期"), Column("next_due_on", "下次检查日期"),
    tabular.LONGITUDE_COLUMN, tabular.LATITUDE_COLUMN,
)
INSPECTION_COLUMNS = (
    Column("id", "编号"), Column("place_id", "场所编号"), Column("jurisdiction_code", "网格编码"),
    Column("inspector", "检查人"), Column("grid_level", "网格层级"), Column("inspected_at", "检查时间"),
    Column("state", "状态"), Column("hazards_found", "发现隐患数"), Column("items", "检查结果"),
)
HAZARD_COLUMNS = (
    Column("id", "编号"), Column("place_name", "场所"), Column("address", "地址"),
    Column("jurisdiction_code", "网格编码"), Column("hazard_type_code", "隐患类型"), Column("severity", "严重程度"),
    Column("state", "状态"), Column("found_on", "发现日期"), Column("rectify_by", "整改期限"),
    Column("rectified_on", "整改日期"), Column("handed_over_on", "移交日期"), Column("closed_on", "销号日期"),
    Column("closure", "销号方式"), Column("case_number", "案件编号"),
)
STATISTIC_COLUMNS = (
    Column("hazard_type_code", "隐患类型"), Column("jurisdiction_code", "网格编码"), Column("found", "发现数"),
    Column("rectified_on_time", "按期整改数"), Column("overdue", "逾期数"), Column("handed_over", "移交数"),
    Column("rectification_rate", "整改率"),
)


def _day(value: datetime | None) -> str:
    return "" if value is None else domain.local_day(as_utc(value)).isoformat()


def _deadline(value: datetime | None) -> str:
    return "" if value is None else domain.deadline_day(as_utc(value)).isoformat()


def _moment(value: datetime | None) -> str:
    """A time as Beijing local time to the minute, the way ledgers are kept on paper."""
    return "" if value is None else as_utc(value).astimezone(domain.BEIJING).strftime("%Y-%m-%d %H:%M")


async def _batches(session: AsyncSession, query: Any, key: Any) -> Any:
    """The query's rows in ``key`` order, EXPORT_BATCH at a time."""
    last = None
    while True:
        page = query.order_by(key).limit(EXPORT_BATCH)
        if last is not None:
            page = page.where(key > last)
        rows = list(await session.scalars(page))
        for row in rows:
            yield row
        if len(rows) < EXPORT_BATCH:
            return
        last = getattr(rows[-1], key.key)


async def section_rows(session: AsyncSession, section: LedgerSection, scopes: Sequence[str],
                       jurisdiction_code: str, masks: Callable[[str], bool]) -> list[dict[str, object]]:
    """The rows of one ledger section under ``jurisdiction_code``, personal fields masked as the policy says."""
    out: list[dict[str, object]] = []
    if section is LedgerSection.STATISTICS:
        rows, total = await statistics(session, scopes, jurisdiction_code, None, None)
        for stat in [*rows, Statistic("合计", "", *(getattr(total, f) for f in (
                "found", "rectified_on_time", "overdue", "handed_over", "closed")))]:
            out.append({"hazard_type_code": stat.hazard_type_code, "jurisdiction_code": stat.jurisdiction_code,
                        "found": stat.found, "rectified_on_time": stat.rectified_on_time, "overdue": stat.overdue,
                        "handed_over": stat.handed_over, "rectification_rate": f"{stat.rectification_rate:.2%}"})
        return out
    model = {LedgerSection.PLACES: PlaceRow, LedgerSection.INSPECTIONS: InspectionRow,
             LedgerSection.HAZARDS: HazardRow}[section]
    query = select(model).where(scope_condition(model.jurisdiction_code, scopes),
                                prefix_condition(model.jurisdiction_code, jurisdiction_code))
    async for row in _batches(session, query, model.id):
        out.append(_row_values(section, row, masks))
    return out


def _row_values(section: LedgerSection, row: Any, masks: Callable[[str], bool]) -> dict[str, object]:
    if section is LedgerSection.PLACES:
        return {"id": row.id, "name": row.name, "type": row.type.value, "address": row.address,
                "jurisdiction_code": row.jurisdiction_code, "risk_level": row.risk_level.value,
                "inspected_by": row.inspected_by.value, "interval_days": row.interval_days,
                "last_inspected_on": _day(row.last_inspected_at), "next_due_on": row.next_due_on.isoformat(),
                "longitude": row.longitude, "latitude": row.latitude, **personal_fields(row, masks)}
    if section is LedgerSection.INSPECTIONS:
        return {"id": row.id, "place_id": row.place_id, "jurisdiction_code": row.jurisdiction_code,
                "inspector": row.inspector, "grid_level": row.grid_level.value,
                "inspected_at": _moment(row.inspected_at), "state": row.state.value,
                "hazards_found": len(row.hazard_ids),
                "items": "; ".join(f"{i['hazard_type_code']}={i['result']}" for i in row.items)}
    return {"id": row.id, "place_name": row.place_name, "address": row.address,
            "jurisdiction_code": row.jurisdiction_code, "hazard_type_code": row.hazard_type_code,
            "severity": row.severity.value, "state": row.state.value, "found_on": _day(row.found_at),
            "rectify_by": _deadline(row.rectify_by), "rectified_on": _day(row.rectified_at),
            "handed_over_on": _day(row.handed_over_at), "closed_on": _day(row.closed_at),
            "closure": row.closure.value if row.closure else "", "case_number": row.case_number}


SECTION_COLUMNS = {
    LedgerSection.PLACES: PLACE_COLUMNS, LedgerSection.INSPECTIONS: INSPECTION_COLUMNS,
    LedgerSection.HAZARDS: HAZARD_COLUMNS, LedgerSection.STATISTICS: STATISTIC_COLUMNS,
}


async def export(session: AsyncSession, section: LedgerSection, file_format: FileFormat, scopes: Sequence[str],
                 jurisdiction_code: str, masks: Callable[[str], bool]) -> bytes:
    rows = await section_rows(session, section, scopes, jurisdiction_code, masks)
    return tabular.write_table(rows, file_format, SECTION_COLUMNS[section])

