"""The cases service's part of the gateway schema: queries, a mutation per action, over the gRPC stub."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode
from strawberry.tools import merge_types
from strawberry.types import Info

from gateway.connection import Connection, check_first, listed, service_page
from gateway.context import RequestContext, Resource
from gateway.landing import authorize_landing, land
from gateway.media.evidence import checked_evidence
from gateway.plugin_types import GraphQLNames, IdempotencyKey, checked_key, encode_base64, stamp, takes_input
from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.common.v1 import geo_pb2
from services.cases.graphql_breakdown import CaseBreakdownQuery
from services.cases.graphql_inputs import (
    CallbackCaseInput,
    DecideCaseExtensionInput,
    DecideCaseHoldInput,
    DispatchCaseInput,
    HandleCaseInput,
    MergeCaseInput,
    RateCaseHandlingInput,
    RequestCaseExtensionInput,
    SetCaseDispatchRuleInput,
    VerifyCaseInput,
)
from services.cases.graphql_map import CaseMapQuery
from services.cases.graphql_types import (
    Case,
    CaseCallback,
    CaseCategory,
    CaseCategoryConnection,
    CaseCategoryInput,
    CaseConnection,
    CaseDashboard,
    CaseDispatchRule,
    CaseDispatchRuleConnection,
    CaseDueStatus,
    CaseEvaluation,
    CaseEvaluationSubject,
    CaseFile,
    CaseFileFormat,
    CaseOpenCount,
    CaseRankingDimension,
    CaseRankingEntryConnection,
    CaseReportInput,
    CaseSource,
    CaseState,
    CaseTier,
    to_proto,
)
from services.cases.offers import ACTION_MUTATIONS, case_resource
from services.cases.ranking_file import ranking_file
from services.kit.calendar import BEIJING
from services.kit.plugin import GraphQLContribution, TypeExtension
from services.kit.tabular import CONTENT_TYPES, FileFormat

SERVICE = "cases"

# A case's mutations take the case as ``id``, beside the other arguments or inside their input object.
ON_CASE = GraphQLNames({"case_id": "id"}, ACTION_MUTATIONS)
ON_CASE_INPUT = ON_CASE.inside("input")


def _context(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


def _selected(info: Info) -> set[str]:
    """The names of the fields selected directly under this field (through fragments too), read from the
    query's syntax tree: Info.selected_fields would build the whole selection tree with its arguments."""
    raw = info._raw_info
    names: set[str] = set()
    pending = [node.selection_set for node in raw.field_nodes]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set is not None else ():
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in raw.fragments:
                pending.append(raw.fragments[selection.name.value].selection_set)
    return names


async def _case_resource(ctx: RequestContext, case_id: str) -> Resource:
    """Where a case lies and what the policy needs to know about it (tier, units, reporter)."""
    return case_resource((await ctx.locate(SERVICE, "GetCase", pb.GetCaseRequest(case_id=case_id))).case)


async def _act(info: Info, verb: str, case_id: str, method: str, request: Any) -> Any:
    """Locate, authorize ``case.<verb>`` on the case, then call ``method`` scoped to it."""
    ctx = _context(info)
    resource = await _case_resource(ctx, case_id)
    decision = await ctx.authorize(f"case.{verb}", resource)
    names = ON_CASE_INPUT if takes_input(info) else ON_CASE
    return await ctx.call(SERVICE, method, request, decision, resource=resource, names=names)


def _own_unit(ctx: RequestContext) -> str:
    """The unit a subject's case lists default to: its department, when handling_unit is its only list role."""
    names = {grant.role for grant in ctx.subject.roles}
    listing = names & {"district_admin", "street_staff", "community_staff", "grid_worker", "resident"}
    return ctx.subject.department if "handling_unit" in names and not listing else ""


async def _scoped(info: Info, action: str, method: str, request: Any, code: str = "", *,
                  names: GraphQLNames = GraphQLNames()) -> Any:
    ctx = _context(info)
    decision = await ctx.authorize(action, Resource(action.split(".")[0], "", code))
    return await ctx.call(SERVICE, method, request, decision, names=names)


async def _paged(info: Info, action: str, method: str, request: Callable[[dict[str, Any]], Any], rows: str,
                 first: int, after: str | None, attributes: dict[str, Any] | None = None) -> Connection[Any]:
    ctx = _context(info)
    decision = await ctx.authorize(action, Resource(action.split(".")[0], attributes=attributes or {}))
    return await service_page(ctx, SERVICE, method, request, rows, decision, first, after)


@strawberry.type
class CaseQuery:
    @strawberry.field(description="Cases in the caller's scope, newest first; a resident sees their own reports, "
                                  "a handling unit the cases it leads or co-handles.")
    async def cases(self, info: Info, states: list[CaseState] | None = None,  # type: ignore[valid-type]
                    category_code: str = "", tier: CaseTier | None = None,  # type: ignore[valid-type]
                    due_status: CaseDueStatus | None = None, jurisdiction_prefix: str = "",  # type: ignore[valid-type]
                    source: CaseSource | None = None, text: str = "", handling_unit: str = "",  # type: ignore[valid-type]
                    source_service: Annotated[str, strawberry.argument(
                        description="Only cases raised by this service (fire, inspection).")] = "",
                    source_reference: Annotated[str, strawberry.argument(
                        description="Only the case raised for this record of the source service "
                                    "(a fire hazard's or a pollution violation's id).")] = "",
                    first: int = 50, after: str | None = None) -> CaseConnection:
        unit = handling_unit or _own_unit(_context(info))
        return await _paged(info, "case.list", "ListCases", lambda page: pb.ListCasesRequest(
            states=[to_proto(s) for s in states or ()], category_code=category_code, tier=to_proto(tier),
            due_status=to_proto(due_status), jurisdiction_prefix=jurisdiction_prefix, source=to_proto(source),
            text=text, handling_unit=unit, source_service=source_service, source_reference=source_reference,
            page=page), "cases", first, after,
            # The policy lets a handling_unit role list only its own unit's cases: it needs the filter.
            attributes={"handling_unit": unit})

    @strawberry.field(description="One case with its history.")
    async def case(self, info: Info, id: strawberry.ID) -> Case:
        return (await _act(info, "read", id, "GetCase", pb.GetCaseRequest(case_id=id))).case  # type: ignore[no-any-return]

    @strawberry.field(description="Overdue open cases in a jurisdiction, most overdue first.")
    async def overdue_cases(self, info: Info, jurisdiction_prefix: str = "", first: int = 50,
                            after: str | None = None) -> CaseConnection:
        return await _paged(info, "case.dashboard", "ListOverdueCases", lambda page: pb.ListOverdueCasesRequest(
            jurisdiction_prefix=jurisdiction_prefix, page=page), "cases", first, after)

    @strawberry.field(description="A portal's dashboard: counts by state and due status, the overdue list, "
                                  "and the jurisdiction's evaluation figures (default: this month).")
    async def case_dashboard(self, info: Info, jurisdiction_prefix: str = "", overdue_first: int = 20,
                             period_start: datetime.datetime | None = None,
                             period_end: datetime.datetime | None = None) -> CaseDashboard:
        asked = _selected(info)
        request = pb.GetDashboardRequest(
            jurisdiction_prefix=jurisdiction_prefix, overdue_first=overdue_first if "overdue" in asked else 0,
            with_evaluation="evaluation" in asked,
            period_start=stamp(period_start, "periodStart") if period_start is not None else None,
            period_end=stamp(period_end, "periodEnd") if period_end is not None else None)
        # One call: the counts, the overdue list and the figures come back together, read side by side.
        board = await _scoped(info, "case.dashboard", "GetDashboard", request)
        return CaseDashboard(by_state=board.by_state, by_due_status=board.by_due_status,  # type: ignore[arg-type]
                             supervised=board.supervised, overdue=board.overdue,
                             evaluation=board.evaluation if board.HasField("evaluation") else None)

    @strawberry.field(description="Evaluation figures of a unit, jurisdiction or grid worker for a period.")
    async def case_evaluation(self, info: Info, subject: CaseEvaluationSubject, key: str,
                              period_start: datetime.datetime, period_end: datetime.datetime) -> CaseEvaluation:
        request = pb.GetEvaluationRequest(subject=to_proto(subject), key=key,
                                          period_start=stamp(period_start, "periodStart"),
                                          period_end=stamp(period_end, "periodEnd"))
        return (await _scoped(info, "case.evaluate", "GetEvaluation", request)).evaluation  # type: ignore[no-any-return]

    @strawberry.field(description="The district's ranking of streets or handling units for a period.")
    async def case_ranking(self, info: Info, dimension: CaseRankingDimension, period_start: datetime.datetime,
                           period_end: datetime.datetime, first: int = 50,
                           after: str | None = None) -> CaseRankingEntryConnection:
        request = pb.RankEvaluationRequest(dimension=to_proto(dimension),
                                           period_start=stamp(period_start, "periodStart"),
                                           period_end=stamp(period_end, "periodEnd"))
        check_first(first)
        entries = (await _scoped(info, "case.rank", "RankEvaluation", request)).entries
        return listed(CaseRankingEntryConnection, entries, first, after)

    @strawberry.field(description="The whole ranking as a file (XLSX or CSV) with the headers centres use, for the "
                                  "roles that read the ranking.")
    async def case_ranking_export(self, info: Info, dimension: CaseRankingDimension,
                                  period_start: datetime.datetime, period_end: datetime.datetime,
                                  format: CaseFileFormat) -> CaseFile:
        request = pb.RankEvaluationRequest(dimension=to_proto(dimension),
                                           period_start=stamp(period_start, "periodStart"),
                                           period_end=stamp(period_end, "periodEnd"))
        entries = (await _scoped(info, "case.rank", "RankEvaluation", request)).entries
        file_format = FileFormat(format.value)
        content = ranking_file(entries, file_format)
        kind = "streets" if dimension.name == "STREET" else "units"
        day = period_start.astimezone(BEIJING).date().isoformat()
        return CaseFile(file_name=f"case-ranking-{kind}-{day}.{file_format.value}",
                        content_base64=encode_base64(content), content_type=CONTENT_TYPES[file_format])

    @strawberry.field(description="The current version of every case category.")
    async def case_categories(self, info: Info, first: int = 50,
                              after: str | None = None) -> CaseCategoryConnection:
        check_first(first)
        response = await _scoped(info, "case_category.list", "ListCategories", pb.ListCategoriesRequest())
        return listed(CaseCategoryConnection, response.categories, first, after)

    @strawberry.field(description="The dispatch table: category x jurisdiction -> handling unit.")
    async def case_dispatch_rules(self, info: Info, first: int = 50,
                                  after: str | None = None) -> CaseDispatchRuleConnection:
        check_first(first)
        response = await _scoped(info, "dispatch_rule.list", "ListDispatchRules", pb.ListDispatchRulesRequest())
        return listed(CaseDispatchRuleConnection, response.rules, first, after)


@strawberry.type
class CaseMutation:
    @strawberry.mutation(description="Reports a problem; flags a likely duplicate; urgent goes to emergency.")
    async def report_case(self, info: Info, input: CaseReportInput, idempotency_key: IdempotencyKey = None) -> Case:
        ctx = _context(info)
        evidence = await checked_evidence(ctx, input.evidence, "input.evidence")
        landed = land(ctx, input.jurisdiction_code, input.longitude, input.latitude,
                      code_field="input.jurisdictionCode", location_field="input")
        request = pb.ReportCaseRequest(
            category_code=input.category_code, description=input.description,
            jurisdiction_code=landed.code, source=to_proto(input.source), address=input.address,
            urgent=input.urgent, evidence=evidence, reporter_phone=input.reporter_phone,
            idempotency_key=checked_key(idempotency_key), located_grid=landed.located_grid)
        if input.latitude is not None and input.longitude is not None:
            request.location.CopyFrom(geo_pb2.GeoPoint(latitude=input.latitude, longitude=input.longitude))
        resource = Resource("case", "", landed.code)
        decision = await authorize_landing(ctx, "case.report", landed, lambda code: Resource("case", "", code))
        # Every field comes from the input; its location from input.latitude and input.longitude.
        names = GraphQLNames({"": "input", "location": "input"})
        return (await ctx.call(SERVICE, "ReportCase", request, decision, resource=resource,  # type: ignore[no-any-return]
                               names=names)).case

    @strawberry.mutation(description="The centre registers a reported problem as a case.")
    async def register_case(self, info: Info, id: strawberry.ID, comment: str = "") -> Case:
        return (await _act(info, "register", id, "RegisterCase",  # type: ignore[no-any-return]
                           pb.RegisterCaseRequest(case_id=id, comment=comment))).case

    @strawberry.mutation(description="The centre refuses a reported problem.")
    async def reject_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return (await _act(info, "reject", id, "RejectCase",  # type: ignore[no-any-return]
                           pb.RejectCaseRequest(case_id=id, reason=reason))).case

    @strawberry.mutation(description="The centre voids a case registered in error.")
    async def void_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return (await _act(info, "void", id, "VoidCase", pb.VoidCaseRequest(case_id=id, reason=reason))).case  # type: ignore[no-any-return]

    @strawberry.mutation(description="Merges a reported duplicate into the open case it repeats.")
    async def merge_case(self, info: Info, input: MergeCaseInput) -> Case:
        return (await _act(info, "merge", input.id, "MergeCase", pb.MergeCaseRequest(  # type: ignore[no-any-return]
            case_id=input.id, original_id=input.original_id, comment=input.comment))).case

    @strawberry.mutation(description="Dispatches a case to a unit (default: the dispatch table) and co-handlers.")
    async def dispatch_case(self, info: Info, input: DispatchCaseInput) -> Case:
        return (await _act(info, "dispatch", input.id, "DispatchCase", pb.DispatchCaseRequest(  # type: ignore[no-any-return]
            case_id=input.id, unit=input.unit, co_units=input.co_units or [], comment=input.comment))).case

    @strawberry.mutation(description="A handling unit signs for its part of a case.")
    async def accept_case(self, info: Info, id: strawberry.ID, comment: str = "") -> Case:
        return (await _act(info, "accept", id, "AcceptCase",  # type: ignore[no-any-return]
                           pb.AcceptCaseRequest(case_id=id, comment=comment))).case

    @strawberry.mutation(description="A handling unit returns a case that is not its responsibility.")
    async def return_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return (await _act(info, "return", id, "ReturnCase",  # type: ignore[no-any-return]
                           pb.ReturnCaseRequest(case_id=id, reason=reason))).case

    @strawberry.mutation(description="A handling unit reports what it did, with evidence.")
    async def handle_case(self, info: Info, input: HandleCaseInput) -> Case:
        evidence = await checked_evidence(_context(info), input.evidence, "input.evidence")
        return (await _act(info, "handle", input.id, "HandleCase", pb.HandleCaseRequest(  # type: ignore[no-any-return]
            case_id=input.id, resolution=input.resolution, evidence=evidence))).case

    @strawberry.mutation(description="On-site verification: passed closes, failed sends the case back for rework.")
    async def verify_case(self, info: Info, input: VerifyCaseInput) -> Case:
        evidence = await checked_evidence(_context(info), input.evidence, "input.evidence")
        return (await _act(info, "verify", input.id, "VerifyCase", pb.VerifyCaseRequest(  # type: ignore[no-any-return]
            case_id=input.id, passed=input.passed, comment=input.comment, evidence=evidence))).case

    @strawberry.mutation(description="The reporter's callback: unsatisfied reopens, otherwise the case is archived.")
    async def callback_case(self, info: Info, input: CallbackCaseInput) -> CaseCallback:
        response = await _act(info, "callback", input.id, "CallbackCase", pb.CallbackCaseRequest(
            case_id=input.id, satisfaction=to_proto(input.satisfaction), comment=input.comment))
        return CaseCallback(case=response.case, reporters=list(response.reporters))

    @strawberry.mutation(description="Archives a CLOSED case that takes no callback: one reported anonymously "
                                     "or raised by another service (source ANONYMOUS or INSPECTION_SERVICE). "
                                     "Any other closed case is archived by its callback (callbackCase).")
    async def archive_case(self, info: Info, id: strawberry.ID, comment: str = "") -> Case:
        return (await _act(info, "archive", id, "ArchiveCase",  # type: ignore[no-any-return]
                           pb.ArchiveCaseRequest(case_id=id, comment=comment))).case

    @strawberry.mutation(description="The handling unit asks for more time.")
    async def request_case_extension(self, info: Info, input: RequestCaseExtensionInput) -> Case:
        return (await _act(info, "request_extension", input.id, "RequestExtension",  # type: ignore[no-any-return]
                           pb.RequestExtensionRequest(case_id=input.id, amount=input.amount, reason=input.reason))).case

    @strawberry.mutation(description="The centre approves or refuses the pending extension.")
    async def decide_case_extension(self, info: Info, input: DecideCaseExtensionInput) -> Case:
        return (await _act(info, "decide_extension", input.id, "DecideExtension",  # type: ignore[no-any-return]
                           pb.DecideExtensionRequest(case_id=input.id, approve=input.approve,
                                                     comment=input.comment))).case

    @strawberry.mutation(description="The handling unit asks to put the case on hold (挂账).")
    async def request_case_hold(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return (await _act(info, "request_hold", id, "RequestHold",  # type: ignore[no-any-return]
                           pb.RequestHoldRequest(case_id=id, reason=reason))).case

    @strawberry.mutation(description="The centre approves or refuses the pending hold.")
    async def decide_case_hold(self, info: Info, input: DecideCaseHoldInput) -> Case:
        return (await _act(info, "decide_hold", input.id, "DecideHold",  # type: ignore[no-any-return]
                           pb.DecideHoldRequest(case_id=input.id, approve=input.approve, comment=input.comment))).case

    @strawberry.mutation(description="The centre takes a case off hold.")
    async def resume_case(self, info: Info, id: strawberry.ID, comment: str = "") -> Case:
        return (await _act(info, "resume", id, "ResumeCase",  # type: ignore[no-any-return]
                           pb.ResumeCaseRequest(case_id=id, comment=comment))).case

    @strawberry.mutation(description="Hands a case up one tier.")
    async def escalate_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return (await _act(info, "escalate", id, "EscalateCase",  # type: ignore[no-any-return]
                           pb.EscalateCaseRequest(case_id=id, reason=reason))).case

    @strawberry.mutation(description="Sends an urgent case to the emergency linkage centre.")
    async def link_case_emergency(self, info: Info, id: strawberry.ID, comment: str = "") -> Case:
        return (await _act(info, "link_emergency", id, "LinkEmergency",  # type: ignore[no-any-return]
                           pb.LinkEmergencyRequest(case_id=id, comment=comment))).case

    @strawberry.mutation(description="Raises supervision (督办) on a case.")
    async def supervise_case(self, info: Info, id: strawberry.ID, reason: str) -> Case:
        return (await _act(info, "supervise", id, "SuperviseCase",  # type: ignore[no-any-return]
                           pb.SuperviseCaseRequest(case_id=id, reason=reason))).case

    @strawberry.mutation(description="The raising street or community rates the department's handling (1-5).")
    async def rate_case_handling(self, info: Info, input: RateCaseHandlingInput) -> Case:
        return (await _act(info, "rate", input.id, "RateHandling",  # type: ignore[no-any-return]
                           pb.RateHandlingRequest(case_id=input.id, score=input.score, comment=input.comment))).case

    @strawberry.mutation(description="Adds or changes a case category (a new version).")
    async def update_case_category(self, info: Info, input: CaseCategoryInput) -> CaseCategory:
        category = pb.Category(
            code=input.code, kind=to_proto(input.kind), major_class=input.major_class, name=input.name,
            limit=input.limit, limit_unit=to_proto(input.limit_unit), closing_condition=input.closing_condition,
            default_unit=input.default_unit, lowest_tier=to_proto(input.lowest_tier))
        response = await _scoped(info, "case_category.update", "UpdateCategory",
                                 pb.UpdateCategoryRequest(category=category), names=GraphQLNames({"category": "input"}))
        return response.category  # type: ignore[no-any-return]

    @strawberry.mutation(description="Sets the handling unit of a category inside a jurisdiction prefix.")
    async def set_case_dispatch_rule(self, info: Info, input: SetCaseDispatchRuleInput) -> CaseDispatchRule:
        rule = pb.DispatchRule(category_code=input.category_code, jurisdiction_prefix=input.jurisdiction_prefix,
                               unit=input.unit)
        ctx = _context(info)
        resource = Resource("dispatch_rule", "", input.jurisdiction_prefix)
        decision = await ctx.authorize("dispatch_rule.set", resource)
        response = await ctx.call(SERVICE, "SetDispatchRule", pb.SetDispatchRuleRequest(rule=rule), decision,
                                  resource=resource, names=GraphQLNames({"rule": "input"}))
        return response.rule  # type: ignore[no-any-return]


# CountOpenCases takes at most this many codes a call.
OPEN_COUNT_BATCH = 200


@strawberry.type
class JurisdictionCases:
    """What the cases plugin adds to the registry's Jurisdiction (the jurisdiction tree's markers)."""

    @strawberry.field(description="Open cases under this jurisdiction, inside the viewer's scope, by due status "
                                  "(the cases plugin; loaded for a whole list of jurisdictions at once).")
    async def open_cases(self, info: Info) -> CaseOpenCount:
        message: Any = self
        ctx = _context(info)

        async def load(codes: list[str]) -> list[Any]:
            decision = await ctx.authorize("case.dashboard", Resource("case"))
            response = await ctx.call(SERVICE, "CountOpenCases",
                                      pb.CountOpenCasesRequest(jurisdiction_codes=codes), decision)
            return list(response.counts)

        return await ctx.loader("cases.open_counts", load, max_batch_size=OPEN_COUNT_BATCH).load(  # type: ignore[no-any-return]
            message.code)


# FindCasesBySource takes at most this many references a call.
SOURCE_BATCH = 200


async def _case_of(info: Info, source_service: str, reference: str) -> Any:
    """The case ``source_service`` raised for its record ``reference``, or None; the references of a whole list
    are looked up in one call, authorized once as ``case.link`` (the policy scopes it)."""
    ctx = _context(info)

    async def load(references: list[str]) -> list[Any]:
        resource = Resource("case", "", "", {"source_service": source_service})
        decision = await ctx.authorize("case.link", resource)
        response = await ctx.call(SERVICE, "FindCasesBySource", pb.FindCasesBySourceRequest(
            source_service=source_service, source_references=references), decision)
        found = {case.source_reference: case for case in response.cases}
        return [found.get(reference) for reference in references]

    return await ctx.loader(f"cases.by_source.{source_service}", load, max_batch_size=SOURCE_BATCH).load(reference)


_CASE_LINK = ("Its case, from the moment the case exists (the cases plugin): number, state and all; "
              "null while there is none, or outside the viewer's scope.")


@strawberry.type
class FireHazardCase:
    """What the cases plugin adds to fire's FireHazard: the case a hand-over raised."""

    @strawberry.field(description=_CASE_LINK)
    async def case(self, info: Info) -> Case | None:
        record: Any = self  # the fire service's message
        return await _case_of(info, "fire", record.id)


@strawberry.type
class PollutionViolationCase:
    """What the cases plugin adds to inspection's PollutionViolation: the case the violation raised."""

    @strawberry.field(description=_CASE_LINK)
    async def case(self, info: Info) -> Case | None:
        record: Any = self  # the inspection service's message
        return await _case_of(info, "inspection", record.id)


def contribution() -> GraphQLContribution:
    return GraphQLContribution(
        query=merge_types("CaseQuery", (CaseQuery, CaseMapQuery, CaseBreakdownQuery)), mutation=CaseMutation,
        extensions=(
            TypeExtension("registry", "Jurisdiction", JurisdictionCases),
            TypeExtension("fire", "FireHazard", FireHazardCase),
            TypeExtension("inspection", "PollutionViolation", PollutionViolationCase)))
