"""Inspection transactions: start a draft, record its checklist, finalise it and raise what it found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.fire import catalogue, domain
from services.fire.convert import item_from_record, item_record
from services.fire.domain import GridLevel, InspectionState
from services.fire.hazard_store import HazardStore
from services.fire.models import HazardRow, HazardTypeRow, InspectionRow, PlaceRow
from services.fire.store import CatalogueStore, PlaceStore
from services.kit.errors import FailedPrecondition, IllegalTransition, InvalidArgument, NotFound
from services.kit.ids import new_id
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.pagination import Page, keyset


class InspectionStore:
    """Inspections of one transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, inspection_id: str) -> InspectionRow:
        row = await self.session.get(InspectionRow, inspection_id) if inspection_id else None
        if row is None:
            raise NotFound("fire inspection", inspection_id)
        return row

    async def start(self, place: PlaceRow, level: GridLevel, inspector: str, now: datetime) -> InspectionRow:
        row = InspectionRow(id=new_id(), place_id=place.id, jurisdiction_code=place.jurisdiction_code,
                            inspector=inspector, grid_level=level, inspected_at=now, state=InspectionState.DRAFT,
                            items=[], finalized_at=None, hazard_ids=[])
        self.session.add(row)
        await self.session.flush()
        return row

    async def record(self, row: InspectionRow, items: Sequence[catalogue.CheckItem]) -> InspectionRow:
        """Replaces the checklist of a draft; raises IllegalTransition once finalised, InvalidArgument on bad lines."""
        domain.require_draft(row.state, "record_checklist")
        place = await PlaceStore(self.session).get(row.place_id)
        categories = {t.code: t.category for t in await CatalogueStore(self.session).list()}
        problems = catalogue.checklist_problems(items, categories, place.type)
        if problems:
            raise InvalidArgument(problems)
        row.items = [item_record(item) for item in items]
        await self.session.flush()
        return row

    async def finalize(self, row: InspectionRow, actor: str, now: datetime) -> list[HazardRow]:
        """Locks the inspection, raises its hazards and moves the place's next-due date.

        The state flips with a conditional update, so two concurrent finalisations raise the hazards once.
        """
        domain.require_draft(row.state, "finalize")
        missing = domain.finalize_problem(item_from_record(r).result for r in row.items)
        if missing:
            raise FailedPrecondition(missing, state=InspectionState.DRAFT.value, allowed=domain.BEFORE_FINALIZE)
        locked = await self.session.execute(
            update(InspectionRow).where(InspectionRow.id == row.id, InspectionRow.state == InspectionState.DRAFT)
            .values(state=InspectionState.FINALIZED, finalized_at=now).execution_options(synchronize_session=False))
        if cast(CursorResult[Any], locked).rowcount != 1:
            raise IllegalTransition(domain.INSPECTION_KIND, InspectionState.FINALIZED.value, "finalize", ())
        row.state, row.finalized_at = InspectionState.FINALIZED, now
        place = await PlaceStore(self.session).get(row.place_id)
        hazards = HazardStore(self.session)
        raised = []
        for item in catalogue.found_items(item_from_record(r) for r in row.items):
            hazard_type = await self.session.get(HazardTypeRow, item.hazard_type_code)
            if hazard_type is None:  # removed from the catalogue since it was recorded
                raise NotFound("hazard type", item.hazard_type_code)
            raised.append(await hazards.raise_hazard(place, row.id, item, hazard_type, row.inspector, now))
        row.hazard_ids = [h.id for h in raised]
        await PlaceStore(self.session).record_inspection(place, row.inspected_at)
        await self.session.flush()
        return raised

    async def list(self, scopes: Sequence[str], jurisdiction_code: str, place_id: str,
                   page: Page) -> tuple[list[InspectionRow], bool]:
        query = select(InspectionRow).where(scope_condition(InspectionRow.jurisdiction_code, scopes))
        if jurisdiction_code:
            query = query.where(prefix_condition(InspectionRow.jurisdiction_code, jurisdiction_code))
        if place_id:
            query = query.where(InspectionRow.place_id == place_id)
        if page.after is not None:
            page = Page(page.size, (datetime.fromisoformat(page.after[0]), page.after[1]), page.fingerprint)
        rows = list(await self.session.scalars(
            keyset(query, [InspectionRow.inspected_at, InspectionRow.id], page, descending=True)))
        return rows[: page.size], len(rows) > page.size
