"""Keyset pagination of the registry's lists: one indexed range query per page, continued by token."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.errors import InvalidArgument
from services.kit.pagination import Page


def keyset_query(
    query: Select[Any],
    keys: Sequence[Any],
    page: Page,
    *,
    descending: bool = False,
    decode: Callable[[Sequence[Any]], tuple[Any, ...]] = tuple,
) -> Select[Any]:
    """``query`` limited to the rows after the page's key in ``keys`` order, one row more than the page
    (to know whether another follows); raises InvalidArgument for a token this service did not issue."""
    if page.after is not None:
        try:
            after = decode(page.after)
        except (ValueError, TypeError, IndexError):
            after = ()
        if len(after) != len(keys) or any(not isinstance(v, str | int | datetime) for v in after):
            raise InvalidArgument.field("page.page_token", "is not a token this service issued")
        comparison = tuple_(*keys) < tuple_(*after) if descending else tuple_(*keys) > tuple_(*after)
        query = query.where(comparison)
    order = [k.desc() for k in keys] if descending else list(keys)
    return query.order_by(*order).limit(page.size + 1)


def page_of(rows: Sequence[Any], page: Page, key_of: Callable[[Any], Sequence[Any]]) -> tuple[list[Any], str]:
    """The page's rows of a keyset_query's result, and the next token."""
    has_more = len(rows) > page.size
    rows = list(rows[: page.size])
    return rows, page.next_token(key_of(rows[-1]) if rows else None, has_more)


async def keyset_page(
    session: AsyncSession,
    query: Select[Any],
    keys: Sequence[Any],
    page: Page,
    key_of: Callable[[Any], Sequence[Any]],
    *,
    descending: bool = False,
    decode: Callable[[Sequence[Any]], tuple[Any, ...]] = tuple,
    scalars: bool = True,
) -> tuple[list[Any], str]:
    """Rows of ``query`` after the page's key in ``keys`` order, and the next token.

    ``key_of`` reads a row's sort key (JSON-serializable), ``decode`` turns a token's key back into
    column values; ``scalars`` False returns Core rows of a table select instead of ORM entities.
    """
    query = keyset_query(query, keys, page, descending=descending, decode=decode)
    if scalars:
        rows: Sequence[Any] = list((await session.execute(query)).scalars())
    else:
        # A Core select runs on the session's connection: the ORM's execution path costs more than the query.
        rows = (await (await session.connection()).execute(query)).all()
    return page_of(rows, page, key_of)
