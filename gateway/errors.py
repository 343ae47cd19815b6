"""GraphQL errors with a stable extensions.code, and their mapping from service status codes."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from google.protobuf.message import Message
from graphql import GraphQLError

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
                   write: bool = False) -> GraphQLError:
    """The GraphQL error for a failed call: code, fieldViolations, currentState, allowedActions.

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
    extensions: dict[str, Any] = {"code": detail.code or _BY_STATUS.get(status, "INTERNAL"), "service": service}
    if detail.field_violations:
        extensions["fieldViolations"] = [{"field": v.field, "description": v.description}
                                         for v in detail.field_violations]
    if detail.current_state:
        extensions["currentState"] = detail.current_state
        extensions["allowedActions"] = list(detail.allowed_actions)
    return GraphQLError(detail.message or error.details() or status.name, extensions=extensions)
