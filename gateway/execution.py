"""A leaner execution of plain scalar fields: read the attribute, coerce it, skip the per-field bookkeeping.

graphql-core builds a resolve-info record, argument map and completion chain for every field (~8 µs);
a protobuf row of scalars read through Strawberry's default resolver needs none of it. Anything else
— arguments, custom resolvers, objects and lists, nulls, errors — takes graphql-core's own path.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLLeafType, GraphQLNonNull, GraphQLObjectType, is_leaf_type
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class LeafFastPathExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Resolves an argument-free scalar or enum field with the default resolver in one step."""

    def execute_field(self, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Any,
                      position_context: Any) -> Any:
        node = field_details_list[0].node
        manager = self.middleware_manager
        # Strawberry always passes a manager; it wraps nothing unless an extension resolves fields.
        if not node.arguments and (manager is None or not manager.middlewares):
            field_def = parent_type.fields.get(node.name.value)
            if field_def is not None and not field_def.args:
                resolve = field_def.resolve
                leaf = _leaf_of(field_def.type)
                if leaf is not None and resolve is not None and getattr(resolve, "_is_default", False):
                    try:
                        result = resolve(source, None)
                        if result is not None and not self.is_awaitable(result):
                            coerced = leaf.coerce_output_value(result)
                            if coerced is not None and coerced is not Undefined:
                                return coerced
                    except Exception:  # the full path below reports it, with the field's path
                        pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


def _leaf_of(graphql_type: Any) -> GraphQLLeafType | None:
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return graphql_type if is_leaf_type(graphql_type) else None
