"""The inspection service's map RPCs: violations per grid and sources in a box."""

from __future__ import annotations

import grpc

from gridgov.common.v1 import geo_pb2
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection import map_layers
from services.inspection.convert import to_proto
from services.inspection.servicer_base import ServicerBase, scopes_within
from services.kit import actor
from services.kit.calendar import requested_period
from services.kit.map_box import Box, point_limit


class MapRpcs(ServicerBase):
    async def GetViolationGridCounts(self, request: pb.GetViolationGridCountsRequest,
                                     context: grpc.aio.ServicerContext) -> pb.GetViolationGridCountsResponse:
        scopes = scopes_within(request.jurisdiction_prefix.strip(), "jurisdiction_prefix")
        start, end = requested_period(request, self.now())

        async def count() -> list[map_layers.ViolationCount]:
            async with self.database.read() as session:
                return await map_layers.violation_counts(session, scopes, start, end)

        counts = await self.runtime.map_counts.get(("violations", tuple(scopes), start, end), count)
        return pb.GetViolationGridCountsResponse(grids=[
            pb.ViolationGridCount(jurisdiction_code=c.code, open=c.open, found=c.found) for c in counts])

    async def ListSourcesInBox(self, request: pb.ListSourcesInBoxRequest,
                               context: grpc.aio.ServicerContext) -> pb.ListSourcesInBoxResponse:
        box = Box.of(request.box, request.HasField("box"))
        limit = point_limit(request.limit)
        async with self.database.read() as session:
            rows, truncated = await map_layers.sources_in_box(session, box, limit, actor.read_scopes())
        return pb.ListSourcesInBoxResponse(truncated=truncated, sources=[pb.SourcePoint(
            id=r.id, name=r.name, source_type=to_proto(r.source_type), status=to_proto(r.status),
            jurisdiction_code=r.jurisdiction_code,
            location=geo_pb2.GeoPoint(latitude=r.latitude, longitude=r.longitude)) for r in rows])
