"""A place ledger may leave a row's grid empty where it gives coordinates: the fire service lands the row in the
grid they fall in from its own index of the registry's grids (real registry and fire servers, the fire service
fed by the registry as in production); a disagreeing grid is kept and flagged, a row outside the caller's scope
is refused naming the grid it falls in."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from gridgov.fire.v1 import fire_pb2
from gridgov.registry.v1 import registry_pb2
from services.kit.database import Database
from tests.cases.test_graphql_landing import grid_code, inside
from tests.registry.conftest import ADMIN, build_tree
from tests.registry.test_boundaries import collection, nested_tree
from tests.support.actors import actor_metadata
from tests.support.services import RunningService, running_service

HEADER = ["类型", "名称", "地址", "网格编码", "负责人", "负责人电话", "风险等级", "经度", "纬度"]


@pytest.fixture
async def fire(tmp_path: Path) -> AsyncIterator[RunningService]:
    registry_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    fire_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'fire.db'}")
    async with running_service("registry", registry_db) as registry:
        await build_tree(registry.stub)
        imported = await registry.stub.ImportBoundaries(registry_pb2.ImportBoundariesRequest(
            content=collection(nested_tree()), format=registry_pb2.BOUNDARY_FORMAT_GEOJSON,
            source_crs=registry_pb2.SOURCE_CRS_WGS84), metadata=ADMIN)
        assert imported.boundaries == 16
        async with running_service("fire", fire_db, peers={"registry": registry.address}, background=True) as svc:
            for _ in range(100):  # the background task loads the boundaries
                if svc.runtime.placer is not None and svc.runtime.placer.cache.revision is not None:
                    break
                await asyncio.sleep(0.05)
            assert svc.runtime.placer is not None and svc.runtime.placer.cache.revision is not None
            yield svc
    await registry_db.dispose()
    await fire_db.dispose()


def ledger(*rows: tuple[str, tuple[float, float]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i, (code, (lon, lat)) in enumerate(rows):
        writer.writerow(["小商店", f"商店{i}", f"万寿路{i}号", code, "张五", "13800000001", "低", lon, lat])
    return out.getvalue().encode("utf-8")


async def test_rows_land_in_their_grid_and_a_disagreeing_grid_is_flagged(fire: RunningService) -> None:
    community = actor_metadata("c1", (("community_staff", grid_code(1, 1)[:12]),))
    content = ledger(("", inside(1, 2)), (grid_code(1, 3), inside(1, 4)))
    imported = await fire.stub.ImportPlaces(fire_pb2.ImportPlacesRequest(
        content=content, format=fire_pb2.FILE_FORMAT_CSV), metadata=community)
    assert imported.imported == 2
    listed = await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(), metadata=community)
    landed = {p.name: (p.jurisdiction_code, p.located_grid) for p in listed.places}
    assert landed == {"商店0": (grid_code(1, 2), ""), "商店1": (grid_code(1, 3), grid_code(1, 4))}


async def test_a_row_outside_the_scope_is_refused_naming_its_grid_and_nothing_is_stored(
        fire: RunningService) -> None:
    community = actor_metadata("c1", (("community_staff", grid_code(1, 1)[:12]),))
    content = ledger(("", inside(1, 2)), ("", inside(3, 1)))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.ImportPlaces(fire_pb2.ImportPlacesRequest(content=content, format=fire_pb2.FILE_FORMAT_CSV),
                                     metadata=community)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert grid_code(3, 1) in raised.value.details()
    assert not (await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(), metadata=community)).places
