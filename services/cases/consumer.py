"""CaseRequested from the fire and inspection services becomes a case, exactly once.

The kit's consumer runs the handler inside the transaction that advances its cursor; on top of
that the (source_service, source_reference) unique index makes a repeated request a no-op even if
a cursor were ever lost.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from gridgov.common.v1 import event_pb2
from services.cases import domain
from services.cases.catalogue import FALLBACK_CATEGORY
from services.cases.catalogue_store import CatalogueStore
from services.cases.intake import DuplicateRule, NewCase, check, open_case
from services.cases.store import CaseStore
from services.kit.clock import Clock
from services.kit.errors import InvalidArgument
from services.kit.plugin import Subscription

log = logging.getLogger(__name__)
SOURCES = ("fire", "inspection")
CASE_REQUESTED = "CaseRequested"


def case_requested_handler(clock: Clock, duplicates: DuplicateRule):  # type: ignore[no-untyped-def]
    async def handle(session: AsyncSession, event: event_pb2.Event) -> None:
        await session.run_sync(open_requested, event)

    def open_requested(session: Session, event: event_pb2.Event) -> None:
        request = event_pb2.CaseRequested()
        if not event.payload.Unpack(request):
            log.warning("event %s is not a CaseRequested payload; skipped", event.event_id)
            return
        service = request.source_service or event.source
        reference = request.source_reference
        if CaseStore(session).by_source(service, reference) is not None:
            return  # already opened: the request repeats
        category = request.category_code
        description = request.description
        if CatalogueStore(session).current(category) is None:
            # Never drop a request: file it under the catalogue's catch-all and say what it was.
            description = f"[{category}] {description}"
            category = FALLBACK_CATEGORY
        located = request.HasField("location")
        new = NewCase(
            category_code=category, description=description or f"raised by {service}",
            jurisdiction_code=request.jurisdiction_code or event.jurisdiction_code,
            source=domain.SourceChannel.INSPECTION_SERVICE, reporter=request.reporter or f"system:{service}",
            address=request.address, latitude=request.location.latitude if located else None,
            longitude=request.location.longitude if located else None, urgent=request.urgent,
            evidence=tuple(request.evidence), source_service=service, source_reference=reference,
        )
        try:
            known = check(session, new)
        except InvalidArgument as error:
            # A malformed request cannot become a case; blocking the stream on it would stop every later one.
            log.error("CaseRequested %s/%s cannot become a case: %s", service, reference, error.message)
            return
        open_case(session, new, known, f"system:{service}", clock(), duplicates)

    return handle


def subscriptions(clock: Clock, duplicates: DuplicateRule) -> list[Subscription]:
    handler = case_requested_handler(clock, duplicates)
    return [Subscription(source, (CASE_REQUESTED,), handler) for source in SOURCES]
