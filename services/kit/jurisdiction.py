"""Jurisdiction codes: district (6) ⊃ street (9) ⊃ community (12) ⊃ grid (15 digits)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import IntEnum

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnClause


class Level(IntEnum):
    DISTRICT = 6
    STREET = 9
    COMMUNITY = 12
    GRID = 15


LEVEL_NAMES = {Level.DISTRICT: "district", Level.STREET: "street", Level.COMMUNITY: "community", Level.GRID: "grid"}


def problem(code: str, *, level: Level | None = None) -> str | None:
    """What is wrong with ``code`` as a jurisdiction code (of ``level``, if given), or None."""
    if not code.isdigit() or not code.isascii():
        return "must be digits only"
    if len(code) not in (6, 9, 12, 15):
        return f"must be 6, 9, 12 or 15 digits, got {len(code)}"
    if level is not None and len(code) != level:
        return f"must be a {LEVEL_NAMES[level]} code of {int(level)} digits, got {len(code)}"
    if code[-3:] == "000" and len(code) > 6:
        return "a street, community or grid number must not be 000"
    return None


def level_of(code: str) -> Level:
    return Level(len(code))


def parent_of(code: str) -> str | None:
    return code[:-3] if len(code) > 6 else None


def contains(scope: str, code: str) -> bool:
    """True when ``code`` lies inside ``scope`` (an empty scope means everywhere)."""
    return code.startswith(scope)


def within_any(code: str, scopes: Iterable[str]) -> bool:
    return any(code.startswith(scope) for scope in scopes)


def normalize_scopes(scopes: Iterable[str]) -> list[str]:
    """Drops scopes contained in other scopes, so each row matches at most one range."""
    ordered = sorted(set(scopes), key=len)
    kept: list[str] = []
    for scope in ordered:
        if not any(scope.startswith(k) for k in kept):
            kept.append(scope)
    return sorted(kept)


def _upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def prefix_condition(
    column: InstrumentedAttribute[str] | ColumnClause[str], prefix: str
) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as an index range scan (no LIKE, on both databases)."""
    if prefix == "":
        return true()
    return (column >= prefix) & (column < _upper_bound(prefix))


def scope_condition(
    column: InstrumentedAttribute[str] | ColumnClause[str], scopes: Sequence[str]
) -> ColumnElement[bool]:
    """``column`` lies in any of ``scopes``; no scope matches nothing."""
    scopes = normalize_scopes(scopes)
    if not scopes:
        return false()
    if len(scopes) == 1:
        return prefix_condition(column, scopes[0])
    return or_(*(prefix_condition(column, s) for s in scopes))
