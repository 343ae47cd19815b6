"""Jurisdiction boundaries as geometry: checking GeoJSON polygons, GCJ-02 conversion, areas in m², nesting and
overlap within a tolerance in metres, gaps in a coverage."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

MAX_VERTICES = 100_000
# Where China's territory lies: coordinates inside these boxes with the axes exchanged are a swapped file.
CHINA_LONGITUDES = (73.0, 135.5)
CHINA_LATITUDES = (18.0, 54.0)
# An Albers equal-area projection for China (standard parallels 25° and 47° N, central meridian 105° E):
# areas are exact on it; distances, and so tolerances, are within about 2% across the country.
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
_REASON = re.compile(r"^(?P<what>[^\[]+)\[(?P<x>[-0-9.eE+]+) (?P<y>[-0-9.eE+]+)\]$")


class Crs(StrEnum):
    """The coordinate system boundaries come in; all are stored as WGS 84 (CGCS2000 matches it within cm)."""

    WGS84 = "wgs84"
    CGCS2000 = "cgcs2000"
    GCJ02 = "gcj02"


class GeometryProblem(ValueError):
    """A boundary that cannot be stored; ``reason`` says why in words a person who drew it can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fault:
    """A place where a topology rule is broken (or a gap): its area in m² and a point inside it (lon, lat)."""

    area_m2: float
    longitude: float
    latitude: float


def parse_boundary(geometry: object, *, crs: Crs = Crs.WGS84, max_vertices: int = MAX_VERTICES) -> Any:
    """A GeoJSON Polygon or MultiPolygon (a mapping) as a valid shapely geometry in WGS 84 longitude/latitude.

    Raises GeometryProblem: not a (multi)polygon, malformed or unclosed rings, fewer than 4 positions,
    coordinates out of range or latitude-first, more than ``max_vertices`` positions, self-intersection (with
    the coordinates of the fault).
    """
    if not isinstance(geometry, Mapping):
        raise GeometryProblem("geometry must be a GeoJSON object")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [_rings(coordinates, "polygon")]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list | tuple) or not coordinates:
            raise GeometryProblem("a MultiPolygon needs a non-empty list of polygons")
        polygons = [_rings(p, f"polygon {i}") for i, p in enumerate(coordinates, start=1)]
    else:
        raise GeometryProblem(f"geometry type must be Polygon or MultiPolygon, not {kind!r}")
    vertices = sum(len(ring) for rings in polygons for ring in rings)
    if vertices > max_vertices:
        raise GeometryProblem(f"has {vertices} vertices; at most {max_vertices} are accepted per feature "
                              "(simplify it first)")
    _check_ranges(polygons)
    if crs is Crs.GCJ02:
        polygons = [[[gcj02_to_wgs84(lon, lat) for lon, lat in ring] for ring in rings] for rings in polygons]
    shapes = [Polygon(rings[0], rings[1:]) for rings in polygons]
    shape = shapes[0] if kind == "Polygon" else MultiPolygon(shapes)
    if not shape.is_valid:
        raise GeometryProblem(_validity_reason(shape))
    if shape.area == 0:
        raise GeometryProblem("encloses no area")
    return shape


def _rings(polygon: object, label: str) -> list[list[tuple[float, float]]]:
    if not isinstance(polygon, list | tuple) or not polygon:
        raise GeometryProblem(f"{label} needs a non-empty list of rings")
    rings = []
    for r, ring in enumerate(polygon, start=1):
        where = f"{label}, ring {r}" if len(polygon) > 1 or label != "polygon" else "ring"
        if not isinstance(ring, list | tuple):
            raise GeometryProblem(f"{where} must be a list of positions")
        positions = []
        for position in ring:
            if (not isinstance(position, list | tuple) or len(position) < 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
                    or not all(math.isfinite(v) for v in position[:2])):
                raise GeometryProblem(f"{where} has a position that is not [longitude, latitude]: {position!r}")
            positions.append((float(position[0]), float(position[1])))
        if len(positions) < 4:
            raise GeometryProblem(f"{where} has {len(positions)} positions; a closed ring needs at least 4")
        if positions[0] != positions[-1]:
            raise GeometryProblem(f"{where} is not closed: it starts at {_at(*positions[0])} and ends at "
                                  f"{_at(*positions[-1])}")
        rings.append(positions)
    return rings


def _check_ranges(polygons: Sequence[Sequence[Sequence[tuple[float, float]]]]) -> None:
    positions = [p for rings in polygons for ring in rings for p in ring]
    if all(CHINA_LATITUDES[0] <= lon <= CHINA_LATITUDES[1] and CHINA_LONGITUDES[0] <= lat <= CHINA_LONGITUDES[1]
           for lon, lat in positions):
        lon, lat = positions[0]
        raise GeometryProblem(f"coordinates look swapped (latitude first): {lon}, {lat} would lie in China as "
                              f"longitude {lat}, latitude {lon}; GeoJSON puts longitude first")
    for lon, lat in positions:
        if not -180 <= lon <= 180 or not -90 <= lat <= 90:
            raise GeometryProblem(f"coordinate {lon}, {lat} is out of range (longitude -180..180, "
                                  "latitude -90..90)")


def _validity_reason(shape: Any) -> str:
    reason = shapely.is_valid_reason(shape)
    match = _REASON.match(reason)
    if not match:
        return f"invalid geometry: {reason}"
    return f"{match['what'].strip().lower()} at {_at(float(match['x']), float(match['y']))}"


def _at(lon: float, lat: float) -> str:
    return f"longitude {lon:.7f}, latitude {lat:.7f}"


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 to WGS 84 through the coordTransform library, refined by fixed-point iteration to well under a
    centimetre (the library's inverse alone is off by up to about 2 m). Outside China both are the same."""
    import coordTransform

    wgs_lon, wgs_lat = coordTransform.gcj02_to_wgs84(lon, lat)
    for _ in range(3):
        back_lon, back_lat = coordTransform.wgs84_to_gcj02(wgs_lon, wgs_lat)
        wgs_lon, wgs_lat = wgs_lon + (lon - back_lon), wgs_lat + (lat - back_lat)
    return float(wgs_lon), float(wgs_lat)


@cache
def _transformers() -> tuple[Any, Any]:
    from pyproj import Transformer

    forward = Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)
    return forward, Transformer.from_crs(CHINA_ALBERS, "EPSG:4326", always_xy=True)


def to_planar(shape: Any) -> Any:
    """The geometry on China's Albers equal-area projection, in metres."""
    forward, _ = _transformers()
    return shapely.transform(shape, lambda xy: _stack(forward.transform(xy[:, 0], xy[:, 1])))


def to_lonlat(shape: Any) -> Any:
    """The inverse of to_planar."""
    _, inverse = _transformers()
    return shapely.transform(shape, lambda xy: _stack(inverse.transform(xy[:, 0], xy[:, 1])))


def _stack(xy: tuple[Any, Any]) -> Any:
    import numpy

    return numpy.column_stack(xy)


def area_m2(shape: Any) -> float:
    """Area in square metres, on an equal-area projection."""
    return float(to_planar(shape).area)


def to_geojson(shape: Any) -> dict[str, Any]:
    """The geometry as a GeoJSON mapping with lists (not tuples), ready for json.dumps."""
    return _lists(mapping(shape))


def _lists(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def _fault(planar: Any) -> Fault | None:
    if planar.is_empty or planar.area <= 0:
        return None
    point = to_lonlat(planar.representative_point())
    return Fault(float(planar.area), float(point.x), float(point.y))


def protrusion(child: Any, parent: Any, tolerance_m: float = 1.0) -> Fault | None:
    """The part of ``child`` outside ``parent`` grown by the tolerance, or None when it lies inside."""
    return _fault(to_planar(child).difference(to_planar(parent).buffer(tolerance_m)))


def overlap(first: Any, second: Any, tolerance_m: float = 1.0) -> Fault | None:
    """Where ``second`` reaches more than the tolerance into ``first``, or None; shared edges do not overlap."""
    return _fault(to_planar(first).buffer(-tolerance_m).intersection(to_planar(second)))


@dataclass(frozen=True)
class Coverage:
    """How far parts cover a whole: the share of its area, and the gaps left (largest first)."""

    share: float
    gaps: tuple[Fault, ...]


def coverage(whole: Any, parts: Iterable[Any], min_gap_m2: float = 1.0) -> Coverage:
    """The share of ``whole`` its ``parts`` cover and the gaps of at least ``min_gap_m2``."""
    planar_whole = to_planar(whole)
    planar_parts = [to_planar(p) for p in parts]
    covered = shapely.union_all(planar_parts) if planar_parts else Polygon()
    missing = planar_whole.difference(covered)
    pieces = getattr(missing, "geoms", [missing])
    gaps = [f for f in (_fault(p) for p in pieces if p.area >= min_gap_m2) if f is not None]
    gaps.sort(key=lambda f: -f.area_m2)
    share = 1.0 - missing.area / planar_whole.area if planar_whole.area else 0.0
    return Coverage(max(0.0, min(1.0, share)), tuple(gaps))
