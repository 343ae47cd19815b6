"""The patrol RPCs: grid heads, patrol records, patrols due and missed, supervision checks on key sources, and the
missed windows raised to the notifier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.convert import (
    frequency_message,
    from_proto,
    grid_head_message,
    missed_patrol_message,
    moment,
    patrol_message,
    to_proto,
    window_message,
)
from services.inspection.domain import ON_BEHALF_ROLES, GridLevel, phone_problem
from services.inspection.models import GridHeadRow
from services.inspection.records import Check, PatrolStore, head_patrols, local_date
from services.inspection.reminders import ReminderStore
from services.inspection.schedule import MissedKind, compliance, head_windows, owed_windows
from services.inspection.servicer_base import ServicerBase, period_bounds, scopes_within
from services.inspection.store import GridHeadStore, RulesStore, SourceStore
from services.kit import actor
from services.kit.calendar import BEIJING
from services.kit.errors import InvalidArgument, NotFound, PermissionDenied, Violations
from services.kit.jurisdiction import problem
from services.kit.pagination import page_from

# A patrol app's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)
# Patrols a patrol app may sync in one call (one transaction).
MAX_BATCH = 500


class PatrolRpcs(ServicerBase):
    async def AssignGridHead(self, request: pb.AssignGridHeadRequest, context: grpc.aio.ServicerContext
                             ) -> pb.AssignGridHeadResponse:
        head = request.grid_head
        problems = Violations()
        if not head.subject_id.strip():
            problems.add("grid_head.subject_id", "must not be empty")
        if not head.name.strip():
            problems.add("grid_head.name", "must not be empty")
        if reason := problem(head.jurisdiction_code):
            problems.add("grid_head.jurisdiction_code", reason)
        elif head.level and head.level != int(GridLevel.of_code(head.jurisdiction_code)):
            problems.add("grid_head.level", f"a {len(head.jurisdiction_code)}-digit scope is level "
                         f"{int(GridLevel.of_code(head.jurisdiction_code))}, not {head.level}")
        if head.phone and (reason := phone_problem(head.phone)):
            problems.add("grid_head.phone", reason)
        effective = None
        if head.assigned_on:
            try:
                day = date.fromisoformat(head.assigned_on)
            except ValueError:
                problems.add("grid_head.assigned_on", f"must be a date YYYY-MM-DD, got {head.assigned_on!r}")
            else:
                if day > self.today():
                    problems.add("grid_head.assigned_on", "must not be a future day")
                effective = datetime.combine(day, time(0), BEIJING)
        problems.raise_if_any()
        actor.require_in_scope(head.jurisdiction_code)
        async with self.database.transaction() as session:
            store = GridHeadStore(session)
            earlier = await store.get(head.subject_id.strip())
            if earlier is not None:
                # Reassigning moves a head: the caller must reach the old scope as well.
                actor.require_in_scope(earlier.jurisdiction_code)
            row = await store.assign(head.subject_id.strip(), head.name, head.jurisdiction_code, head.phone.strip(),
                                     self.now(), effective)
        return pb.AssignGridHeadResponse(grid_head=grid_head_message(row))

    async def GetGridHead(self, request: pb.GetGridHeadRequest, context: grpc.aio.ServicerContext
                          ) -> pb.GetGridHeadResponse:
        async with self.database.read() as session:
            row = await GridHeadStore(session).get(request.subject_id.strip())
        if row is None:
            raise NotFound("grid_head", request.subject_id)
        actor.require_in_scope(row.jurisdiction_code)
        return pb.GetGridHeadResponse(grid_head=grid_head_message(row))

    async def ListGridHeads(self, request: pb.ListGridHeadsRequest, context: grpc.aio.ServicerContext
                            ) -> pb.ListGridHeadsResponse:
        scopes = scopes_within(request.jurisdiction_code)
        page = page_from(request.page.page_size, request.page.page_token, {"scopes": scopes})
        async with self.database.read() as session:
            rows, more = await GridHeadStore(session).list(scopes, page)
        last = (rows[-1].jurisdiction_code, rows[-1].subject_id) if rows else None
        return pb.ListGridHeadsResponse(grid_heads=[grid_head_message(r) for r in rows],
                                        page={"next_page_token": page.next_token(last, more)})

    async def RecordPatrol(self, request: pb.RecordPatrolRequest, context: grpc.aio.ServicerContext
                           ) -> pb.RecordPatrolResponse:
        problems = Violations()

        async def work(session: AsyncSession) -> pb.RecordPatrolResponse:
            recorded = await self._record(session, [request], problems, lambda i, field: field)
            return pb.RecordPatrolResponse(patrol=recorded[0])

        return await self.write_once(request, pb.RecordPatrolResponse, work)

    async def RecordPatrols(self, request: pb.RecordPatrolsRequest, context: grpc.aio.ServicerContext
                            ) -> pb.RecordPatrolsResponse:
        """A batch synced from a patrol app: every patrol valid, or none stored and each bad one named."""
        if not 1 <= len(request.patrols) <= MAX_BATCH:
            raise InvalidArgument.field("patrols", f"send 1 to {MAX_BATCH} patrols at a time")
        problems = Violations()
        for i, patrol in enumerate(request.patrols):
            if patrol.idempotency_key:
                problems.add(f"patrols[{i}].idempotency_key", "set the key on the batch, not on its patrols")
        problems.raise_if_any()

        async def work(session: AsyncSession) -> pb.RecordPatrolsResponse:
            recorded = await self._record(session, list(request.patrols), problems,
                                          lambda i, field: f"patrols[{i}].{field}")
            return pb.RecordPatrolsResponse(patrols=recorded)

        return await self.write_once(request, pb.RecordPatrolsResponse, work)

    async def _record(self, session: AsyncSession, requests: list[pb.RecordPatrolRequest], problems: Violations,
                      name: Callable[[int, str], str]) -> list[pb.Patrol]:
        """Checks every patrol of ``requests`` first, then stores them all; raises InvalidArgument or
        PermissionDenied before anything is written."""
        now = self.now()
        caller = actor.current()
        heads_store, sources_store = GridHeadStore(session), SourceStore(session)
        heads: dict[str, GridHeadRow] = {}
        planned = []
        for n, request in enumerate(requests):
            patroller = request.patroller.strip() or caller.subject
            patrolled_at = moment(request.patrolled_at) if request.HasField("patrolled_at") else now
            if patrolled_at > now + CLOCK_SKEW:
                problems.add(name(n, "patrolled_at"), "must not be in the future")
            head = heads.get(patroller) or await heads_store.get(patroller)
            if head is None:
                problems.add(name(n, "patroller"), f"{patroller} is not a grid head: assign them first")
                continue
            heads[patroller] = head
            actor.require_in_scope(head.jurisdiction_code)
            if patroller != caller.subject and not actor.is_system(caller):
                scopes = [r.scope for r in caller.roles if r.role in ON_BEHALF_ROLES]
                if not any(head.jurisdiction_code.startswith(scope) for scope in scopes):
                    raise PermissionDenied(
                        f"a grid head records only their own patrols, not {patroller}'s: the environment bureau "
                        "enters a patrol on a head's behalf")
            ids = [c.source_id.strip() for c in request.checks]
            sources = await sources_store.get_many(ids)
            for i, source_id in enumerate(ids):
                source = sources.get(source_id)
                if source is None:
                    problems.add(name(n, f"checks[{i}].source_id"), f"no pollution source {source_id!r}")
                elif not source.jurisdiction_code.startswith(head.jurisdiction_code):
                    problems.add(name(n, f"checks[{i}].source_id"),
                                 f"lies outside the head's scope {head.jurisdiction_code}")
                elif source_id in ids[:i]:
                    problems.add(name(n, f"checks[{i}].source_id"), "is checked twice on one patrol")
            checks = [Check(i, c.finding, c.compliant) for i, c in zip(ids, request.checks, strict=True)]
            planned.append((head, patrolled_at, request.findings, checks))
        problems.raise_if_any()
        stored = await PatrolStore(session).add_many(
            [(head.subject_id, head.level, head.jurisdiction_code, at, findings, checks)
             for head, at, findings, checks in planned], caller.subject)
        return [patrol_message(row, check_rows) for row, check_rows in stored]

    async def ListPatrols(self, request: pb.ListPatrolsRequest, context: grpc.aio.ServicerContext
                          ) -> pb.ListPatrolsResponse:
        scopes = scopes_within(request.jurisdiction_code)
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "patroller": request.patroller})
        async with self.database.read() as session:
            rows, more = await PatrolStore(session).list(scopes, page, request.patroller)
        last = (rows[-1][0].id,) if rows else None
        return pb.ListPatrolsResponse(patrols=[patrol_message(r, c) for r, c in rows],
                                      page={"next_page_token": page.next_token(last, more)})

    async def ListPatrolDue(self, request: pb.ListPatrolDueRequest, context: grpc.aio.ServicerContext
                            ) -> pb.ListPatrolDueResponse:
        first, last, lower, upper = period_bounds(request.period.start, request.period.end)
        scopes = scopes_within(request.jurisdiction_code)
        async with self.database.read() as session:
            heads = await GridHeadStore(session).all_in(scopes)
            dates = await PatrolStore(session).dates_by_patroller([h.subject_id for h in heads], lower, upper)
            rules = await RulesStore(session).load()
        today = self.today()
        entries = []
        for head in heads:
            patrols = head_patrols(head, dates)
            frequency = rules.patrol[patrols.level]
            found = head_windows(patrols, frequency, first, last, today)
            result = compliance(found)
            if request.only_lacking and not (result.missed_windows or result.due_windows):
                continue
            entries.append(pb.PatrolDue(
                grid_head=grid_head_message(head), frequency=frequency_message(frequency),
                windows=[window_message(w) for w in found], missed=result.missed_windows, due=result.due_windows,
                compliance_rate=result.rate))
        return pb.ListPatrolDueResponse(entries=entries)

    async def ListSupervisionDue(self, request: pb.ListSupervisionDueRequest, context: grpc.aio.ServicerContext
                                 ) -> pb.ListSupervisionDueResponse:
        first, last, lower, upper = period_bounds(request.period.start, request.period.end)
        scopes = scopes_within(request.jurisdiction_code)
        async with self.database.read() as session:
            sources, _ = await SourceStore(session).key_sources(scopes)
            dates = await PatrolStore(session).check_dates_by_source([s.id for s in sources], lower, upper)
            rules = await RulesStore(session).load()
        today = self.today()
        entries = []
        for source in sources:
            assert source.control_level is not None  # key_sources() lists only sources with one
            frequency = rules.supervision[source.control_level]
            # Checks are owed from the day the source entered the inventory.
            found = owed_windows(local_date(source.created_at), frequency, dates.get(source.id, []), first, last,
                                 today)
            result = compliance(found)
            entries.append(pb.SupervisionDue(
                source_id=source.id, name=source.name, jurisdiction_code=source.jurisdiction_code,
                control_level=to_proto(source.control_level), frequency=frequency_message(frequency),
                windows=[window_message(w) for w in found], missed=result.missed_windows, due=result.due_windows))
        return pb.ListSupervisionDueResponse(entries=entries)

    async def ListMissedPatrols(self, request: pb.ListMissedPatrolsRequest, context: grpc.aio.ServicerContext
                                ) -> pb.ListMissedPatrolsResponse:
        problems = Violations()  # every bad filter named at once
        try:
            kind = from_proto(MissedKind, request.kind, "kind", required=False)
        except InvalidArgument as error:
            kind = None
            problems.extend(error.violations)
        if request.jurisdiction_code and (reason := problem(request.jurisdiction_code)):
            problems.add("jurisdiction_code", reason)
        problems.raise_if_any()
        scopes = scopes_within(request.jurisdiction_code)
        subject_id = request.subject_id.strip()
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "kind": kind, "subject_id": subject_id})
        async with self.database.read() as session:
            rows, more = await ReminderStore(session).list(scopes, page, kind=kind, subject_id=subject_id)
        last = (rows[-1].id,) if rows else None
        return pb.ListMissedPatrolsResponse(missed_patrols=[missed_patrol_message(r) for r in rows],
                                            page={"next_page_token": page.next_token(last, more)})
