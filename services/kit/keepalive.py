"""gRPC keepalive: the clients' pings and the servers' ping policy, derived from one setting so they agree."""

from __future__ import annotations

from dataclasses import dataclass

# A server that receives pings more often than it allows counts a strike for each; past
# ``max_ping_strikes`` it sends GOAWAY ENHANCE_YOUR_CALM "too_many_pings" and drops the connection, and
# every open Watch stream on it with it. gRPC's server default allows one ping every 5 minutes, while
# the clients ping every 30 s: hence both sides are built from the same Keepalive.


@dataclass(frozen=True)
class Keepalive:
    """Clients ping an idle connection every ``interval`` seconds and drop it when no answer comes within
    ``timeout``; servers accept pings up to twice as often as that, with or without calls in flight.
    """

    interval: float = 30.0
    timeout: float = 10.0
    # A client that pings faster than agreed is still cut off (it is misconfigured, or abusive).
    max_ping_strikes: int = 2

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.timeout <= 0:
            raise ValueError("keepalive interval and timeout must be positive")

    def channel_options(self) -> tuple[tuple[str, int], ...]:
        """Options for a client channel."""
        return (
            ("grpc.keepalive_time_ms", _ms(self.interval)),
            ("grpc.keepalive_timeout_ms", _ms(self.timeout)),
            # Ping between calls too: a consumer's channel between two Watch streams, or the gateway's
            # channel at night, then notices a dead peer before the next call waits on it.
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.max_pings_without_data", 0),  # a Watch stream may stay silent for hours
        )

    def server_options(self) -> tuple[tuple[str, int], ...]:
        """Options for a server whose clients use channel_options()."""
        return (
            ("grpc.keepalive_permit_without_calls", 1),
            # Half the clients' interval: timer jitter never makes an agreed ping look early. (gRPC's
            # name for the minimum interval between received pings; "min_recv_..." is not an option.)
            ("grpc.http2.min_ping_interval_without_data_ms", _ms(self.interval / 2)),
            ("grpc.http2.max_ping_strikes", self.max_ping_strikes),
        )


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


KEEPALIVE = Keepalive()
