"""The composed schema (every plugin) has one list shape and one naming scheme (gateway/README.md, "API shape")."""

from __future__ import annotations

import re

import pytest
from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_input_object_type,
    is_object_type,
)
from graphql import build_schema as sdl

from gateway.schema import build_schema, contributions
from services.kit.plugin import load_plugins

# Lists of objects that are not connections, each a part of one record (or one answer) that is small and bounded
# by what it belongs to, read whole with it.
EMBEDDED_LISTS = {
    ("Case", "participants"): "the units handling one case",
    ("Case", "history"): "one case's timeline",
    ("CaseDashboard", "byState"): "one count per case state",
    ("CaseDashboard", "byDueStatus"): "one count per due status",
    ("CaseBreakdown", "children"): "one count per child jurisdiction (at most a thousand), drawn at once",
    ("CaseBreakdown", "categories"): "one count per category of the catalogue, drawn at once",
    ("CaseBreakdown", "days"): "one count per day of the period (at most 367), drawn as one chart",
    ("CaseDashboard", "overdue"): "the first overdueFirst rows of overdueCases, which is the connection to page",
    ("FireHazard", "history"): "one hazard's timeline",
    ("FireInspection", "items"): "one inspection's checklist",
    ("FireLedgerStatistics", "rows"): "one report's rows, computed whole with its total",
    ("Household", "members"): "the residents of one household",
    ("ImportReport", "errors"): "the rejected rows of one import",
    ("BoundaryImportReport", "errors"): "the rejected features of one import",
    ("CommunityCoverage", "gaps"): "the uncovered areas of one community",
    ("Jurisdiction", "workers"): "the staff of one grid",
    ("Patrol", "checks"): "the sources checked on one patrol",
    ("PatrolDue", "windows"): "one grid head's windows in the period asked",
    ("SupervisionDue", "windows"): "one source's windows in the period asked",
    ("PollutionRules", "checklist"): "the rule set's checklist",
    ("PollutionRules", "patrolFrequencies"): "one frequency per grid level",
    ("PollutionRules", "supervisionFrequencies"): "one frequency per control level",
    ("PollutionSource", "checklist"): "one source's checklist entries",
    ("Viewer", "roles"): "the caller's own role grants",
    ("Mutation", "recordPatrols"): "the patrols one batch created",
    # The map's layers are drawn whole: a choropleth needs every grid of the view at once, a point layer is cut at
    # its limit with a "zoom in" answer instead of pages.
    ("Query", "caseGridCounts"): "one count per grid of the view, drawn at once",
    ("Query", "caseHotspots"): "the first N grids of a ranking",
    ("Query", "fireHazardGridCounts"): "one count per grid of the view, drawn at once",
    ("Query", "pollutionViolationGridCounts"): "one count per grid of the view, drawn at once",
    ("CasePoints", "points"): "the points of one map box, cut at limit with truncated",
    ("FirePlacePoints", "points"): "the points of one map box, cut at limit with truncated",
    ("PollutionSourcePoints", "points"): "the points of one map box, cut at limit with truncated",
}
# A query names a thing; these words would make it an action.
QUERY_VERBS = ("get", "list", "find", "search", "export", "verify", "fetch", "count", "compute", "load")
MUTATION_VERBS = {
    "accept", "add", "archive", "assign", "callback", "claim", "close", "create", "decide", "define", "dispatch",
    "escalate", "finalize", "handle", "import", "ingest", "link", "mark", "merge", "move", "order", "rate", "record",
    "rectify", "register", "reject", "relocate", "remove", "reopen", "report", "request", "resume", "return", "set",
    "start", "supervise", "update", "verify", "void",
}


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(contributions(load_plugins()))._schema


def _unwrap(field_type: object) -> object:
    while isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return field_type


def _fields(schema: GraphQLSchema) -> list[tuple[GraphQLObjectType, str, GraphQLField]]:
    return [(t, name, field) for t in schema.type_map.values()
            if isinstance(t, GraphQLObjectType) and not t.name.startswith("__") for name, field in t.fields.items()]


def _shape_problems(connection: GraphQLObjectType) -> list[str]:
    """What makes ``connection`` differ from the one shape (empty when it has it)."""
    node = connection.name.removesuffix("Connection")
    want = {"edges": f"[{node}Edge!]!", "nodes": f"[{node}!]!", "pageInfo": "PageInfo!"}
    fields = {name: str(field.type) for name, field in connection.fields.items()}
    problems = [f"{connection.name}.{name} is {fields.get(name)}, not {shape}" for name, shape in want.items()
                if fields.get(name) != shape]
    if fields.get("totalCount", "Int!") != "Int!":
        problems.append(f"{connection.name}.totalCount is {fields['totalCount']}, not Int!")
    problems += [f"{connection.name}.{name} is not part of the shape" for name in set(fields) - {*want, "totalCount"}]
    edge = get_named_type(connection.fields["edges"].type) if "edges" in connection.fields else None
    if isinstance(edge, GraphQLObjectType):
        edge_fields = {name: str(field.type) for name, field in edge.fields.items()}
        if edge_fields != {"cursor": "String!", "node": f"{node}!"}:
            problems.append(f"{edge.name} is {edge_fields}, not {{cursor: String!, node: {node}!}}")
    return problems


def list_problems(schema: GraphQLSchema) -> list[str]:
    """Every list of objects that is neither a connection of the one shape nor allow-listed; every paging departure."""
    problems = []
    for parent, name, field in _fields(schema):
        returned = _unwrap(field.type)
        where = f"{parent.name}.{name}"
        if isinstance(returned, GraphQLList) and is_object_type(get_named_type(returned)):
            in_connection = parent.name.endswith("Connection") and name in ("edges", "nodes")
            if not in_connection and (parent.name, name) not in EMBEDDED_LISTS:
                problems.append(f"{where} returns {field.type}: make it a connection or allow-list it with a reason")
        elif isinstance(returned, GraphQLObjectType) and returned.name.endswith("Connection"):
            problems += _shape_problems(returned)
            arguments = {arg: str(value.type) for arg, value in field.args.items()}
            if arguments.get("first") != "Int!" or arguments.get("after") != "String":
                problems.append(f"{where} pages by {arguments}, not first: Int!, after: String")
        if {"pageToken", "pageSize", "nextPageToken", "endCursor", "hasNextPage"} & {name, *field.args}:
            if parent.name != "PageInfo":
                problems.append(f"{where} pages outside the connection shape")
    return problems


def test_every_list_of_objects_is_a_connection_of_the_one_shape(schema: GraphQLSchema) -> None:
    assert list_problems(schema) == []


def test_the_shape_check_catches_each_departure() -> None:
    """The check fails on each of the old shapes, not only on a missing field."""
    old = sdl("""
        type Query {
          cases(first: Int!, after: String): CaseConnection!
          places: [Place!]!
          sources(first: Int! = 50, after: String! = ""): SourcePage!
          decisions(first: Int!, after: String): DecisionConnection!
        }
        type Case { id: ID! } type Place { id: ID! } type Decision { id: ID! }
        type PageInfo { hasNextPage: Boolean! endCursor: String }
        type CaseEdge { cursor: String! node: Case! }
        type CaseConnection { items: [Case!]! nextPageToken: String! pageInfo: PageInfo! }
        type SourcePage { sources: [Place!]! nextPageToken: String! }
        type DecisionEdge { cursor: String! node: Decision! }
        type DecisionConnection { edges: [DecisionEdge!]! nodes: [Decision!]! endCursor: String hasNextPage: Boolean! }
    """)
    problems = list_problems(old)
    assert {p.split(" ")[0] for p in problems} == {
        "CaseConnection.edges", "CaseConnection.nodes", "CaseConnection.items", "CaseConnection.nextPageToken",
        "Query.places", "SourcePage.sources", "SourcePage.nextPageToken", "DecisionConnection.pageInfo",
        "DecisionConnection.endCursor", "DecisionConnection.hasNextPage"}, problems


def test_mutations_of_more_than_two_arguments_take_one_input_object(schema: GraphQLSchema) -> None:
    assert schema.mutation_type is not None
    # idempotencyKey is a top-level argument of every creating mutation, beside its values (gateway/README.md).
    crowded = {name: list(field.args) for name, field in schema.mutation_type.fields.items()
               if len(set(field.args) - {"idempotencyKey"}) > 2}
    assert crowded == {}, "give each of these one `input: <Name>Input!` argument"
    for name, field in schema.mutation_type.fields.items():
        if "input" in field.args:
            assert is_input_object_type(get_named_type(field.args["input"].type)), name


def test_queries_are_nouns_and_mutations_verb_noun(schema: GraphQLSchema) -> None:
    assert schema.query_type is not None and schema.mutation_type is not None
    verbs = [name for name in schema.query_type.fields if re.match(rf"^({'|'.join(QUERY_VERBS)})[A-Z]", name)]
    assert verbs == [], "queries name what they return; exports are <noun>Export, verifications <noun>Verification"
    leading = {name: re.match(r"^[a-z]+", name).group(0) for name in schema.mutation_type.fields}  # type: ignore[union-attr]
    assert {name: verb for name, verb in leading.items() if verb not in MUTATION_VERBS} == {}
    assert "exportHouseholds" not in schema.mutation_type.fields and "householdExport" in schema.query_type.fields
