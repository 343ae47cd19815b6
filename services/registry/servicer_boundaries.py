"""RPCs of jurisdiction boundaries: import them all or nothing, export a subtree's, report grid coverage, draw
them for the map."""

from __future__ import annotations

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import geo_pb2
from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.actor import read_scopes
from services.kit.errors import InvalidArgument
from services.kit.geometry import Crs
from services.kit.jurisdiction import within_any
from services.kit.runtime import ServiceRuntime
from services.registry import boundaries, convert, domain
from services.registry.boundary_layer import LayerCache, band
from services.registry.boundary_store import BoundaryNode, BoundaryStore, coverage_of
from services.registry.servicer_base import ServicerBase, check_prefix

CRSES = {pb.SOURCE_CRS_WGS84: Crs.WGS84, pb.SOURCE_CRS_CGCS2000: Crs.CGCS2000, pb.SOURCE_CRS_GCJ02: Crs.GCJ02}
FORMATS = {pb.BOUNDARY_FORMAT_GEOJSON: boundaries.BoundaryFormat.GEOJSON,
           pb.BOUNDARY_FORMAT_SHAPEFILE_ZIP: boundaries.BoundaryFormat.SHAPEFILE_ZIP}


class BoundaryRpcs(ServicerBase):
    def __init__(self, runtime: ServiceRuntime) -> None:
        super().__init__(runtime)
        # The tree's shapes and their simplifications; rebuilt when the boundary revision moves.
        self.layer_cache = LayerCache()

    async def ImportBoundaries(self, request: pb.ImportBoundariesRequest,
                               context: grpc.aio.ServicerContext) -> pb.ImportBoundariesResponse:
        if request.format not in FORMATS:
            raise InvalidArgument.field("format", "is required: BOUNDARY_FORMAT_GEOJSON or "
                                                  "BOUNDARY_FORMAT_SHAPEFILE_ZIP")
        if request.source_crs not in CRSES:
            raise InvalidArgument.field("source_crs", "is required: SOURCE_CRS_WGS84, SOURCE_CRS_CGCS2000 or "
                                                      "SOURCE_CRS_GCJ02")
        fmt, crs = FORMATS[request.format], CRSES[request.source_crs]
        attribute = request.code_attribute.strip() or boundaries.DEFAULT_CODE_ATTRIBUTE
        features = boundaries.read_features(request.content, fmt, attribute)
        scopes = read_scopes()

        # One write transaction for the checks and the update, so a boundary stored meanwhile is checked against.
        async def work(session: AsyncSession) -> pb.ImportBoundariesResponse:
            store = BoundaryStore(session)
            parents, stored = await store.near(f.code for f in features if f.code)
            known = boundaries.Known(parents, stored, lambda code: within_any(code, scopes))
            planned, errors = boundaries.check_features(features, crs, known, code_attribute=attribute)
            if not errors and not request.dry_run:
                await store.store(planned)
            return pb.ImportBoundariesResponse(
                errors=[pb.FeatureError(feature=e.feature, code=e.code, reason=e.reason) for e in errors],
                boundaries=0 if errors else len(planned), nothing_stored=bool(errors) or request.dry_run)

        # A file refused feature by feature (or a dry run) stored nothing: its key stays free for the retry.
        return await self.write_once(request, pb.ImportBoundariesResponse, work,
                                     remember=lambda answer: not answer.nothing_stored)

    async def ExportBoundaries(self, request: pb.ExportBoundariesRequest,
                               context: grpc.aio.ServicerContext) -> pb.ExportBoundariesResponse:
        prefix = check_prefix(request.jurisdiction_prefix)
        async with self.database.read() as session:
            nodes = await BoundaryStore(session).subtree(read_scopes(), prefix)
        shaped = [(n.code, n.name, n.level.value, n.geojson, n.area_m2) for n in nodes if n.geojson]
        return pb.ExportBoundariesResponse(geojson=boundaries.feature_collection(shaped), features=len(shaped))

    async def GetCoverage(self, request: pb.GetCoverageRequest,
                          context: grpc.aio.ServicerContext) -> pb.GetCoverageResponse:
        prefix = check_prefix(request.jurisdiction_prefix)
        async with self.database.read() as session:
            nodes = await BoundaryStore(session).subtree(
                read_scopes(), prefix, levels=(domain.JurisdictionLevel.COMMUNITY, domain.JurisdictionLevel.GRID))
        grids: dict[str, list[BoundaryNode]] = {}
        for node in nodes:
            if node.level is domain.JurisdictionLevel.GRID and node.parent_code:
                grids.setdefault(node.parent_code, []).append(node)
        communities = []
        for node in nodes:
            if node.level is not domain.JurisdictionLevel.COMMUNITY:
                continue
            own = grids.get(node.code, [])
            share, gaps = coverage_of(node, own)
            communities.append(pb.CommunityCoverage(
                code=node.code, name=node.name, has_boundary=node.geojson is not None, area_m2=node.area_m2,
                covered_share=share,
                gaps=[pb.CoverageGap(area_m2=g.area_m2, point=geo_pb2.GeoPoint(latitude=g.latitude,
                                                                               longitude=g.longitude))
                      for g in gaps],
                grids_without_boundary=[g.code for g in own if g.geojson is None],
                grids_without_worker=[g.code for g in own if g.workers == 0]))
        return pb.GetCoverageResponse(communities=communities)

    async def GetBoundaryLayer(self, request: pb.GetBoundaryLayerRequest,
                               context: grpc.aio.ServicerContext) -> pb.GetBoundaryLayerResponse:
        prefix = check_prefix(request.jurisdiction_prefix)
        if not request.tolerance_m >= 0:  # also NaN
            raise InvalidArgument.field("tolerance_m", "must be 0 (whole shapes) or a positive number of metres")
        finest = convert.LEVELS.optional(request.finest_level, "finest_level")
        cache = self.layer_cache
        async with self.database.read() as session:
            store = BoundaryStore(session)
            # The revision is read before the shapes: shapes newer than it only cost one more reload.
            revision = await store.revision()
            if request.known_revision and request.known_revision == revision:
                return pb.GetBoundaryLayerResponse(revision=revision, unchanged=True)
            async with cache.lock:
                if not cache.holds(revision):
                    cache.load(revision, await store.subtree([""], ""))
        tolerance = band(request.tolerance_m)
        layer = await cache.layer(read_scopes(), prefix, tolerance, finest)
        return pb.GetBoundaryLayerResponse(geojson=layer.geojson, features=layer.features,
                                           tolerance_m=layer.tolerance_m, revision=revision)
