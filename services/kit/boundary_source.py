"""The registry's boundaries as a ``LocatorCache`` source: GetBoundaryLayer with the shapes whole, asked with
the revision already held, so an unchanged tree costs one small answer.

Every call failure (registry down, slow, refusing) is ``SourceUnavailable``: the cache keeps its last copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import orjson

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.locator_cache import Boundaries, Boundary, BoundarySource, SourceUnavailable

Metadata = tuple[tuple[str, str | bytes], ...]
# The whole district's shapes at once: a large tree is a few megabytes, well inside the message limit.
TIMEOUT = 20.0


def parse_layer(geojson: str, revision: int) -> Boundaries:
    """A snapshot of a GetBoundaryLayer FeatureCollection; raises ValueError saying what is wrong."""
    document = orjson.loads(geojson)
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise ValueError("the boundary layer is not a GeoJSON FeatureCollection")
    boundaries = []
    for i, feature in enumerate(features):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get("code") if isinstance(properties, dict) else None
        if not isinstance(code, str) or not isinstance(feature.get("geometry"), dict):
            raise ValueError(f"features[{i}] has no code or no geometry")
        boundaries.append(Boundary(code, feature["geometry"]))
    return Boundaries(revision, tuple(boundaries))


def registry_source(stub: Any, metadata: Callable[[], Metadata], held: Callable[[], int | None]) -> BoundarySource:
    """Asks the registry behind ``stub`` for every boundary (as the caller ``metadata`` signs), unless the revision
    ``held`` returns is still current: then the snapshot is that revision with no shapes, which the cache skips."""

    async def fetch() -> Boundaries:
        revision = held()
        try:
            answer = await stub.GetBoundaryLayer(
                pb.GetBoundaryLayerRequest(known_revision=revision or 0), metadata=metadata(), timeout=TIMEOUT)
        except grpc.aio.AioRpcError as error:
            raise SourceUnavailable(f"registry GetBoundaryLayer: {error.code().name} {error.details()}") from error
        if answer.unchanged:
            return Boundaries(answer.revision, ())
        try:
            return parse_layer(answer.geojson, answer.revision)
        except ValueError as error:
            raise SourceUnavailable(f"registry GetBoundaryLayer: {error}") from error

    return fetch
