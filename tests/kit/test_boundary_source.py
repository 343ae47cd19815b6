"""The registry as a locator's source: a layer's FeatureCollection read as a snapshot, an unchanged revision
answered without shapes, and every call failure a SourceUnavailable (the cache keeps its copy)."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.boundary_source import parse_layer, registry_source
from services.kit.locator_cache import SourceUnavailable

SQUARE = {"type": "Polygon", "coordinates": [[[116.3, 39.9], [116.4, 39.9], [116.4, 40.0], [116.3, 39.9]]]}


class FakeStub:
    def __init__(self, answer: pb.GetBoundaryLayerResponse | None = None, error: grpc.StatusCode | None = None):
        self.answer, self.error = answer, error
        self.asked: list[int] = []

    async def GetBoundaryLayer(self, request: pb.GetBoundaryLayerRequest, **_: Any) -> pb.GetBoundaryLayerResponse:
        self.asked.append(request.known_revision)
        if self.error is not None:
            raise grpc.aio.AioRpcError(self.error, grpc.aio.Metadata(), grpc.aio.Metadata(), "registry is down")
        assert self.answer is not None
        return self.answer


def test_a_layer_reads_as_a_snapshot_of_codes_and_geometries() -> None:
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "110108001"}, "geometry": SQUARE}]})
    snapshot = parse_layer(text, 7)
    assert snapshot.revision == 7 and [b.code for b in snapshot.boundaries] == ["110108001"]


@pytest.mark.parametrize("text", ['[]', '{"features": 3}', '{"features": [{"properties": {}, "geometry": {}}]}',
                                  '{"features": [{"properties": {"code": "1"}}]}'])
def test_a_layer_without_codes_or_geometries_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"FeatureCollection|features\[0\]"):
        parse_layer(text, 1)


async def test_the_source_sends_the_revision_held_and_passes_on_unchanged() -> None:
    stub = FakeStub(pb.GetBoundaryLayerResponse(revision=4, unchanged=True))
    fetch = registry_source(stub, lambda: (), lambda: 4)
    snapshot = await fetch()
    assert (snapshot.revision, snapshot.boundaries, stub.asked) == (4, (), [4])


@pytest.mark.parametrize("status", [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
                                    grpc.StatusCode.PERMISSION_DENIED])
async def test_every_call_failure_is_source_unavailable(status: grpc.StatusCode) -> None:
    fetch = registry_source(FakeStub(error=status), lambda: (), lambda: None)
    with pytest.raises(SourceUnavailable, match=status.name):
        await fetch()


async def test_a_broken_layer_is_source_unavailable() -> None:
    fetch = registry_source(FakeStub(pb.GetBoundaryLayerResponse(revision=2, geojson="[]")), lambda: (), lambda: 1)
    with pytest.raises(SourceUnavailable, match="FeatureCollection"):
        await fetch()
