"""The send queue against a local SMS API over HTTP and a real SMTP server: templates, masking, retries with
back-off, timeouts, escalation, quiet hours and the per-person rate limit, on both databases."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from gridgov.common.v1 import event_pb2
from gridgov.fire.v1 import fire_pb2
from services.kit.consumer import apply_event
from services.kit.database import Database
from services.notifier.dispatch import Dispatcher, senders_from
from services.notifier.domain import Channel, DeliveryState, RateLimit, RetryPolicy
from services.notifier.events import ReminderHandler
from services.notifier.models import DeliveryRow
from services.notifier.settings import NotifierSettings
from tests.notifier.providers import Mailbox, SmsProvider, sms_provider, smtp_server
from tests.notifier.support import Clock, case_reminder, hazard_overdue, put_staff
from tests.support.services import RunningService, running_service


@pytest.fixture
def sms() -> Iterator[SmsProvider]:
    with sms_provider() as provider:
        yield provider


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
async def notifier(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("notifier", database) as service:
        service.runtime.clock = Clock()
        await put_staff(service.stub)
        yield service


def settings_for(sms: SmsProvider, mailbox: Mailbox, **change: object) -> NotifierSettings:
    base = NotifierSettings(sms_url=sms.url, smtp_host="127.0.0.1", smtp_port=mailbox.port, send_timeout=0.5,
                            retry=RetryPolicy(max_attempts=3, base_delay=60))
    return dataclasses.replace(base, **change)  # type: ignore[arg-type]


async def apply(service: RunningService, source: str, event: event_pb2.Event) -> None:
    handler = ReminderHandler(service.runtime, NotifierSettings())
    assert await apply_event(service.runtime.database, service.runtime.tables, source, event, handler)


def dispatcher(service: RunningService, settings: NotifierSettings) -> Dispatcher:
    return Dispatcher(service.runtime, settings, senders_from(settings))


async def rows(database: Database) -> dict[tuple[str, Channel], DeliveryRow]:
    async with database.read() as session:
        found = (await session.execute(select(DeliveryRow).where(DeliveryRow.channel != Channel.INBOX))).scalars()
        return {(row.recipient, row.channel): row for row in found}


async def test_an_urgent_reminder_goes_out_once_by_sms_and_by_mail(notifier: RunningService, database: Database,
                                                                   sms: SmsProvider, mailbox: Mailbox) -> None:
    await apply(notifier, "cases", case_reminder(1, "overdue"))
    send = dispatcher(notifier, settings_for(sms, mailbox))
    result = await send.run()
    assert result.sent == 3  # unit-1 by SMS and mail, the street centre by mail
    assert (await send.run()).sent == 0
    (message,) = sms.messages.values()
    assert message["phone_numbers"] == "13800000001" and message["template_code"] == "GRIDGOV_CASE_OVERDUE"
    assert message["template_param"]["case_number"] == "AJ202611230001"
    assert sorted(m["To"] for m in mailbox.mails) == ["centre@example.org", "unit-1@example.org"]
    assert {m["Subject"] for m in mailbox.mails} == {"案件已超期"}
    stored = await rows(database)
    assert {row.state for row in stored.values()} == {DeliveryState.SENT}
    assert {m["Message-ID"] for m in mailbox.mails} == {f"<{row.id}@gridgov>" for row in stored.values()
                                                         if row.channel is Channel.EMAIL}
    assert message["out_id"] == stored["unit-1", Channel.SMS].id


async def test_no_message_carries_an_id_number(notifier: RunningService, database: Database, sms: SmsProvider,
                                               mailbox: Mailbox) -> None:
    event = hazard_overdue(1)
    hazard = fire_pb2.HazardOverdue()
    event.payload.Unpack(hazard)
    hazard.place_name = "张三（110108197403062913）的店"
    event.payload.Pack(hazard)
    await apply(notifier, "fire", event)
    await dispatcher(notifier, settings_for(sms, mailbox)).run()
    texts = [m.get_content() for m in mailbox.mails]  # type: ignore[attr-defined]
    texts += [str(m["template_param"]) for m in sms.messages.values()]
    assert texts and all("110108197403062913" not in t and "110108********2913" in t for t in texts)


async def test_provider_errors_and_timeouts_are_retried_with_back_off(notifier: RunningService,
                                                                      database: Database, sms: SmsProvider,
                                                                      mailbox: Mailbox) -> None:
    clock: Clock = notifier.runtime.clock  # type: ignore[assignment]
    sms.script, sms.timeout_seconds = ["500", "timeout"], 1.5
    await apply(notifier, "cases", case_reminder(1))  # due soon: unit-1 by SMS only
    send = dispatcher(notifier, settings_for(sms, mailbox))
    assert (await send.run()).retried == 1
    row = (await rows(database))["unit-1", Channel.SMS]
    assert row.attempts == 1 and "HTTP 500" in row.reason
    assert (await send.run()).sent == 0  # not due before its back-off
    clock.advance(seconds=60)
    assert (await send.run()).retried == 1
    row = (await rows(database))["unit-1", Channel.SMS]
    assert row.attempts == 2 and "in time" in row.reason
    clock.advance(seconds=119)
    assert (await send.run()).sent == 0  # the second wait is twice the first
    clock.advance(seconds=1)
    assert (await send.run()).sent == 1
    row = (await rows(database))["unit-1", Channel.SMS]
    assert (row.state, row.attempts, row.reason) == (DeliveryState.SENT, 3, "")
    assert len(sms.messages) == 1


async def test_exhausted_retries_fail_with_the_reason_and_escalate_to_the_next_channel(
        notifier: RunningService, database: Database, sms: SmsProvider, mailbox: Mailbox) -> None:
    clock: Clock = notifier.runtime.clock  # type: ignore[assignment]
    sms.script = ["500", "500", "500"]
    await apply(notifier, "cases", case_reminder(1))
    send = dispatcher(notifier, settings_for(sms, mailbox))
    for _ in range(3):
        await send.run()
        clock.advance(hours=1)
    stored = await rows(database)
    failed = stored["unit-1", Channel.SMS]
    assert (failed.state, failed.attempts) == (DeliveryState.FAILED, 3) and "HTTP 500" in failed.reason
    escalated = stored["unit-1", Channel.EMAIL]
    assert escalated.reason.startswith("escalated after sms failed")
    assert (await send.run()).sent == 1
    assert [m["To"] for m in mailbox.mails] == ["unit-1@example.org"]
    assert not sms.messages


async def test_a_permanent_refusal_escalates_at_once(notifier: RunningService, database: Database,
                                                     sms: SmsProvider, mailbox: Mailbox) -> None:
    sms.script = ["refuse"]
    await apply(notifier, "cases", case_reminder(1))
    send = dispatcher(notifier, settings_for(sms, mailbox))
    result = await send.run()
    assert (result.failed, result.escalated, result.sent) == (1, 1, 0)
    assert (await send.run()).sent == 1  # the escalated e-mail, on the next pass
    failed = (await rows(database))["unit-1", Channel.SMS]
    assert failed.attempts == 1 and "MOBILE_NUMBER_ILLEGAL" in failed.reason
    assert [m["To"] for m in mailbox.mails] == ["unit-1@example.org"]


async def test_a_missing_provider_fails_the_channel_and_escalates(notifier: RunningService, database: Database,
                                                                  mailbox: Mailbox) -> None:
    await apply(notifier, "cases", case_reminder(1))
    send = dispatcher(notifier, NotifierSettings(smtp_host="127.0.0.1", smtp_port=mailbox.port))
    assert (await send.run()).escalated == 1
    assert (await send.run()).sent == 1
    stored = await rows(database)
    assert stored["unit-1", Channel.SMS].reason == "no sms provider is configured"
    assert stored["unit-1", Channel.EMAIL].state is DeliveryState.SENT


async def test_quiet_hours_hold_until_morning_and_urgent_ones_go_at_once(notifier: RunningService,
                                                                          database: Database, sms: SmsProvider,
                                                                          mailbox: Mailbox) -> None:
    clock: Clock = notifier.runtime.clock  # type: ignore[assignment]
    clock.advance(hours=13)  # 23:00 in Beijing
    await apply(notifier, "cases", case_reminder(1))  # due soon: waits
    await apply(notifier, "fire", hazard_overdue(2))  # urgent: goes now
    send = dispatcher(notifier, settings_for(sms, mailbox))
    await send.run()
    assert {m["phone_numbers"] for m in sms.messages.values()} == {"13800000005", "13800000003"}
    clock.advance(hours=7, minutes=59)
    await send.run()
    assert len(sms.messages) == 2
    clock.advance(minutes=1)  # 07:00
    await send.run()
    assert "13800000001" in {m["phone_numbers"] for m in sms.messages.values()}


async def test_one_person_gets_at_most_the_rate_limit_in_an_hour(notifier: RunningService, database: Database,
                                                                 sms: SmsProvider, mailbox: Mailbox) -> None:
    clock: Clock = notifier.runtime.clock  # type: ignore[assignment]
    for sequence in (1, 2, 3):
        await apply(notifier, "cases", case_reminder(sequence))
    send = dispatcher(notifier, settings_for(sms, mailbox, rate_limit=RateLimit(2, timedelta(hours=1))))
    result = await send.run()
    assert (result.sent, result.held) == (2, 1)
    held = [r for r in (await rows_all(database)) if r.state is DeliveryState.QUEUED]
    assert [r.reason for r in held] == ["rate limit: too many messages to this person this hour"]
    clock.advance(minutes=59)
    assert (await send.run()).sent == 0
    clock.advance(minutes=1)
    assert (await send.run()).sent == 1
    assert len(sms.messages) == 3


async def rows_all(database: Database) -> list[DeliveryRow]:
    async with database.read() as session:
        return list((await session.execute(select(DeliveryRow).where(DeliveryRow.channel == Channel.SMS))).scalars())
