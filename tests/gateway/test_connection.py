"""The one list shape: edge cursors resume after their row over a keyset-paged service, bounds name their argument."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import strawberry
from graphql import GraphQLError

from gateway.connection import MAX_FIRST, CountedConnection, Position, listed, paged
from gateway.plugin_types import invalid
from services.kit.pagination import page_from

ROWS = list(range(1, 451))


class KeysetService:
    """A service list paged as the kit pages: tokens continue after a page's last key, bound to the query."""

    def __init__(self, rows: Sequence[int]) -> None:
        self.rows, self.calls = list(rows), 0

    async def fetch(self, size: int, token: str) -> tuple[Sequence[int], str]:
        self.calls += 1
        try:
            page = page_from(size, token, {"list": "test"})
        except Exception as error:  # the gateway sees the service's refusal as a GraphQL error
            raise invalid("page.page_token", str(error)) from None
        after = page.after[0] if page.after else 0
        rest = [r for r in self.rows if r > after]
        rows = rest[:page.size]
        return rows, page.next_token([rows[-1]] if rows else None, len(rest) > page.size)


async def walk(service: KeysetService, first: int) -> list[int]:
    seen: list[int] = []
    after: str | None = None
    while True:
        connection = await paged(service.fetch, first, after)
        seen += connection.nodes
        if not connection.page_info.has_next_page:
            return seen
        after = connection.page_info.end_cursor


@pytest.mark.parametrize("first", [1, 7, 50, MAX_FIRST])
async def test_walking_end_cursors_reads_every_row_once_one_call_a_page(first: int) -> None:
    service = KeysetService(ROWS)
    assert await walk(service, first) == ROWS
    assert service.calls == -(-len(ROWS) // first)


@pytest.mark.parametrize(("first", "k", "then"), [(10, 0, 10), (10, 4, 10), (10, 9, 10), (200, 150, 200),
                                                   (200, 199, 5), (60, 59, 200)])
async def test_an_edge_cursor_resumes_after_its_row(first: int, k: int, then: int) -> None:
    service = KeysetService(ROWS)
    page = await paged(service.fetch, first, None)
    resumed = await paged(service.fetch, then, page.edges[k].cursor)
    assert resumed.nodes == ROWS[k + 1:k + 1 + then]
    assert resumed.page_info.has_next_page == (k + 1 + then < len(ROWS))


async def test_the_last_page_ends_with_a_cursor_that_reads_nothing_more() -> None:
    service = KeysetService(ROWS[:5])
    page = await paged(service.fetch, 10, None)
    assert page.nodes == ROWS[:5] and not page.page_info.has_next_page
    assert page.page_info.end_cursor == page.edges[-1].cursor
    assert (await paged(service.fetch, 10, page.page_info.end_cursor)).nodes == []
    empty = await paged(KeysetService([]).fetch, 10, None)
    assert (empty.nodes, empty.page_info.end_cursor) == ([], None)


@pytest.mark.parametrize(("first", "after", "field"), [
    (0, None, "first"), (-3, None, "first"), (MAX_FIRST + 1, None, "first"),
    (5, "%%%", "after"), (5, "bm90IGpzb24", "after"), (5, Position("", -1).cursor(), "after"),
    (5, Position("", MAX_FIRST + 1).cursor(), "after"),
    (5, Position("forged", 0).cursor(), "after"),  # the service refuses the token inside
])
async def test_bad_page_arguments_name_the_argument(first: int, after: str | None, field: str) -> None:
    with pytest.raises(GraphQLError) as raised:
        await paged(KeysetService(ROWS).fetch, first, after)
    extensions = raised.value.extensions or {}
    assert extensions["code"] == "INVALID_ARGUMENT"
    assert [v["field"] for v in extensions["fieldViolations"]] == [field]


@strawberry.type
class NumberConnection(CountedConnection[int]):
    pass


def test_a_list_held_whole_pages_by_offset_and_counts() -> None:
    page = listed(NumberConnection, ROWS, 100, None)
    assert (page.nodes, page.total_count, page.page_info.has_next_page) == (ROWS[:100], 450, True)
    resumed = listed(NumberConnection, ROWS, 200, page.edges[41].cursor)
    assert resumed.nodes == ROWS[42:242] and resumed.page_info.has_next_page
    rest = listed(NumberConnection, ROWS, 200, resumed.page_info.end_cursor)
    last = listed(NumberConnection, ROWS, 200, rest.page_info.end_cursor)
    assert last.nodes == ROWS[442:] and not last.page_info.has_next_page
    with pytest.raises(GraphQLError, match="after"):
        listed(NumberConnection, ROWS, 10, Position("a service token", 3).cursor())
