"""The read RPCs and the catalogue: cases, dashboards, evaluation, categories and dispatch rules."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import grpc
from sqlalchemy.orm import Session

from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.common.v1 import geo_pb2, page_pb2
from services.cases import breakdown, catalogue, convert, evaluation, map_layers, queries, roles
from services.cases.case_list import add_cases
from services.cases.catalogue_store import CatalogueStore
from services.cases.deadlines import Limit
from services.cases.evaluation import Counts
from services.cases.evaluation_store import counts_for, ranking_counts
from services.cases.servicer_base import ServicerBase, check_prefix, current_actor, require_visible
from services.cases.store import CaseStore
from services.kit import actor as actor_context
from services.kit.calendar import requested_period
from services.kit.errors import InvalidArgument, PermissionDenied, Violations
from services.kit.jurisdiction import problem
from services.kit.map_box import Box, point_limit
from services.kit.pagination import MAX_PAGE_SIZE, page_from

Ctx = grpc.aio.ServicerContext
SUBJECTS = {pb.EVALUATION_SUBJECT_UNIT: "unit", pb.EVALUATION_SUBJECT_JURISDICTION: "jurisdiction",
            pb.EVALUATION_SUBJECT_GRID_WORKER: "grid_worker"}


def _period(request: pb.GetEvaluationRequest | pb.RankEvaluationRequest) -> tuple[datetime, datetime]:
    v = Violations()
    if not request.HasField("period_start"):
        v.add("period_start", "is required")
    if not request.HasField("period_end"):
        v.add("period_end", "is required")
    v.raise_if_any()
    start = convert.from_timestamp(request.period_start, True)
    end = convert.from_timestamp(request.period_end, True)
    assert start is not None and end is not None
    if end <= start:
        raise InvalidArgument.field("period_end", "must be after period_start")
    return start, end


def _dashboard_period(request: pb.GetDashboardRequest | pb.GetGridCountsRequest | pb.GetBreakdownRequest,
                      now: datetime) -> tuple[datetime, datetime]:
    """The figures' period: as asked, each end defaulting to this calendar month in Beijing time."""
    return requested_period(request, now)


def _scoped_prefix(prefix: str, scopes: list[str]) -> str:
    prefix = check_prefix(prefix)
    if prefix and not any(prefix.startswith(s) or s.startswith(prefix) for s in scopes):
        raise PermissionDenied(f"jurisdiction {prefix} is outside this request's scope")
    return prefix


def _whole_scopes(scopes: list[str], what: str) -> list[str]:
    """The scopes the caller reads whole: counts are of whole grids (a unit or a resident reads some cases)."""
    whole = roles.reach(current_actor()).whole
    counted = [s for s in scopes if any(s.startswith(w) for w in whole)]
    if not counted:
        raise PermissionDenied(f"{what} are the centres': a handling unit or a resident sees only some cases of "
                               "a grid")
    return counted


def _require_admin() -> roles.Actor:
    actor = current_actor()
    if not any(role == "district_admin" for role, _ in actor.roles):
        raise PermissionDenied("only a district administrator changes the catalogue and dispatch table")
    return actor


class ReadServicer(ServicerBase):
    async def GetCase(self, request: pb.GetCaseRequest, context: Ctx) -> pb.GetCaseResponse:
        actor = current_actor()

        def read(session: Session) -> pb.Case:
            loaded = self.load(session, request.case_id)
            require_visible(loaded.case, actor)
            return convert.case(loaded.case, CaseStore(session).history(loaded.case.id))

        return pb.GetCaseResponse(case=await self.database.run_read(read))

    async def ListCases(self, request: pb.ListCasesRequest, context: Ctx) -> pb.ListCasesResponse:
        actor = current_actor()
        scopes = actor_context.read_scopes()
        f = queries.CaseFilter(
            states=tuple(convert.STATES.required(s, f"states[{i}]") for i, s in enumerate(request.states)),
            category_code=request.category_code.strip(), tier=convert.TIERS.optional(request.tier, "tier"),
            due_status=convert.DUE.optional(request.due_status, "due_status"),
            jurisdiction_prefix=check_prefix(request.jurisdiction_prefix),
            source=convert.SOURCES.optional(request.source, "source"), text=request.text.strip(),
            handling_unit=request.handling_unit.strip(), source_service=request.source_service.strip(),
            source_reference=request.source_reference.strip(),
            reach=roles.reach(actor),
        )
        page = page_from(request.page.page_size, request.page.page_token, f.fingerprint(scopes))
        async with self.database.read() as session:
            cases, token = await queries.list_cases(session, f, scopes, page)
        return pb.ListCasesResponse(cases=[convert.case(c) for c in cases],
                                    page=page_pb2.PageResponse(next_page_token=token))

    async def GetDashboard(self, request: pb.GetDashboardRequest, context: Ctx) -> pb.GetDashboardResponse:
        """Counts, and when asked the overdue list and the month's figures: one call, the three read side by side."""
        scopes = actor_context.read_scopes()
        prefix = _scoped_prefix(request.jurisdiction_prefix, scopes)
        if not 0 <= request.overdue_first <= MAX_PAGE_SIZE:
            raise InvalidArgument.field("overdue_first", f"must be 0 to {MAX_PAGE_SIZE}, got {request.overdue_first}")
        start, end = _dashboard_period(request, self.now())
        # The figures are a jurisdiction's: the prefix asked for, or the caller's one scope.
        key = prefix or (scopes[0] if len(scopes) == 1 else "")
        if request.with_evaluation and key and problem(key):
            raise InvalidArgument.field("jurisdiction_prefix", f"figures need a jurisdiction code: {problem(key)}")

        async def overdue() -> list[Any]:
            if not request.overdue_first:
                return []
            page = page_from(request.overdue_first, "", {"overdue": prefix, "scopes": scopes})
            return (await queries.overdue_cases(self.database, prefix, scopes, page))[0]

        async def figures() -> pb.Evaluation | None:
            if not request.with_evaluation or not key:
                return None
            return await self.figures("jurisdiction", key, start, end)

        board, rows, evaluated = await asyncio.gather(queries.dashboard(self.database, prefix, scopes), overdue(),
                                                      figures())
        response = pb.GetDashboardResponse(
            by_state=[pb.StateCount(state=convert.STATES.to_proto(s), count=n) for s, n in sorted(
                board.by_state.items(), key=lambda item: convert.STATES.to_proto(item[0])) if n],
            by_due_status=[pb.DueCount(due_status=convert.DUE.to_proto(d), count=n) for d, n in sorted(
                board.by_due.items(), key=lambda item: convert.DUE.to_proto(item[0])) if n],
            supervised=board.supervised, evaluation=evaluated,
        )
        add_cases(response.overdue, rows, actor_context.masks("reporter_phone"))
        return response

    async def GetGridCounts(self, request: pb.GetGridCountsRequest, context: Ctx) -> pb.GetGridCountsResponse:
        scopes = actor_context.read_scopes()
        prefix = _scoped_prefix(request.jurisdiction_prefix, scopes)
        start, end = _dashboard_period(request, self.now())
        counted = _whole_scopes(scopes, "counts per grid")
        grids = await self.runtime.map_counts.get(
            ("cases", prefix, tuple(counted), start, end),
            lambda: map_layers.grid_counts(self.database, prefix, counted, start, end))
        return pb.GetGridCountsResponse(grids=[
            pb.GridCount(jurisdiction_code=g.code, open=g.open, due_soon=g.due_soon, overdue=g.overdue,
                         reported=g.reported) for g in grids])

    async def GetBreakdown(self, request: pb.GetBreakdownRequest, context: Ctx) -> pb.GetBreakdownResponse:
        scopes = actor_context.read_scopes()
        prefix = _scoped_prefix(request.jurisdiction_prefix, scopes)
        start, end = _dashboard_period(request, self.now())
        if end - start > timedelta(days=breakdown.MAX_DAYS):
            raise InvalidArgument.field("period_end", f"at most {breakdown.MAX_DAYS} days after period_start")
        # The jurisdiction broken down: the prefix asked for, or the caller's one scope.
        key = prefix or (scopes[0] if len(scopes) == 1 else "")
        counted = _whole_scopes(scopes, "breakdowns")
        found = await self.runtime.map_counts.get(
            ("cases.breakdown", key, tuple(counted), start, end),
            lambda: breakdown.breakdown(self.database, key, counted, start, end))
        return pb.GetBreakdownResponse(
            jurisdiction_code=key,
            children=[pb.ChildCount(jurisdiction_code=c.code, open=c.open, due_soon=c.due_soon, overdue=c.overdue,
                                    reported=c.reported) for c in found.children],
            categories=[pb.CategoryCount(category_code=code, reported=n) for code, n in found.categories],
            days=[pb.DayCount(day=d.day.isoformat(), reported=d.reported, closed=d.closed) for d in found.days])

    async def ListCasesInBox(self, request: pb.ListCasesInBoxRequest, context: Ctx) -> pb.ListCasesInBoxResponse:
        box = Box.of(request.box, request.HasField("box"))
        rows, truncated = await map_layers.cases_in_box(
            self.database, box, request.open_only, point_limit(request.limit),
            actor_context.read_scopes(), roles.reach(current_actor()))
        return pb.ListCasesInBoxResponse(truncated=truncated, points=[
            pb.CasePoint(id=r.id, number=r.number, category_code=r.category_code,
                         state=convert.STATES.to_proto(r.state), due_status=convert.DUE.to_proto(r.due_status),
                         jurisdiction_code=r.jurisdiction_code, urgent=r.urgent, supervised=r.supervised,
                         location=geo_pb2.GeoPoint(latitude=r.latitude, longitude=r.longitude))
            for r in rows])

    async def FindCasesBySource(self, request: pb.FindCasesBySourceRequest,
                                context: Ctx) -> pb.FindCasesBySourceResponse:
        v = Violations()
        service = request.source_service.strip()
        if not service:
            v.add("source_service", "is required")
        if len(request.source_references) > MAX_PAGE_SIZE:
            v.add("source_references", f"at most {MAX_PAGE_SIZE} references at a time")
        v.raise_if_any()
        actor = current_actor()
        scopes = actor_context.read_scopes()
        async with self.database.read() as session:
            found = await queries.cases_by_source(session, service, list(dict.fromkeys(request.source_references)),
                                                  scopes)
        # A resident or a unit's staff reads here what it reads anywhere (its reports, its unit's cases).
        found = [c for c in found if roles.invisibility(actor, c) is None]
        return pb.FindCasesBySourceResponse(cases=[convert.case(c) for c in found])

    async def CountOpenCases(self, request: pb.CountOpenCasesRequest, context: Ctx) -> pb.CountOpenCasesResponse:
        scopes = actor_context.read_scopes()
        if len(request.jurisdiction_codes) > MAX_PAGE_SIZE:
            raise InvalidArgument.field("jurisdiction_codes", f"at most {MAX_PAGE_SIZE} codes at a time")
        v = Violations()
        for i, code in enumerate(request.jurisdiction_codes):
            if problem(code):
                v.add(f"jurisdiction_codes[{i}]", problem(code) or "")
        v.raise_if_any()
        codes = [_scoped_prefix(code, scopes) for code in request.jurisdiction_codes]
        counts = await queries.open_counts(self.database, codes, scopes)
        return pb.CountOpenCasesResponse(counts=[
            pb.JurisdictionCaseCount(jurisdiction_code=code, open=c.open, due_soon=c.due_soon, overdue=c.overdue,
                                     supervised=c.supervised)
            for code, c in ((code, counts[code]) for code in codes)])

    async def ListOverdueCases(self, request: pb.ListOverdueCasesRequest,
                               context: Ctx) -> pb.ListOverdueCasesResponse:
        scopes = actor_context.read_scopes()
        prefix = _scoped_prefix(request.jurisdiction_prefix, scopes)
        page = page_from(request.page.page_size, request.page.page_token, {"overdue": prefix, "scopes": scopes})
        rows, token = await queries.overdue_cases(self.database, prefix, scopes, page)
        response = pb.ListOverdueCasesResponse(page=page_pb2.PageResponse(next_page_token=token))
        add_cases(response.cases, rows, actor_context.masks("reporter_phone"))
        return response

    async def GetEvaluation(self, request: pb.GetEvaluationRequest, context: Ctx) -> pb.GetEvaluationResponse:
        subject = SUBJECTS.get(request.subject)
        if subject is None:
            raise InvalidArgument.field("subject", "is required (UNSPECIFIED is not a value)")
        key = request.key.strip()
        if not key:
            raise InvalidArgument.field("key", "is required")
        start, end = _period(request)
        scopes = actor_context.read_scopes()
        if subject == "jurisdiction":
            if problem(key):
                raise InvalidArgument.field("key", problem(key) or "")
            actor_context.require_in_scope(key)
        elif "" not in scopes and not any(len(s) == 6 for s in scopes):
            # Unit and grid-worker figures span jurisdictions: the district's view.
            raise PermissionDenied("unit and grid-worker figures need a district-wide scope")
        return pb.GetEvaluationResponse(evaluation=await self.figures(subject, key, start, end))

    async def figures(self, subject: str, key: str, start: datetime, end: datetime) -> pb.Evaluation:
        """The figures of ``subject`` ``key`` for [start, end) (cached); the caller has checked its scope."""
        async def compute() -> Counts:
            async with self.database.read() as session:
                return await counts_for(session, subject, key, start, end, self.now())

        counts = await self.figures_cache.get_or_compute((subject, key, start, end), compute)
        return convert.figures(evaluation.figures(key, counts))

    async def RankEvaluation(self, request: pb.RankEvaluationRequest, context: Ctx) -> pb.RankEvaluationResponse:
        dimensions = {pb.RANKING_DIMENSION_STREET: "street", pb.RANKING_DIMENSION_UNIT: "unit"}
        dimension = dimensions.get(request.dimension)
        if dimension is None:
            raise InvalidArgument.field("dimension", "is required (UNSPECIFIED is not a value)")
        start, end = _period(request)
        districts = [s for s in actor_context.read_scopes() if len(s) <= 6]
        if not districts:
            raise PermissionDenied("a ranking is the district's: it needs a district-wide scope")
        async with self.database.read() as session:
            counts = await ranking_counts(session, dimension, districts[0], start, end, self.now())
        ranked = evaluation.ranking([evaluation.figures(k, c) for k, c in counts.items()])
        return pb.RankEvaluationResponse(entries=[
            pb.RankingEntry(rank=rank, evaluation=convert.figures(f), score=score) for rank, f, score in ranked])

    async def ListCategories(self, request: pb.ListCategoriesRequest, context: Ctx) -> pb.ListCategoriesResponse:
        categories = await self.database.run_read(lambda session: CatalogueStore(session).all_current())
        return pb.ListCategoriesResponse(categories=[convert.category(c) for c in categories])

    async def UpdateCategory(self, request: pb.UpdateCategoryRequest, context: Ctx) -> pb.UpdateCategoryResponse:
        actor = _require_admin()
        c = request.category
        v = Violations()
        for name in ("code", "major_class", "name", "closing_condition", "default_unit"):
            if not getattr(c, name).strip():
                v.add(f"category.{name}", "is required")
        if c.limit < 1:
            v.add("category.limit", "must be at least 1")
        kind = convert.KINDS.collect(c.kind, "category.kind", v)
        unit = convert.LIMIT_UNITS.collect(c.limit_unit, "category.limit_unit", v)
        tier = convert.TIERS.collect(c.lowest_tier, "category.lowest_tier", v)
        v.raise_if_any()
        assert kind is not None and unit is not None and tier is not None
        category = catalogue.Category(c.code.strip(), 0, kind, c.major_class.strip(), c.name.strip(),
                                      Limit(c.limit, unit), c.closing_condition.strip(), c.default_unit.strip(),
                                      tier, actor.subject)
        now = self.now()
        stored = await self.run_write(lambda session: CatalogueStore(session).add_version(category, now))
        return pb.UpdateCategoryResponse(category=convert.category(stored))

    async def ListDispatchRules(self, request: pb.ListDispatchRulesRequest,
                                context: Ctx) -> pb.ListDispatchRulesResponse:
        rules = await self.database.run_read(lambda session: CatalogueStore(session).rules())
        return pb.ListDispatchRulesResponse(rules=[
            pb.DispatchRule(category_code=r.category_code, jurisdiction_prefix=r.jurisdiction_prefix, unit=r.unit)
            for r in rules])

    async def SetDispatchRule(self, request: pb.SetDispatchRuleRequest, context: Ctx) -> pb.SetDispatchRuleResponse:
        _require_admin()
        rule = request.rule
        v = Violations()
        prefix = rule.jurisdiction_prefix.strip()
        if problem(prefix):
            v.add("rule.jurisdiction_prefix", problem(prefix) or "")
        if not rule.unit.strip():
            v.add("rule.unit", "is required")

        def work(session: Session) -> None:
            store = CatalogueStore(session)
            if store.current(rule.category_code.strip()) is None:
                v.add("rule.category_code", f"no category {rule.category_code!r} in the catalogue")
            v.raise_if_any()
            actor_context.require_in_scope(prefix)
            store.set_rule(rule.category_code.strip(), prefix, rule.unit.strip())

        await self.run_write(work)
        return pb.SetDispatchRuleResponse(rule=pb.DispatchRule(
            category_code=rule.category_code.strip(), jurisdiction_prefix=prefix, unit=rule.unit.strip()))
