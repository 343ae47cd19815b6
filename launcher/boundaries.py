"""`gridgov boundaries import|export`: jurisdiction boundary files to and from a running registry."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from services.kit.actor import ActorSigner
from services.kit.client import open_channel
from services.kit.tls import TLSConfig

CRS_NAMES = ("wgs84", "cgcs2000", "gcj02")
FORMATS_BY_SUFFIX = {".zip": "BOUNDARY_FORMAT_SHAPEFILE_ZIP", ".geojson": "BOUNDARY_FORMAT_GEOJSON",
                     ".json": "BOUNDARY_FORMAT_GEOJSON"}


def import_file(address: str, signer: ActorSigner, path: Path, *, crs: str, code_attribute: str,
                dry_run: bool, scope: str, tls: TLSConfig | None = None) -> int:
    """Imports one file; prints the report. Returns 0 when stored (or checked in a dry run), 1 when features were
    refused, 2 when the file cannot be sent."""
    from gridgov.registry.v1 import registry_pb2 as pb

    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        print(f"gridgov boundaries: {path.name}: expected a .geojson, .json or zipped Shapefile (.zip)",
              file=sys.stderr)
        return 2
    try:
        content = path.read_bytes()
    except OSError as error:
        print(f"gridgov boundaries: {error}", file=sys.stderr)
        return 2
    request = pb.ImportBoundariesRequest(content=content, format=pb.BoundaryFormat.Value(fmt),
                                         source_crs=pb.SourceCrs.Value(f"SOURCE_CRS_{crs.upper()}"),
                                         code_attribute=code_attribute, dry_run=dry_run)
    return asyncio.run(_import(address, signer, request, scope, tls))


async def _import(address: str, signer: ActorSigner, request: Any, scope: str, tls: TLSConfig | None) -> int:
    import grpc

    from gridgov.registry.v1 import registry_pb2_grpc

    dry_run = bool(request.dry_run)
    async with open_channel(address, deadline=300.0, tls=tls) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        try:
            report = await stub.ImportBoundaries(request, metadata=signer.system_metadata(read_scopes=(scope,)))
        except grpc.aio.AioRpcError as error:
            print(f"gridgov boundaries: {error.code().name}: {error.details()}", file=sys.stderr)
            return 2
    for problem in report.errors:
        print(f"feature {problem.feature} ({problem.code or 'no code'}): {problem.reason}")
    if report.errors:
        print(f"{len(report.errors)} problem(s); nothing stored")
        return 1
    verb = "would store" if dry_run else "stored"
    print(f"{verb} {report.boundaries} boundar{'y' if report.boundaries == 1 else 'ies'}")
    return 0


def export_file(address: str, signer: ActorSigner, output: Path | None, *, prefix: str, scope: str,
                tls: TLSConfig | None = None) -> int:
    """Writes a subtree's boundaries as GeoJSON to ``output`` (standard output when None)."""
    exported = asyncio.run(_export(address, signer, prefix, scope, tls))
    if exported is None:
        return 2
    geojson, features = exported
    if output is None:
        print(geojson)
    else:
        output.write_text(geojson, encoding="utf-8")
        print(f"wrote {features} feature(s) to {output}")
    return 0


async def _export(address: str, signer: ActorSigner, prefix: str, scope: str,
                  tls: TLSConfig | None) -> tuple[str, int] | None:
    import grpc

    from gridgov.registry.v1 import registry_pb2 as pb
    from gridgov.registry.v1 import registry_pb2_grpc

    async with open_channel(address, deadline=300.0, tls=tls) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        try:
            exported = await stub.ExportBoundaries(pb.ExportBoundariesRequest(jurisdiction_prefix=prefix),
                                                   metadata=signer.system_metadata(read_scopes=(scope,)))
        except grpc.aio.AioRpcError as error:
            print(f"gridgov boundaries: {error.code().name}: {error.details()}", file=sys.stderr)
            return None
    return exported.geojson, exported.features
