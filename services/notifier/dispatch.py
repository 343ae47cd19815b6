"""The send queue: queued SMS and e-mail deliveries sent, retried with back-off, escalated, held and limited."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update

from services.kit.clock import as_utc
from services.kit.plugin import Job
from services.kit.runtime import ServiceRuntime
from services.notifier.channels import Message, Sender, SendError
from services.notifier.domain import Channel, DeliveryState, escalation, hold_until
from services.notifier.mail import EmailSender
from services.notifier.models import DeliveryRow
from services.notifier.settings import NotifierSettings
from services.notifier.sms import SmsSender
from services.notifier.store import DeliveryStore, DirectoryStore, address_of

log = logging.getLogger(__name__)
# Deliveries looked at per pass; a pass goes on until none is due.
BATCH = 100


@dataclass
class DispatchRun:
    """What one pass did (for logs and tests)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    escalated: int = 0
    held: int = 0


def senders_from(settings: NotifierSettings) -> dict[Channel, Sender]:
    """The adapters the settings configure; a channel without one fails its deliveries (and escalates)."""
    senders: dict[Channel, Sender] = {}
    if settings.sms_url:
        senders[Channel.SMS] = SmsSender(settings.sms_url, settings.sms_key, settings.sms_sign, settings.send_timeout)
    if settings.smtp_host:
        senders[Channel.EMAIL] = EmailSender(settings.smtp_host, settings.smtp_port, settings.smtp_from,
                                             settings.send_timeout)
    return senders


class Dispatcher:
    """Sends what is due. Each attempt is counted in a transaction committed before the provider is called, and
    its outcome in one after: a delivery recorded SENT is never sent again, and one whose attempt was cut short
    (the process killed mid-call) is attempted again with the same key (Message.key), so a provider that
    received the first attempt recognises the second."""

    def __init__(self, runtime: ServiceRuntime, settings: NotifierSettings,
                 senders: Mapping[Channel, Sender]) -> None:
        self.runtime = runtime
        self.settings = settings
        self.senders = senders

    async def run(self) -> DispatchRun:
        result = DispatchRun()
        while True:
            now = self.runtime.clock()
            async with self.runtime.database.read() as session:
                due = await DeliveryStore(session).due(now, BATCH)
            for row in due:
                await self._deliver(row, result)
            if len(due) < BATCH:
                break
        if result.sent or result.failed or result.retried:
            log.info("notifier: %d sent, %d to retry, %d failed, %d escalated, %d held", result.sent,
                     result.retried, result.failed, result.escalated, result.held)
        return result

    async def _deliver(self, row: DeliveryRow, result: DispatchRun) -> None:
        now = self.runtime.clock()
        wait = await self._wait(row, now)
        if wait is not None:
            await self._update(row, row.attempts, next_attempt_at=wait[0], reason=wait[1])
            result.held += 1
            return
        if not await self._update(row, row.attempts, attempts=row.attempts + 1):
            return  # another pass took it meanwhile
        attempts = row.attempts + 1
        sender = self.senders.get(row.channel)
        try:
            if sender is None:
                raise SendError(f"no {row.channel.value} provider is configured", permanent=True)
            await sender.send(Message(row.id, row.address, row.kind, row.title, row.body, dict(row.params)))
        except SendError as error:
            if error.permanent or self.settings.retry.exhausted(attempts):
                await self._fail(row, attempts, error.reason, result)
            else:
                await self._update(row, attempts, next_attempt_at=now + self.settings.retry.delay(attempts),
                                   reason=error.reason)
                result.retried += 1
            return
        await self._update(row, attempts, state=DeliveryState.SENT, sent_at=self.runtime.clock(), reason="")
        result.sent += 1

    async def _wait(self, row: DeliveryRow, now: datetime) -> tuple[datetime, str] | None:
        """Until when a delivery waits (quiet hours, the recipient's rate limit), or None to send it now."""
        held = hold_until(row.kind, row.channel, now, self.settings.quiet_hours)
        if held is not None:
            return held, "quiet hours"
        limit = self.settings.rate_limit
        async with self.runtime.database.read() as session:
            sent = await DeliveryStore(session).sent_since(row.recipient, now - limit.window)
        free = limit.next_free([as_utc(t) for t in sent], now)
        return (free, "rate limit: too many messages to this person this hour") if free else None

    async def _update(self, row: DeliveryRow, seen: int, **values: Any) -> bool:
        """Changes a queued delivery still at ``seen`` attempts; False when it has moved on meanwhile."""
        async with self.runtime.database.transaction() as session:
            changed = await session.execute(
                update(DeliveryRow).where(DeliveryRow.id == row.id, DeliveryRow.state == DeliveryState.QUEUED,
                                          DeliveryRow.attempts == seen).values(**values))
        return cast(CursorResult[Any], changed).rowcount == 1

    async def _fail(self, row: DeliveryRow, attempts: int, reason: str, result: DispatchRun) -> None:
        """Gives the delivery up and queues the reminder on the recipient's next channel, in one transaction."""
        now = self.runtime.clock()
        async with self.runtime.database.transaction() as session:
            changed = await session.execute(
                update(DeliveryRow).where(DeliveryRow.id == row.id, DeliveryRow.state == DeliveryState.QUEUED,
                                          DeliveryRow.attempts == attempts)
                .values(state=DeliveryState.FAILED, reason=reason))
            if cast(CursorResult[Any], changed).rowcount != 1:
                return
            result.failed += 1
            person = await DirectoryStore(session).get(row.recipient)
            deliveries = DeliveryStore(session)
            used = await deliveries.channels_used(row.event_id, row.recipient)
            following = escalation(person, used) if person else None
            if person is None or following is None:
                return
            if await deliveries.requeue(row, following, address_of(person, following), now,
                                        f"escalated after {row.channel.value} failed: {reason}"):
                result.escalated += 1


def jobs(runtime: ServiceRuntime) -> Sequence[Job]:
    settings = NotifierSettings.from_env()
    dispatcher = Dispatcher(runtime, settings, senders_from(settings))

    async def run() -> None:
        await dispatcher.run()

    return (Job("notifier.deliveries", run, settings.delivery_interval),)
