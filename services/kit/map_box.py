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

# Cells of the map for a table with many located rows: squares of CELL_DEGREES (about 280 m by 210 m in
# Beijing), numbered row by row from the south-west corner of the world. A small box is the few cells it
# touches, each one range of an index that leads with the cell, instead of a whole latitude band.
CELL_DEGREES = 0.0025
_CELL_COLUMNS = round(360 / CELL_DEGREES)
# A box touching more cells than this is read by its latitude band instead.
MAX_BOX_CELLS = 1024


def _cell_row(latitude: float) -> int:
    return min(int((latitude + 90) / CELL_DEGREES), round(180 / CELL_DEGREES) - 1)


def _cell_column(longitude: float) -> int:
    return min(int((longitude + 180) / CELL_DEGREES), _CELL_COLUMNS - 1)


def location_cell(latitude: float | None, longitude: float | None) -> int | None:
    """The cell of a location (None without one); cell_sql computes the same in the database."""
    if latitude is None or longitude is None:
        return None
    return _cell_row(latitude) * _CELL_COLUMNS + _cell_column(longitude)


def cell_sql(dialect: str, latitude: str = "latitude", longitude: str = "longitude") -> str:
    """location_cell in SQL, for a migration filling the stored rows (the coordinates are never negative
    after the shift, so SQLite's truncating cast is the floor PostgreSQL takes)."""
    def part(column: str, shift: int, top: int) -> str:
        value = (f"CAST(({column} + {shift}) / {CELL_DEGREES} AS INTEGER)" if dialect == "sqlite"
                 else f"CAST(floor(({column} + {shift}) / {CELL_DEGREES}) AS BIGINT)")
        return f"(CASE WHEN {value} > {top} THEN {top} ELSE {value} END)"
    return (f"{part(latitude, 90, round(180 / CELL_DEGREES) - 1)} * {_CELL_COLUMNS} + "
            f"{part(longitude, 180, _CELL_COLUMNS - 1)}")


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

    def cells(self) -> list[int] | None:
        """The cells the box touches, or None when they are more than MAX_BOX_CELLS."""
        rows = range(_cell_row(self.south), _cell_row(self.north) + 1)
        columns = range(_cell_column(self.west), _cell_column(self.east) + 1)
        if len(rows) * len(columns) > MAX_BOX_CELLS:
            return None
        return [row * _CELL_COLUMNS + column for row in rows for column in columns]

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
