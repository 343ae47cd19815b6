"""Checks that a request text field holds exactly its database column's width: one more is refused naming the field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
import pytest
from sqlalchemy import Column, func, select

from services.kit.database import Database
from tests.support.services import error_detail


def width(column: Column[str]) -> int:
    """The column's String(n) width, read from the model."""
    length = getattr(column.type, "length", None)
    assert isinstance(length, int), f"{column} has no declared width"
    return length


async def rows_holding(database: Database, column: Column[str], value: str) -> int:
    rows = await database.fetch(select(func.count()).select_from(column.table).where(column == value))
    return int(rows[0][0])


async def assert_width_enforced(send: Callable[[str], Awaitable[object]], database: Database, column: Column[str],
                                field: str, *, fill: str = "名", prefix: int = 0) -> None:
    """``send`` with text one character wider than ``column`` is INVALID_ARGUMENT naming ``field`` only;
    with text exactly as wide it succeeds and the column holds the text whole.

    ``prefix`` characters of the stored text come from elsewhere (a building's address before a dwelling):
    ``send`` gets them too, different for each call, and the field's own limit is the rest of the width.
    """
    too_long = "甲" * prefix + fill * (width(column) + 1 - prefix)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await send(too_long)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    violations = error_detail(caught.value).field_violations
    assert [v.field for v in violations] == [field]
    assert f"must be at most {width(column) - prefix} characters" in violations[0].description
    exact = "乙" * prefix + fill * (width(column) - prefix)
    await send(exact)
    assert await rows_holding(database, column, exact) >= 1, f"{column} does not hold the {width(column)} characters"


async def assert_cell_width_enforced(send: Callable[[str], Awaitable[object]], database: Database,
                                     column: Column[str], header: str, *, fill: str = "名", line: int = 2) -> None:
    """A ledger import whose cell under ``header`` is one character wider than ``column`` is INVALID_ARGUMENT
    naming the line and the column; one exactly as wide is imported and stored whole."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await send(fill * (width(column) + 1))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    assert [(v.field, v.description) for v in error_detail(caught.value).field_violations] == [
        ("file", f"line {line}, column {header}: must be at most {width(column)} characters, got {width(column) + 1}")]
    exact = fill * width(column)
    await send(exact)
    assert await rows_holding(database, column, exact) >= 1, f"{column} does not hold the {width(column)} characters"
