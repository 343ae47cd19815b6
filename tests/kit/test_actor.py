"""Signed actor metadata: verified, refused when forged or stale, scopes re-applied."""

import time

import pytest

from gridgov.common.v1 import actor_pb2
from services.kit import actor as actor_context
from services.kit.actor import ACTOR_KEY, MAX_AGE_SECONDS, ActorSigner
from services.kit.errors import PermissionDenied, Unauthenticated

SIGNER = ActorSigner(b"k" * 32)


def community_actor() -> actor_pb2.Actor:
    return actor_pb2.Actor(
        subject="u1",
        roles=[actor_pb2.RoleGrant(role="community_staff", scope="110108001001")],
        read_scopes=["110108001001"],
        mask=["id_number"],
    )


def test_round_trip() -> None:
    verified = SIGNER.verify(SIGNER.metadata(community_actor()))
    assert verified.subject == "u1" and list(verified.read_scopes) == ["110108001001"]


def test_tampered_actor_is_refused() -> None:
    metadata = dict(SIGNER.metadata(community_actor()))
    widened = community_actor()
    widened.read_scopes[:] = ["110108"]
    widened.issued_at = int(time.time())
    metadata[ACTOR_KEY] = widened.SerializeToString(deterministic=True)
    with pytest.raises(Unauthenticated, match="does not verify"):
        SIGNER.verify(metadata.items())


def test_missing_and_stale_actor_are_refused() -> None:
    with pytest.raises(Unauthenticated, match="no signed actor"):
        SIGNER.verify(())
    stale = community_actor()
    blob = stale.SerializeToString()
    old = actor_pb2.Actor()
    old.ParseFromString(blob)
    old.issued_at = int(time.time()) - MAX_AGE_SECONDS - 5
    blob = old.SerializeToString(deterministic=True)
    with pytest.raises(Unauthenticated, match="expired"):
        SIGNER.verify(((ACTOR_KEY, blob), ("gridgov-actor-sig", SIGNER._signature(blob))))


def test_scope_and_mask_checks() -> None:
    token = actor_context.set_current(community_actor())
    try:
        actor_context.require_in_scope("110108001001003")
        with pytest.raises(PermissionDenied):
            actor_context.require_in_scope("110108001002001")
        assert actor_context.masks("id_number") and not actor_context.masks("phone")
    finally:
        actor_context._current.reset(token)


def test_no_read_scope_reads_nothing() -> None:
    with pytest.raises(PermissionDenied):
        actor_context.read_scopes(actor_pb2.Actor(subject="u"))


def test_test_metadata_is_signed_afresh_at_each_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.actors import SIGNER, actor_metadata

    metadata = actor_metadata("late")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + MAX_AGE_SECONDS + 60)
    # A constant made at import still verifies when a test uses it long after.
    assert SIGNER.verify(tuple(metadata)).subject == "late"
    assert SIGNER.verify(dict(metadata).items()).subject == "late"
