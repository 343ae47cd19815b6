"""The check every service's creating RPCs share: a repeat with its key creates nothing and answers as the first did,
the key with another request is refused, and without the key the same request creates again."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest
from google.protobuf.message import Message
from sqlalchemy import Table, func, select

from tests.support.services import RunningService, error_detail

Rpc = Callable[..., Awaitable[Any]]


async def counts(service: RunningService, rows: Table) -> tuple[int, int]:
    """(rows of ``rows``, events in the outbox) in the service's database."""
    async with service.runtime.database.read() as session:
        return (await session.scalar(select(func.count()).select_from(rows)) or 0,
                await session.scalar(select(func.count()).select_from(service.runtime.tables.outbox)) or 0)


async def assert_created_once(service: RunningService, rpc: Rpc, request: Message, metadata: Any, rows: Table,
                              different: Message, *, created: int = 1, again: bool = True) -> Any:
    """Sends ``request`` with a fresh key twice: one answer, ``created`` rows of ``rows`` and the events of one
    call; then ``different`` with that key is refused (FAILED_PRECONDITION naming idempotency_key) and
    ``request`` without a key creates again (so the key is what held the repeat back; ``again`` False for a
    request whose natural key forbids a second). Returns the answer."""
    key = str(uuid.uuid4())
    keyed = type(request)()
    keyed.CopyFrom(request)
    keyed.idempotency_key = key  # type: ignore[attr-defined]
    before = await counts(service, rows)
    first = await rpc(keyed, metadata=metadata)
    after = await counts(service, rows)
    assert after[0] == before[0] + created
    assert await rpc(keyed, metadata=metadata) == first
    assert await counts(service, rows) == after
    other = type(different)()
    other.CopyFrom(different)
    other.idempotency_key = key  # type: ignore[attr-defined]
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await rpc(other, metadata=metadata)
    assert raised.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "idempotency_key" in raised.value.details() and "different request" in raised.value.details()
    assert error_detail(raised.value).code == "FAILED_PRECONDITION"
    assert await counts(service, rows) == after
    if again:
        await rpc(request, metadata=metadata)
        assert (await counts(service, rows))[0] == after[0] + created
    return first
