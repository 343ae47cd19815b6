"""The in-memory spatial index: which district, street, community and grid a longitude/latitude falls in.

Built once from the boundaries of a jurisdiction tree (GeoJSON Polygon or MultiPolygon in lon/lat, CGCS2000 /
WGS 84) and never changed: when boundaries change, build a new ``Locator`` and swap the reference (see
``services.kit.locator_cache``), so a reader always sees one consistent index.

The rule for a point covered by several shapes (on a shared edge or vertex, or where shapes overlap): the
finest level wins (grid, then community, street, district), and within that level the lowest code wins. The
coarser levels of the answer are the prefixes of the winning code, so the answer is always a path of the tree;
the levels below the winner are empty. A point on a boundary counts as inside (``covers``, not ``contains``);
a point in a hole is not inside. A point no shape covers is an answer too: ``Placement()``, every level empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.errors import GEOSException

from services.kit import jurisdiction
from services.kit.errors import FieldViolation, InvalidArgument
from services.kit.geometry import area_m2 as planar_area_m2
from services.kit.jurisdiction import Level
from services.kit.validation import coordinate_problems

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Placement:
    """The chain a point falls in; any level may be empty (None)."""

    district: str | None = None
    street: str | None = None
    community: str | None = None
    grid: str | None = None

    @classmethod
    def of(cls, code: str) -> Placement:
        """The chain down to ``code``: its own level and every coarser level from its prefixes."""
        return cls(*(code[:level] if len(code) >= level else None for level in Level))

    @property
    def code(self) -> str | None:
        """The finest code of the chain, or None when the point is outside every shape."""
        return self.grid or self.community or self.street or self.district


NOWHERE = Placement()


def _document_problem(geometry: Mapping[str, Any]) -> str | None:
    """What is wrong with a GeoJSON geometry before parsing: its type, or an open or short ring."""
    kind = geometry.get("type") if isinstance(geometry, Mapping) else None
    if kind not in GEOMETRY_TYPES:
        return f"must be a GeoJSON Polygon or MultiPolygon, got {kind!r}"
    try:
        polygons = geometry["coordinates"] if kind == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                # GEOS would close an open ring silently; GeoJSON requires it closed, and so do we.
                if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                    return (f"malformed {kind}: the ring starting at {list(ring[0])} is not closed "
                            "or has under 4 positions")
    except (TypeError, IndexError, KeyError) as exc:
        return f"malformed {kind} coordinates ({exc!r})"
    return None


def _shape_problem(kind: str, shape: shapely.Geometry) -> str | None:
    """What is wrong with a parsed boundary: empty, out of the lon/lat range, or invalid (self-intersecting...)."""
    if shape.is_empty:
        return f"the {kind} is empty"
    west, south, east, north = shape.bounds
    if not (-180 <= west and east <= 180 and -90 <= south and north <= 90):
        return f"coordinates must be longitude, latitude within ±180, ±90 (bounds {shape.bounds})"
    if not shape.is_valid:
        return f"invalid {kind}: {shapely.is_valid_reason(shape)}"
    return None


def _shapes(items: list[tuple[str, Mapping[str, Any]]], field: str) -> list[shapely.Geometry]:
    """The shapely geometries of checked GeoJSON documents, parsed and validated in vectorised calls (the
    first bad one is then looked at alone for its message); raises InvalidArgument naming ``<field>[i].geometry``."""
    def refuse(i: int, problem: str) -> InvalidArgument:
        return InvalidArgument.field(f"{field}[{i}].geometry", f"{items[i][0]}: {problem}")

    try:
        shapes = shapely.from_geojson([orjson.dumps(geometry) for _, geometry in items])
    except (GEOSException, TypeError, orjson.JSONEncodeError):
        for i, (_, geometry) in enumerate(items):
            try:
                shapely.from_geojson(orjson.dumps(geometry))
            except (GEOSException, TypeError, orjson.JSONEncodeError) as exc:
                raise refuse(i, f"malformed {geometry['type']} coordinates ({exc})") from exc
        raise
    west, south, east, north = shapely.bounds(shapes).T
    # Written as `~(a <= x <= b)` so that NaN bounds (an empty shape) count as bad too.
    bad = ~((-180 <= west) & (east <= 180) & (-90 <= south) & (north <= 90)) | ~shapely.is_valid(shapes)
    failing = np.flatnonzero(bad)
    if len(failing):
        first = int(failing[0])
        raise refuse(first, _shape_problem(items[first][1]["type"], shapes[first]) or "unusable geometry")
    return list(shapes)


class Locator:
    """An immutable STRtree over the boundaries of one tree; ``locate`` answers a point's ``Placement``."""

    def __init__(self, boundaries: Iterable[tuple[str, Mapping[str, Any]]], *, field: str = "boundaries") -> None:
        """Raises InvalidArgument naming ``<field>[i].code`` or ``<field>[i].geometry`` for a bad boundary."""
        items: list[tuple[str, Mapping[str, Any]]] = []
        seen: set[str] = set()
        for i, (code, geometry) in enumerate(boundaries):
            problem = jurisdiction.problem(code)
            if problem is not None:
                raise InvalidArgument.field(f"{field}[{i}].code", f"{code!r} {problem}")
            if code in seen:
                raise InvalidArgument.field(f"{field}[{i}].code", f"{code} has more than one boundary")
            seen.add(code)
            problem = _document_problem(geometry)
            if problem is not None:
                raise InvalidArgument.field(f"{field}[{i}].geometry", f"{code}: {problem}")
            items.append((code, geometry))
        entries = list(zip((code for code, _ in items), _shapes(items, field), strict=True))
        # Ordered by the tie-break rule, so the winner among a point's hits is simply the smallest index.
        entries.sort(key=lambda entry: (-len(entry[0]), entry[0]))
        self._codes: tuple[str, ...] = tuple(code for code, _ in entries)
        # One slot past the end stands for "no hit", so batch answers index this list without a branch.
        self._answers: list[Placement] = [Placement.of(code) for code in self._codes] + [NOWHERE]
        shapes = [shape for _, shape in entries]
        # Prepared now rather than on first use, so a freshly swapped-in index answers at full speed at once.
        shapely.prepare(shapes)
        self._tree = shapely.STRtree(shapes)
        self._index = {code: i for i, code in enumerate(self._codes)}
        self._areas: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._codes)

    def area_m2(self, code: str) -> float | None:
        """The area of ``code``'s boundary in m² (on an equal-area projection), or None when it has none;
        computed on first use and kept, since the index never changes."""
        index = self._index.get(code)
        if index is None:
            return None
        area = self._areas.get(code)
        if area is None:
            area = self._areas[code] = planar_area_m2(self._tree.geometries[index])
        return area

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes that have a boundary, in tie-break order (finest level first, then by code)."""
        return self._codes

    def locate(self, longitude: float, latitude: float, *, field: str = "location") -> Placement:
        """The chain the point falls in; raises InvalidArgument naming ``<field>.longitude``/``.latitude``."""
        # The hot path of every report and import, written for speed: the range checked inline (NaN fails
        # too), and the point made and queried as a one-element array, which costs about half of what
        # shapely.Point and a scalar query do; the hits come back as a (point, shape) pair of index rows.
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            raise InvalidArgument(coordinate_problems(latitude, longitude, field))
        point = shapely.points(np.array(((longitude, latitude),), dtype=np.float64))
        hits = self._tree.query(point, predicate="intersects")[1].tolist()
        return self._answers[min(hits)] if hits else NOWHERE

    def locate_many(self, points: Sequence[tuple[float, float]], *, field: str = "points") -> list[Placement]:
        """The chain of each (longitude, latitude), in order, from one vectorised query.

        Raises InvalidArgument naming ``<field>[i].longitude``/``.latitude`` for every point out of range."""
        if len(points) == 0:
            return []
        coords = np.asarray(points, dtype=np.float64)
        if coords.ndim != 2 or coords.shape[1] != 2:
            raise InvalidArgument.field(field, "must be a list of (longitude, latitude) pairs")
        longitude, latitude = coords[:, 0], coords[:, 1]
        # Written as `~(a <= x <= b)` so that NaN is out of range too.
        bad = ~((-180 <= longitude) & (longitude <= 180) & (-90 <= latitude) & (latitude <= 90))
        if bad.any():
            violations: list[FieldViolation] = []
            for i in np.flatnonzero(bad).tolist():
                violations += coordinate_problems(float(latitude[i]), float(longitude[i]), f"{field}[{i}]")
            raise InvalidArgument(violations)
        point_index, shape_index = self._tree.query(shapely.points(coords), predicate="intersects")
        best = np.full(len(coords), len(self._codes), dtype=np.intp)
        np.minimum.at(best, point_index, shape_index)
        answers = self._answers
        return [answers[i] for i in best.tolist()]
