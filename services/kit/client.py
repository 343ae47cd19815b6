"""Client channels to gridgov services: one shared channel per service, a deadline on every call."""

from __future__ import annotations

from typing import Any

import grpc

DEFAULT_DEADLINE = 5.0

# Keepalive so a dead peer is noticed and the channel reconnects rather than hangs.
CHANNEL_OPTIONS = (
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
)


class DeadlineInterceptor(
    grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor
):
    """Sets ``deadline`` seconds on any call that was made without one."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def _with_deadline(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        if details.timeout is not None:
            return details
        return grpc.aio.ClientCallDetails(
            details.method, self.deadline, details.metadata, details.credentials, details.wait_for_ready
        )

    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._with_deadline(details), request)

    async def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(details, request)  # streams (Watch) are long-lived by design


def open_channel(address: str, deadline: float = DEFAULT_DEADLINE) -> grpc.aio.Channel:
    """An insecure channel (mTLS is terminated by the deployment) whose unary calls always time out."""
    return grpc.aio.insecure_channel(
        address, options=CHANNEL_OPTIONS, interceptors=[DeadlineInterceptor(deadline)]
    )
