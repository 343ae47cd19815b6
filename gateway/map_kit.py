"""What the services' map fields share: the limit of a point layer and its "zoom in" answer."""

from __future__ import annotations

from gateway.plugin_types import invalid
from services.kit.map_box import MAX_POINTS

DEFAULT_POINTS = 2000


def checked_limit(limit: int) -> int:
    """``limit`` itself; raises an INVALID_ARGUMENT GraphQLError naming ``limit`` unless 1 <= limit <= 5000."""
    if not 1 <= limit <= MAX_POINTS:
        raise invalid("limit", f"must be between 1 and {MAX_POINTS}, got {limit}")
    return limit


def zoom_in(truncated: bool, limit: int, noun: str) -> str | None:
    """The message of a point layer cut at ``limit``: more ``noun`` lie in the box than it shows."""
    return f"more than {limit} {noun} here; zoom in to see them all" if truncated else None
