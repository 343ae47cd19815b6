"""Queries and transactions of the inventory side: sources, rules, the violation catalogue, grid heads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.domain import (
    ChecklistItem,
    DustControl,
    Frequency,
    GridLevel,
    InspectionRules,
    SourceDraft,
    SourceStatus,
    SourceType,
    ViolationType,
)
from services.inspection.models import (
    ChecklistItemRow,
    GridHeadRow,
    PatrolFrequencyRow,
    SourceRow,
    SupervisionFrequencyRow,
    ViolationTypeRow,
)
from services.kit.errors import NotFound
from services.kit.ids import new_id
from services.kit.jurisdiction import normalize_scopes, scope_condition
from services.kit.pagination import Page, fetch_page

# A key source owes supervision checks while it operates; a closed or relocated one owes none.
SUPERVISED_STATUSES = (SourceStatus.ACTIVE, SourceStatus.RECTIFYING)


def narrow(scopes: Sequence[str], prefix: str) -> list[str]:
    """The part of ``scopes`` inside ``prefix``: a request's filter never widens what the actor may read."""
    if not prefix:
        return normalize_scopes(scopes)
    kept = [prefix for scope in scopes if prefix.startswith(scope)]
    kept += [scope for scope in scopes if scope.startswith(prefix)]
    return normalize_scopes(kept)


def draft_of(row: SourceRow) -> SourceDraft:
    """The stored source as the domain's draft, for re-validation and checklist arithmetic."""
    return SourceDraft(
        source_type=row.source_type, name=row.name, jurisdiction_code=row.jurisdiction_code, address=row.address,
        responsible_unit=row.responsible_unit, contact_name=row.contact_name, contact_phone=row.contact_phone,
        latitude=row.latitude, longitude=row.longitude, area_m2=row.area_m2,
        dust_controls=tuple(DustControl(v) for v in row.dust_controls), checklist=dict(row.checklist),
        fume_purifier_installed=row.fume_purifier_installed, control_level=row.control_level,
        permit_number=row.permit_number, located_grid=row.located_grid or "",
    )


def _apply(row: SourceRow, draft: SourceDraft) -> None:
    row.source_type = draft.source_type
    row.name = draft.name.strip()
    row.jurisdiction_code = draft.jurisdiction_code
    row.address = draft.address.strip()
    row.latitude, row.longitude = draft.latitude, draft.longitude
    row.responsible_unit = draft.responsible_unit.strip()
    row.contact_name = draft.contact_name.strip()
    row.contact_phone = draft.contact_phone
    row.area_m2 = draft.area_m2
    row.dust_controls = [d.value for d in draft.dust_controls]
    row.checklist = dict(draft.checklist)
    row.fume_purifier_installed = draft.fume_purifier_installed
    row.control_level = draft.control_level
    row.permit_number = draft.permit_number.strip()
    row.located_grid = draft.located_grid or None


class SourceStore:
    """The pollution-source inventory."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, draft: SourceDraft, now: datetime) -> SourceRow:
        row = SourceRow(id=new_id(), status=SourceStatus.ACTIVE, created_at=now, updated_at=now)
        _apply(row, draft)
        self.session.add(row)
        await self.session.flush()
        return row

    async def update(self, row: SourceRow, draft: SourceDraft, now: datetime) -> SourceRow:
        _apply(row, draft)
        row.updated_at = now
        await self.session.flush()
        return row

    async def get(self, source_id: str, *, for_update: bool = False) -> SourceRow:
        """The source; raises NotFound."""
        query = select(SourceRow).where(SourceRow.id == source_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).scalar_one_or_none()
        if row is None:
            raise NotFound("pollution_source", source_id)
        return row

    async def get_many(self, ids: Sequence[str]) -> dict[str, SourceRow]:
        rows = (await self.session.execute(select(SourceRow).where(SourceRow.id.in_(list(ids))))).scalars()
        return {row.id: row for row in rows}

    async def list(self, scopes: Sequence[str], page: Page, *, source_type: SourceType | None = None,
                   status: SourceStatus | None = None) -> tuple[list[SourceRow], bool]:
        """One page ordered by (jurisdiction_code, id) and whether more follow."""
        query = select(SourceRow).where(scope_condition(SourceRow.jurisdiction_code, scopes))
        if source_type is not None:
            query = query.where(SourceRow.source_type == source_type)
        if status is not None:
            query = query.where(SourceRow.status == status)
        return await fetch_page(self.session, query, (SourceRow.jurisdiction_code, SourceRow.id), page)

    async def all_in(self, scopes: Sequence[str]) -> list[SourceRow]:
        """Every source in ``scopes`` (export), by code."""
        query = select(SourceRow).where(scope_condition(SourceRow.jurisdiction_code, scopes))
        query = query.order_by(SourceRow.jurisdiction_code, SourceRow.id)
        return list((await self.session.execute(query)).scalars())

    async def key_sources(self, scopes: Sequence[str], page: Page | None = None) -> tuple[list[SourceRow], bool]:
        """Industrial key sources owing supervision checks (active or rectifying, with a control level), by
        (jurisdiction_code, id): one page and whether more follow, or every one without ``page``."""
        query = (select(SourceRow).where(scope_condition(SourceRow.jurisdiction_code, scopes))
                 .where(SourceRow.source_type == SourceType.INDUSTRIAL_KEY_SOURCE)
                 .where(SourceRow.status.in_(SUPERVISED_STATUSES), SourceRow.control_level.is_not(None)))
        if page is None:
            return list((await self.session.execute(query.order_by(SourceRow.jurisdiction_code, SourceRow.id)))
                        .scalars()), False
        return await fetch_page(self.session, query, (SourceRow.jurisdiction_code, SourceRow.id), page)

    async def existing_keys(self, keys: Sequence[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Which (jurisdiction_code, name, address) keys the inventory already holds."""
        if not keys:
            return set()
        codes = sorted({code for code, _, _ in keys})
        rows = await self.session.execute(
            select(SourceRow.jurisdiction_code, SourceRow.name, SourceRow.address)
            .where(SourceRow.jurisdiction_code.in_(codes))
        )
        present = {(r.jurisdiction_code, r.name, r.address) for r in rows}
        return present & set(keys)


class RulesStore:
    """The configurable rules and the violation catalogue."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load(self) -> InspectionRules:
        checklist = (await self.session.execute(select(ChecklistItemRow).order_by(ChecklistItemRow.position)))
        patrol = (await self.session.execute(select(PatrolFrequencyRow))).scalars()
        supervision = (await self.session.execute(select(SupervisionFrequencyRow))).scalars()
        return InspectionRules(
            checklist=tuple(ChecklistItem(r.code, r.name) for r in checklist.scalars()),
            patrol={GridLevel(r.level): Frequency(r.times, r.unit) for r in patrol},
            supervision={r.control_level: Frequency(r.times, r.unit) for r in supervision},
        )

    async def save(self, rules: InspectionRules) -> None:
        """Replaces the rules as a whole (in the caller's transaction)."""
        for table in (ChecklistItemRow, PatrolFrequencyRow, SupervisionFrequencyRow):
            await self.session.execute(delete(table))
        self.session.add_all(ChecklistItemRow(code=item.code, name=item.name.strip(), position=i)
                             for i, item in enumerate(rules.checklist))
        self.session.add_all(PatrolFrequencyRow(level=int(level), times=f.times, unit=f.unit)
                             for level, f in rules.patrol.items())
        self.session.add_all(SupervisionFrequencyRow(control_level=level, times=f.times, unit=f.unit)
                             for level, f in rules.supervision.items())
        await self.session.flush()

    async def violation_type(self, code: str) -> ViolationType | None:
        row = await self.session.get(ViolationTypeRow, code)
        return None if row is None else _violation_type(row)

    async def violation_types(self) -> list[ViolationType]:
        rows = (await self.session.execute(select(ViolationTypeRow).order_by(ViolationTypeRow.code))).scalars()
        return [_violation_type(r) for r in rows]

    async def define_violation_type(self, vt: ViolationType) -> None:
        row = await self.session.get(ViolationTypeRow, vt.code)
        if row is None:
            row = ViolationTypeRow(code=vt.code)
            self.session.add(row)
        row.name = vt.name.strip()
        row.rectify_working_days = vt.rectify_working_days
        row.source_types = sorted(t.value for t in vt.source_types)
        await self.session.flush()


def _violation_type(row: ViolationTypeRow) -> ViolationType:
    return ViolationType(row.code, row.name, row.rectify_working_days,
                         frozenset(SourceType(t) for t in row.source_types))


class GridHeadStore:
    """Grid heads: the patrol assignments, keyed by subject id."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def assign(self, subject_id: str, name: str, code: str, phone: str, now: datetime,
                     effective: datetime | None = None) -> GridHeadRow:
        """Stores the assignment; patrols are owed from ``effective``, or from ``now`` when the scope is new."""
        row = await self.session.get(GridHeadRow, subject_id)
        if row is None:
            row = GridHeadRow(subject_id=subject_id)
            self.session.add(row)
        if effective is not None:
            row.assigned_at = effective
        elif row.jurisdiction_code != code:
            # Patrols are owed from the day a head takes a scope; a new name or phone changes nothing.
            row.assigned_at = now
        row.name, row.jurisdiction_code, row.phone = name.strip(), code, phone
        row.level = int(GridLevel.of_code(code))
        await self.session.flush()
        return row

    async def get(self, subject_id: str) -> GridHeadRow | None:
        return await self.session.get(GridHeadRow, subject_id)

    async def list(self, scopes: Sequence[str], page: Page) -> tuple[list[GridHeadRow], bool]:
        query = select(GridHeadRow).where(scope_condition(GridHeadRow.jurisdiction_code, scopes))
        return await fetch_page(self.session, query, (GridHeadRow.jurisdiction_code, GridHeadRow.subject_id), page)

    async def all_in(self, scopes: Sequence[str]) -> list[GridHeadRow]:
        query = (select(GridHeadRow).where(scope_condition(GridHeadRow.jurisdiction_code, scopes))
                 .order_by(GridHeadRow.jurisdiction_code, GridHeadRow.subject_id))
        return list((await self.session.execute(query)).scalars())

