"""Placing a point in its grid at the gateway, before a located write is authorised.

The gateway holds the registry's boundaries in a kit ``LocatorCache``: loaded at start from its last copy on disk,
then from the registry (GetBoundaryLayer as the gateway's locator, district-wide), and refreshed every
``refresh_seconds`` with the revision it holds, so an unchanged tree costs one small answer. A gateway that
cannot reach the registry keeps placing with its last copy; one with no copy places nothing (every point is
outside every grid) and says so in its log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridgov.common.v1 import actor_pb2
from services.kit.boundary_source import Metadata, registry_source
from services.kit.config import Env, data_dir
from services.kit.locator import Placement
from services.kit.locator_cache import LocatorCache

log = logging.getLogger(__name__)

PLACER_SUBJECT = "system:gateway-placer"
CACHE_FILE_NAME = "gateway-boundaries.json"


@dataclass(frozen=True)
class PlacementSettings:
    # The last boundaries seen, for a start while the registry is unreachable.
    cache_file: Path = Path("var") / CACHE_FILE_NAME
    # How often the registry is asked whether the boundaries changed.
    refresh_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: Env) -> PlacementSettings:
        return cls(
            cache_file=Path(env.text("GRIDGOV_BOUNDARY_CACHE_FILE", str(data_dir(env) / CACHE_FILE_NAME))),
            refresh_seconds=float(env.integer("GRIDGOV_BOUNDARY_REFRESH_SECONDS", 30, minimum=1)),
        )


class Placer:
    """The gateway's spatial index of the grids and the task that keeps it current."""

    def __init__(self, settings: PlacementSettings, stub: Any, metadata: Callable[[actor_pb2.Actor], Metadata]) -> None:
        actor = actor_pb2.Actor(subject=PLACER_SUBJECT, roles=[actor_pb2.RoleGrant(role="locator", scope="")],
                                read_scopes=[""])
        self.settings = settings
        self.cache = LocatorCache(settings.cache_file,
                                  registry_source(stub, lambda: metadata(actor), lambda: self.cache.revision))
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Loads the last copy and asks the registry; never stops the gateway (placing is one feature of many)."""
        try:
            await self.cache.start()
        except Exception:  # an unreadable copy, a broken snapshot: the next refresh tries again
            log.exception("placement: loading the boundaries failed")
        if self.cache.revision is None:
            log.warning("placement: no boundaries yet (registry unreachable, no copy in %s); points place nowhere "
                        "until the next refresh", self.settings.cache_file)
        self._task = asyncio.create_task(self._refresh_forever(), name="boundary-refresh")

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
            await asyncio.sleep(self.settings.refresh_seconds)
            try:
                await self.cache.refresh()
            except Exception:  # a bad snapshot keeps the index in use; the next refresh tries again
                log.exception("placement: refreshing the boundaries failed")
