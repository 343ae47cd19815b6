"""The one list shape of the schema: Relay connections (``first``/``after``, edges, nodes, pageInfo), built here.

Every list a plugin serves is a ``Connection[Node]`` (named ``NodeConnection`` in the schema), built by
one of three functions:

- ``paged``: a service list paged by opaque ``page_token``s (``services/kit/pagination.py``). A service
  token continues after the last row of a page only, so a row's cursor is (the token its page started
  from, how many rows of that page precede and include it). Resuming from it reads that page again one
  call long (``skip + first`` rows, the skipped ones dropped) or, past the service's maximum page, in two
  calls. The last row of a page that has a successor gets the service's next token itself, so walking
  ``endCursor`` to ``endCursor`` costs one call a page. Rows inserted before a cursor's row after it was
  issued shift an offset cursor the way they shift a keyset one: the rows skipped are counted again.
- ``listed``: a list the gateway receives whole (catalogues, reports); cursors are offsets, and the
  connection counts its rows (``totalCount``).
- ``Connection.of``: a list whose rows carry their own cursor (the decision log's sequence).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from google.protobuf.message import Message
from graphql import GraphQLError

from gateway.context import RequestContext, Resource
from gateway.plugin_types import invalid
from gateway.policy.engine import Decision

T = TypeVar("T")
C = TypeVar("C", bound="CountedConnection[Any]")

DEFAULT_FIRST = 50
# services.kit.pagination.MAX_PAGE_SIZE: the most rows a service returns in one page.
MAX_FIRST = 200


@strawberry.type(description="Where this page of a connection ends, and whether more rows follow.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="The last edge's cursor; null when the page is empty.")


@strawberry.type(description="A row of a connection and the cursor to continue after it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` to read the rows after this one.")
    node: T


@strawberry.type(description="One page of a list: its rows as edges (with cursors) or as plain nodes.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo

    @classmethod
    def of(cls, rows: Sequence[tuple[str, T]], has_next_page: bool) -> Connection[T]:
        """A page of (cursor, row) pairs."""
        edges = [Edge(cursor=cursor, node=node) for cursor, node in rows]
        return cls(edges=edges, nodes=[edge.node for edge in edges],
                   page_info=PageInfo(has_next_page=has_next_page, end_cursor=edges[-1].cursor if edges else None))


@strawberry.type(description="A connection over a list the gateway holds whole, so it knows how many rows it has.")
class CountedConnection(Connection[T]):
    total_count: int = strawberry.field(description="Rows in the whole list, not only this page.")


@dataclass(frozen=True)
class Position:
    """Where a cursor points: the service page token a page started from, and how many of its rows precede."""

    token: str
    skip: int

    def cursor(self) -> str:
        raw = json.dumps({"t": self.token, "s": self.skip}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


START = Position("", 0)


def check_first(first: int, maximum: int = MAX_FIRST) -> int:
    """``first`` itself; raises an INVALID_ARGUMENT GraphQLError naming ``first`` unless 1 <= first <= maximum."""
    if first < 1 or first > maximum:
        raise invalid("first", f"must be between 1 and {maximum}, got {first}")
    return first


def position(after: str | None) -> Position:
    """The position of an ``after`` cursor (START for none); raises a GraphQLError naming ``after``."""
    if not after:
        return START
    try:
        decoded = json.loads(base64.urlsafe_b64decode((after + "=" * (-len(after) % 4)).encode()))
        token, skip = decoded["t"], decoded["s"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise invalid("after", "is not a cursor of this list") from None
    if not isinstance(token, str) or not isinstance(skip, int) or isinstance(skip, bool) or skip < 0:
        raise invalid("after", "is not a cursor of this list")
    return Position(token, skip)


# A service list read: (rows wanted, page token) -> (rows, next page token, empty on the last page).
Fetch = Callable[[int, str], Awaitable[tuple[Sequence[T], str]]]


async def paged(fetch: Fetch[T], first: int, after: str | None, *, maximum: int = MAX_FIRST) -> Connection[T]:
    """One page of a service list, ``first`` rows after the ``after`` cursor.

    Raises an INVALID_ARGUMENT GraphQLError naming ``first`` or ``after`` (a service that refuses the
    page token inside a cursor is reported as a bad ``after``).
    """
    size = check_first(first, maximum)
    start = position(after)
    if start.skip > maximum:  # a service page holds at most ``maximum`` rows
        raise invalid("after", "is not a cursor of this list")
    try:
        if start.skip and start.skip + size > maximum:
            # One call to find the service token after the skipped rows, then the page from there.
            _, token = await fetch(start.skip, start.token)
            if not token:
                return Connection.of([], False)
            start = Position(token, 0)
        rows, next_token = await fetch(start.skip + size, start.token)
    except GraphQLError as error:
        raise _as_after(error) from None
    rows = rows[start.skip:]
    pairs = [(Position(start.token, start.skip + i + 1).cursor(), row) for i, row in enumerate(rows)]
    if pairs and next_token:
        pairs[-1] = (Position(next_token, 0).cursor(), pairs[-1][1])
    return Connection.of(pairs, bool(next_token))


async def service_page(ctx: RequestContext, service: str, method: str, request: Callable[[dict[str, Any]], Message],
                       rows: str, decision: Decision, first: int, after: str | None, *,
                       resource: Resource | None = None) -> Connection[Any]:
    """``paged`` over a service's List RPC: ``request(page)`` builds the request for a ``PageRequest`` dict,
    ``rows`` names the response's repeated field; every call runs under the one ``decision``."""

    async def fetch(size: int, token: str) -> tuple[Sequence[Any], str]:
        response = await ctx.call(service, method, request({"page_size": size, "page_token": token}), decision,
                                  resource=resource)
        return getattr(response, rows), response.page.next_page_token

    return await paged(fetch, first, after)


def listed(counted: type[C], rows: Sequence[Any], first: int, after: str | None) -> C:
    """One page of a list held whole, as the ``counted`` connection type; raises like ``paged``."""
    size = check_first(first)
    start = position(after)
    if start.token:
        raise invalid("after", "is not a cursor of this list")
    page = rows[start.skip:start.skip + size]
    edges = [Edge(cursor=Position("", start.skip + i + 1).cursor(), node=row) for i, row in enumerate(page)]
    return counted(edges=edges, nodes=list(page), total_count=len(rows),
                   page_info=PageInfo(has_next_page=start.skip + size < len(rows),
                                      end_cursor=edges[-1].cursor if edges else None))


def _as_after(error: GraphQLError) -> GraphQLError:
    """A service's refusal of the page token it was given, as a refusal of the client's ``after``."""
    extensions = error.extensions or {}
    violations = extensions.get("fieldViolations") or []
    for violation in violations:
        if violation.get("field") == "after" or str(violation.get("field", "")).endswith("page_token"):
            return invalid("after", str(violation.get("description") or "is not a cursor of this list"))
    return error
