"""The locator cache: refresh from a source, atomic swap, and the on-disk copy a cut-off service falls back on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from services.kit.errors import InvalidArgument
from services.kit.locator import NOWHERE, Placement
from services.kit.locator_cache import (
    Boundaries,
    Boundary,
    BoundaryCacheError,
    LocatorCache,
    SourceUnavailable,
)

GRID_A = "110108001001001"
GRID_B = "110108001001002"


def square(x: float, y: float) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}


class FakeSource:
    """Stands in for the registry: returns ``snapshot``, or raises SourceUnavailable when ``down``."""

    def __init__(self, snapshot: Boundaries) -> None:
        self.snapshot = snapshot
        self.down = False
        self.calls = 0

    async def __call__(self) -> Boundaries:
        self.calls += 1
        if self.down:
            raise SourceUnavailable("registry unreachable")
        return self.snapshot


FIRST = Boundaries(1, (Boundary(GRID_A, square(100, 30)),))
SECOND = Boundaries(2, (Boundary(GRID_A, square(100, 30)), Boundary(GRID_B, square(101, 30))))


def test_snapshot_json_round_trip() -> None:
    assert Boundaries.from_json(SECOND.to_json()) == SECOND


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"[]", "integer revision"),
        (b'{"revision": "1", "boundaries": []}', "integer revision"),
        (b'{"revision": 1}', "boundaries must be a list"),
        (b'{"revision": 1, "boundaries": [{"code": 1, "geometry": {}}]}', r"boundaries\[0\] must be an object"),
    ],
)
def test_snapshot_json_refuses_bad_documents(document: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Boundaries.from_json(document)


async def test_start_without_disk_copy_loads_from_the_source_and_saves(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "boundaries.json"
    cache = LocatorCache(path, FakeSource(FIRST))
    assert cache.revision is None
    assert cache.locate(100.5, 30.5) == NOWHERE
    await cache.start()
    assert cache.revision == 1
    assert cache.locate(100.5, 30.5) == Placement.of(GRID_A)
    assert Boundaries.from_json(path.read_bytes()) == FIRST
    assert not path.with_name("boundaries.json.tmp").exists()


async def test_a_service_cut_off_from_the_registry_keeps_its_disk_copy(tmp_path: Path) -> None:
    path = tmp_path / "boundaries.json"
    await LocatorCache(path, FakeSource(SECOND)).start()
    source = FakeSource(FIRST)
    source.down = True
    restarted = LocatorCache(path, source)
    await restarted.start()
    assert source.calls == 1
    assert restarted.revision == 2
    assert restarted.locate(101.5, 30.5) == Placement.of(GRID_B)
    assert await restarted.refresh() is False
    assert restarted.revision == 2


async def test_refresh_swaps_in_a_new_index_and_leaves_the_old_one_intact(tmp_path: Path) -> None:
    source = FakeSource(FIRST)
    cache = LocatorCache(tmp_path / "boundaries.json", source)
    await cache.start()
    before = cache.locator
    source.snapshot = SECOND
    assert await cache.refresh() is True
    assert cache.locator is not before
    assert cache.locate(101.5, 30.5) == Placement.of(GRID_B)
    # A reader holding the old index still sees one consistent, unchanged snapshot.
    assert before.locate(101.5, 30.5) == NOWHERE
    assert Boundaries.from_json((tmp_path / "boundaries.json").read_bytes()) == SECOND


async def test_refresh_with_the_same_revision_keeps_the_index(tmp_path: Path) -> None:
    cache = LocatorCache(tmp_path / "boundaries.json", FakeSource(FIRST))
    await cache.start()
    before = cache.locator
    assert await cache.refresh() is False
    assert cache.locator is before


async def test_a_bad_snapshot_is_refused_and_the_last_copy_stays(tmp_path: Path) -> None:
    path = tmp_path / "boundaries.json"
    source = FakeSource(FIRST)
    cache = LocatorCache(path, source)
    await cache.start()
    saved = path.read_bytes()
    source.snapshot = Boundaries(3, (Boundary(GRID_A, {"type": "Point", "coordinates": [100, 30]}),))
    with pytest.raises(InvalidArgument, match=r"boundaries\[0\]\.geometry"):
        await cache.refresh()
    assert cache.revision == 1
    assert cache.locate(100.5, 30.5) == Placement.of(GRID_A)
    assert path.read_bytes() == saved


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"revision": 1, "boundaries": [{"code": "110108001001001", "geometry": {"type": "Point"}}]}'],
)
async def test_an_unreadable_disk_copy_stops_the_start_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "boundaries.json"
    path.write_bytes(content)
    cache = LocatorCache(path, FakeSource(FIRST))
    with pytest.raises(BoundaryCacheError, match=str(path)):
        await cache.start()


async def test_concurrent_refreshes_build_a_revision_once(tmp_path: Path) -> None:
    release = asyncio.Event()

    class SlowSource(FakeSource):
        async def __call__(self) -> Boundaries:
            await release.wait()
            return await super().__call__()

    cache = LocatorCache(tmp_path / "boundaries.json", SlowSource(FIRST))
    first, second = asyncio.create_task(cache.refresh()), asyncio.create_task(cache.refresh())
    await asyncio.sleep(0)
    release.set()
    assert sorted(await asyncio.gather(first, second)) == [False, True]
    assert cache.revision == 1
