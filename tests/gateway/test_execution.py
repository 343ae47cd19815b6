"""The leaf fast path answers exactly as graphql-core's own execution, nulls and errors included."""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.execution import LeafFastPathExecutionContext
from gridgov.common.v1 import error_pb2


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Violation:
    field: str
    description: str


@strawberry.type
class Row:
    id: strawberry.ID
    name: str
    count: int
    ratio: float
    active: bool
    colour: Colour
    note: str | None
    missing: str  # absent on some sources: an error on that field only

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times

    # Plain methods (computed attributes): the fast path calls them as graphql-core would.
    @strawberry.field
    def shade(self) -> Colour:
        return Colour.BLUE if self.count % 2 else Colour.RED

    @strawberry.field
    def maybe(self) -> str | None:
        return None if self.count == 1 else f"maybe {self.count}"

    @strawberry.field
    def strict(self) -> str:
        if self.count == 3:
            raise ValueError("three is not allowed")
        return "fine"

    @strawberry.field
    def blank(self) -> str:
        return None if self.count == 4 else "set"  # type: ignore[return-value]

    @strawberry.field
    async def later(self) -> int:
        return self.count * 10


class Source:
    def __init__(self, i: int) -> None:
        self.id, self.name, self.count, self.ratio, self.active = f"r{i}", f"row {i}", i, i / 2, i % 2 == 0
        self.colour = Colour.RED if i % 2 else Colour.BLUE
        self.note = None if i % 3 == 0 else f"note {i}"
        if i != 2:
            self.missing = "here"


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        return [Source(i) for i in range(5)]  # type: ignore[misc]

    @strawberry.field
    def violations(self) -> list[Violation]:
        detail = error_pb2.ErrorDetail()
        detail.field_violations.add(field="address", description="must not be empty")
        return list(detail.field_violations)  # type: ignore[arg-type]


QUERIES = [
    "{ rows { id name count ratio active colour note } }",
    "{ rows { id missing } }",
    "{ rows { a: name b: name shout loud: shout(times: 2) } violations { field description } }",
    "fragment F on Row { name colour } { rows { ...F id @skip(if: true) note @include(if: true) } }",
    "{ rows { id shade maybe } }",
    "{ rows { __typename id shade } }",
    "{ rows { id strict } }",
    "{ rows { id blank } }",
    "{ rows { id later shade } }",
    "{ rows { id note missing shade } }",
    "{ rows { shade } other: rows { count maybe } }",
]


async def execute(context_class: type, query: str) -> Any:
    schema = strawberry.Schema(Query, execution_context_class=context_class)
    result = await schema.execute(query)
    return result.data, [(e.message, e.path) for e in result.errors or []]


async def test_the_fast_path_answers_as_graphql_core_does() -> None:
    for query in QUERIES:
        fast = await execute(LeafFastPathExecutionContext, query)
        standard = await execute(StrawberryGraphQLCoreExecutionContext, query)
        assert fast == standard, query
    data, errors = await execute(LeafFastPathExecutionContext, QUERIES[1])
    assert data is None and errors and errors[0][1] == ["rows", 2, "missing"]


async def test_a_list_of_plain_rows_is_completed_without_graphql_core_field_calls() -> None:
    calls: list[str] = []

    class Counting(LeafFastPathExecutionContext):
        def complete_list_item_value(self, *args: Any, **kwargs: Any) -> Any:
            calls.append("row")
            return super().complete_list_item_value(*args, **kwargs)

    fast, _ = await execute(Counting, "{ rows { id shade maybe colour note } }")
    assert calls == [] and len(fast["rows"]) == 5
    await execute(Counting, "{ rows { id blank } }")  # row 4's null goes through graphql-core, alone
    assert calls == ["row"]
