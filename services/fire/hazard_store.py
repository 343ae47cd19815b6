"""Hazard transactions: raising hazards, every lifecycle change with its history, the hand-over event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from gridgov.common.v1 import event_pb2
from gridgov.fire.v1 import fire_pb2
from services.fire import catalogue, domain
from services.fire.convert import timestamp
from services.fire.domain import HazardAction, HazardClock, HazardState
from services.fire.models import KIT, HazardChangeRow, HazardRow, HazardTypeRow, PlaceRow
from services.kit import outbox
from services.kit.clock import as_utc
from services.kit.errors import FailedPrecondition, NotFound
from services.kit.ids import new_id
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.pagination import Page, keyset

SOURCE_SERVICE = "fire"
HANDOVER_CATEGORY = "fire_hazard_handed_over"
CASE_REQUESTED = "CaseRequested"
HAZARD_OVERDUE = "HazardOverdue"
_CLOCK_FIELDS = ("rectify_by", "rectified_at", "overdue_at", "handed_over_at", "closed_at")


def _clock(row: HazardRow) -> HazardClock:
    dated = {name: (as_utc(v) if (v := getattr(row, name)) is not None else None) for name in _CLOCK_FIELDS}
    return HazardClock(state=row.state, closure=row.closure, **dated)


class HazardStore:
    """Hazards of one transaction; every change is version-checked and written to the hazard's history."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, hazard_id: str) -> HazardRow:
        row = await self.session.get(HazardRow, hazard_id) if hazard_id else None
        if row is None:
            raise NotFound("fire hazard", hazard_id)
        return row

    async def history(self, hazard_id: str) -> list[HazardChangeRow]:
        query = select(HazardChangeRow).where(HazardChangeRow.hazard_id == hazard_id).order_by(HazardChangeRow.id)
        return list(await self.session.scalars(query))

    async def list(self, scopes: Sequence[str], *, jurisdiction_code: str = "", states: Sequence[HazardState] = (),
                   hazard_type_code: str = "", place_id: str = "", report_immediately_only: bool = False,
                   page: Page) -> tuple[list[HazardRow], bool]:
        query = select(HazardRow).where(scope_condition(HazardRow.jurisdiction_code, scopes))
        if jurisdiction_code:
            query = query.where(prefix_condition(HazardRow.jurisdiction_code, jurisdiction_code))
        if states:
            query = query.where(HazardRow.state.in_(list(states)))
        if hazard_type_code:
            query = query.where(HazardRow.hazard_type_code == hazard_type_code)
        if place_id:
            query = query.where(HazardRow.place_id == place_id)
        if report_immediately_only:
            query = query.where(HazardRow.report_immediately.is_(True))
        if page.after is not None:
            page = Page(page.size, (datetime.fromisoformat(page.after[0]), page.after[1]), page.fingerprint)
        query = keyset(query, [HazardRow.found_at, HazardRow.id], page, descending=True)
        rows = list(await self.session.scalars(query))
        return rows[: page.size], len(rows) > page.size

    async def raise_hazard(self, place: PlaceRow, inspection_id: str, item: catalogue.CheckItem,
                           hazard_type: HazardTypeRow, actor: str, now: datetime) -> HazardRow:
        """Records a hazard found by an inspection; one fixed on the spot is closed at once."""
        row = HazardRow(
            id=new_id(), place_id=place.id, place_name=place.name, address=place.address,
            jurisdiction_code=place.jurisdiction_code, inspection_id=inspection_id,
            hazard_type_code=hazard_type.code, hazard_type_version=hazard_type.version,
            severity=hazard_type.severity, report_immediately=catalogue.report_immediately(hazard_type.severity),
            state=HazardState.OPEN, evidence=list(item.evidence), note=item.note, found_by=actor, found_at=now,
            rectify_by=None, rectified_at=None, overdue_at=None, handed_over_at=None, closed_at=None, closure=None,
            case_id="", case_number="", version=1,
        )
        self.session.add(row)
        self._log(row.id, "found", None, HazardState.OPEN, actor, now, item.note)
        await self.session.flush()
        if item.fixed_on_spot:
            await self.apply(row, HazardAction.FIX_ON_SPOT, actor, now, note="fixed during the inspection")
        return row

    async def apply(self, row: HazardRow, action: HazardAction, actor: str, now: datetime, *, note: str = "",
                    rectify_by: datetime | None = None, evidence: Sequence[str] = (),
                    grace_days: int = domain.DEFAULT_GRACE_DAYS) -> HazardRow:
        """Applies ``action`` and writes it to the history; a hand-over also publishes CaseRequested.

        Raises IllegalTransition or FailedPrecondition from the domain, and FailedPrecondition when
        another transaction changed the hazard first (the version check).
        """
        before = row.state
        after = domain.transition(_clock(row), action, now, rectify_by=rectify_by, grace_days=grace_days)
        values: dict[str, Any] = {name: getattr(after, name) for name in _CLOCK_FIELDS}
        values.update(state=after.state, closure=after.closure, version=row.version + 1)
        if evidence:
            values["evidence"] = [*row.evidence, *evidence]
        changed = await self.session.execute(
            update(HazardRow).where(HazardRow.id == row.id, HazardRow.version == row.version).values(**values)
            .execution_options(synchronize_session=False))
        if cast(CursorResult[Any], changed).rowcount != 1:
            raise FailedPrecondition(f"fire hazard {row.id} was changed by another request; reload and retry")
        for name, value in values.items():  # already written: keep the ORM from writing them again
            set_committed_value(row, name, value)
        self._log(row.id, action.value, before, after.state, actor, now, note)
        if action is HazardAction.HAND_OVER:
            await self._publish_hand_over(row, actor)
        if action is HazardAction.MARK_OVERDUE:
            await self._publish_overdue(row, grace_days)
        await self.session.flush()
        return row

    async def _publish_overdue(self, row: HazardRow, grace_days: int) -> None:
        """Tells a notifier the deadline passed, while there is still time before the hand-over."""
        assert row.rectify_by is not None  # only a hazard under rectification goes overdue
        rectify_by = as_utc(row.rectify_by)
        event = fire_pb2.HazardOverdue(
            hazard_id=row.id, place_id=row.place_id, place_name=row.place_name,
            jurisdiction_code=row.jurisdiction_code, hazard_type_code=row.hazard_type_code, found_by=row.found_by,
            rectify_by=timestamp(rectify_by), hand_over_at=timestamp(domain.handover_due_at(rectify_by, grace_days)))
        await outbox.publish(self.session, KIT, HAZARD_OVERDUE, event, row.jurisdiction_code)

    async def _publish_hand_over(self, row: HazardRow, actor: str) -> None:
        hazard_type = await self.session.get(HazardTypeRow, row.hazard_type_code)
        type_name = hazard_type.name if hazard_type else row.hazard_type_code
        deadline = domain.deadline_day(as_utc(row.rectify_by)).isoformat() if row.rectify_by else ""
        request = event_pb2.CaseRequested(
            source_service=SOURCE_SERVICE, source_reference=row.id, category_code=HANDOVER_CATEGORY,
            jurisdiction_code=row.jurisdiction_code,
            description=f"{row.place_name}：{type_name}，整改期限 {deadline} 已过，逾期未改，移交派出所。"
                        f"{row.note}".strip(),
            address=row.address, evidence=list(row.evidence), urgent=row.report_immediately, reporter=row.found_by,
        )
        await outbox.publish(self.session, KIT, CASE_REQUESTED, request, row.jurisdiction_code)

    def _log(self, hazard_id: str, action: str, before: HazardState | None, after: HazardState, actor: str,
             now: datetime, note: str) -> None:
        self.session.add(HazardChangeRow(id=new_id(), hazard_id=hazard_id, action=action, from_state=before,
                                         to_state=after, actor=actor, at=now, note=note))

    async def past_deadline(self, now: datetime, limit: int = 500) -> list[str]:
        """Ids of rectifying hazards whose deadline has passed."""
        query = (select(HazardRow.id).where(HazardRow.state == HazardState.RECTIFYING, HazardRow.rectify_by <= now)
                 .order_by(HazardRow.rectify_by).limit(limit))
        return list(await self.session.scalars(query))

    async def past_grace(self, now: datetime, grace_days: int, limit: int = 500) -> list[str]:
        """Ids of overdue hazards still overdue after the grace period."""
        cutoff = now - timedelta(days=grace_days)
        query = (select(HazardRow.id).where(HazardRow.state == HazardState.OVERDUE, HazardRow.rectify_by <= cutoff)
                 .order_by(HazardRow.rectify_by).limit(limit))
        return list(await self.session.scalars(query))
