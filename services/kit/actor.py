"""The signed actor the gateway sends with every call, and its verification in the services."""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import time
from collections.abc import Iterable, Sequence

from gridgov.common.v1 import actor_pb2
from services.kit import jurisdiction
from services.kit.errors import PermissionDenied, Unauthenticated

ACTOR_KEY = "gridgov-actor-bin"
SIGNATURE_KEY = "gridgov-actor-sig"
# A signature older than this is refused, so a captured one cannot be replayed for long.
MAX_AGE_SECONDS = 300

_current: contextvars.ContextVar[actor_pb2.Actor] = contextvars.ContextVar("gridgov_actor")


class ActorSigner:
    """Signs and verifies actor metadata with the shared HMAC key."""

    def __init__(self, key: bytes, service: str = "gateway") -> None:
        if not key:
            raise ValueError("actor key must not be empty")
        self.key = key
        self.service = service

    def _signature(self, blob: bytes) -> str:
        return hmac.new(self.key, blob, hashlib.sha256).hexdigest()

    def metadata(self, actor: actor_pb2.Actor) -> tuple[tuple[str, str | bytes], ...]:
        """gRPC metadata carrying ``actor``, stamped with the current time and signed."""
        actor.issued_at = int(time.time())
        blob = actor.SerializeToString(deterministic=True)
        return ((ACTOR_KEY, blob), (SIGNATURE_KEY, self._signature(blob)))

    def system_metadata(self, read_scopes: Sequence[str] = ("",)) -> tuple[tuple[str, str | bytes], ...]:
        """Metadata for a service calling another on its own behalf (event consumers, jobs)."""
        actor = actor_pb2.Actor(
            subject=f"system:{self.service}",
            roles=[actor_pb2.RoleGrant(role="system", scope="")],
            read_scopes=list(read_scopes),
        )
        return self.metadata(actor)

    def verify(self, metadata: Iterable[tuple[str, str | bytes]] | None) -> actor_pb2.Actor:
        """The actor of a call; raises Unauthenticated if missing, forged or stale."""
        values = dict(metadata or ())
        blob = values.get(ACTOR_KEY)
        signature = values.get(SIGNATURE_KEY)
        if not isinstance(blob, bytes) or not isinstance(signature, str):
            raise Unauthenticated("the call carries no signed actor")
        if not hmac.compare_digest(self._signature(blob), signature):
            raise Unauthenticated("the actor signature does not verify")
        actor = actor_pb2.Actor()
        actor.ParseFromString(blob)
        if abs(time.time() - actor.issued_at) > MAX_AGE_SECONDS:
            raise Unauthenticated("the actor signature has expired")
        return actor


def set_current(actor: actor_pb2.Actor) -> contextvars.Token[actor_pb2.Actor]:
    return _current.set(actor)


def current() -> actor_pb2.Actor:
    """The verified actor of the call being served; raises Unauthenticated outside one."""
    try:
        return _current.get()
    except LookupError:
        raise Unauthenticated("no actor for this call") from None


def is_system(actor: actor_pb2.Actor) -> bool:
    return actor.subject.startswith("system:")


def read_scopes(actor: actor_pb2.Actor | None = None) -> list[str]:
    """The jurisdiction prefixes this call may read; raises PermissionDenied when none."""
    actor = actor or current()
    scopes = list(actor.read_scopes)
    if not scopes:
        raise PermissionDenied("this request may read no jurisdiction")
    return jurisdiction.normalize_scopes(scopes)


def require_in_scope(code: str, actor: actor_pb2.Actor | None = None) -> None:
    """Raises PermissionDenied unless ``code`` lies inside the call's read scopes (defence in depth)."""
    scopes = read_scopes(actor)
    if not jurisdiction.within_any(code, scopes):
        raise PermissionDenied(f"jurisdiction {code} is outside this request's scope")


def masks(field: str, actor: actor_pb2.Actor | None = None) -> bool:
    """True when the policy requires ``field`` masked for this call."""
    actor = actor or current()
    return field in actor.mask
