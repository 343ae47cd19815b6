"""The GraphQL schema: the gateway's own fields plus every enabled plugin's contribution, with limits."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryOptional
from strawberry.types.graphql import OperationType

from gateway.audit import AuditQuery
from gateway.context import RequestContext
from gateway.documents import DocumentLimits, Documents, PreparedDocument
from gateway.execution import LeafFastPathExecutionContext
from gateway.media.graphql import MediaQuery
from gateway.text_limits import describe_text_limits
from gateway.viewer import ViewerQuery
from services.kit.plugin import GraphQLContribution, Plugin, PluginError, TypeExtension

GATEWAY = "gateway"


class GatewaySchema(strawberry.Schema):
    """Logs only unexpected errors: a denial, bad input or a service outage is an answer, not a fault.

    ``documents`` prepares (bounds, parses, validates) the documents it runs; see gateway/documents.py.
    """

    documents: Documents
    # Root mutation fields that carry a file (GraphQLContribution.uploads): requests made only of them
    # may be as large as GRIDGOV_MAX_UPLOAD_BYTES.
    upload_fields: frozenset[str] = frozenset()

    def _get_custom_context_kwargs(self, operation_extensions: dict[str, Any] | None = None, *,
                                   sync: bool = False) -> dict[str, Any]:
        # graphql-core's execution (variable coercion) suggests names ("Did you mean 'allow'?") unless told not
        # to, as validation is (gateway/documents.py): the names describe the schema to whoever guesses.
        return {**super()._get_custom_context_kwargs(operation_extensions, sync=sync), "hide_suggestions": True}

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        unexpected = [error for error in errors if not _expected(error)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def _expected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None:  # syntax and validation errors: the client's document
        return True
    return isinstance(original, GraphQLError) and "code" in (original.extensions or {})


class SchemaCompositionError(PluginError):
    """The enabled plugins' GraphQL parts do not fit together; start-up must stop."""


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 15
    introspection: bool = True
    document: DocumentLimits = dataclasses.field(default_factory=DocumentLimits)

    def rules(self) -> list[type[ASTValidationRule]]:
        """The validation rules beyond the specification's: depth, aliases, introspection in production."""
        rules = [*QueryDepthLimiter(max_depth=self.max_depth).validation_rules,
                 *MaxAliasesLimiter(max_alias_count=self.max_aliases).validation_rules]
        if not self.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        return rules


def contributions(plugins: Mapping[str, Plugin]) -> list[tuple[str, GraphQLContribution]]:
    """Each plugin's GraphQL part, by plugin name; raises PluginError naming a plugin that fails."""
    parts = []
    for name in sorted(plugins):
        contribution = plugins[name].load_graphql()
        if contribution is not None:
            parts.append((name, contribution))
    return parts


def _field_names(part: type) -> list[str]:
    definition = getattr(part, "__strawberry_definition__", None)
    if definition is None:
        raise SchemaCompositionError(f"{part!r} is not a Strawberry type")
    converter = NameConverter()
    return [converter.get_graphql_name(f) for f in definition.fields]


def merge_root(root: str, parts: Sequence[tuple[str, type]]) -> type | None:
    """One root type from the parts; raises SchemaCompositionError naming both owners of a field."""
    if not parts:
        return None
    owners: dict[str, str] = {}
    for owner, part in parts:
        for name in _field_names(part):
            if name in owners:
                raise SchemaCompositionError(
                    f"{root}.{name} is defined by both {_describe(owners[name])} and {_describe(owner)}; "
                    "field names must be unique across plugins"
                )
            owners[name] = owner
    return merge_types(root, tuple(part for _, part in parts))


def make_nullable(part: type) -> type:
    """Makes each root field of a plugin's part nullable, in place.

    A service that is down fails only its own fields: with a non-null root field, GraphQL would
    null the whole answer, taking the other services' fields with it.
    """
    for strawberry_field in part.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if not isinstance(strawberry_field.type, StrawberryOptional):
            strawberry_field.type = StrawberryOptional(strawberry_field.type)
    return part


def _describe(owner: str) -> str:
    return "the gateway" if owner == GATEWAY else f"plugin {owner!r}"


class MutationMarker(SchemaExtension):
    """Tells the request's context that a mutation is executing, so its service calls count as writes."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            context.mutation = self.execution_context.operation_type is OperationType.MUTATION
        yield


def extensions() -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    """Per-request extensions: parsing and validation come from the schema's ``documents`` (and its cache)."""
    return [PreparedDocument, MutationMarker]


def build_schema(parts: Sequence[tuple[str, GraphQLContribution]], limits: Limits = Limits()) -> GatewaySchema:
    """The composed schema; raises SchemaCompositionError when the parts conflict."""
    query_parts: list[tuple[str, type]] = [(GATEWAY, ViewerQuery), (GATEWAY, AuditQuery), (GATEWAY, MediaQuery)]
    mutation_parts: list[tuple[str, type]] = []
    types: list[type] = []
    enabled = {name for name, _ in parts}
    applied: list[tuple[str, TypeExtension]] = []
    for name, contribution in parts:
        if contribution.query is not None:
            query_parts.append((name, make_nullable(contribution.query)))
        if contribution.mutation is not None:
            mutation_parts.append((name, make_nullable(contribution.mutation)))
        types.extend(contribution.types)
        for extension in contribution.extensions:
            if extension.plugin in enabled:  # otherwise the type it extends is not in this schema
                applied.append((name, extension))
                types.append(make_nullable(extension.fields))
    query = merge_root("Query", query_parts)
    assert query is not None  # the gateway's own fields are always there
    mutation = merge_root("Mutation", mutation_parts)
    try:
        schema = GatewaySchema(
            query=query, mutation=mutation, types=types, extensions=extensions(),
            config=StrawberryConfig(disable_field_suggestions=True),
            execution_context_class=LeafFastPathExecutionContext,
        )
    except Exception as error:  # strawberry raises many kinds for conflicting or broken types
        owners = ", ".join(name for name, _ in parts) or "none"
        raise SchemaCompositionError(f"the GraphQL schema cannot be built from plugins ({owners}): {error}") from error
    extend_types(schema, applied)
    schema.documents = Documents(schema._schema, limits.document, limits.rules())
    uploads = frozenset(field for _, contribution in parts for field in contribution.uploads)
    mutation_type = schema._schema.mutation_type
    missing = sorted(uploads - (set(mutation_type.fields) if mutation_type is not None else set()))
    if missing:
        raise SchemaCompositionError(f"upload fields that are not mutations of the schema: {', '.join(missing)}")
    schema.upload_fields = uploads
    return schema


def extend_types(schema: strawberry.Schema, applied: Sequence[tuple[str, TypeExtension]]) -> None:
    """Moves each extension's fields onto the type it extends, in place, and drops the carrier type.

    Strawberry has no way to add fields to a type defined elsewhere; its types become graphql-core
    types when the schema is built, and there the fields of the extension's (converted, resolvers
    and all) carrier type are added to the target's. Raises SchemaCompositionError for a target
    that does not exist or a field name the target (or another extension) already has.
    """
    type_map = schema._schema.type_map
    owners: dict[tuple[str, str], str] = {}
    for owner, extension in applied:
        target = type_map.get(extension.type_name)
        if not isinstance(target, GraphQLObjectType):
            raise SchemaCompositionError(
                f"{_describe(owner)} extends {extension.type_name!r} of plugin {extension.plugin!r}, "
                "which has no such object type")
        carrier_name = extension.fields.__strawberry_definition__.name  # type: ignore[attr-defined]
        carrier = type_map.pop(carrier_name)
        assert isinstance(carrier, GraphQLObjectType)
        for name, field in carrier.fields.items():
            if name in target.fields:
                first = owners.get((target.name, name), extension.plugin)
                raise SchemaCompositionError(
                    f"{target.name}.{name} is defined by both {_describe(first)} and {_describe(owner)}; "
                    "field names must be unique across plugins")
            owners[(target.name, name)] = owner
            target.fields[name] = field


def compose(plugins: Mapping[str, Plugin], limits: Limits = Limits()) -> GatewaySchema:
    """The schema of the enabled plugins; raises PluginError (or SchemaCompositionError) with a clear message."""
    schema = build_schema(contributions(plugins), limits)
    describe_text_limits(schema._schema, plugins, own_fields={*_field_names(ViewerQuery), *_field_names(AuditQuery),
                                                                     *_field_names(MediaQuery)})
    return schema
