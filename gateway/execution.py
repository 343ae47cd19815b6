"""A leaner execution of plain scalar fields: read the value, coerce it, skip the per-field bookkeeping.

graphql-core builds a resolve-info record, argument map and completion chain for every field (~8 µs)
and runs a completion chain for every object of a list; a protobuf row of scalars needs none of it.
A field qualifies when it takes no arguments, is a scalar or enum, has no field extensions, and is
read by the default resolver or computed by a plain synchronous method of the type (``def
care_level(self)``: no arguments, no info). A list of objects whose selected fields all qualify is
completed row by row in one loop. Anything else — arguments, resolvers taking info, objects and
lists, a null where the type forbids it, errors, field middleware, @defer/@stream, is_type_of —
takes graphql-core's own path, which evaluates the field again: so a qualifying method must be a
pure conversion of its object (they are).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any
from weakref import WeakKeyDictionary

from graphql import GraphQLField, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, is_leaf_type
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

# (read the value from the source, coerce it, may it be null) for a field that qualifies, None otherwise.
_Steps = tuple[Callable[[Any], Any], Callable[[Any], Any], bool]
Plan = _Steps | None
_PLANS: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], Plan]] = WeakKeyDictionary()
_FAILED = object()
# Values that are never awaitable: no need to ask.
_PLAIN = frozenset({str, int, float, bool})


class LeafFastPathExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Resolves argument-free scalar and enum fields in one step, and lists of such objects in one loop."""

    def _plan(self, parent_type: GraphQLObjectType, name: str) -> Plan:
        plans = _PLANS.get(self.schema)
        if plans is None:
            plans = _PLANS[self.schema] = {}
        key = (parent_type.name, name)
        return plans[key] if key in plans else plans.setdefault(key, _plan(parent_type.fields.get(name)))

    def _no_middleware(self) -> bool:
        # Strawberry always passes a manager; it wraps nothing unless an extension resolves fields.
        manager = self.middleware_manager
        return manager is None or not manager.middlewares

    def execute_field(self, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Any,
                      position_context: Any) -> Any:
        node = field_details_list[0].node
        if not node.arguments and self._no_middleware():
            plan = self._plan(parent_type, node.name.value)
            if plan is not None:
                value = _complete(plan, source, self.is_awaitable)
                if value is not _FAILED:
                    return value
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def complete_iterable_value(self, item_type: Any, field_details_list: Any, info: Any, path: Path, items: Any,
                                position_context: Any) -> Any:
        fields = self._row_plan(item_type, field_details_list, path, items)
        if fields is None:
            return super().complete_iterable_value(item_type, field_details_list, info, path, items,
                                                   position_context)
        is_awaitable = self.is_awaitable
        rows: list[Any] = []
        awaitable_indices: list[int] = []
        for index, item in enumerate(items):
            # The loop of _complete, inlined: it runs for every field of every row.
            row: dict[str, Any] = {}
            try:
                for response_name, (read, coerce, nullable) in fields:
                    result = read(item)
                    if result is None:
                        if not nullable:
                            break
                        row[response_name] = None
                        continue
                    if type(result) not in _PLAIN and is_awaitable(result):
                        break
                    coerced = coerce(result)
                    if coerced is None or coerced is Undefined:
                        break
                    row[response_name] = coerced
                else:
                    rows.append(row)
                    continue
            except Exception:  # graphql-core's path below reports it, with the field's path
                pass
            # This row needs graphql-core's path (a null, an error): it completes it in place, at its index.
            if self.complete_list_item_value(item, rows, item_type, field_details_list, info,
                                             path.add_key(index, None), position_context):
                awaitable_indices.append(index)
        if not awaitable_indices:
            return rows

        async def completed() -> list[Any]:
            awaited = await gather_with_cancel(*(rows[i] for i in awaitable_indices))
            for i, value in zip(awaitable_indices, awaited, strict=True):
                rows[i] = value
            return rows

        return completed()

    def _row_plan(self, item_type: Any, field_details_list: Any, path: Path,
                  items: Any) -> list[tuple[str, _Steps]] | None:
        """The (response name, plan) of every selected field when each row can be completed in one loop."""
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if (not isinstance(object_type, GraphQLObjectType) or object_type.is_type_of is not None
                or not isinstance(items, Sequence) or isinstance(items, str) or not self._no_middleware()
                or self.get_stream_usage(field_details_list, path) is not None):
            return None
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        fields: list[tuple[str, _Steps]] = []
        for response_name, details in grouped_field_set.items():
            node = details[0].node
            plan = None if node.arguments else self._plan(object_type, node.name.value)
            if plan is None:
                return None
            fields.append((response_name, plan))
        return fields


def _complete(plan: Plan, source: Any, is_awaitable: Callable[[Any], bool]) -> Any:
    """The field's completed value, or _FAILED when graphql-core's path must answer (nulls, errors)."""
    assert plan is not None
    read, coerce, nullable = plan
    try:
        result = read(source)
        if result is None:
            return None if nullable else _FAILED
        if type(result) not in _PLAIN and is_awaitable(result):
            return _FAILED
        coerced = coerce(result)
    except Exception:  # the full path reports it, with the field's path
        return _FAILED
    return _FAILED if coerced is None or coerced is Undefined else coerced


def _plan(field_def: GraphQLField | None) -> Plan:
    if field_def is None or field_def.args:
        return None
    nullable = not isinstance(field_def.type, GraphQLNonNull)
    leaf = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else field_def.type
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not is_leaf_type(leaf) or definition is None or definition.extensions:
        return None
    resolver = definition.base_resolver
    if resolver is None:
        if not getattr(field_def.resolve, "_is_default", False):
            return None
        default, name = definition.default_resolver, definition.python_name
        read = attrgetter(name) if default is getattr else (lambda source: default(source, name))
        return read, leaf.coerce_output_value, nullable
    # A plain method of the type: called with the object as self and nothing else.
    if (resolver.is_async or resolver.self_parameter is None or resolver.arguments or resolver.info_parameter
            or resolver.root_parameter or resolver.parent_parameter):
        return None
    return resolver.wrapped_func, leaf.coerce_output_value, nullable
