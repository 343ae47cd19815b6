"""Queries and transactions for places, inspection plans, due lists and the hazard catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.fire import domain
from services.fire.domain import GridLevel, HazardCategory, PlaceDraft, PlaceType, RiskLevel, Severity
from services.fire.models import HazardTypeRow, HazardTypeVersionRow, InspectionPlanRow, PlaceRow
from services.kit.errors import FailedPrecondition, InvalidArgument, NotFound
from services.kit.ids import new_id
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.pagination import Page, keyset


def code_filter(field: str, code: str) -> None:
    """Raises InvalidArgument unless ``code`` is empty or a jurisdiction code."""
    if code and (not (code.isascii() and code.isdigit()) or len(code) not in (6, 9, 12, 15)):
        raise InvalidArgument.field(field, "must be a 6, 9, 12 or 15-digit jurisdiction code")


class PlaceStore:
    """Places and the inspection plans that set their next-due dates."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def plan(self, place_type: PlaceType) -> InspectionPlanRow:
        row = await self.session.get(InspectionPlanRow, place_type)
        if row is None:
            raise FailedPrecondition(f"no inspection plan for place type {place_type.value}")
        return row

    async def plans(self) -> list[InspectionPlanRow]:
        return list(await self.session.scalars(select(InspectionPlanRow).order_by(InspectionPlanRow.place_type)))

    async def add(self, draft: PlaceDraft, now: datetime) -> PlaceRow:
        (row,) = await self.add_many([draft], now)
        return row

    async def add_many(self, drafts: Sequence[PlaceDraft], now: datetime) -> list[PlaceRow]:
        """Stores validated drafts, each scheduled by its type's plan, with one flush for all."""
        plans = {plan.place_type: plan for plan in await self.plans()}
        rows = []
        for draft in drafts:
            assert draft.type is not None and draft.risk_level is not None  # validated by the caller
            plan = plans.get(draft.type)
            if plan is None:
                raise FailedPrecondition(f"no inspection plan for place type {draft.type.value}")
            rows.append(PlaceRow(
                id=new_id(), type=draft.type, name=draft.name.strip(), address=draft.address.strip(),
                jurisdiction_code=draft.jurisdiction_code, owner_name=draft.owner_name.strip(),
                owner_phone=draft.owner_phone, contact_name=draft.contact_name.strip(),
                contact_phone=draft.contact_phone, risk_level=draft.risk_level,
                organization_id=draft.organization_id, household_id=draft.household_id,
                latitude=draft.latitude, longitude=draft.longitude, inspected_by=plan.grid_level,
                interval_days=plan.interval_days, last_inspected_at=None,
                next_due_on=domain.next_due_on(None, now, plan.interval_days), created_at=now,
                located_grid=draft.located_grid or None,
            ))
        self.session.add_all(rows)
        await self.session.flush()
        return rows

    async def get(self, place_id: str) -> PlaceRow:
        row = await self.session.get(PlaceRow, place_id) if place_id else None
        if row is None:
            raise NotFound("place", place_id)
        return row

    async def list(self, scopes: Sequence[str], jurisdiction_code: str, place_type: PlaceType | None,
                   risk_level: RiskLevel | None, page: Page) -> tuple[list[PlaceRow], bool]:
        query = select(PlaceRow).where(scope_condition(PlaceRow.jurisdiction_code, scopes))
        if jurisdiction_code:
            query = query.where(prefix_condition(PlaceRow.jurisdiction_code, jurisdiction_code))
        if place_type is not None:
            query = query.where(PlaceRow.type == place_type)
        if risk_level is not None:
            query = query.where(PlaceRow.risk_level == risk_level)
        rows = list(await self.session.scalars(keyset(query, [PlaceRow.name, PlaceRow.id], page)))
        return rows[: page.size], len(rows) > page.size

    async def due(self, scopes: Sequence[str], jurisdiction_code: str, as_of: date, overdue: bool,
                  page: Page) -> tuple[list[PlaceRow], bool]:
        """Places the grid level of ``jurisdiction_code`` inspects, due (or overdue) on ``as_of``.

        A street's list holds what the big grid inspects, a community's the medium grid's, a grid's
        the small grid's; a district code lists every level.
        """
        query = select(PlaceRow).where(scope_condition(PlaceRow.jurisdiction_code, scopes))
        query = query.where(prefix_condition(PlaceRow.jurisdiction_code, jurisdiction_code))
        level = next((lvl for lvl, length in domain.GRID_LEVEL_CODE_LENGTH.items()
                      if length == len(jurisdiction_code)), None)
        if level is not None:
            query = query.where(PlaceRow.inspected_by == level)
        query = query.where(PlaceRow.next_due_on < as_of if overdue else PlaceRow.next_due_on <= as_of)
        after = page.after
        if after is not None:
            page = Page(page.size, (date.fromisoformat(after[0]), after[1]), page.fingerprint)
        rows = list(await self.session.scalars(keyset(query, [PlaceRow.next_due_on, PlaceRow.id], page)))
        return rows[: page.size], len(rows) > page.size

    async def record_inspection(self, place: PlaceRow, inspected_at: datetime) -> None:
        place.last_inspected_at = inspected_at
        place.next_due_on = domain.next_due_on(inspected_at, place.created_at, place.interval_days)

    async def set_plan(self, place_type: PlaceType, level: GridLevel, interval_days: int, actor: str,
                       now: datetime) -> tuple[InspectionPlanRow, int]:
        """Sets the plan of a place type and reschedules its places; returns the plan and how many moved."""
        plan = await self.plan(place_type)
        plan.grid_level, plan.interval_days, plan.updated_by, plan.updated_at = level, interval_days, actor, now
        moved = 0
        for place in await self.session.scalars(select(PlaceRow).where(PlaceRow.type == place_type)):
            due = domain.next_due_on(place.last_inspected_at, place.created_at, interval_days)
            if (place.inspected_by, place.interval_days, place.next_due_on) != (level, interval_days, due):
                place.inspected_by, place.interval_days, place.next_due_on = level, interval_days, due
                moved += 1
        await self.session.flush()
        return plan, moved


class CatalogueStore:
    """The hazard catalogue; every edit adds a version, and hazards keep the version they were found under."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, category: HazardCategory | None = None) -> list[HazardTypeRow]:
        query = select(HazardTypeRow).order_by(HazardTypeRow.code)
        if category is not None:
            query = query.where(HazardTypeRow.category == category)
        return list(await self.session.scalars(query))

    async def get(self, code: str) -> HazardTypeRow:
        row = await self.session.get(HazardTypeRow, code) if code else None
        if row is None:
            raise NotFound("hazard type", code)
        return row

    async def update(self, code: str, name: str, severity: Severity, rectify_days: int, expected_version: int,
                     actor: str, now: datetime) -> HazardTypeRow:
        """Raises NotFound, or FailedPrecondition when ``expected_version`` (if given) is not the current one."""
        row = await self.get(code)
        if expected_version and expected_version != row.version:
            raise FailedPrecondition(
                f"hazard type {code} is at version {row.version}, not {expected_version}: reload and edit again")
        row.name = name or row.name
        row.severity, row.rectify_days = severity, rectify_days
        row.version += 1
        row.updated_by, row.updated_at = actor, now
        self.session.add(HazardTypeVersionRow(
            code=row.code, version=row.version, name=row.name, category=row.category, severity=row.severity,
            rectify_days=row.rectify_days, updated_by=actor, updated_at=now))
        await self.session.flush()
        return row

    async def versions(self, code: str) -> list[HazardTypeVersionRow]:
        await self.get(code)
        query = (select(HazardTypeVersionRow).where(HazardTypeVersionRow.code == code)
                 .order_by(HazardTypeVersionRow.version.desc()))
        return list(await self.session.scalars(query))
