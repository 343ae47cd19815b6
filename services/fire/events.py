"""Events the fire service consumes: CaseClosed from cases closes the hazard it handed over."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import event_pb2
from services.fire.domain import HazardAction, HazardState
from services.fire.hazard_store import SOURCE_SERVICE, HazardStore
from services.fire.models import HazardRow
from services.kit.plugin import Subscription
from services.kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)
CASE_CLOSED = "CaseClosed"


class CaseClosedHandler:
    """Runs inside the consumer's cursor transaction, so a hazard closes exactly once per event."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    async def __call__(self, session: AsyncSession, event: event_pb2.Event) -> None:
        if event.type != CASE_CLOSED:
            return
        closed = event_pb2.CaseClosed()
        if not event.payload.Unpack(closed):
            log.warning("event %s of type CaseClosed carries %s; ignored", event.event_id, event.payload.type_url)
            return
        if closed.source_service != SOURCE_SERVICE:
            return  # another service's case
        row = await session.get(HazardRow, closed.source_reference)
        if row is None:
            log.warning("case %s closed for unknown fire hazard %s; ignored", closed.case_number,
                        closed.source_reference)
            return
        if row.state is not HazardState.HANDED_OVER:
            log.info("fire hazard %s is %s, not handed over; CaseClosed %s ignored", row.id, row.state.value,
                     closed.case_number)
            return
        await HazardStore(session).apply(row, HazardAction.CLOSE_CASE, "system:cases", self.runtime.clock(),
                                         note=f"case {closed.case_number} closed: {closed.resolution}".strip())
        row.case_id, row.case_number = closed.case_id, closed.case_number


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    return (Subscription(source="cases", types=(CASE_CLOSED,), handle=CaseClosedHandler(runtime)),)
