"""The cases' part of the map in the gateway schema: counts per grid for the choropleth, and case points in a box."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from gateway.context import RequestContext, Resource
from gateway.errors import GraphQLNames
from gateway.map_kit import DEFAULT_POINTS, checked_limit, zoom_in
from gateway.plugin_types import GeoPoint, MapBoxInput, invalid, stamp
from gridgov.cases.v1 import cases_pb2 as pb
from services.cases.graphql_types import CaseDueStatus, CaseState, from_proto
from services.kit.map_box import MAX_POINTS

SERVICE = "cases"

MAX_HOTSPOTS = 100
BOX_NAMES = GraphQLNames({"": "", "box": "box"})


@strawberry.type(description="The cases of one grid: open, due soon and overdue now, reported in the period.")
class CaseGridCount:
    jurisdiction_code: str
    open: int
    due_soon: int
    overdue: int
    reported: int


@strawberry.type(description="A grid where cases cluster: the cases reported in the period per km² of its area.")
class CaseHotspot:
    jurisdiction_code: str
    reported: int
    area_m2: float
    per_km2: float = strawberry.field(description="Cases reported in the period per square kilometre.")


@strawberry.type(description="A case as a point of the map.")
class CasePoint:
    id: strawberry.ID
    number: str
    category_code: str
    state: CaseState  # type: ignore[valid-type]
    due_status: CaseDueStatus | None  # type: ignore[valid-type]
    jurisdiction_code: str
    location: GeoPoint
    urgent: bool
    supervised: bool


@strawberry.type(description="The case points of a box of the map. When more cases lie in it than the limit, "
                             "only the newest are given, truncated is true and message says to zoom in.")
class CasePoints:
    points: list[CasePoint]
    truncated: bool
    limit: int
    message: str | None


def _point(p: pb.CasePoint) -> CasePoint:
    return CasePoint(id=strawberry.ID(p.id), number=p.number, category_code=p.category_code,
                     state=from_proto(CaseState, p.state), due_status=from_proto(CaseDueStatus, p.due_status),
                     jurisdiction_code=p.jurisdiction_code,
                     location=GeoPoint(latitude=p.location.latitude, longitude=p.location.longitude),
                     urgent=p.urgent, supervised=p.supervised)


async def _grid_counts(ctx: RequestContext, prefix: str, start: datetime.datetime | None,
                       end: datetime.datetime | None) -> list[CaseGridCount]:
    request = pb.GetGridCountsRequest(
        jurisdiction_prefix=prefix, period_start=stamp(start, "periodStart") if start is not None else None,
        period_end=stamp(end, "periodEnd") if end is not None else None)
    decision = await ctx.authorize("case.grid_counts", Resource("case"))
    answer = await ctx.call(SERVICE, "GetGridCounts", request, decision)
    return [CaseGridCount(jurisdiction_code=g.jurisdiction_code, open=g.open, due_soon=g.due_soon,
                          overdue=g.overdue, reported=g.reported) for g in answer.grids]


def context(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


@strawberry.type
class CaseMapQuery:
    @strawberry.field(description="Counts per grid for the map's choropleth, for the centres: open, due soon and "
                                  "overdue now, and reported in the period (default: this month in Beijing time). "
                                  "Grids with no count are left out.")
    async def case_grid_counts(self, info: Info, jurisdiction_prefix: str = "",
                               period_start: datetime.datetime | None = None,
                               period_end: datetime.datetime | None = None) -> list[CaseGridCount]:
        return await _grid_counts(context(info), jurisdiction_prefix, period_start, period_end)

    @strawberry.field(description="The grids with the most cases reported in the period per km² (default: this "
                                  "month in Beijing time), densest first; grids without a boundary are left out.")
    async def case_hotspots(self, info: Info, jurisdiction_prefix: str = "",
                            period_start: datetime.datetime | None = None,
                            period_end: datetime.datetime | None = None, first: int = 10) -> list[CaseHotspot]:
        if not 1 <= first <= MAX_HOTSPOTS:
            raise invalid("first", f"must be between 1 and {MAX_HOTSPOTS}, got {first}")
        ctx = context(info)
        counts = await _grid_counts(ctx, jurisdiction_prefix, period_start, period_end)
        spots = []
        for grid in counts:
            area = ctx.area_m2(grid.jurisdiction_code)
            if grid.reported and area:
                spots.append(CaseHotspot(jurisdiction_code=grid.jurisdiction_code, reported=grid.reported,
                                         area_m2=round(area, 1), per_km2=round(grid.reported / area * 1e6, 2)))
        spots.sort(key=lambda s: (-s.per_km2, s.jurisdiction_code))
        return spots[:first]

    @strawberry.field(description="The located cases the caller reads inside a box of the map, newest first, at "
                                  f"most limit (default {DEFAULT_POINTS}, at most {MAX_POINTS}); open cases only "
                                  "unless openOnly is false.")
    async def case_points(self, info: Info, box: MapBoxInput, open_only: bool = True,
                          limit: int = DEFAULT_POINTS) -> CasePoints:
        checked_limit(limit)
        ctx = context(info)
        decision = await ctx.authorize("case.map_points", Resource("case"))
        answer = await ctx.call(SERVICE, "ListCasesInBox", pb.ListCasesInBoxRequest(
            box=box.to_proto(), open_only=open_only, limit=limit), decision, names=BOX_NAMES)
        return CasePoints(points=[_point(p) for p in answer.points], truncated=answer.truncated, limit=limit,
                          message=zoom_in(answer.truncated, limit, "cases"))
