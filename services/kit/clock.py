"""Timezone-aware UTC time, injectable so tests control "now"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Reads a stored timestamp as UTC (SQLite returns naive datetimes for aware columns)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
