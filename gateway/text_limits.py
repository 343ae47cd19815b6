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
from services.kit.validation import request_text_fields, request_text_limits

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
    found by the request field of the same name; where a name's limit differs between messages (a person's
    name, a place's), by the messages that hold every request string field of the input type (or of the
    field's arguments), the lowest of theirs if several. A String that is no request string field (a file's
    base64 content) and the arguments of the gateway's own root fields ``own_fields`` are left as they are.
    """
    pool = descriptor_pool.Default()
    services = [pool.FindServiceByName(name) for plugin in plugins.values() for name in plugin.service_names]
    limits = request_text_limits(services)
    messages = list(request_text_fields(services).values())
    for group in _strings(schema, own_fields):
        named = {ALIASES.get(name) or _CAPITAL.sub("_", name).lower(): item for name, item in group}
        named = {name: item for name, item in named.items() if name in limits}
        holders = [fields for fields in messages if named.keys() <= fields.keys()]
        for name, item in named.items():
            limit = min(fields[name] for fields in holders) if holders else limits[name]
            item.description = " ".join(filter(None, [item.description, limit_sentence(limit)]))


def _strings(schema: GraphQLSchema,
             own_fields: Set[str]) -> Iterator[list[tuple[str, GraphQLArgument | GraphQLInputField]]]:
    """The String arguments of each object type's field, and the String fields of each input type, by name."""
    roots = {schema.query_type, schema.mutation_type}
    for graphql_type in schema.type_map.values():
        groups: Iterable[Iterable[tuple[str, GraphQLArgument | GraphQLInputField]]] = ()
        if isinstance(graphql_type, GraphQLObjectType) and not graphql_type.name.startswith("__"):
            groups = (field.args.items() for field_name, field in graphql_type.fields.items()
                      if not (graphql_type in roots and field_name in own_fields))
        elif isinstance(graphql_type, GraphQLInputObjectType):
            groups = (graphql_type.fields.items(),)
        for items in groups:
            group = [(name, item) for name, item in items if get_named_type(item.type) is GraphQLString]
            if group:
                yield group
