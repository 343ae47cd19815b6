"""GraphQL errors with a stable extensions.code, and their mapping from service status codes."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.message import Message
from graphql import GraphQLError
from strawberry.utils.str_converters import to_camel_case

from gridgov.common.v1 import error_pb2

ERROR_DETAIL_KEY = "gridgov-error-bin"  # services.kit.server.ERROR_DETAIL_KEY; the kit's server is not imported here

# Status codes a service answers with that mean "it is not there right now".
_UNAVAILABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED}
_BY_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: "INVALID_ARGUMENT",
    grpc.StatusCode.NOT_FOUND: "NOT_FOUND",
    grpc.StatusCode.ALREADY_EXISTS: "ALREADY_EXISTS",
    grpc.StatusCode.FAILED_PRECONDITION: "FAILED_PRECONDITION",
    grpc.StatusCode.PERMISSION_DENIED: "PERMISSION_DENIED",
    grpc.StatusCode.UNAUTHENTICATED: "UNAUTHENTICATED",
}


# Arguments every call names alike: a list request's common.v1 PageRequest ``page`` (GraphQL lists take
# first/after), and a creating request's idempotency key (always a top-level argument, beside any input object).
COMMON_ARGUMENTS: Mapping[str, str] = {"page.page_size": "first", "page.page_token": "after",
                                       "idempotency_key": "idempotencyKey"}
_SEGMENT = re.compile(r"([^.\[]+)((?:\[\d+\])*)")
_INDEXES = re.compile(r"(?:\[\d+\])*")


@dataclass(frozen=True)
class GraphQLNames:
    """How one call's service-side names read in GraphQL, so its errors name what the client sent.

    ``arguments`` maps a proto request path (a field, or a prefix of dotted segments; ``""`` is every
    path) to the GraphQL argument path it came from: ``{"source": "input"}`` turns ``source.area_m2``
    into ``input.areaM2``, ``{"case_id": "id"}`` turns ``case_id`` into ``id``. The longest matching
    prefix wins; what follows it is camelCased segment by segment (indexes kept: ``items[2].hazardTypeCode``).
    The common arguments (``page.page_size`` → ``first``, ``page.page_token`` → ``after``, ``idempotency_key`` →
    ``idempotencyKey``) hold for every call.
    ``files`` maps a proto prefix that points into an uploaded file (``rows``) to the GraphQL argument
    carrying the file (``data``): the argument is the field, and the place in the file (``rows[3].source_type``,
    the file's own column names) opens the description.
    ``actions`` maps the service's action names to the GraphQL mutations that perform them (``close`` →
    ``verifyCase``); ``""`` marks an action only the service itself takes (a deadline job's), which no
    client can be offered; an action not named is camelCased.
    """

    arguments: Mapping[str, str] = field(default_factory=dict)
    actions: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)

    def violation(self, path: str, description: str) -> dict[str, str]:
        """A field violation as GraphQL reports it: ``{field, description}``."""
        inside = _longest_prefix(path, self.files) if self.files else None
        if inside is not None:
            return {"field": self.files[inside], "description": f"{path}: {description}"}
        return {"field": self.argument(path), "description": description}

    def argument(self, path: str) -> str:
        """The GraphQL argument path of a proto request path."""
        renames = {**COMMON_ARGUMENTS, **self.arguments}
        prefix = _longest_prefix(path, renames)
        rest = path[len(prefix):] if prefix is not None else path
        head = renames[prefix] if prefix is not None else ""
        index = _INDEXES.match(rest)
        if index and index.group():  # the renamed field is a list: its index stays with the new name
            head, rest = head + index.group(), rest[index.end():]
        tail = ".".join(to_camel_case(name) + indexes for name, indexes in _SEGMENT.findall(rest.lstrip(".")))
        return ".".join(part for part in (head, tail) if part)

    def inside(self, argument: str) -> GraphQLNames:
        """These names for a field that takes its arguments as one input object called ``argument``: every
        request path is read under it (``case_id`` → ``input.id`` where ``case_id`` → ``id`` was the rename)."""
        def under(target: str) -> str:
            if target == argument or target.startswith(argument + "."):
                return target
            return f"{argument}.{target}" if target else argument
        arguments = {"": argument, **{path: under(target) for path, target in self.arguments.items()}}
        return GraphQLNames(arguments, self.actions, self.files)

    def action(self, name: str) -> str:
        """The GraphQL mutation that performs a service action; empty for one no client performs."""
        found = self.actions.get(name)
        return to_camel_case(name) if found is None else found


def _longest_prefix(path: str, renames: Mapping[str, str]) -> str | None:
    best: str | None = None
    for key in renames:
        matches = key == "" or path == key or path.startswith(key + ".") or path.startswith(key + "[")
        if matches and (best is None or len(key) > len(best)):
            best = key
    return best


DEFAULT_NAMES = GraphQLNames()


def invalid_argument(violations: list[dict[str, str]], **extensions: Any) -> GraphQLError:
    """An INVALID_ARGUMENT error: ``field`` names the first bad argument, ``fieldViolations`` all of them."""
    message = "; ".join(f"{v['field']}: {v['description']}" for v in violations)
    return gateway_error("INVALID_ARGUMENT", message, field=violations[0]["field"], fieldViolations=violations,
                         **extensions)


class DecisionLogUnavailable(Exception):
    """A decision could not be made durable; the request it belongs to must be refused.

    ``late``: the record was not confirmed in time but may still be written (the database was locked); this future
    says whether it was.
    """

    def __init__(self, message: str, *, late: asyncio.Future[int] | None = None) -> None:
        super().__init__(message)
        self.late = late


def gateway_error(code: str, message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def outcome_unknown(service: str, status: grpc.StatusCode, details: str, request: Message | None) -> GraphQLError:
    """SERVICE_UNAVAILABLE for a change the service may have made before the answer was lost (deadline exceeded,
    connection dropped, call cancelled), with extensions ``outcome: "UNKNOWN"`` and ``retryable``: true when a retry
    cannot make it twice (the request carried an idempotencyKey, or the mutation is not a creating one)."""
    fields = request.DESCRIPTOR.fields_by_name if request is not None else {}
    key = getattr(request, "idempotency_key", "") if "idempotency_key" in fields else ""
    if key:
        advice = ("retry with the same idempotencyKey: if the change was made, the retry returns its result "
                  "without making it again")
    elif "idempotency_key" in fields:
        advice = ("a retry without an idempotencyKey may make it twice: check whether it was made before retrying, "
                  "and send an idempotencyKey with creating mutations so that retries are safe")
    else:
        advice = "check the record's current state before retrying"
    creating_without_key = "idempotency_key" in fields and not key
    return gateway_error(
        "SERVICE_UNAVAILABLE",
        f"the {service} service did not confirm the change ({status.name.lower()}: {details}); its outcome is "
        f"unknown, it may have been made: {advice}",
        service=service, outcome="UNKNOWN", retryable=not creating_without_key)


def error_detail(error: grpc.aio.AioRpcError) -> error_pb2.ErrorDetail | None:
    """The ErrorDetail a gridgov service put in the trailing metadata, if any."""
    for key, value in error.trailing_metadata() or ():
        if key == ERROR_DETAIL_KEY and isinstance(value, bytes):
            detail = error_pb2.ErrorDetail()
            try:
                detail.ParseFromString(value)
            except Exception:  # a garbled detail must not hide the status itself
                return None
            return detail
    return None


def error_from_rpc(service: str, method: str, error: grpc.aio.AioRpcError, *, request: Message | None = None,
                   write: bool = False, names: GraphQLNames = DEFAULT_NAMES) -> GraphQLError:
    """The GraphQL error for a failed call: code, and in GraphQL's names (``names``) the first bad argument
    (``field``), every one (``fieldViolations``), the current state and the mutations allowed in it.

    A ``write`` (a call a mutation makes) that went unanswered may have committed all the same: its error says
    the outcome is unknown and how to retry safely (outcome_unknown).
    """
    status = error.code()
    if status is grpc.StatusCode.RESOURCE_EXHAUSTED and error_detail(error) is None:
        # gRPC's own message-size refusal ("Received message larger than max (10485790 vs. 4194304)"): the
        # caller's input is too large, which is theirs to fix; gRPC's wording and figures are not for them.
        return gateway_error("INVALID_ARGUMENT", f"the input is too large for the {service} service: shorten the "
                             "longest text (a description holds at most 10,000 characters) or send a smaller file",
                             service=service)
    if status in _UNAVAILABLE and write:
        return outcome_unknown(service, status, error.details() or "no answer", request)
    if status in _UNAVAILABLE:
        return gateway_error("SERVICE_UNAVAILABLE", f"the {service} service is unavailable "
                             f"({status.name.lower()}): {error.details() or 'no answer'}", service=service)
    detail = error_detail(error)
    if detail is None:
        code = _BY_STATUS.get(status, "INTERNAL")
        message = error.details() or status.name
        return gateway_error(code, message if code != "INTERNAL" else f"{service}.{method} failed: {message}",
                             service=service)
    code = detail.code or _BY_STATUS.get(status, "INTERNAL")
    if detail.field_violations:
        violations = [names.violation(v.field, v.description) for v in detail.field_violations]
        message = "; ".join(f"{v['field']}: {v['description']}" for v in violations)
        return GraphQLError(message, extensions={"code": code, "service": service, "field": violations[0]["field"],
                                                 "fieldViolations": violations})
    extensions: dict[str, Any] = {"code": code, "service": service}
    if detail.current_state:
        # GraphQL's enum value of the state; each mutation once, in the order of the service's actions.
        extensions["currentState"] = detail.current_state.upper()
        extensions["allowedActions"] = [m for m in dict.fromkeys(names.action(a) for a in detail.allowed_actions)
                                        if m]
    return GraphQLError(detail.message or error.details() or status.name, extensions=extensions)
