"""Photos: their size checked before they are decoded, their EXIF facts read for the record (when, where), and the
copies that are shown — re-encoded without any metadata, turned upright — in full and as a thumbnail for lists.

The original keeps its EXIF (the record of where and when the evidence was taken); only roles that may see
locations are given it. HEIC photos are kept and their facts unread: this build decodes JPEG and PNG only.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from services.kit.calendar import BEIJING

# A photo wider or taller than this, or with more pixels, is refused before it is decoded.
MAX_SIDE = 12_000
MAX_PIXELS = 64_000_000
# The shown copy fills a 1080p screen's height; a phone's 12-megapixel JPEG (4000×3000) decodes for it at half
# scale, four times fewer pixels.
SHOWN_SIDE = 1600
THUMBNAIL_SIDE = 320
DECODED = ("image/jpeg", "image/png")

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATE_TIME_ORIGINAL, _DATE_TIME = 0x9003, 0x0132


class InvalidImage(ValueError):
    """A photo that cannot be decoded, or is too large to be."""


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


def _open(path: Path) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError) as error:
            raise InvalidImage(f"the photo cannot be read: {error}") from None
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        image.close()
        raise InvalidImage(f"the photo is {width}×{height} pixels; at most {MAX_SIDE} a side and "
                           f"{MAX_PIXELS // 1_000_000} megapixels")
    return image


def _degrees(value: Any, reference: Any) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if str(reference).upper() in ("S", "W") else degrees


def _taken_at(exif: Image.Exif) -> datetime | None:
    raw = exif.get_ifd(_EXIF_IFD).get(_DATE_TIME_ORIGINAL) or exif.get(_DATE_TIME)
    try:
        # EXIF times carry no zone: a phone in the district keeps Beijing time.
        return datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S").replace(tzinfo=BEIJING).astimezone(UTC)
    except ValueError:
        return None


def image_facts(path: Path, content_type: str) -> ImageFacts | None:
    """Size, time and place of a photo from its header and EXIF (decoding no pixels); None for HEIC. Raises
    InvalidImage for one that cannot be read or is too large."""
    if content_type not in DECODED:
        return None
    with _open(path) as image:
        width, height = image.size
        exif = image.getexif()
        gps = exif.get_ifd(_GPS_IFD)
        latitude, longitude = _degrees(gps.get(2), gps.get(1)), _degrees(gps.get(4), gps.get(3))
        if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            latitude = longitude = None
        return ImageFacts(width, height, _taken_at(exif), latitude, longitude)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def shown_copies(path: Path, side: int = SHOWN_SIDE, thumbnail_side: int = THUMBNAIL_SIDE) -> tuple[bytes, bytes]:
    """The photo as it is shown and as a thumbnail: upright, at most ``side`` (``thumbnail_side``) pixels a side,
    JPEGs with no metadata at all. Decoded once; a JPEG at least twice the shown size is decoded at a reduced
    scale (its DCT does that for free), so a phone's 12 megapixels never sit in memory whole."""
    with _open(path) as image:
        try:
            width, height = image.size
            fit = min(1.0, side / max(width, height))
            image.draft("RGB", (max(1, int(width * fit)), max(1, int(height * fit))))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((side, side))
            shown = _jpeg(upright)
            upright.thumbnail((thumbnail_side, thumbnail_side))
            return shown, _jpeg(upright)
        except (OSError, ValueError) as error:
            raise InvalidImage(f"the photo cannot be decoded: {error}") from None


def shown_copy(path: Path, side: int = SHOWN_SIDE) -> bytes:
    """The photo as it is shown: upright, at most ``side`` pixels a side, a JPEG with no metadata at all."""
    return shown_copies(path, side, side)[0]
