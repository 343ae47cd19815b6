"""A process's spatial index of the grids, kept current from the registry: the gateway's and each service's.

Loaded at start from its last copy on disk, then from the registry (GetBoundaryLayer, district-wide as a system
locator), and refreshed every ``refresh_seconds`` with the revision it holds, so an unchanged tree costs one
small answer. A process that cannot reach the registry keeps placing with its last copy; one with no copy places
nothing (every point is outside every grid) and says so in its log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gridgov.common.v1 import actor_pb2
from services.kit.boundary_source import Metadata, registry_source
from services.kit.locator import Placement
from services.kit.locator_cache import LocatorCache

log = logging.getLogger(__name__)


class Placer:
    """The spatial index of the grids and the task that keeps it current."""

    def __init__(self, cache_file: Path, refresh_seconds: float, stub: Any,
                 metadata: Callable[[actor_pb2.Actor], Metadata], subject: str) -> None:
        actor = actor_pb2.Actor(subject=subject, roles=[actor_pb2.RoleGrant(role="locator", scope="")],
                                read_scopes=[""])
        self.cache_file = cache_file
        self.refresh_seconds = refresh_seconds
        source = registry_source(stub, lambda: metadata(actor), lambda: self.cache.revision)
        self.cache = LocatorCache(cache_file, source)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Loads the copy on disk now, then asks the registry and keeps the boundaries current in a task of its
        own (``close`` stops it): a start never waits on the registry."""
        try:
            await asyncio.to_thread(self.cache.load_disk)
        except Exception:  # an unreadable copy: the registry's answer replaces it
            log.exception("placement: the copy on disk is unusable")
        self._task = asyncio.create_task(self.run(), name="boundary-refresh")

    async def run(self) -> None:
        """Loads the boundaries and keeps them current until cancelled: a service's background task."""
        await self._load()
        await self._refresh_forever()

    async def _load(self) -> None:
        """The last copy, then the registry; never stops the process (placing is one feature of many)."""
        try:
            await self.cache.start()
        except Exception:  # an unreadable copy, a broken snapshot: the next refresh tries again
            log.exception("placement: loading the boundaries failed")
        if self.cache.revision is None:
            log.warning("placement: no boundaries yet (registry unreachable, no copy in %s); points place nowhere "
                        "until the next refresh", self.cache_file)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def refresh(self) -> bool:
        return await self.cache.refresh()

    def place(self, longitude: float, latitude: float, *, field: str = "location") -> Placement:
        """The chain the point falls in (every level empty outside every shape); raises InvalidArgument naming
        ``field`` for coordinates out of range."""
        return self.cache.locate(longitude, latitude, field=field)

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            try:
                await self.cache.refresh()
            except Exception:  # a bad snapshot keeps the index in use; the next refresh tries again
                log.exception("placement: refreshing the boundaries failed")


def located_grid(runtime: Any) -> Callable[[float, float], str | None] | None:
    """The grid a point falls in, from a service runtime's index of the registry's grids; None without one."""
    placer: Placer | None = runtime.placer
    if placer is None:
        return None
    return lambda longitude, latitude: placer.place(longitude, latitude).grid
