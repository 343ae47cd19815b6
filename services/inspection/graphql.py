"""The inspection plugin's part of the gateway schema: queries and one mutation per action, over the gRPC stub."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from gateway.context import RequestContext, Resource
from gateway.plugin_types import encode_base64
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.graphql_types import (
    TYPES,
    AssessmentRow,
    AssessmentUnit,
    GridHeadPage,
    LedgerFormat,
    MissedPatrolKind,
    MissedPatrolPage,
    PatrolDue,
    PatrolPage,
    PollutantComparison,
    PollutionSourcePage,
    PollutionSourceStatus,
    PollutionSourceType,
    PollutionViolationPage,
    Rules,
    Source,
    SupervisionDue,
    Violation,
    ViolationState,
    ViolationType,
)
from services.kit.plugin import GraphQLContribution

SERVICE = "inspection"


def _ctx(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


def _page(first: int, after: str) -> dict[str, Any]:
    return {"page_size": first, "page_token": after}


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
                                first: int = 50, after: str = "") -> PollutionSourcePage:
        ctx = _ctx(info)
        decision = await ctx.authorize("pollution_source.list", Resource("pollution_source"))
        return await ctx.call(SERVICE, "ListSources", pb.ListSourcesRequest(  # type: ignore[no-any-return]
            jurisdiction_code=jurisdiction_code, source_type=int(source_type or 0), status=int(status or 0),
            page=_page(first, after)), decision)

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
                         after: str = "") -> GridHeadPage:
        ctx = _ctx(info)
        decision = await ctx.authorize("grid_head.list", Resource("grid_head"))
        return await ctx.call(SERVICE, "ListGridHeads", pb.ListGridHeadsRequest(  # type: ignore[no-any-return]
            jurisdiction_code=jurisdiction_code, page=_page(first, after)), decision)

    @strawberry.field(description="Patrol records, most recently recorded first.")
    async def patrols(self, info: Info, jurisdiction_code: str = "", patroller: str = "", first: int = 50,
                      after: str = "") -> PatrolPage:
        ctx = _ctx(info)
        decision = await ctx.authorize("patrol.list", Resource("patrol"))
        return await ctx.call(SERVICE, "ListPatrols", pb.ListPatrolsRequest(  # type: ignore[no-any-return]
            jurisdiction_code=jurisdiction_code, patroller=patroller, page=_page(first, after)), decision)

    @strawberry.field(description="Patrols due and missed per grid head over a period (inclusive dates).")
    async def patrols_due(self, info: Info, start: str, end: str, jurisdiction_code: str = "",
                          only_lacking: bool = False) -> list[PatrolDue]:
        ctx = _ctx(info)
        decision = await ctx.authorize("patrol.due", Resource("patrol"))
        response = await ctx.call(SERVICE, "ListPatrolDue", pb.ListPatrolDueRequest(
            period=_period(start, end), jurisdiction_code=jurisdiction_code, only_lacking=only_lacking), decision)
        return list(response.entries)

    @strawberry.field(description="Supervision checks due and missed per industrial key source over a period.")
    async def supervision_due(self, info: Info, start: str, end: str,
                              jurisdiction_code: str = "") -> list[SupervisionDue]:
        ctx = _ctx(info)
        decision = await ctx.authorize("patrol.due", Resource("patrol"))
        response = await ctx.call(SERVICE, "ListSupervisionDue", pb.ListSupervisionDueRequest(
            period=_period(start, end), jurisdiction_code=jurisdiction_code), decision)
        return list(response.entries)

    @strawberry.field(description="Missed patrol windows raised to the notifier (grid heads' patrols, key sources' "
                                  "supervision checks), most recently raised first.")
    async def missed_patrols(self, info: Info, jurisdiction_code: str = "",
                             kind: MissedPatrolKind | None = None,  # type: ignore[valid-type]
                             subject_id: str = "", first: int = 50, after: str = "") -> MissedPatrolPage:
        ctx = _ctx(info)
        decision = await ctx.authorize("missed_patrol.list", Resource("missed_patrol"))
        return await ctx.call(SERVICE, "ListMissedPatrols", pb.ListMissedPatrolsRequest(  # type: ignore[no-any-return]
            jurisdiction_code=jurisdiction_code, kind=int(kind or 0), subject_id=subject_id,
            page=_page(first, after)), decision)

    @strawberry.field(description="Violations, newest first.")
    async def pollution_violations(self, info: Info, jurisdiction_code: str = "",
                                   state: ViolationState | None = None,  # type: ignore[valid-type]
                                   source_id: str = "", first: int = 50, after: str = "") -> PollutionViolationPage:
        ctx = _ctx(info)
        decision = await ctx.authorize("violation.list", Resource("violation"))
        return await ctx.call(SERVICE, "ListViolations", pb.ListViolationsRequest(  # type: ignore[no-any-return]
            jurisdiction_code=jurisdiction_code, state=int(state or 0), source_id=source_id,
            page=_page(first, after)), decision)

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
    async def pollution_violation_types(self, info: Info) -> list[ViolationType]:
        ctx = _ctx(info)
        decision = await ctx.authorize("inspection_rules.read", Resource("inspection_rules"))
        response = await ctx.call(SERVICE, "ListViolationTypes", pb.ListViolationTypesRequest(), decision)
        return list(response.violation_types)

    @strawberry.field(description="The rules in force: checklist, patrol and supervision frequencies.")
    async def pollution_rules(self, info: Info) -> Rules:
        ctx = _ctx(info)
        decision = await ctx.authorize("inspection_rules.read", Resource("inspection_rules"))
        return (await ctx.call(SERVICE, "GetRules", pb.GetRulesRequest(), decision)).rules  # type: ignore[no-any-return]

    @strawberry.field(description="Patrol compliance and violation closure per grid, street or person.")
    async def pollution_assessment(self, info: Info, start: str, end: str,
                                   unit: AssessmentUnit,  # type: ignore[valid-type]
                                   jurisdiction_code: str = "") -> list[AssessmentRow]:
        ctx = _ctx(info)
        decision = await ctx.authorize("assessment.read", Resource("assessment"))
        response = await ctx.call(SERVICE, "GetAssessment", pb.GetAssessmentRequest(
            period=_period(start, end), unit=int(unit), jurisdiction_code=jurisdiction_code), decision)
        return list(response.rows)

    @strawberry.field(description="A jurisdiction's air-quality averages against the reference over a period.")
    async def air_quality_comparison(self, info: Info, start: str, end: str, jurisdiction_code: str = "",
                                     reference_area: str = "") -> list[PollutantComparison]:
        ctx = _ctx(info)
        decision = await ctx.authorize("air_quality.compare", Resource("air_quality"))
        response = await ctx.call(SERVICE, "CompareAirQuality", pb.CompareAirQualityRequest(
            period=_period(start, end), jurisdiction_code=jurisdiction_code, reference_area=reference_area), decision)
        return list(response.pollutants)


def contribution() -> GraphQLContribution:
    from services.inspection.graphql_mutations import InspectionMutation

    return GraphQLContribution(query=InspectionQuery, mutation=InspectionMutation, types=TYPES)

