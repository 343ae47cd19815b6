"""The registry's boundary part of the gateway schema: importing boundary files, exporting a subtree's
boundaries, the grid coverage of its communities, and the boundary layer the map draws."""

from __future__ import annotations

import math
from enum import Enum

import strawberry
from strawberry.types import Info

from gateway.connection import CountedConnection, check_first, listed
from gateway.context import Resource
from gateway.errors import GraphQLNames
from gateway.plugin_types import IdempotencyKey, ProtoEnums, checked_key, decode_base64, invalid
from gridgov.registry.v1 import registry_pb2 as pb
from services.registry.graphql_calls import SERVICE, context
from services.registry.graphql_types import PROTO_ENUMS, JurisdictionLevel

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


MAX_ZOOM = 22
# Web Mercator's ground size of a 256-pixel tile's pixel at zoom 0 on the equator, in metres; a zoom's tolerance
# is one pixel at latitude 35°, the middle of China's span.
EQUATOR_PIXEL_M = 156_543.034
PIXEL_LATITUDE = 35.0


def zoom_tolerance(zoom: int) -> float:
    """The simplification tolerance of a zoom level: one screen pixel, in metres."""
    return EQUATOR_PIXEL_M * math.cos(math.radians(PIXEL_LATITUDE)) / 2 ** zoom


def zoom_finest_level(zoom: int) -> str:
    """The finest level worth drawing at a zoom: streets to 11, communities to 14 (a 100 m grid is under 14
    pixels there), grids from 15."""
    return "STREET" if zoom <= 11 else "COMMUNITY" if zoom <= 14 else "GRID"


@strawberry.type(description="A subtree's boundaries for the map, as a GeoJSON FeatureCollection whose features' "
                             "properties hold code, name, level, parent_code and area_m2.")
class BoundaryLayer:
    geojson: str
    features: int
    tolerance_m: float = strawberry.field(description="The simplification applied, in metres (0: whole shapes).")
    revision: str = strawberry.field(description="The boundary revision: it changes whenever any boundary does.")


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

    @strawberry.field(description="The boundaries of a subtree in the caller's scope for the map. With zoom, "
                                  "simplified to one screen pixel and drawn down to the level worth drawing there "
                                  "(streets to zoom 11, communities to 14, grids from 15); with toleranceM, "
                                  "simplified to that many metres (rounded down to a power of two); with neither, "
                                  "the whole shapes. finestLevel overrides the level. Neighbours keep their shared "
                                  "edges when simplified.")
    async def boundary_layer(self, info: Info, jurisdiction_prefix: str = "", zoom: int | None = None,
                             tolerance_m: float | None = None,
                             finest_level: JurisdictionLevel | None = None,  # type: ignore[valid-type]
                             ) -> BoundaryLayer:
        if zoom is not None and tolerance_m is not None:
            raise invalid("toleranceM", "give zoom or toleranceM, not both")
        if zoom is not None and not 0 <= zoom <= MAX_ZOOM:
            raise invalid("zoom", f"must be between 0 and {MAX_ZOOM}, got {zoom}")
        if tolerance_m is not None and not (math.isfinite(tolerance_m) and tolerance_m >= 0):
            raise invalid("toleranceM", "must be 0 (whole shapes) or a positive number of metres")
        level = PROTO_ENUMS.to_proto(finest_level)
        if zoom is not None and finest_level is None:
            level = pb.JurisdictionLevel.Value(f"JURISDICTION_LEVEL_{zoom_finest_level(zoom)}")
        ctx = context(info)
        decision = await ctx.authorize("boundary.layer", Resource("boundary"))
        drawn = await ctx.call(SERVICE, "GetBoundaryLayer", pb.GetBoundaryLayerRequest(
            jurisdiction_prefix=jurisdiction_prefix, finest_level=level,
            tolerance_m=zoom_tolerance(zoom) if zoom is not None else tolerance_m or 0.0), decision, timeout=60)
        return BoundaryLayer(geojson=drawn.geojson, features=drawn.features, tolerance_m=drawn.tolerance_m,
                             revision=str(drawn.revision))

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
