"""A leaner execution of plain scalar fields: read the attribute, coerce it, skip the per-field bookkeeping.

graphql-core builds a resolve-info record, argument map and completion chain for every field (~8 µs);
a protobuf row of scalars read through Strawberry's default resolver needs none of it. Anything else
— arguments, custom resolvers, objects and lists, nulls, errors, field middleware — takes
graphql-core's own path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from graphql import GraphQLField, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, is_leaf_type
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

# (read the attribute, coerce the value) for a field that qualifies, None for one that does not.
Plan = tuple[Callable[[Any, str], Any], str, Callable[[Any], Any]] | None
_PLANS: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], Plan]] = WeakKeyDictionary()


class LeafFastPathExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Resolves an argument-free scalar or enum field with the default resolver in one step."""

    def execute_field(self, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Any,
                      position_context: Any) -> Any:
        node = field_details_list[0].node
        manager = self.middleware_manager
        # Strawberry always passes a manager; it wraps nothing unless an extension resolves fields.
        if not node.arguments and (manager is None or not manager.middlewares):
            plans = _PLANS.get(self.schema)
            if plans is None:
                plans = _PLANS[self.schema] = {}
            key = (parent_type.name, node.name.value)
            plan = plans[key] if key in plans else plans.setdefault(key, _plan(parent_type.fields.get(key[1])))
            if plan is not None:
                read, name, coerce = plan
                try:
                    result = read(source, name)
                    if result is not None and not self.is_awaitable(result):
                        coerced = coerce(result)
                        if coerced is not None and coerced is not Undefined:
                            return coerced
                except Exception:  # the full path below reports it, with the field's path
                    pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


def _plan(field_def: GraphQLField | None) -> Plan:
    if field_def is None or field_def.args or not getattr(field_def.resolve, "_is_default", False):
        return None
    leaf = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else field_def.type
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not is_leaf_type(leaf) or definition is None or definition.base_resolver is not None:
        return None
    return definition.default_resolver, definition.python_name, leaf.coerce_output_value
