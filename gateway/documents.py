"""GraphQL documents a request may run: bounded before validation, parsed and validated once, off the event loop.

graphql-core's validation costs CPU in proportion to the document (and more for repeated fields that
must be checked against each other), and it runs on the gateway's only event loop: one 140 KB
document that repeats a field 10,000 times held it for seconds. So a document is refused, with a
400 naming the limit, before it is validated: by its size in bytes and its number of lexer tokens
(``parse(max_tokens=...)``, before any node is built), then by a walk of the parsed tree without
recursion: selections, fragments, directives on one location, and how deep fragment spreads nest
(a long chain of fragments each spreading the next made the recursive validators fail with
"maximum recursion depth exceeded"). A document that passes is validated in a worker thread, and
the outcome (the document and its validation errors, or the refusal) is remembered by its text, so
a repeated document costs a dict lookup.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
    validate,
)
from graphql.validation import ASTValidationRule, specified_rules
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

CACHE_SIZE = 512
# Validation stops after this many errors: a document of many mistakes gets a few of them back.
MAX_ERRORS = 20


@dataclass(frozen=True)
class DocumentLimits:
    max_bytes: int = 32 * 1024
    max_tokens: int = 4000
    # Field selections, inline fragments and fragment spreads in the whole document.
    max_selections: int = 500
    max_fragments: int = 50
    # Directives on one field, fragment or operation.
    max_directives: int = 4
    # How many fragment spreads may nest inside each other.
    max_spread_depth: int = 10
    # How often one selection set may select the same response name, through inline fragments and spreads
    # too (legal, merged, and costly to check).
    max_repeats: int = 8


class DocumentRefused(Exception):
    """The document exceeds a limit; ``str(error)`` says which (sent with the 400)."""


@dataclass(frozen=True)
class Prepared:
    """A document that may run: parsed (None when it does not parse) and its validation or syntax errors."""

    document: DocumentNode | None
    errors: list[GraphQLError]

    def operation_problem(self, operation_name: str | None) -> str | None:
        """Why ``operation_name`` selects no operation of the document, or None when it selects one."""
        if self.document is None:
            return None
        names = [definition.name.value if definition.name else None for definition in self.document.definitions
                 if isinstance(definition, OperationDefinitionNode)]
        named = ", ".join(repr(name) for name in names if name) or "none"
        if operation_name is not None:
            if operation_name not in names:
                return f"operationName {operation_name!r} names no operation in the document (operations: {named})"
            return None
        if not names:
            return "the document has no operation to run (only fragments)"
        if len(names) > 1:
            return f"the document has {len(names)} operations ({named}): say which to run in operationName"
        return None

    def mutates_only(self, operation_name: str | None, fields: frozenset[str]) -> bool:
        """True when the operation that runs is a mutation whose every root selection is a field in ``fields``
        (no fragments: what runs must be plain to see before the large body is accepted)."""
        if self.document is None:
            return False
        operations = [definition for definition in self.document.definitions
                      if isinstance(definition, OperationDefinitionNode)
                      and (operation_name is None or (definition.name is not None
                                                      and definition.name.value == operation_name))]
        if len(operations) != 1 or operations[0].operation is not OperationType.MUTATION:
            return False
        return all(isinstance(selection, FieldNode) and selection.name.value in fields
                   for selection in operations[0].selection_set.selections)


def check(document: DocumentNode, limits: DocumentLimits) -> None:
    """Raises DocumentRefused when the parsed document exceeds a limit; walks the tree without recursion."""
    fragments: dict[str, list[str]] = {}
    definitions: dict[str, FragmentDefinitionNode] = {}
    roots: list[list[str]] = []
    selection_sets: list[SelectionSetNode] = []
    selections = 0
    for definition in document.definitions:
        spreads: list[str] = []
        if isinstance(definition, FragmentDefinitionNode):
            if len(fragments) >= limits.max_fragments:
                raise DocumentRefused(f"the document defines more than {limits.max_fragments} fragments")
            fragments[definition.name.value] = spreads
            definitions[definition.name.value] = definition
        else:
            roots.append(spreads)
        stack: list[Node] = [definition]
        while stack:
            node = stack.pop()
            directives = getattr(node, "directives", None) or ()
            if len(directives) > limits.max_directives:
                raise DocumentRefused(f"{_describe(node)} carries {len(directives)} directives; at most "
                                      f"{limits.max_directives} are allowed on one field or fragment")
            if isinstance(node, FieldNode | InlineFragmentNode | FragmentSpreadNode):
                selections += 1
                if selections > limits.max_selections:
                    raise DocumentRefused(f"the document selects more than {limits.max_selections} fields "
                                          "and fragments")
            if isinstance(node, FragmentSpreadNode):
                spreads.append(node.name.value)
            selection_set = getattr(node, "selection_set", None)
            if selection_set is not None:
                selection_sets.append(selection_set)
                stack.extend(selection_set.selections)
    # Unused fragments too: the validators walk them as well.
    for spreads in [*roots, *fragments.values()]:
        _check_spread_depth(spreads, fragments, limits.max_spread_depth)
    merged: dict[str, Counter[str]] = {}
    for selection_set in selection_sets:
        for name, count in _response_names(selection_set, definitions, merged).items():
            if count > limits.max_repeats:
                raise DocumentRefused(f"field {name!r} is selected {count} times in one selection set (through "
                                      f"inline fragments and spreads too); at most {limits.max_repeats}")


def _response_names(selection_set: SelectionSetNode, definitions: dict[str, FragmentDefinitionNode],
                    merged: dict[str, Counter[str]]) -> Counter[str]:
    """How often each response name is selected in the set, inline fragments and spreads merged in.

    graphql-core's OverlappingFieldsCanBeMerged compares every pair of these, so their number is what
    makes validation cost grow quadratically. Spreads recurse at most the spread depth (checked first,
    cycles refused); each fragment is counted once (``merged``).
    """
    counts: Counter[str] = Counter()
    stack: list[Node] = list(selection_set.selections)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode):
            counts[(node.alias or node.name).value] += 1
        elif isinstance(node, InlineFragmentNode):
            stack.extend(node.selection_set.selections)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in definitions:
            name = node.name.value
            if name not in merged:
                merged[name] = Counter()  # a cycle (refused before) cannot loop here
                merged[name] = _response_names(definitions[name].selection_set, definitions, merged)
            counts.update(merged[name])
    return counts


def _check_spread_depth(spreads: Sequence[str], fragments: dict[str, list[str]], limit: int) -> None:
    """Follows the spreads of one operation depth-first with an explicit stack; a cycle is refused too."""
    path: list[str] = []
    stack: list[tuple[str, Iterator[str]]] = []
    pending: Iterator[str] = iter(spreads)
    while True:
        name = next(pending, None)
        if name is None:
            if not stack:
                return
            path.pop()
            _, pending = stack.pop()
            continue
        if name not in fragments:
            continue  # validation reports the unknown fragment
        if name in path:
            raise DocumentRefused(f"fragment {name!r} spreads itself (through {' → '.join([*path, name])})")
        if len(path) >= limit:
            raise DocumentRefused(f"fragment spreads nest deeper than {limit} (through {' → '.join(path[:3])} …)")
        stack.append((name, pending))
        path.append(name)
        pending = iter(fragments[name])


def _describe(node: Node) -> str:
    if isinstance(node, FieldNode):
        return f"field {node.name.value!r}"
    if isinstance(node, FragmentSpreadNode | FragmentDefinitionNode):
        return f"fragment {node.name.value!r}"
    if isinstance(node, OperationDefinitionNode):
        return f"operation {node.name.value!r}" if node.name else "the operation"
    return "an inline fragment"


class Documents:
    """Prepares (bounds, parses, validates) documents for one schema and remembers the outcome by text."""

    def __init__(self, schema: GraphQLSchema, limits: DocumentLimits,
                 rules: Sequence[type[ASTValidationRule]] = ()) -> None:
        self.schema = schema
        self.limits = limits
        # strawberry's own rules as well (it adds them to every validation it runs itself)
        self.rules = (*specified_rules, MaybeNullValidationRule, OneOfInputValidationRule, *rules)
        self._cache: OrderedDict[str, Prepared | DocumentRefused] = OrderedDict()

    def refuse_size(self, query: str) -> None:
        """Raises DocumentRefused for a document over the byte limit (before anything else is done with it)."""
        if len(query) > self.limits.max_bytes or len(query.encode()) > self.limits.max_bytes:
            raise DocumentRefused(f"the query document is larger than {self.limits.max_bytes} bytes")

    async def prepare(self, query: str) -> Prepared:
        """The prepared document, validated in a worker thread unless remembered; raises DocumentRefused."""
        self.refuse_size(query)
        outcome = self._cache.get(query)
        if outcome is None:
            outcome = await asyncio.to_thread(self._outcome, query)
            self._remember(query, outcome)
        else:
            self._cache.move_to_end(query)
        if isinstance(outcome, DocumentRefused):
            # a fresh exception each time: the remembered one must not keep a request's frames alive
            raise DocumentRefused(str(outcome))
        return outcome

    def prepare_now(self, query: str) -> Prepared:
        """The same in the caller's thread (a remembered document costs a lookup); raises DocumentRefused."""
        self.refuse_size(query)
        outcome = self._cache.get(query)
        if outcome is None:
            outcome = self._outcome(query)
            self._remember(query, outcome)
        if isinstance(outcome, DocumentRefused):
            # a fresh exception each time: the remembered one must not keep a request's frames alive
            raise DocumentRefused(str(outcome))
        return outcome

    def _remember(self, query: str, outcome: Prepared | DocumentRefused) -> None:
        self._cache[query] = outcome
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _outcome(self, query: str) -> Prepared | DocumentRefused:
        try:
            document = parse(query, no_location=False, max_tokens=self.limits.max_tokens)
        except GraphQLError as error:
            if error.message.startswith("Syntax Error: Document contains more than"):
                return DocumentRefused(f"the query document has more than {self.limits.max_tokens} tokens")
            return Prepared(None, [error])
        try:
            check(document, self.limits)
        except DocumentRefused as refused:
            return refused
        errors = validate(self.schema, document, self.rules, max_errors=MAX_ERRORS, hide_suggestions=True)
        return Prepared(document, errors)


class PreparedDocument(SchemaExtension):
    """Hands strawberry the prepared document and its validation errors instead of parsing and validating.

    The HTTP endpoint has prepared the document already (in a thread); here it is a cache lookup.
    The schema must carry ``documents`` (GatewaySchema does).
    """

    prepared: Prepared

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        documents: Documents = context.schema.documents  # type: ignore[attr-defined]
        assert context.query is not None
        try:
            self.prepared = documents.prepare_now(context.query)
        except DocumentRefused as refused:
            raise GraphQLError(str(refused)) from None
        if self.prepared.document is None:
            raise self.prepared.errors[0]
        context.graphql_document = self.prepared.document
        yield

    def on_validate(self) -> Iterator[None]:
        self.execution_context.pre_execution_errors = self.prepared.errors
        yield
