"""Pollution inspection's part of the map in the gateway schema: violations per grid, and sources in a box."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from gateway.context import RequestContext, Resource
from gateway.errors import GraphQLNames
from gateway.map_kit import DEFAULT_POINTS, checked_limit, zoom_in
from gateway.plugin_types import GeoPoint, MapBoxInput, stamp
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.graphql_types import PollutionSourceStatus, PollutionSourceType
from services.kit.map_box import MAX_POINTS

SERVICE = "inspection"
BOX_NAMES = GraphQLNames({"box": "box"})


@strawberry.type(description="The pollution violations of one grid: open now, and found in the period.")
class PollutionViolationGridCount:
    jurisdiction_code: str
    open: int
    found: int


@strawberry.type(description="A pollution source as a point of the map.")
class PollutionSourcePoint:
    id: strawberry.ID
    name: str
    source_type: PollutionSourceType  # type: ignore[valid-type]
    status: PollutionSourceStatus  # type: ignore[valid-type]
    jurisdiction_code: str
    location: GeoPoint


@strawberry.type(description="The pollution sources of a box of the map; when more lie in it than the limit, "
                             "truncated is true and message says to zoom in.")
class PollutionSourcePoints:
    points: list[PollutionSourcePoint]
    truncated: bool
    limit: int
    message: str | None


def context(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


@strawberry.type
class InspectionMapQuery:
    @strawberry.field(description="Pollution violations per grid in the caller's scope for the map's choropleth: "
                                  "open now, and found in the period (default: this month in Beijing time).")
    async def pollution_violation_grid_counts(self, info: Info, jurisdiction_prefix: str = "",
                                              period_start: datetime.datetime | None = None,
                                              period_end: datetime.datetime | None = None,
                                              ) -> list[PollutionViolationGridCount]:
        ctx = context(info)
        request = pb.GetViolationGridCountsRequest(
            jurisdiction_prefix=jurisdiction_prefix,
            period_start=stamp(period_start, "periodStart") if period_start is not None else None,
            period_end=stamp(period_end, "periodEnd") if period_end is not None else None)
        decision = await ctx.authorize("violation.map", Resource("violation"))
        answer = await ctx.call(SERVICE, "GetViolationGridCounts", request, decision,
                                names=GraphQLNames({"jurisdiction_prefix": "jurisdictionPrefix"}))
        return [PollutionViolationGridCount(jurisdiction_code=g.jurisdiction_code, open=g.open, found=g.found)
                for g in answer.grids]

    @strawberry.field(description="The located pollution sources in the caller's scope inside a box of the map, "
                                  f"at most limit (default {DEFAULT_POINTS}, at most {MAX_POINTS}).")
    async def pollution_source_points(self, info: Info, box: MapBoxInput,
                                      limit: int = DEFAULT_POINTS) -> PollutionSourcePoints:
        checked_limit(limit)
        ctx = context(info)
        decision = await ctx.authorize("pollution_source.map", Resource("pollution_source"))
        answer = await ctx.call(SERVICE, "ListSourcesInBox", pb.ListSourcesInBoxRequest(
            box=box.to_proto(), limit=limit), decision, names=BOX_NAMES)
        points = [PollutionSourcePoint(
            id=strawberry.ID(p.id), name=p.name, source_type=PollutionSourceType(p.source_type),
            status=PollutionSourceStatus(p.status), jurisdiction_code=p.jurisdiction_code,
            location=GeoPoint(latitude=p.location.latitude, longitude=p.location.longitude)) for p in answer.sources]
        return PollutionSourcePoints(points=points, truncated=answer.truncated, limit=limit,
                                     message=zoom_in(answer.truncated, limit, "sources"))
