"""Signed actor metadata for calling services directly in tests."""

from __future__ import annotations

from collections.abc import Sequence

from gridgov.common.v1 import actor_pb2
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY

SIGNER = ActorSigner(DEV_ACTOR_KEY.encode())


def actor_metadata(
    subject: str = "tester",
    roles: Sequence[tuple[str, str]] = (("district_admin", "110108"),),
    read_scopes: Sequence[str] | None = None,
    mask: Sequence[str] = (),
    department: str = "",
) -> tuple[tuple[str, str | bytes], ...]:
    """Metadata as the gateway would send it; read scopes default to the roles' scopes."""
    scopes = [scope for _, scope in roles] if read_scopes is None else list(read_scopes)
    actor = actor_pb2.Actor(
        subject=subject,
        roles=[actor_pb2.RoleGrant(role=r, scope=s) for r, s in roles],
        read_scopes=scopes,
        mask=list(mask),
        department=department,
        request_id="test",
    )
    return SIGNER.metadata(actor)
