"""Reminder events become their deliveries exactly once, in the cursor's transaction, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from gridgov.common.v1 import event_pb2
from services.kit.clock import as_utc
from services.kit.consumer import apply_event, read_cursor
from services.kit.database import Database
from services.notifier.domain import Channel, DeliveryState
from services.notifier.events import ReminderHandler
from services.notifier.models import DeliveryRow
from services.notifier.settings import NotifierSettings
from tests.notifier.support import (
    Clock,
    case_reminder,
    hazard_overdue,
    patrol_missed,
    put_staff,
    supervision_missed,
)
from tests.support.services import RunningService, running_service


@pytest.fixture
async def notifier(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("notifier", database) as service:
        service.runtime.clock = Clock()
        await put_staff(service.stub)
        yield service


async def deliveries(database: Database) -> set[tuple[str, str, Channel, DeliveryState]]:
    async with database.read() as session:
        rows = (await session.execute(select(DeliveryRow))).scalars()
        return {(row.event_id, row.recipient, row.channel, row.state) for row in rows}


async def apply(service: RunningService, source: str, event: event_pb2.Event) -> bool:
    handler = ReminderHandler(service.runtime, NotifierSettings())
    return await apply_event(service.runtime.database, service.runtime.tables, source, event, handler)


Q, D = DeliveryState.QUEUED, DeliveryState.DELIVERED
IN, S, E = Channel.INBOX, Channel.SMS, Channel.EMAIL

EXPECTED = [
    # A case due soon: the unit's staff, the inbox and their first channel.
    ("cases", case_reminder(1), {("cases-1", "unit-1", IN, D), ("cases-1", "unit-1", S, Q)}),
    # Overdue is urgent: every channel, and the nearest centre (the street's) too.
    ("cases", case_reminder(2, "overdue"), {
        ("cases-2", "unit-1", IN, D), ("cases-2", "unit-1", S, Q), ("cases-2", "unit-1", E, Q),
        ("cases-2", "centre-street", IN, D), ("cases-2", "centre-street", E, Q)}),
    # Another unit's case reaches that unit only.
    ("cases", case_reminder(3, "dispatched", unit="water"), {("cases-3", "unit-2", IN, D),
                                                             ("cases-3", "unit-2", S, Q)}),
    # A hazard overdue: the inspector who found it and the grid's worker, every channel (urgent).
    ("fire", hazard_overdue(1), {
        ("fire-1", "inspector-1", IN, D), ("fire-1", "inspector-1", S, Q), ("fire-1", "worker-1", IN, D),
        ("fire-1", "worker-1", S, Q), ("fire-1", "worker-1", E, Q)}),
    # A grid head missed patrols: the head (inbox only: no channel accepted) and the community's leader.
    ("inspection", patrol_missed(1), {("inspection-1", "leader-2", IN, D), ("inspection-1", "leader-1", IN, D),
                                      ("inspection-1", "leader-1", E, Q)}),
    # A key source's supervision missed: the grid's worker and its nearest leader.
    ("inspection", supervision_missed(2), {("inspection-2", "worker-1", IN, D), ("inspection-2", "worker-1", S, Q),
                                           ("inspection-2", "leader-2", IN, D)}),
]


async def test_each_reminder_reaches_its_people_on_their_channels(notifier: RunningService,
                                                                 database: Database) -> None:
    for source, event, expected in EXPECTED:
        before = await deliveries(database)
        assert await apply(notifier, source, event)
        assert await deliveries(database) - before == expected, event.type


async def test_an_event_applied_again_delivers_nothing_more_and_the_cursor_is_the_notifiers(
        notifier: RunningService, database: Database) -> None:
    first = case_reminder(5, "overdue")
    assert await apply(notifier, "cases", first)
    once = await deliveries(database)
    # The same event again (a restart re-reading the stream) is skipped by the cursor.
    assert not await apply(notifier, "cases", first)
    # And the same event id under a later sequence (a replayed outbox) by the unique (event, recipient, channel).
    replay = case_reminder(6, "overdue")
    replay.event_id = first.event_id
    assert await apply(notifier, "cases", replay)
    assert await deliveries(database) == once
    async with database.read() as session:
        assert await read_cursor(session, notifier.runtime.tables, "cases") == 6


async def test_a_failing_handler_leaves_neither_deliveries_nor_cursor(notifier: RunningService,
                                                                     database: Database) -> None:
    async def broken(session, event):  # type: ignore[no-untyped-def]
        await ReminderHandler(notifier.runtime, NotifierSettings())(session, event)
        raise RuntimeError("crash after the rows, before the commit")

    with pytest.raises(RuntimeError):
        await apply_event(database, notifier.runtime.tables, "cases", case_reminder(1), broken)
    assert await deliveries(database) == set()
    async with database.read() as session:
        assert await read_cursor(session, notifier.runtime.tables, "cases") == 0
    assert await apply(notifier, "cases", case_reminder(1))
    assert len(await deliveries(database)) == 2


async def test_a_reminder_nobody_answers_for_and_a_foreign_event_are_skipped(notifier: RunningService,
                                                                           database: Database) -> None:
    assert await apply(notifier, "cases", case_reminder(1, unit="nobody"))
    stray = event_pb2.Event(sequence=2, event_id="x", type="CaseStateChanged", source="cases")
    assert await apply(notifier, "cases", stray)
    assert await deliveries(database) == set()


async def test_quiet_hours_hold_the_external_channels_of_a_non_urgent_reminder(notifier: RunningService,
                                                                             database: Database) -> None:
    clock: Clock = notifier.runtime.clock  # type: ignore[assignment]
    clock.advance(hours=13)  # 23:00 in Beijing
    assert await apply(notifier, "cases", case_reminder(1))
    async with database.read() as session:
        rows = {row.channel: row for row in (await session.execute(select(DeliveryRow))).scalars()}
    assert rows[Channel.INBOX].state is DeliveryState.DELIVERED
    sms = rows[Channel.SMS]
    assert sms.state is DeliveryState.QUEUED and sms.reason == "quiet hours"
    assert as_utc(sms.next_attempt_at) == clock.now + timedelta(hours=8)  # 07:00 in Beijing
