"""Queries and writes of jurisdiction boundaries: the shapes near an import, storing them, a subtree's shapes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit import geometry
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.registry import domain
from services.registry.boundaries import PlannedBoundary
from services.registry.models import BoundaryRevision, GridWorker, JurisdictionNode

CHUNK = 500  # codes per IN list, well under either database's limit on bound parameters


def _chunks(codes: Iterable[str]) -> list[list[str]]:
    ordered = sorted(set(codes))
    return [ordered[i:i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def shape_of(text: str) -> Any:
    """A stored boundary as a shapely geometry (it was checked when imported)."""
    import shapely.geometry

    return shapely.geometry.shape(json.loads(text))


@dataclass(frozen=True)
class BoundaryNode:
    """A node of a subtree with its boundary, for export and coverage."""

    code: str
    name: str
    level: domain.JurisdictionLevel
    parent_code: str | None
    geojson: str | None
    area_m2: float
    workers: int


class BoundaryStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def near(self, codes: Iterable[str]) -> tuple[dict[str, str | None], dict[str, Any]]:
        """The nodes among ``codes`` with their parents, siblings and children (code -> parent code), and the
        stored boundaries of all of them."""
        codes = set(codes)
        parents: dict[str, str | None] = {}
        for chunk in _chunks(codes):
            rows = await self.session.execute(select(JurisdictionNode.code, JurisdictionNode.parent_code)
                                              .where(JurisdictionNode.code.in_(chunk)))
            parents.update({code: parent for code, parent in rows.all()})
        above = {p for p in parents.values() if p is not None}
        stored: dict[str, Any] = {}
        wanted = [JurisdictionNode.code, JurisdictionNode.parent_code, JurisdictionNode.boundary]
        conditions = [*(JurisdictionNode.code.in_(c) for c in _chunks(above)),
                      *(JurisdictionNode.parent_code.in_(c) for c in _chunks(above | set(parents)))]
        if any(p is None for p in parents.values()):
            conditions.append(JurisdictionNode.parent_code.is_(None))  # the other districts
        for condition in conditions:
            for code, parent, boundary in (await self.session.execute(select(*wanted).where(condition))).all():
                parents[code] = parent
                if boundary:
                    stored[code] = shape_of(boundary)
        for chunk in _chunks(set(parents) - set(stored)):
            rows = await self.session.execute(select(JurisdictionNode.code, JurisdictionNode.boundary)
                                              .where(JurisdictionNode.code.in_(chunk),
                                                     JurisdictionNode.boundary.is_not(None)))
            stored.update({code: shape_of(text) for code, text in rows.all()})
        return parents, stored

    async def store(self, planned: Sequence[PlannedBoundary]) -> None:
        for plan in planned:
            min_lon, min_lat, max_lon, max_lat = plan.bbox
            await self.session.execute(update(JurisdictionNode).where(JurisdictionNode.code == plan.code).values(
                boundary=plan.geojson, area_m2=plan.area_m2, min_longitude=min_lon, min_latitude=min_lat,
                max_longitude=max_lon, max_latitude=max_lat))
        if planned:
            await self._raise_revision()
        await self.session.flush()

    async def revision(self) -> int:
        """The boundary revision (0 when no row was ever written, e.g. a schema made without migrations)."""
        value = await self.session.scalar(select(BoundaryRevision.revision).where(BoundaryRevision.id == 1))
        return value or 0

    async def _raise_revision(self) -> None:
        # The UPDATE takes the row's lock, so two imports committing at once raise it twice, never once.
        result = await self.session.execute(update(BoundaryRevision).where(BoundaryRevision.id == 1)
                                            .values(revision=BoundaryRevision.revision + 1))
        if cast(CursorResult[Any], result).rowcount == 0:
            self.session.add(BoundaryRevision(id=1, revision=2))

    async def subtree(self, scopes: Sequence[str], prefix: str, *,
                      levels: Sequence[domain.JurisdictionLevel] = ()) -> list[BoundaryNode]:
        """The nodes under ``prefix`` in ``scopes`` (of ``levels``, if given) by code, with boundary and the
        count of workers of each grid."""
        workers = (select(GridWorker.grid_code, func.count().label("workers"))
                   .group_by(GridWorker.grid_code).subquery())
        query = (select(JurisdictionNode.code, JurisdictionNode.name, JurisdictionNode.level,
                        JurisdictionNode.parent_code, JurisdictionNode.boundary, JurisdictionNode.area_m2,
                        workers.c.workers)
                 .outerjoin(workers, workers.c.grid_code == JurisdictionNode.code)
                 .where(scope_condition(JurisdictionNode.code, scopes), prefix_condition(JurisdictionNode.code, prefix))
                 .order_by(JurisdictionNode.code))
        if levels:
            query = query.where(or_(*(JurisdictionNode.level == level for level in levels)))
        rows = (await self.session.execute(query)).all()
        return [BoundaryNode(code, name, level, parent, boundary, area or 0.0, count or 0)
                for code, name, level, parent, boundary, area, count in rows]


def coverage_of(community: BoundaryNode, grids: Sequence[BoundaryNode]) -> tuple[float, tuple[geometry.Fault, ...]]:
    """The share of a community its grids' boundaries cover, and the gaps."""
    if community.geojson is None:
        return 0.0, ()
    report = geometry.coverage(shape_of(community.geojson), [shape_of(g.geojson) for g in grids if g.geojson])
    return report.share, report.gaps
