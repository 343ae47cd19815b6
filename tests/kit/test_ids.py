"""Identifiers are UUIDv7 and sort by creation."""

import uuid

from services.kit.ids import new_id


def test_ids_are_version_7_and_ordered() -> None:
    ids = [new_id() for _ in range(5000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 7 for i in ids[:10])
