"""A box of the map as the services' point layers take it: checked once, named by its GraphQL field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import geo_pb2
from services.kit.errors import InvalidArgument
from services.kit.jurisdiction import scope_condition

Row = TypeVar("Row")

# The most points one answer carries: beyond it the caller is told to zoom in.
MAX_POINTS = 5000


@dataclass(frozen=True)
class Box:
    """west < east, south < north, in WGS 84 degrees; raises InvalidArgument naming ``box.<edge>``."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        problems = []
        for name, value, bound in (("west", self.west, 180), ("east", self.east, 180), ("south", self.south, 90),
                                   ("north", self.north, 90)):
            if not -bound <= value <= bound:  # NaN fails too
                problems.append((f"box.{name}", f"must be between {-bound} and {bound}, got {value}"))
        if not problems and self.west >= self.east:
            problems.append(("box.east", f"must be east of box.west ({self.west}), got {self.east}"))
        if not problems and self.south >= self.north:
            problems.append(("box.north", f"must be north of box.south ({self.south}), got {self.north}"))
        if problems:
            raise InvalidArgument.field(*problems[0])

    @classmethod
    def of(cls, message: geo_pb2.GeoBox, present: bool) -> Box:
        """The box of a request's ``box`` field (``present``: whether it was set)."""
        if not present:
            raise InvalidArgument.field("box", "is required")
        return cls(message.west, message.south, message.east, message.north)


def point_limit(limit: int) -> int:
    """A request's ``limit`` of points: 0 for the most, else 1 to MAX_POINTS; raises InvalidArgument naming it."""
    if limit == 0:
        return MAX_POINTS
    if not 1 <= limit <= MAX_POINTS:
        raise InvalidArgument.field("limit", f"must be between 1 and {MAX_POINTS}, got {limit}")
    return limit


async def rows_in_box(session: AsyncSession, model: type[Row], box: Box, limit: int,
                      scopes: Sequence[str]) -> tuple[list[Row], bool]:
    """The located rows of ``model`` (its jurisdiction_code, latitude, longitude and id columns) in ``scopes``
    inside ``box``, at most ``limit`` by id, and whether there are more."""
    table: Any = model
    query = (select(model).where(scope_condition(table.jurisdiction_code, scopes),
                                 table.latitude.between(box.south, box.north),
                                 table.longitude.between(box.west, box.east))
             .order_by(table.id).limit(limit + 1))
    rows = list(await session.scalars(query))
    return rows[:limit], len(rows) > limit
