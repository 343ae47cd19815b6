"""The current ``Locator`` of a service: fed by snapshots of the registry's boundaries, kept on disk as a fallback.

At start a service loads the last snapshot it saved (so a service that cannot reach the registry still places
points), then asks its source for a fresh one. A snapshot with a new revision is built into a new ``Locator``
first and swapped in as one reference assignment, so readers never see a half-built index; then it is written
to disk (to a temporary file renamed over the old one, so a crash never leaves a truncated cache).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from services.kit.locator import Locator, Placement

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Boundary:
    """One node's shape: its jurisdiction code and a GeoJSON Polygon or MultiPolygon in lon/lat."""

    code: str
    geometry: Mapping[str, Any]


@dataclass(frozen=True)
class Boundaries:
    """The registry's boundaries at one revision (the revision changes whenever any boundary does)."""

    revision: int
    boundaries: tuple[Boundary, ...]

    def to_json(self) -> bytes:
        return orjson.dumps({
            "revision": self.revision,
            "boundaries": [{"code": b.code, "geometry": b.geometry} for b in self.boundaries],
        })

    @classmethod
    def from_json(cls, data: bytes) -> Boundaries:
        """Raises ValueError saying what is wrong with the document."""
        document = orjson.loads(data)
        if not isinstance(document, dict) or type(document.get("revision")) is not int:
            raise ValueError("must be an object with an integer revision")
        items = document.get("boundaries")
        if not isinstance(items, list):
            raise ValueError("boundaries must be a list")
        boundaries = []
        for i, item in enumerate(items):
            if not (isinstance(item, dict) and isinstance(item.get("code"), str)
                    and isinstance(item.get("geometry"), dict)):
                raise ValueError(f"boundaries[{i}] must be an object with a string code and a geometry object")
            boundaries.append(Boundary(item["code"], item["geometry"]))
        return cls(document["revision"], tuple(boundaries))

    def locator(self) -> Locator:
        """The index of this snapshot; raises InvalidArgument naming the bad ``boundaries[i]``."""
        return Locator((b.code, b.geometry) for b in self.boundaries)


class SourceUnavailable(Exception):
    """Raised by a boundary source that cannot reach the registry; the cache keeps its last copy."""


class BoundaryCacheError(Exception):
    """The file cache on disk cannot be read as a snapshot."""


# The registry's boundaries now; raises SourceUnavailable when the registry cannot be reached.
BoundarySource = Callable[[], Awaitable[Boundaries]]


class LocatorCache:
    """Holds the current ``Locator``; ``start`` at service start, ``refresh`` when boundaries change."""

    def __init__(self, path: Path, source: BoundarySource) -> None:
        self._path = path
        self._source = source
        self._locator = Locator(())
        self._revision: int | None = None
        self._lock = asyncio.Lock()

    @property
    def locator(self) -> Locator:
        """The current index; hold on to it for a consistent view across several calls."""
        return self._locator

    @property
    def revision(self) -> int | None:
        """The revision of the snapshot in use, or None before any was loaded."""
        return self._revision

    def locate(self, longitude: float, latitude: float, *, field: str = "location") -> Placement:
        return self._locator.locate(longitude, latitude, field=field)

    async def start(self) -> None:
        """Loads the disk copy, if any, then refreshes from the source (keeping the disk copy if unreachable).

        Raises BoundaryCacheError when the disk copy is unreadable."""
        await asyncio.to_thread(self.load_disk)
        await self.refresh()

    def load_disk(self) -> bool:
        """Swaps in the snapshot saved on disk; False when there is none. Raises BoundaryCacheError."""
        try:
            data = self._path.read_bytes()
        except FileNotFoundError:
            return False
        try:
            snapshot = Boundaries.from_json(data)
            locator = snapshot.locator()
        except Exception as exc:  # a bad cache must stop the start with its path, whatever broke
            raise BoundaryCacheError(f"{self._path}: not a boundary snapshot ({exc})") from exc
        self._locator, self._revision = locator, snapshot.revision
        return True

    async def refresh(self) -> bool:
        """Asks the source for the boundaries and swaps in a new index if the revision changed.

        Returns False when nothing changed or the source is unreachable (the current index stays). Raises
        InvalidArgument when the snapshot holds a bad boundary; the current index and disk copy stay then too."""
        async with self._lock:
            try:
                snapshot = await self._source()
            except SourceUnavailable as exc:
                log.warning("boundaries: source unavailable, keeping revision %s: %s", self._revision, exc)
                return False
            if snapshot.revision == self._revision:
                return False
            locator = await asyncio.to_thread(snapshot.locator)
            self._locator, self._revision = locator, snapshot.revision
            await asyncio.to_thread(self._save, snapshot)
            return True

    def _save(self, snapshot: Boundaries) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_name(self._path.name + ".tmp")
        temporary.write_bytes(snapshot.to_json())
        os.replace(temporary, self._path)
