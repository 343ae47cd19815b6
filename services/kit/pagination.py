"""Cursor pagination: opaque tokens bound to the query that issued them."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    """A validated page request: how many rows, and the sort key to continue after (or None)."""

    size: int
    after: tuple[Any, ...] | None
    fingerprint: str

    def next_token(self, last_key: Sequence[Any] | None, has_more: bool) -> str:
        """The token for the page after this one; empty when there is none."""
        if not has_more or last_key is None:
            return ""
        raw = json.dumps({"q": self.fingerprint, "k": list(last_key)}, separators=(",", ":"), default=str)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def fingerprint(filters: Mapping[str, Any]) -> str:
    """A short hash of a query's filters and scopes, so a token only continues the same query."""
    canonical = json.dumps(filters, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def page_from(page_size: int, page_token: str, filters: Mapping[str, Any],
              *, field: str = "page") -> Page:
    """Validates a page request against the query's filters.

    Raises InvalidArgument naming ``page.page_size`` or ``page.page_token``.
    """
    if page_size < 0 or page_size > MAX_PAGE_SIZE:
        raise InvalidArgument.field(
            f"{field}.page_size", f"must be between 1 and {MAX_PAGE_SIZE}, got {page_size}"
        )
    size = page_size or DEFAULT_PAGE_SIZE
    print_ = fingerprint(filters)
    if not page_token:
        return Page(size, None, print_)
    try:
        padded = page_token + "=" * (-len(page_token) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
        token_print, key = decoded["q"], decoded["k"]
    except (ValueError, KeyError, TypeError):
        raise InvalidArgument.field(f"{field}.page_token", "is not a token this service issued") from None
    if token_print != print_:
        raise InvalidArgument.field(
            f"{field}.page_token", "was issued for another query (different filters or scope)"
        )
    if not isinstance(key, list):
        raise InvalidArgument.field(f"{field}.page_token", "is not a token this service issued")
    return Page(size, tuple(key), print_)


def keyset(query: Select[Any], columns: Sequence[Any], page: Page, *, descending: bool = False) -> Select[Any]:
    """``query`` ordered by ``columns`` (a unique key, e.g. (jurisdiction_code, id)), continued after the
    page token's key, one row longer than the page so the caller sees whether more follow."""
    if page.after is not None:
        key, after = tuple_(*columns), tuple_(*page.after)
        query = query.where(key < after if descending else key > after)
    order = [column.desc() for column in columns] if descending else list(columns)
    return query.order_by(*order).limit(page.size + 1)


async def fetch_page(session: AsyncSession, query: Select[Any], columns: Sequence[Any], page: Page, *,
                     descending: bool = False) -> tuple[list[Any], bool]:
    """One page of ``query``'s entities by keyset on ``columns``, and whether more follow."""
    rows = list((await session.execute(keyset(query, columns, page, descending=descending))).scalars())
    return rows[: page.size], len(rows) > page.size
