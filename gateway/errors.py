"""GraphQL errors with a stable extensions.code, and their mapping from service status codes."""

from __future__ import annotations

from typing import Any

import grpc
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
    """A decision could not be made durable; the request it belongs to must be refused."""


def gateway_error(code: str, message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


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


def error_from_rpc(service: str, method: str, error: grpc.aio.AioRpcError) -> GraphQLError:
    """The GraphQL error for a failed call: code, fieldViolations, currentState, allowedActions."""
    status = error.code()
    if status is grpc.StatusCode.RESOURCE_EXHAUSTED and error_detail(error) is None:
        # gRPC's own message-size refusal ("Received message larger than max (10485790 vs. 4194304)"): the
        # caller's input is too large, which is theirs to fix; gRPC's wording and figures are not for them.
        return gateway_error("INVALID_ARGUMENT", f"the input is too large for the {service} service: shorten the "
                             "longest text (a description holds at most 10,000 characters) or send a smaller file",
                             service=service)
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
