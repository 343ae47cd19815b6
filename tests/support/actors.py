"""Signed actor metadata for calling services directly in tests."""

from __future__ import annotations

from collections.abc import Sequence

from gridgov.common.v1 import actor_pb2
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY

SIGNER = ActorSigner(DEV_ACTOR_KEY.encode())


class SignedMetadata(tuple[tuple[str, str | bytes], ...]):
    """Actor metadata that signs itself anew each time a call reads it.

    Tests keep metadata in module constants; a signature made at import would expire
    (MAX_AGE_SECONDS) before the suite reached the tests that use it.
    """

    actor: actor_pb2.Actor
    signer: ActorSigner

    def __new__(cls, actor: actor_pb2.Actor, signer: ActorSigner = SIGNER) -> SignedMetadata:
        signed = super().__new__(cls, signer.metadata(actor))
        signed.actor, signed.signer = actor, signer
        return signed

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.signer.metadata(self.actor))

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self.signer.metadata(self.actor)[index]


def actor_metadata(
    subject: str = "tester",
    roles: Sequence[tuple[str, str]] = (("district_admin", "110108"),),
    read_scopes: Sequence[str] | None = None,
    mask: Sequence[str] = (),
    department: str = "",
) -> SignedMetadata:
    """Metadata as the gateway would send it, signed afresh on every use; read scopes default to the roles'
    scopes."""
    scopes = [scope for _, scope in roles] if read_scopes is None else list(read_scopes)
    actor = actor_pb2.Actor(
        subject=subject,
        roles=[actor_pb2.RoleGrant(role=r, scope=s) for r, s in roles],
        read_scopes=scopes,
        mask=list(mask),
        department=department,
        request_id="test",
    )
    return SignedMetadata(actor)


def system_metadata(service: str, read_scopes: Sequence[str] = ("",)) -> SignedMetadata:
    """A service's own metadata (ActorSigner.system_metadata), signed afresh on every use."""
    actor = actor_pb2.Actor(subject=f"system:{service}", roles=[actor_pb2.RoleGrant(role="system", scope="")],
                            read_scopes=list(read_scopes))
    return SignedMetadata(actor, ActorSigner(DEV_ACTOR_KEY.encode(), service))
