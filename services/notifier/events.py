"""The reminder events the notifier consumes: each becomes its deliveries in the cursor's own transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import event_pb2
from services.kit.plugin import Subscription
from services.kit.runtime import ServiceRuntime
from services.notifier.domain import Channel, hold_until, initial_channels, recipients
from services.notifier.reminders import SOURCES, reminder_of
from services.notifier.settings import NotifierSettings
from services.notifier.store import DeliveryStore, DirectoryStore

log = logging.getLogger(__name__)


class ReminderHandler:
    """Runs inside the consumer's cursor transaction (services.kit.consumer.apply_event): the delivery rows and the
    cursor commit together, so an event is turned into deliveries exactly once across restarts."""

    def __init__(self, runtime: ServiceRuntime, settings: NotifierSettings) -> None:
        self.runtime = runtime
        self.settings = settings

    async def __call__(self, session: AsyncSession, event: event_pb2.Event) -> None:
        reminder = reminder_of(event)
        if reminder is None:
            return
        people = recipients(reminder, await DirectoryStore(session).candidates(reminder))
        if not people:
            log.warning("%s %s (event %s) in %s: nobody in the staff directory to tell", reminder.kind.value,
                        reminder.reference, reminder.event_id, reminder.jurisdiction_code)
            return
        now = self.runtime.clock()
        deliveries = DeliveryStore(session)
        for person in people:
            for channel in initial_channels(reminder, person):
                held = hold_until(reminder.kind, channel, now, self.settings.quiet_hours)
                await deliveries.queue(reminder, person, channel, now, held,
                                       "quiet hours" if held and channel is not Channel.INBOX else "")


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    handler = ReminderHandler(runtime, NotifierSettings.from_env())
    return tuple(Subscription(source=source, types=types, handle=handler) for source, types in SOURCES.items())
