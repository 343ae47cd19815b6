"""Fire safety's part of the map in the gateway schema: unrectified hazards per grid, and places in a box."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import RequestContext, Resource
from gateway.errors import GraphQLNames
from gateway.map_kit import DEFAULT_POINTS, checked_limit, zoom_in
from gateway.plugin_types import GeoPoint, MapBoxInput
from gridgov.fire.v1 import fire_pb2
from services.fire.graphql_types import FirePlaceType, FireRiskLevel, from_proto
from services.kit.map_box import MAX_POINTS

SERVICE = "fire"
BOX_NAMES = GraphQLNames({"box": "box"})


@strawberry.type(description="The fire hazards of one grid not yet rectified, and of them the overdue or handed "
                             "over to the police.")
class FireHazardGridCount:
    jurisdiction_code: str
    open: int
    overdue: int


@strawberry.type(description="A fire-safety place as a point of the map.")
class FirePlacePoint:
    id: strawberry.ID
    name: str
    type: FirePlaceType  # type: ignore[valid-type]
    risk_level: FireRiskLevel  # type: ignore[valid-type]
    jurisdiction_code: str
    location: GeoPoint
    next_due_on: str = strawberry.field(description="The day the next inspection is due, YYYY-MM-DD (Beijing).")


@strawberry.type(description="The places of a box of the map; when more lie in it than the limit, truncated is "
                             "true and message says to zoom in.")
class FirePlacePoints:
    points: list[FirePlacePoint]
    truncated: bool
    limit: int
    message: str | None


def context(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


@strawberry.type
class FireMapQuery:
    @strawberry.field(description="Unrectified fire hazards per grid in the caller's scope, for the map's "
                                  "choropleth; grids with none are left out.")
    async def fire_hazard_grid_counts(self, info: Info, jurisdiction_prefix: str = "") -> list[FireHazardGridCount]:
        ctx = context(info)
        decision = await ctx.authorize("fire_hazard.map", Resource("fire_hazard"))
        answer = await ctx.call(SERVICE, "GetHazardGridCounts", fire_pb2.GetHazardGridCountsRequest(
            jurisdiction_prefix=jurisdiction_prefix), decision)
        return [FireHazardGridCount(jurisdiction_code=g.jurisdiction_code, open=g.open, overdue=g.overdue)
                for g in answer.grids]

    @strawberry.field(description="The located fire-safety places in the caller's scope inside a box of the map, "
                                  f"at most limit (default {DEFAULT_POINTS}, at most {MAX_POINTS}).")
    async def fire_place_points(self, info: Info, box: MapBoxInput, limit: int = DEFAULT_POINTS) -> FirePlacePoints:
        checked_limit(limit)
        ctx = context(info)
        decision = await ctx.authorize("fire_place.map", Resource("fire_place"))
        answer = await ctx.call(SERVICE, "ListPlacesInBox", fire_pb2.ListPlacesInBoxRequest(
            box=box.to_proto(), limit=limit), decision, names=BOX_NAMES)
        points = [FirePlacePoint(
            id=strawberry.ID(p.id), name=p.name, type=from_proto(FirePlaceType, p.type),
            risk_level=from_proto(FireRiskLevel, p.risk_level), jurisdiction_code=p.jurisdiction_code,
            location=GeoPoint(latitude=p.location.latitude, longitude=p.location.longitude),
            next_due_on=p.next_due_on) for p in answer.places]
        return FirePlacePoints(points=points, truncated=answer.truncated, limit=limit,
                               message=zoom_in(answer.truncated, limit, "places"))
