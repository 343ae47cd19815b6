"""The registry's boundary part of the gateway schema: importing boundary files, exporting a subtree's
boundaries, and the grid coverage of its communities."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from gateway.connection import CountedConnection, check_first, listed
from gateway.context import Resource
from gateway.errors import GraphQLNames
from gateway.plugin_types import IdempotencyKey, ProtoEnums, checked_key, decode_base64
from gridgov.registry.v1 import registry_pb2 as pb
from services.registry.graphql_calls import SERVICE, context

# The service's names of an import's arguments, as the client sent them.
IMPORT_NAMES = GraphQLNames({"": "input", "file": "input.contentBase64"})


@strawberry.enum(description="The file format of a boundary import.")
class BoundaryFileFormat(Enum):
    GEOJSON = "geojson"
    SHAPEFILE_ZIP = "shapefile_zip"


@strawberry.enum(description="The coordinate system of an imported file; GCJ02 (consumer web maps) is converted.")
class SourceCrs(Enum):
    WGS84 = "wgs84"
    CGCS2000 = "cgcs2000"
    GCJ02 = "gcj02"


ENUMS = ProtoEnums({BoundaryFileFormat: (pb.BoundaryFormat, "BOUNDARY_FORMAT"),
                    SourceCrs: (pb.SourceCrs, "SOURCE_CRS")})


@strawberry.input(description="The arguments of importBoundaries.")
class ImportBoundariesInput:
    content_base64: str
    format: BoundaryFileFormat
    source_crs: SourceCrs
    code_attribute: str = strawberry.field(default="code", description="The property holding each feature's "
                                                                       "jurisdiction code.")
    dry_run: bool = False


@strawberry.type(description="One bad feature of an imported boundary file.")
class BoundaryFeatureError:
    feature: int = strawberry.field(description="Position of the feature in the file, from 1.")
    code: str
    reason: str


@strawberry.type(description="What a boundary import did; when errors is not empty, nothing was stored.")
class BoundaryImportReport:
    errors: list[BoundaryFeatureError]
    boundaries: int
    nothing_stored: bool


@strawberry.type(description="A subtree's boundaries as a GeoJSON FeatureCollection.")
class BoundaryExport:
    geojson: str
    features: int


@strawberry.type(description="A point of the map, WGS 84.")
class CoverageGapPoint:
    longitude: float
    latitude: float


@strawberry.type(description="An area of a community that no grid covers.")
class CoverageGap:
    area_m2: float
    point: CoverageGapPoint


@strawberry.type(description="How far one community is covered by its grids.")
class CommunityCoverage:
    code: str
    name: str
    has_boundary: bool
    area_m2: float
    covered_share: float = strawberry.field(description="Share of the community's area its grids cover, 0 to 1.")
    gaps: list[CoverageGap] = strawberry.field(description="Areas of at least 1 m² no grid covers, largest first.")
    grids_without_boundary: list[str]
    grids_without_worker: list[str]


@strawberry.type(description="The coverage of each community, by code.")
class CommunityCoverageConnection(CountedConnection[CommunityCoverage]):
    pass


@strawberry.type
class BoundaryQuery:
    @strawberry.field(description="The boundaries of a subtree in the caller's scope, as GeoJSON.")
    async def boundary_export(self, info: Info, jurisdiction_prefix: str = "") -> BoundaryExport:
        ctx = context(info)
        decision = await ctx.authorize("boundary.export", Resource("boundary"))
        exported = await ctx.call(SERVICE, "ExportBoundaries", pb.ExportBoundariesRequest(
            jurisdiction_prefix=jurisdiction_prefix), decision, timeout=60)
        return BoundaryExport(geojson=exported.geojson, features=exported.features)

    @strawberry.field(description="How far each community of a subtree is covered by its grids: the share of its "
                                  "area, the gaps, grids without a boundary or a worker.")
    async def jurisdiction_coverage(self, info: Info, jurisdiction_prefix: str = "", first: int = 50,
                                    after: str | None = None) -> CommunityCoverageConnection:
        check_first(first)
        ctx = context(info)
        decision = await ctx.authorize("boundary.report", Resource("boundary"))
        report = await ctx.call(SERVICE, "GetCoverage", pb.GetCoverageRequest(
            jurisdiction_prefix=jurisdiction_prefix), decision, timeout=60)
        rows = [CommunityCoverage(
            code=c.code, name=c.name, has_boundary=c.has_boundary, area_m2=c.area_m2, covered_share=c.covered_share,
            gaps=[CoverageGap(area_m2=g.area_m2, point=CoverageGapPoint(longitude=g.point.longitude,
                                                                        latitude=g.point.latitude)) for g in c.gaps],
            grids_without_boundary=list(c.grids_without_boundary), grids_without_worker=list(c.grids_without_worker))
            for c in report.communities]
        return listed(CommunityCoverageConnection, rows, first, after)


@strawberry.type
class BoundaryMutation:
    @strawberry.mutation(description="Imports jurisdiction boundaries from a GeoJSON or zipped Shapefile (base64); "
                                     "nothing is stored unless every feature is valid and nests in the tree.")
    async def import_boundaries(self, info: Info, input: ImportBoundariesInput,
                                idempotency_key: IdempotencyKey = None) -> BoundaryImportReport:
        content = decode_base64(input.content_base64, "input.contentBase64")
        ctx = context(info)
        decision = await ctx.authorize("boundary.import", Resource("boundary"))
        report = await ctx.call(SERVICE, "ImportBoundaries", pb.ImportBoundariesRequest(
            content=content, format=ENUMS.to_proto(input.format), source_crs=ENUMS.to_proto(input.source_crs),
            code_attribute=input.code_attribute, dry_run=input.dry_run, idempotency_key=checked_key(idempotency_key)),
            decision, timeout=120, names=IMPORT_NAMES)
        return BoundaryImportReport(
            errors=[BoundaryFeatureError(feature=e.feature, code=e.code, reason=e.reason) for e in report.errors],
            boundaries=report.boundaries, nothing_stored=report.nothing_stored)
