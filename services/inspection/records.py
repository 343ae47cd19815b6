"""Queries and transactions of what happens: patrols, violations and their cases, air-quality readings."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import event_pb2, geo_pb2
from services.inspection.domain import (
    GridLevel,
    ViolationAction,
    ViolationState,
    ViolationType,
    violation_transition,
)
from services.inspection.models import (
    KIT,
    GridHeadRow,
    PatrolCheckRow,
    PatrolRow,
    ReferenceReadingRow,
    SourceRow,
    StationReadingRow,
    ViolationRow,
)
from services.inspection.schedule import HeadPatrols, Pollutant
from services.kit import calendar
from services.kit.calendar import BEIJING
from services.kit.clock import as_utc
from services.kit.errors import NotFound
from services.kit.ids import new_id
from services.kit.jurisdiction import scope_condition
from services.kit.outbox import publish
from services.kit.pagination import Page, fetch_page

log = logging.getLogger(__name__)
# Rows per multi-row upsert statement (five columns each, well under SQLite's parameter limit).
UPSERT_CHUNK = 1000

SOURCE_SERVICE = "inspection"
# The case catalogue's category for every violation this service raises.
CASE_CATEGORY = "pollution_violation"


def local_date(moment: datetime) -> date:
    """The Beijing date a stored moment falls on (patrol windows are local days)."""
    return as_utc(moment).astimezone(BEIJING).date()


def head_patrols(head: GridHeadRow, dates: Mapping[str, Sequence[date]]) -> HeadPatrols:
    """A stored head with its patrol dates of ``dates``; patrols are owed from the local day of assignment."""
    return HeadPatrols(head.subject_id, GridLevel(head.level), head.jurisdiction_code,
                       tuple(dates.get(head.subject_id, ())), local_date(head.assigned_at))


@dataclass(frozen=True)
class Check:
    """A source checked on a patrol, as recorded."""

    source_id: str
    finding: str
    compliant: bool


class PatrolStore:
    """Patrol records and the dates the schedule arithmetic needs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_many(self, patrols: Sequence[tuple[str, int, str, datetime, str, Sequence[Check]]],
                       recorded_by: str) -> list[tuple[PatrolRow, list[PatrolCheckRow]]]:
        """Stores (patroller, level, code, patrolled_at, findings, checks) patrols entered by ``recorded_by``, with
        two flushes in all."""
        rows = [PatrolRow(id=new_id(), patroller=patroller, level=level, jurisdiction_code=code,
                          patrolled_at=at, findings=findings.strip(), recorded_by=recorded_by)
                for patroller, level, code, at, findings, _ in patrols]
        self.session.add_all(rows)
        await self.session.flush()  # the patrols first: their checks refer to them
        result = []
        for row, (*_, checks) in zip(rows, patrols, strict=True):
            check_rows = [PatrolCheckRow(patrol_id=row.id, source_id=c.source_id, finding=c.finding.strip(),
                                         compliant=c.compliant) for c in checks]
            self.session.add_all(check_rows)
            result.append((row, check_rows))
        await self.session.flush()
        return result

    async def get(self, patrol_id: str) -> PatrolRow | None:
        return await self.session.get(PatrolRow, patrol_id)

    async def list(self, scopes: Sequence[str], page: Page, patroller: str = ""
                   ) -> tuple[list[tuple[PatrolRow, list[PatrolCheckRow]]], bool]:
        """One page, most recently recorded first (ids are time-ordered)."""
        query = select(PatrolRow).where(scope_condition(PatrolRow.jurisdiction_code, scopes))
        if patroller:
            query = query.where(PatrolRow.patroller == patroller)
        rows, has_more = await fetch_page(self.session, query, (PatrolRow.id,), page, descending=True)
        checks: dict[str, list[PatrolCheckRow]] = defaultdict(list)
        if rows:
            found = await self.session.execute(
                select(PatrolCheckRow).where(PatrolCheckRow.patrol_id.in_([r.id for r in rows]))
                .order_by(PatrolCheckRow.patrol_id, PatrolCheckRow.source_id))
            for check in found.scalars():
                checks[check.patrol_id].append(check)
        return [(row, checks[row.id]) for row in rows], has_more

    async def dates_by_patroller(self, patrollers: Sequence[str], start: datetime, end: datetime
                                 ) -> dict[str, list[date]]:
        """Local patrol dates of each patroller in [start, end)."""
        result: dict[str, list[date]] = defaultdict(list)
        if not patrollers:
            return result
        rows = await self.session.execute(
            select(PatrolRow.patroller, PatrolRow.patrolled_at)
            .where(PatrolRow.patroller.in_(list(patrollers)))
            .where(PatrolRow.patrolled_at >= start, PatrolRow.patrolled_at < end))
        for patroller, moment in rows:
            result[patroller].append(local_date(moment))
        return result

    async def check_dates_by_source(self, source_ids: Sequence[str], start: datetime, end: datetime
                                    ) -> dict[str, list[date]]:
        """Local dates each source was checked on a patrol in [start, end)."""
        result: dict[str, list[date]] = defaultdict(list)
        if not source_ids:
            return result
        rows = await self.session.execute(
            select(PatrolCheckRow.source_id, PatrolRow.patrolled_at)
            .join(PatrolRow, PatrolRow.id == PatrolCheckRow.patrol_id)
            .where(PatrolCheckRow.source_id.in_(list(source_ids)))
            .where(PatrolRow.patrolled_at >= start, PatrolRow.patrolled_at < end))
        for source_id, moment in rows:
            result[source_id].append(local_date(moment))
        return result


class ViolationStore:
    """Violations, raised as cases through the outbox, closed by the cases service's CaseClosed."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def report(self, *, source: SourceRow, vt: ViolationType, checklist_item: str, description: str,
                     evidence: Sequence[str], reporter: str, patrol_id: str, urgent: bool,
                     now: datetime) -> ViolationRow:
        """Stores the violation and publishes its CaseRequested in the same transaction (exactly one case)."""
        row = ViolationRow(
            id=new_id(), source_id=source.id, violation_type=vt.code, checklist_item=checklist_item,
            jurisdiction_code=source.jurisdiction_code, description=description.strip(),
            evidence=[e.strip() for e in evidence], reporter=reporter, patrol_id=patrol_id or None, urgent=urgent,
            state=ViolationState.OPEN, found_at=now,
            deadline=calendar.add_working_days(now, vt.rectify_working_days),
            closed_at=None, case_id="", case_number="", resolution="",
        )
        self.session.add(row)
        await self.session.flush()
        what = vt.name if not checklist_item else f"{vt.name}（{checklist_item}）"
        request = event_pb2.CaseRequested(
            source_service=SOURCE_SERVICE,
            source_reference=row.id,
            category_code=CASE_CATEGORY,
            jurisdiction_code=source.jurisdiction_code,
            description=f"{source.name}：{what}。{row.description}",
            address=source.address,
            evidence=row.evidence,
            urgent=urgent,
            reporter=reporter,
        )
        if source.latitude is not None and source.longitude is not None:
            request.location.CopyFrom(geo_pb2.GeoPoint(latitude=source.latitude, longitude=source.longitude))
        await publish(self.session, KIT, "CaseRequested", request, source.jurisdiction_code)
        return row

    async def get(self, violation_id: str, *, for_update: bool = False) -> ViolationRow:
        """The violation; raises NotFound."""
        query = select(ViolationRow).where(ViolationRow.id == violation_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).scalar_one_or_none()
        if row is None:
            raise NotFound("violation", violation_id)
        return row

    async def add_evidence(self, row: ViolationRow, evidence: Sequence[str]) -> ViolationRow:
        """Raises IllegalTransition once the violation is closed."""
        violation_transition(row.state, ViolationAction.ADD_EVIDENCE)
        row.evidence = [*row.evidence, *(e.strip() for e in evidence)]
        await self.session.flush()
        return row

    async def list(self, scopes: Sequence[str], page: Page, *, state: ViolationState | None = None,
                   source_id: str = "") -> tuple[list[ViolationRow], bool]:
        """One page, newest first."""
        query = select(ViolationRow).where(scope_condition(ViolationRow.jurisdiction_code, scopes))
        if state is not None:
            query = query.where(ViolationRow.state == state)
        if source_id:
            query = query.where(ViolationRow.source_id == source_id)
        return await fetch_page(self.session, query, (ViolationRow.id,), page, descending=True)

    async def found_between(self, scopes: Sequence[str], start: datetime, end: datetime) -> list[ViolationRow]:
        query = (select(ViolationRow).where(scope_condition(ViolationRow.jurisdiction_code, scopes))
                 .where(ViolationRow.found_at >= start, ViolationRow.found_at < end))
        return list((await self.session.execute(query)).scalars())

    async def close_from_case(self, closed: event_pb2.CaseClosed, fallback_time: datetime) -> bool:
        """Closes the violation a CaseClosed names; False when it is not ours, unknown or already closed.

        Never raises for a stray event: the consumer would otherwise stop on it forever.
        """
        if closed.source_service != SOURCE_SERVICE:
            return False
        row = (await self.session.execute(select(ViolationRow).where(ViolationRow.id == closed.source_reference)
                                          .with_for_update())).scalar_one_or_none()
        if row is None:
            log.warning("CaseClosed for unknown violation %s (case %s) ignored", closed.source_reference,
                        closed.case_id)
            return False
        if row.state is ViolationState.CLOSED:
            return False
        row.state = violation_transition(row.state, ViolationAction.CLOSE)
        row.closed_at = closed.closed_at.ToDatetime(tzinfo=UTC) if closed.HasField("closed_at") else fallback_time
        row.case_id, row.case_number, row.resolution = closed.case_id, closed.case_number, closed.resolution
        await self.session.flush()
        return True


class AirQualityStore:
    """Monitoring-station and reference readings."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def put_readings(self, rows: Sequence[tuple[str, str, datetime, Pollutant, float]]) -> None:
        """Upserts (station, code, observed_at, pollutant, value) readings; a repeated key keeps the last value."""
        latest = {(station, at, pollutant): (code, value) for station, code, at, pollutant, value in rows}
        values = [{"station_code": station, "observed_at": at, "pollutant": pollutant, "jurisdiction_code": code,
                   "value": value} for (station, at, pollutant), (code, value) in latest.items()]
        await self._upsert(StationReadingRow, values, ["station_code", "observed_at", "pollutant"],
                           ["jurisdiction_code", "value"])

    async def put_references(self, rows: Sequence[tuple[str, datetime, Pollutant, float]]) -> None:
        latest = {(area, at, pollutant): value for area, at, pollutant, value in rows}
        values = [{"area": area, "observed_at": at, "pollutant": pollutant, "value": value}
                  for (area, at, pollutant), value in latest.items()]
        await self._upsert(ReferenceReadingRow, values, ["area", "observed_at", "pollutant"], ["value"])

    async def _upsert(self, model: type[StationReadingRow] | type[ReferenceReadingRow], values: list[dict[str, Any]],
                      keys: list[str], replace: list[str]) -> None:
        # INSERT ... ON CONFLICT DO UPDATE, which both databases speak; in chunks to stay under
        # SQLite's bound-parameter limit.
        if not values:
            return
        insert = postgresql_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        for start in range(0, len(values), UPSERT_CHUNK):
            statement = insert(model).values(values[start:start + UPSERT_CHUNK])
            statement = statement.on_conflict_do_update(
                index_elements=keys, set_={name: statement.excluded[name] for name in replace})
            await self.session.execute(statement)

    async def readings(self, scopes: Sequence[str], start: datetime, end: datetime
                       ) -> list[tuple[Pollutant, float]]:
        rows = await self.session.execute(
            select(StationReadingRow.pollutant, StationReadingRow.value)
            .where(scope_condition(StationReadingRow.jurisdiction_code, scopes))
            .where(StationReadingRow.observed_at >= start, StationReadingRow.observed_at < end))
        return [(p, v) for p, v in rows]

    async def references(self, area: str, start: datetime, end: datetime) -> list[tuple[Pollutant, float]]:
        query = (select(ReferenceReadingRow.pollutant, ReferenceReadingRow.value)
                 .where(ReferenceReadingRow.observed_at >= start, ReferenceReadingRow.observed_at < end))
        if area:
            query = query.where(ReferenceReadingRow.area == area)
        return [(p, v) for p, v in await self.session.execute(query)]

