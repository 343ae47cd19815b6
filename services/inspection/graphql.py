"""The inspection plugin's part of the gateway schema: queries and one mutation per action, over the gRPC stub."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.tools import merge_types
from strawberry.types import Info

from gateway.connection import Connection, check_first, listed, service_page
from gateway.context import RequestContext, Resource
from gateway.plugin_types import encode_base64
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.graphql_types import (
    TYPES,
    AssessmentUnit,
    GridHeadConnection,
    LedgerFormat,
    MissedPatrolConnection,
    MissedPatrolKind,
    PatrolConnection,
    PatrolDueConnection,
    PollutantComparisonConnection,
    PollutionAssessmentRowConnection,
    PollutionSourceConnection,
    PollutionSourceStatus,
    PollutionSourceType,
    PollutionViolationConnection,
    PollutionViolationTypeConnection,
    Rules,
    Source,
    SupervisionDueConnection,
    Violation,
    ViolationState,
)
from services.kit.plugin import GraphQLContribution

SERVICE = "inspection"


def _ctx(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


async def _paged(info: Info, action: str, method: str, request: Callable[[dict[str, Any]], Any], rows: str,
                 first: int, after: str | None) -> Connection[Any]:
    ctx = _ctx(info)
    decision = await ctx.authorize(action, Resource(action.split(".")[0]))
    return await service_page(ctx, SERVICE, method, request, rows, decision, first, after)


def _period(start: str, end: str) -> pb.Period:
    return pb.Period(start=start, end=end)


async def _located_source(ctx: RequestContext, action: str, source_id: str) -> tuple[Any, Resource]:
    """Authorizes ``action`` on the source by its jurisdiction, learnt through the locator."""
    located = await ctx.locate(SERVICE, "GetSource", pb.GetSourceRequest(id=source_id))
    resource = Resource("pollution_source", source_id, located.source.jurisdiction_code)
    return await ctx.authorize(action, resource), resource


@strawberry.type
class InspectionQuery:
    @strawberry.field(description="Pollution sources in the caller's scope.")
    async def pollution_sources(self, info: Info, jurisdiction_code: str = "",
                                source_type: PollutionSourceType | None = None,  # type: ignore[valid-type]
                                status: PollutionSourceStatus | None = None,  # type: ignore[valid-type]
                                first: int = 50, after: str | None = None) -> PollutionSourceConnection:
        return await _paged(info, "pollution_source.list", "ListSources", lambda page: pb.ListSourcesRequest(
            jurisdiction_code=jurisdiction_code, source_type=int(source_type or 0), status=int(status or 0),
            page=page), "sources", first, after)

    @strawberry.field(description="One pollution source.")
    async def pollution_source(self, info: Info, id: strawberry.ID) -> Source:
        ctx = _ctx(info)
        decision, resource = await _located_source(ctx, "pollution_source.read", str(id))
        response = await ctx.call(SERVICE, "GetSource", pb.GetSourceRequest(id=str(id)), decision, resource=resource)
        return response.source  # type: ignore[no-any-return]

    @strawberry.field(description="The survey ledger of a scope, base64-encoded.")
    async def pollution_source_export(self, info: Info, format: LedgerFormat,  # type: ignore[valid-type]
                                      jurisdiction_code: str = "") -> str:
        ctx = _ctx(info)
        decision = await ctx.authorize("pollution_source.export", Resource("pollution_source"))
        response = await ctx.call(SERVICE, "ExportSources", pb.ExportSourcesRequest(
            jurisdiction_code=jurisdiction_code, format=int(format)), decision)
        return encode_base64(response.data)

    @strawberry.field(description="Grid heads in the caller's scope.")
    async def grid_heads(self, info: Info, jurisdiction_code: str = "", first: int = 50,
                         after: str | None = None) -> GridHeadConnection:
        return await _paged(info, "grid_head.list", "ListGridHeads", lambda page: pb.ListGridHeadsRequest(
            jurisdiction_code=jurisdiction_code, page=page), "grid_heads", first, after)

    @strawberry.field(description="Patrol records, most recently recorded first.")
    async def patrols(self, info: Info, jurisdiction_code: str = "", patroller: str = "", first: int = 50,
                      after: str | None = None) -> PatrolConnection:
        return await _paged(info, "patrol.list", "ListPatrols", lambda page: pb.ListPatrolsRequest(
            jurisdiction_code=jurisdiction_code, patroller=patroller, page=page), "patrols", first, after)

    @strawberry.field(description="Patrols due and missed per grid head over a period (inclusive dates).")
    async def patrols_due(self, info: Info, start: str, end: str, jurisdiction_code: str = "",
                          only_lacking: bool = False, first: int = 50,
                          after: str | None = None) -> PatrolDueConnection:
        check_first(first)
        ctx = _ctx(info)
        decision = await ctx.authorize("patrol.due", Resource("patrol"))
        response = await ctx.call(SERVICE, "ListPatrolDue", pb.ListPatrolDueRequest(
            period=_period(start, end), jurisdiction_code=jurisdiction_code, only_lacking=only_lacking), decision)
        return listed(PatrolDueConnection, response.entries, first, after)

    @strawberry.field(description="Supervision checks due and missed per industrial key source over a period.")
    async def supervision_due(self, info: Info, start: str, end: str,
                              jurisdiction_code: str = "", first: int = 50,
                              after: str | None = None) -> SupervisionDueConnection:
        check_first(first)
        ctx = _ctx(info)
        decision = await ctx.authorize("patrol.due", Resource("patrol"))
        response = await ctx.call(SERVICE, "ListSupervisionDue", pb.ListSupervisionDueRequest(
            period=_period(start, end), jurisdiction_code=jurisdiction_code), decision)
        return listed(SupervisionDueConnection, response.entries, first, after)

    @strawberry.field(description="Missed patrol windows raised to the notifier (grid heads' patrols, key sources' "
                                  "supervision checks), most recently raised first.")
    async def missed_patrols(self, info: Info, jurisdiction_code: str = "",
                             kind: MissedPatrolKind | None = None,  # type: ignore[valid-type]
                             subject_id: str = "", first: int = 50, after: str | None = None) -> MissedPatrolConnection:
        return await _paged(info, "missed_patrol.list", "ListMissedPatrols", lambda page: pb.ListMissedPatrolsRequest(
            jurisdiction_code=jurisdiction_code, kind=int(kind or 0), subject_id=subject_id,
            page=page), "missed_patrols", first, after)

    @strawberry.field(description="Violations, newest first.")
    async def pollution_violations(self, info: Info, jurisdiction_code: str = "",
                                   state: ViolationState | None = None,  # type: ignore[valid-type]
                                   source_id: str = "", first: int = 50,
                                   after: str | None = None) -> PollutionViolationConnection:
        return await _paged(info, "violation.list", "ListViolations", lambda page: pb.ListViolationsRequest(
            jurisdiction_code=jurisdiction_code, state=int(state or 0), source_id=source_id,
            page=page), "violations", first, after)

    @strawberry.field(description="One violation.")
    async def pollution_violation(self, info: Info, id: strawberry.ID) -> Violation:
        ctx = _ctx(info)
        located = await ctx.locate(SERVICE, "GetViolation", pb.GetViolationRequest(id=str(id)))
        resource = Resource("violation", str(id), located.violation.jurisdiction_code)
        decision = await ctx.authorize("violation.read", resource)
        response = await ctx.call(SERVICE, "GetViolation", pb.GetViolationRequest(id=str(id)), decision,
                                  resource=resource)
        return response.violation  # type: ignore[no-any-return]

    @strawberry.field(description="The violation catalogue.")
    async def pollution_violation_types(self, info: Info, first: int = 50,
                                        after: str | None = None) -> PollutionViolationTypeConnection:
        check_first(first)
        ctx = _ctx(info)
        decision = await ctx.authorize("inspection_rules.read", Resource("inspection_rules"))
        response = await ctx.call(SERVICE, "ListViolationTypes", pb.ListViolationTypesRequest(), decision)
        return listed(PollutionViolationTypeConnection, response.violation_types, first, after)

    @strawberry.field(description="The rules in force: checklist, patrol and supervision frequencies.")
    async def pollution_rules(self, info: Info) -> Rules:
        ctx = _ctx(info)
        decision = await ctx.authorize("inspection_rules.read", Resource("inspection_rules"))
        return (await ctx.call(SERVICE, "GetRules", pb.GetRulesRequest(), decision)).rules  # type: ignore[no-any-return]

    @strawberry.field(description="Patrol compliance and violation closure per grid, street or person.")
    async def pollution_assessment(self, info: Info, start: str, end: str,
                                   unit: AssessmentUnit,  # type: ignore[valid-type]
                                   jurisdiction_code: str = "", first: int = 50,
                                   after: str | None = None) -> PollutionAssessmentRowConnection:
        check_first(first)
        ctx = _ctx(info)
        decision = await ctx.authorize("assessment.read", Resource("assessment"))
        response = await ctx.call(SERVICE, "GetAssessment", pb.GetAssessmentRequest(
            period=_period(start, end), unit=int(unit), jurisdiction_code=jurisdiction_code), decision)
        return listed(PollutionAssessmentRowConnection, response.rows, first, after)

    @strawberry.field(description="A jurisdiction's air-quality averages against the reference over a period.")
    async def air_quality_comparison(self, info: Info, start: str, end: str, jurisdiction_code: str = "",
                                     reference_area: str = "", first: int = 50,
                                     after: str | None = None) -> PollutantComparisonConnection:
        check_first(first)
        ctx = _ctx(info)
        decision = await ctx.authorize("air_quality.compare", Resource("air_quality"))
        response = await ctx.call(SERVICE, "CompareAirQuality", pb.CompareAirQualityRequest(
            period=_period(start, end), jurisdiction_code=jurisdiction_code, reference_area=reference_area), decision)
        return listed(PollutantComparisonConnection, response.pollutants, first, after)


def contribution() -> GraphQLContribution:
    from services.inspection.graphql_map import InspectionMapQuery
    from services.inspection.graphql_mutations import InspectionMutation

    return GraphQLContribution(query=merge_types("InspectionQuery", (InspectionQuery, InspectionMapQuery)),
                               mutation=InspectionMutation, types=TYPES,
                               uploads=frozenset({"importPollutionSources"}))

