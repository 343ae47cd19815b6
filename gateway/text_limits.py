"""The services' text limits stated in the GraphQL schema: each String argument and input field says its maximum."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Set

from google.protobuf import descriptor_pool
from graphql import (
    GraphQLArgument,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    get_named_type,
)

from services.kit.plugin import Plugin
from services.kit.validation import request_text_limits

# GraphQL names that are not their request field's name in camelCase. (``after`` is the gateway's cursor,
# which wraps the service's page token: bounded by the service, not described here.)
ALIASES: dict[str, str] = {}
_CAPITAL = re.compile(r"(?<!^)(?=[A-Z])")


def limit_sentence(limit: int) -> str:
    return f"At most {limit:,} characters; control characters other than newline and tab are refused."


def describe_text_limits(schema: GraphQLSchema, plugins: Mapping[str, Plugin],
                         own_fields: Set[str] = frozenset()) -> None:
    """Appends its limit to the description of every String argument and input field a service checks.

    The limit is the one the services enforce (services.kit.validation, from the proto's max_length),
    found by the request field of the same name; a String that is no request string field (a file's
    base64 content) and the arguments of the gateway's own root fields ``own_fields`` are left as they are.
    """
    pool = descriptor_pool.Default()
    limits = request_text_limits([pool.FindServiceByName(name) for plugin in plugins.values()
                                  for name in plugin.service_names])
    for name, item in _strings(schema, own_fields):
        limit = limits.get(ALIASES.get(name) or _CAPITAL.sub("_", name).lower())
        if limit is not None:
            item.description = " ".join(filter(None, [item.description, limit_sentence(limit)]))


def _strings(schema: GraphQLSchema, own_fields: Set[str]) -> Iterator[tuple[str, GraphQLArgument | GraphQLInputField]]:
    """Every String argument of an object type's field and every String field of an input type, by name."""
    roots = {schema.query_type, schema.mutation_type}
    for graphql_type in schema.type_map.values():
        items: Iterable[tuple[str, GraphQLArgument | GraphQLInputField]] = ()
        if isinstance(graphql_type, GraphQLObjectType) and not graphql_type.name.startswith("__"):
            items = ((name, argument) for field_name, field in graphql_type.fields.items()
                     if not (graphql_type in roots and field_name in own_fields)
                     for name, argument in field.args.items())
        elif isinstance(graphql_type, GraphQLInputObjectType):
            items = graphql_type.fields.items()
        for name, item in items:
            if get_named_type(item.type) is GraphQLString:
                yield name, item
