"""The map's boundary layer: a subtree's shapes simplified to a tolerance, cached per boundary revision.

Simplifying is the costly part, so it happens once per revision and tolerance band, for the whole tree, and a
request only picks its nodes and joins their prepared text. Each level is simplified as one coverage
(``shapely.coverage_simplify``, in metres on an equal-area projection), so an edge two grids share stays one
edge on the map, with no slivers or gaps between neighbours. Coordinates are rounded to 1e-6° (about 0.1 m).
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy
import shapely

from services.kit import geometry
from services.kit.jurisdiction import within_any
from services.registry import domain
from services.registry.boundary_store import BoundaryNode, shape_of

MAX_TOLERANCE_M = 4096.0
DECIMALS = 6
LEVEL_ORDER = (domain.JurisdictionLevel.DISTRICT, domain.JurisdictionLevel.STREET,
               domain.JurisdictionLevel.COMMUNITY, domain.JurisdictionLevel.GRID)


def band(tolerance_m: float) -> float:
    """The tolerance actually applied: 0 (whole shapes) for 0, else the power of two at or below it, 1–4,096 m."""
    if tolerance_m <= 0:
        return 0.0
    return float(2 ** min(max(math.floor(math.log2(tolerance_m)), 0), int(math.log2(MAX_TOLERANCE_M))))


@dataclass(frozen=True)
class LayerNode:
    code: str
    name: str
    level: domain.JurisdictionLevel
    parent_code: str | None
    geojson: str
    area_m2: float

    def properties(self) -> str:
        return json.dumps({"code": self.code, "name": self.name, "level": self.level.value,
                           "parent_code": self.parent_code or "", "area_m2": round(self.area_m2, 1)},
                          ensure_ascii=False)


@dataclass(frozen=True)
class Layer:
    geojson: str
    features: int
    tolerance_m: float


def _rounded(shape: Any) -> str:
    return str(shapely.to_geojson(shapely.transform(shape, lambda xy: numpy.round(xy, DECIMALS))))


def simplify(nodes: Sequence[LayerNode], tolerance_m: float) -> dict[str, str]:
    """Each node's geometry text simplified to ``tolerance_m``, level by level as one coverage."""
    simplified: dict[str, str] = {}
    for level in LEVEL_ORDER:
        own = [n for n in nodes if n.level is level]
        if not own:
            continue
        planar = [geometry.to_planar(shape_of(n.geojson)) for n in own]
        try:
            shapes = shapely.coverage_simplify(planar, tolerance_m)
        except shapely.errors.GEOSException:  # not a coverage GEOS can follow: simplify each on its own
            shapes = [shapely.simplify(p, tolerance_m, preserve_topology=True) for p in planar]
        for node, shape, original in zip(own, shapes, planar, strict=True):
            if shape is None or shape.is_empty:  # simplified away: a shape smaller than the tolerance keeps itself
                shape = original
            simplified[node.code] = _rounded(geometry.to_lonlat(shape))
    return simplified


@dataclass
class LayerCache:
    """The tree's shapes at one revision and their simplifications by band; one per registry process."""

    revision: int | None = None
    nodes: tuple[LayerNode, ...] = ()
    bands: dict[float, dict[str, str]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def holds(self, revision: int) -> bool:
        return self.revision == revision

    def load(self, revision: int, nodes: Sequence[BoundaryNode]) -> None:
        self.revision = revision
        self.nodes = tuple(LayerNode(n.code, n.name, n.level, n.parent_code, n.geojson, n.area_m2)
                           for n in nodes if n.geojson)
        self.bands = {}

    async def texts(self, tolerance_m: float) -> dict[str, str] | None:
        """Geometry text by code at the band (None for whole shapes), simplified on first use."""
        if tolerance_m == 0:
            return None
        if tolerance_m not in self.bands:
            nodes = self.nodes
            texts = await asyncio.to_thread(simplify, nodes, tolerance_m)
            if nodes is self.nodes:  # not reloaded meanwhile
                self.bands[tolerance_m] = texts
            return texts
        return self.bands[tolerance_m]

    async def layer(self, scopes: Sequence[str], prefix: str, tolerance_m: float,
                    finest: domain.JurisdictionLevel | None) -> Layer:
        nodes = self.nodes
        texts = await self.texts(tolerance_m)
        deepest = LEVEL_ORDER.index(finest) if finest else len(LEVEL_ORDER) - 1
        features = []
        for node in nodes:
            if (not node.code.startswith(prefix) or LEVEL_ORDER.index(node.level) > deepest
                    or not within_any(node.code, scopes)):
                continue
            shape = node.geojson if texts is None else texts.get(node.code, node.geojson)
            features.append(f'{{"type":"Feature","properties":{node.properties()},"geometry":{shape}}}')
        return Layer('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}",
                     len(features), tolerance_m)
