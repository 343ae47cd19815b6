"""Client channels to gridgov services: one shared channel per service, a deadline on every call."""

from __future__ import annotations

from typing import Any

import grpc

from services.kit.keepalive import KEEPALIVE, Keepalive
from services.kit.tls import TLSConfig

DEFAULT_DEADLINE = 5.0

# Keepalive (services.kit.keepalive) comes on top, so a dead peer is noticed and the channel reconnects rather
# than hangs.
CHANNEL_OPTIONS = (
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),  # services.kit.server.MAX_MESSAGE_BYTES
    # Each channel keeps its own connections: gRPC otherwise shares them between channels of the same target
    # and options, so one component's connection back-off (an event consumer that dialled a service before it
    # started) would hold back another's calls (the gateway's) to the same address.
    ("grpc.use_local_subchannel_pool", 1),
    # Reconnect quickly after a service restarts: gRPC's default back-off (1 s growing x1.6 to 120 s) kept the
    # gateway failing a service's fields for 10 s and more after it was healthy again. Attempts every 100 ms
    # growing to at most 500 ms cost a refused TCP connect each while the service is down.
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 500),
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


def open_channel(address: str, deadline: float = DEFAULT_DEADLINE, tls: TLSConfig | None = None,
                 keepalive: Keepalive = KEEPALIVE) -> grpc.aio.Channel:
    """A channel whose unary calls always time out: mutual TLS with ``tls``, plain without (dev, or a mesh).

    ``keepalive`` must be the one the server was made with (services.kit.server.new_server).
    """
    interceptors = [DeadlineInterceptor(deadline)]
    options = CHANNEL_OPTIONS + keepalive.channel_options()
    if tls is not None:
        return grpc.aio.secure_channel(address, tls.channel_credentials(), options=options,
                                       interceptors=interceptors)
    return grpc.aio.insecure_channel(address, options=options, interceptors=interceptors)
