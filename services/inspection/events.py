"""The events this service consumes: CaseClosed from the cases service closes the violation it names."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import event_pb2
from services.inspection.records import ViolationStore
from services.kit.plugin import Subscription
from services.kit.runtime import ServiceRuntime


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    async def on_case_closed(session: AsyncSession, event: event_pb2.Event) -> None:
        """Runs inside the consumer cursor's transaction: the close and the cursor commit together."""
        closed = event_pb2.CaseClosed()
        if not event.payload.Unpack(closed):
            return  # another payload under the same type name is not ours to interpret
        await ViolationStore(session).close_from_case(closed, runtime.clock())

    return (Subscription(source="cases", types=("CaseClosed",), handle=on_case_closed),)
