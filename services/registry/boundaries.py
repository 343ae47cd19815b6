"""Boundary files: reading GeoJSON and zipped Shapefiles into features, and checking every feature of an import
(code, geometry, nesting in its parent, overlap with its siblings) before anything is stored."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.kit import geometry
from services.kit.errors import InvalidArgument

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a zip's members together, so a small zip cannot unpack into gigabytes
DEFAULT_CODE_ATTRIBUTE = "code"
TOLERANCE_M = 1.0


class BoundaryFormat(StrEnum):
    GEOJSON = "geojson"
    SHAPEFILE_ZIP = "shapefile_zip"


@dataclass(frozen=True)
class Feature:
    """One feature of a file: its position (from 1), the code it names and its geometry as GeoJSON."""

    index: int
    code: str
    geometry: object


@dataclass(frozen=True)
class FeatureError:
    """One problem of one feature: its position, the code it names and what is wrong."""

    feature: int
    code: str
    reason: str


@dataclass(frozen=True)
class PlannedBoundary:
    """A checked boundary, ready to store."""

    code: str
    shape: Any
    geojson: str
    area_m2: float
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class Known:
    """What the registry holds that features are checked against: the tree's nodes near the imported ones
    (code -> parent code: the nodes, their parents, siblings and children) and their stored boundaries."""

    parents: Mapping[str, str | None]
    stored: Mapping[str, Any]
    in_scope: Callable[[str], bool]


def read_features(data: bytes, file_format: BoundaryFormat, code_attribute: str) -> list[Feature]:
    """The features of a boundary file.

    Raises InvalidArgument naming ``file`` when the file is too large, unreadable or has no features, and naming
    ``code_attribute`` when a shapefile has no such attribute.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InvalidArgument.field("file", f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    features = (_read_geojson(data, code_attribute) if file_format is BoundaryFormat.GEOJSON
                else _read_shapefile_zip(data, code_attribute))
    if not features:
        raise InvalidArgument.field("file", "has no features")
    return features


def _code_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code kept in a numeric attribute
    return "" if value is None else str(value).strip()


def _read_geojson(data: bytes, code_attribute: str) -> list[Feature]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidArgument.field("file", f"is not GeoJSON: {error}") from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise InvalidArgument.field("file", "must be a GeoJSON FeatureCollection")
    features = []
    for index, item in enumerate(document["features"], start=1):
        item = item if isinstance(item, dict) else {}
        properties = item.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        features.append(Feature(index, _code_text(properties.get(code_attribute)), item.get("geometry")))
    return features


def _read_shapefile_zip(data: bytes, code_attribute: str) -> list[Feature]:
    import shapefile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidArgument.field("file", "is not a zip archive (a Shapefile is imported zipped)") from None
    with archive:
        members = {info.filename: info for info in archive.infolist()
                   if not info.is_dir() and not info.filename.startswith("__MACOSX/")}
        if sum(info.file_size for info in members.values()) > MAX_UNPACKED_BYTES:
            raise InvalidArgument.field("file", f"unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB")
        shps = [name for name in members if name.lower().endswith(".shp")]
        if len(shps) != 1:
            raise InvalidArgument.field("file", f"must hold exactly one .shp file, not {len(shps)}")
        stem = shps[0][:-4]

        def member(extension: str) -> bytes | None:
            for name, info in members.items():
                if name.lower() == f"{stem}.{extension}".lower():
                    with archive.open(info) as stream:
                        content = stream.read(MAX_UNPACKED_BYTES + 1)
                    if len(content) > MAX_UNPACKED_BYTES:
                        raise InvalidArgument.field("file", "unpacks to more than its listing says")
                    return content
            return None

        shp, shx, dbf, cpg = member("shp"), member("shx"), member("dbf"), member("cpg")
    if shx is None or dbf is None:
        raise InvalidArgument.field("file", f"lacks {stem}.shx or {stem}.dbf beside {stem}.shp")
    encoding = (cpg or b"utf-8").decode("ascii", "replace").strip() or "utf-8"
    try:
        reader = shapefile.Reader(shp=io.BytesIO(shp or b""), shx=io.BytesIO(shx), dbf=io.BytesIO(dbf),
                                  encoding=encoding, encodingErrors="replace")
    except (shapefile.ShapefileException, LookupError, ValueError) as error:
        raise InvalidArgument.field("file", f"is not a readable Shapefile: {error}") from None
    with reader:
        names = [f[0] for f in reader.fields[1:]]
        matching = [n for n in names if n.lower() == code_attribute.lower()]
        if not matching:
            raise InvalidArgument.field("code_attribute", f"no attribute {code_attribute!r} in the Shapefile; it "
                                                          f"has {', '.join(names) or 'none'}")
        features = []
        for index, item in enumerate(reader.iterShapeRecords(), start=1):
            try:
                shape_geometry: object = item.shape.__geo_interface__
            except Exception:  # pyshp raises for null shapes
                shape_geometry = None
            features.append(Feature(index, _code_text(item.record[matching[0]]), shape_geometry))
    return features


def check_features(features: Sequence[Feature], crs: geometry.Crs, known: Known, *,
                   code_attribute: str = DEFAULT_CODE_ATTRIBUTE,
                   tolerance_m: float = TOLERANCE_M) -> tuple[list[PlannedBoundary], list[FeatureError]]:
    """Checks every feature; returns the boundaries and, if any feature is bad, every error (then store none)."""
    errors: list[FeatureError] = []
    planned: dict[str, tuple[Feature, PlannedBoundary]] = {}
    first_of_code: dict[str, int] = {}
    for feature in features:
        def fail(reason: str, feature: Feature = feature) -> None:
            errors.append(FeatureError(feature.index, feature.code, reason))

        if not feature.code:
            fail(f"has no {code_attribute!r} property naming its jurisdiction")
            continue
        if feature.code in first_of_code:
            fail(f"repeats the code of feature {first_of_code[feature.code]}")
            continue
        first_of_code[feature.code] = feature.index
        if feature.code not in known.parents:
            fail(f"no jurisdiction {feature.code} in the registry's tree")
            continue
        if not known.in_scope(feature.code):
            fail(f"jurisdiction {feature.code} is outside the jurisdictions this request may write")
            continue
        if feature.geometry is None:
            fail("has no geometry")
            continue
        try:
            shape = geometry.parse_boundary(feature.geometry, crs=crs)
        except geometry.GeometryProblem as problem:
            fail(problem.reason)
            continue
        planned[feature.code] = (feature, PlannedBoundary(
            feature.code, shape, json.dumps(geometry.to_geojson(shape), separators=(",", ":")),
            geometry.area_m2(shape), tuple(float(v) for v in shape.bounds)))  # type: ignore[arg-type]
    _check_topology(planned, known, tolerance_m, errors)
    errors.sort(key=lambda e: (e.feature, e.reason))
    return [plan for _, plan in planned.values()], errors


def _where(fault: geometry.Fault) -> str:
    return f"{fault.area_m2:.1f} m² around longitude {fault.longitude:.6f}, latitude {fault.latitude:.6f}"


def _check_topology(planned: Mapping[str, tuple[Feature, PlannedBoundary]], known: Known, tolerance_m: float,
                    errors: list[FeatureError]) -> None:
    """Children inside parents and siblings apart, over the stored boundaries with the file's in their place."""
    shapes = {**known.stored, **{code: plan.shape for code, (_, plan) in planned.items()}}
    children: dict[str | None, list[str]] = {}
    for code, parent in known.parents.items():
        children.setdefault(parent, []).append(code)
    for code, (feature, plan) in planned.items():
        def fail(reason: str, feature: Feature = feature) -> None:
            errors.append(FeatureError(feature.index, feature.code, reason))

        parent = known.parents[code]
        if parent is not None and parent in shapes and not shapes[parent].covers(plan.shape):
            fault = geometry.protrusion(plan.shape, shapes[parent], tolerance_m)
            if fault is not None:
                fail(f"lies outside its parent {parent} by {_where(fault)}")
        for child in sorted(children.get(code, ())):
            if child in shapes and child not in planned and not plan.shape.covers(shapes[child]):
                fault = geometry.protrusion(shapes[child], plan.shape, tolerance_m)
                if fault is not None:
                    fail(f"would leave its child {child} outside by {_where(fault)}")
        for sibling in sorted(children.get(parent, ())):
            if sibling == code or sibling not in shapes or (sibling in planned and sibling < code):
                continue  # a pair of the file's own features is reported once, on the first
            if not plan.shape.intersects(shapes[sibling]):
                continue
            fault = geometry.overlap(plan.shape, shapes[sibling], tolerance_m)
            if fault is not None:
                fail(f"overlaps its sibling {sibling} by {_where(fault)}")


def feature_collection(nodes: Sequence[tuple[str, str, str, str, float]]) -> str:
    """A GeoJSON FeatureCollection of (code, name, level, geometry GeoJSON text, area) nodes."""
    features = []
    for code, name, level, geojson, area in nodes:
        properties = json.dumps({"code": code, "name": name, "level": level, "area_m2": round(area, 1)},
                                ensure_ascii=False)
        features.append(f'{{"type":"Feature","properties":{properties},"geometry":{geojson}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
