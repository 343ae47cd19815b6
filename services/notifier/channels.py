"""What every external channel's adapter is: one message to one address, and how a send can fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from services.notifier.domain import ReminderKind


@dataclass(frozen=True)
class Message:
    """One delivery as an adapter sends it; ``key`` (the delivery id) is the same on every attempt, so a provider
    that saw an attempt whose answer was lost recognises the repeat."""

    key: str
    address: str
    kind: ReminderKind
    title: str
    body: str
    params: dict[str, str]


class SendError(Exception):
    """A send that did not go through; ``permanent`` ones are not retried (a bad number, a refused address)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Sender(Protocol):
    async def send(self, message: Message) -> None:
        """Hands ``message`` to the provider; raises SendError."""
