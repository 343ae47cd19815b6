"""A survey ledger may leave a row's grid empty where it gives coordinates: the inspection service lands the row
in the grid they fall in from its own index of the registry's grids (real registry and inspection servers, fed
as in production); a disagreeing grid is kept and flagged, a row outside the caller's scope is refused."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from gridgov.inspection.v1 import inspection_pb2 as pb
from gridgov.registry.v1 import registry_pb2
from services.kit.database import Database
from tests.cases.test_graphql_landing import grid_code, inside
from tests.registry.conftest import ADMIN, build_tree
from tests.registry.test_boundaries import collection, nested_tree
from tests.support.actors import actor_metadata
from tests.support.services import RunningService, running_service

HEADER = ["污染源类型", "名称", "网格编码", "地址", "经度", "纬度", "责任单位", "油烟净化器"]
BUREAU = actor_metadata("bureau", (("environment_bureau", grid_code(1, 1)[:12]),))


@pytest.fixture
async def inspection(tmp_path: Path) -> AsyncIterator[RunningService]:
    registry_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    inspection_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'inspection.db'}")
    async with running_service("registry", registry_db) as registry:
        await build_tree(registry.stub)
        await registry.stub.ImportBoundaries(registry_pb2.ImportBoundariesRequest(
            content=collection(nested_tree()), format=registry_pb2.BOUNDARY_FORMAT_GEOJSON,
            source_crs=registry_pb2.SOURCE_CRS_WGS84), metadata=ADMIN)
        async with running_service("inspection", inspection_db, peers={"registry": registry.address},
                                   background=True) as svc:
            for _ in range(100):  # the background task loads the boundaries
                if svc.runtime.placer is not None and svc.runtime.placer.cache.revision is not None:
                    break
                await asyncio.sleep(0.05)
            assert svc.runtime.placer is not None and svc.runtime.placer.cache.revision is not None
            yield svc
    await registry_db.dispose()
    await inspection_db.dispose()


def ledger(*rows: tuple[str, tuple[float, float]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i, (code, (lon, lat)) in enumerate(rows):
        writer.writerow(["餐饮油烟", f"饭馆{i}", code, f"翠微路{i}号", lon, lat, "饭馆", "是"])
    return out.getvalue().encode("utf-8")


async def test_rows_land_in_their_grid_and_a_disagreeing_grid_is_flagged(inspection: RunningService) -> None:
    imported = await inspection.stub.ImportSources(pb.ImportSourcesRequest(
        format=pb.FILE_FORMAT_CSV, data=ledger(("", inside(1, 2)), (grid_code(1, 3), inside(1, 4)))),
        metadata=BUREAU)
    assert imported.imported == 2
    listed = await inspection.stub.ListSources(pb.ListSourcesRequest(), metadata=BUREAU)
    assert {s.name: (s.jurisdiction_code, s.located_grid) for s in listed.sources} == {
        "饭馆0": (grid_code(1, 2), ""), "饭馆1": (grid_code(1, 3), grid_code(1, 4))}


async def test_a_row_outside_the_scope_is_refused_and_nothing_is_stored(inspection: RunningService) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await inspection.stub.ImportSources(pb.ImportSourcesRequest(
            format=pb.FILE_FORMAT_CSV, data=ledger(("", inside(1, 2)), ("", inside(3, 1)))), metadata=BUREAU)
    assert grid_code(3, 1) in raised.value.details()
    assert not (await inspection.stub.ListSources(pb.ListSourcesRequest(), metadata=BUREAU)).sources
