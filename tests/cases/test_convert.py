"""Enum round trips, every member: proto <-> domain <-> database <-> GraphQL; masking format."""

from __future__ import annotations

from enum import Enum

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from services.cases import convert, graphql_types, models
from services.kit.errors import InvalidArgument

MAPPINGS = {
    "state": (convert.STATES, graphql_types.CaseState),
    "tier": (convert.TIERS, graphql_types.CaseTier),
    "source": (convert.SOURCES, graphql_types.CaseSource),
    "due": (convert.DUE, graphql_types.CaseDueStatus),
    "satisfaction": (convert.SATISFACTION, graphql_types.CaseSatisfaction),
    "limit_unit": (convert.LIMIT_UNITS, graphql_types.CaseLimitUnit),
    "kind": (convert.KINDS, graphql_types.CaseCategoryKind),
    "request": (convert.REQUESTS, graphql_types.CaseRequestKind),
}


@pytest.mark.parametrize("name", MAPPINGS)
def test_every_member_round_trips_proto_domain_graphql(name: str) -> None:
    mapping, graphql_enum = MAPPINGS[name]
    members = list(mapping.to_proto_map)
    assert len(members) == len(mapping.from_proto_map)
    for member in members:
        number = mapping.to_proto(member)
        assert number != 0 and mapping.required(number, "f") is member
        graphql_member = graphql_types.from_proto(graphql_enum, number)
        assert graphql_member.name == member.name and graphql_types.to_proto(graphql_member) == number
    assert mapping.optional(0, "f") is None
    with pytest.raises(InvalidArgument, match="UNSPECIFIED"):
        mapping.required(0, "some_field")
    with pytest.raises(InvalidArgument, match="unknown value 999"):
        mapping.optional(999, "some_field")


@pytest.mark.parametrize("name", MAPPINGS)
@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_every_member_round_trips_through_the_database_type(name: str, dialect: object) -> None:
    mapping, _ = MAPPINGS[name]
    enum_type: type[Enum] = type(next(iter(mapping.to_proto_map)))
    column = models.enum_column(enum_type)
    bind = column.bind_processor(dialect)  # type: ignore[arg-type]
    result = column.result_processor(dialect, None)  # type: ignore[arg-type]
    for member in enum_type:
        stored = bind(member) if bind else member
        assert isinstance(stored, str) and stored == stored.lower() and len(stored) <= 32
        assert (result(stored) if result else stored) is member

