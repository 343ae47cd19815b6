"""The notifier's pure rules: who hears of each kind, on which channels, when, and how often."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from services.notifier.domain import (
    URGENT,
    Channel,
    QuietHours,
    RateLimit,
    Reminder,
    ReminderKind,
    RetryPolicy,
    Staff,
    StaffRole,
    escalation,
    hold_until,
    initial_channels,
    masked,
    recipients,
)
from services.notifier.templates import TEMPLATES, render

DISTRICT, STREET, COMMUNITY, GRID, OTHER = "110108", "110108001", "110108001001", "110108001001001", "110108002001001"

STAFF = (
    Staff("unit-a", "A", StaffRole.UNIT_STAFF, (DISTRICT,), unit="urban_management"),
    Staff("unit-b", "B", StaffRole.UNIT_STAFF, (DISTRICT,), unit="water"),
    Staff("unit-far", "C", StaffRole.UNIT_STAFF, ("110105",), unit="urban_management"),
    Staff("worker", "D", StaffRole.GRID_WORKER, (GRID,)),
    Staff("worker-other", "E", StaffRole.GRID_WORKER, (OTHER,)),
    Staff("leader-grid", "F", StaffRole.GRID_LEADER, (GRID,)),
    Staff("leader-community", "G", StaffRole.GRID_LEADER, (COMMUNITY,)),
    Staff("centre-street", "H", StaffRole.CENTRE, (STREET,)),
    Staff("centre-district", "I", StaffRole.CENTRE, (DISTRICT,)),
    Staff("inspector", "J", StaffRole.FIRE_INSPECTOR, (STREET,)),
    Staff("inspector-other", "K", StaffRole.FIRE_INSPECTOR, (STREET,)),
)

# kind -> (unit, subject named by the event) -> who hears of it.
TABLE = {
    ReminderKind.CASE_DISPATCHED: ("urban_management", "", ["unit-a"]),
    ReminderKind.CASE_DUE_SOON: ("urban_management", "", ["unit-a"]),
    ReminderKind.CASE_OVERDUE: ("urban_management", "", ["centre-street", "unit-a"]),
    ReminderKind.CASE_SUPERVISED: ("water", "", ["centre-street", "unit-b"]),
    ReminderKind.HAZARD_OVERDUE: ("", "inspector", ["inspector", "worker"]),
    ReminderKind.PATROL_MISSED: ("", "leader-grid", ["leader-community", "leader-grid"]),
    ReminderKind.SUPERVISION_MISSED: ("", "", ["leader-grid", "worker"]),
}


def test_the_table_covers_every_kind_and_every_kind_has_a_template() -> None:
    assert set(TABLE) == set(ReminderKind) == set(TEMPLATES)


@pytest.mark.parametrize("kind", list(ReminderKind))
def test_recipients_of_each_kind(kind: ReminderKind) -> None:
    unit, subject, expected = TABLE[kind]
    reminder = Reminder("e1", kind, GRID, "ref", unit=unit, subject=subject)
    assert [p.subject for p in recipients(reminder, STAFF)] == expected


def test_nobody_outside_the_place_hears_of_it() -> None:
    reminder = Reminder("e1", ReminderKind.SUPERVISION_MISSED, OTHER, "ref")
    assert [p.subject for p in recipients(reminder, STAFF)] == ["worker-other"]


def test_a_person_named_twice_is_told_once() -> None:
    reminder = Reminder("e1", ReminderKind.HAZARD_OVERDUE, GRID, "ref", subject="worker")
    assert [p.subject for p in recipients(reminder, STAFF)] == ["worker"]


PERSON = Staff("p", "P", StaffRole.GRID_WORKER, (GRID,), phone="13800000000", email="p@example.org",
               channels=(Channel.EMAIL, Channel.SMS))


@pytest.mark.parametrize("kind", list(ReminderKind))
def test_channels_first_used(kind: ReminderKind) -> None:
    channels = initial_channels(Reminder("e", kind, GRID, "r"), PERSON)
    if kind in URGENT:
        assert channels == [Channel.INBOX, Channel.EMAIL, Channel.SMS]
    else:
        assert channels == [Channel.INBOX, Channel.EMAIL]


def test_a_channel_without_its_address_is_skipped_and_escalation_takes_the_next_unused() -> None:
    no_mail = Staff("p", "P", StaffRole.GRID_WORKER, (GRID,), phone="138", channels=(Channel.EMAIL, Channel.SMS))
    assert initial_channels(Reminder("e", ReminderKind.CASE_DUE_SOON, GRID, "r"), no_mail) == [Channel.INBOX,
                                                                                                Channel.SMS]
    assert escalation(PERSON, [Channel.INBOX, Channel.EMAIL]) is Channel.SMS
    assert escalation(PERSON, [Channel.INBOX, Channel.EMAIL, Channel.SMS]) is None


def test_back_off_doubles_up_to_its_cap_and_gives_up_after_the_last_attempt() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=10, max_delay=25)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 25]
    assert [policy.exhausted(n) for n in (1, 2, 3)] == [False, False, True]


def beijing(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


@pytest.mark.parametrize(("at", "released"), [
    (beijing(21, 59), None),
    (beijing(22, 0), beijing(7, 0, day=24)),
    (beijing(23, 30), beijing(7, 0, day=24)),
    (beijing(3, 0), beijing(7, 0)),
    (beijing(7, 0), None),
])
def test_quiet_hours_past_midnight(at: datetime, released: datetime | None) -> None:
    assert QuietHours(time(22), time(7)).release(at) == released


def test_quiet_hours_within_a_day() -> None:
    hours = QuietHours(time(12), time(14))
    assert hours.release(beijing(13)) == beijing(14)
    assert hours.release(beijing(14)) is None


@pytest.mark.parametrize("kind", list(ReminderKind))
@pytest.mark.parametrize("channel", list(Channel))
def test_only_external_messages_of_non_urgent_kinds_wait_for_quiet_hours(kind: ReminderKind,
                                                                          channel: Channel) -> None:
    held = hold_until(kind, channel, beijing(23), {})
    waits = channel is not Channel.INBOX and kind not in URGENT
    assert held == (beijing(7, day=24) if waits else None)
    assert hold_until(kind, channel, beijing(23), {kind: None}) is None


def test_rate_limit_frees_when_the_oldest_message_of_the_window_ages_out() -> None:
    now = beijing(12)
    limit = RateLimit(limit=2, window=timedelta(hours=1))
    assert limit.next_free([now - timedelta(minutes=70)], now) is None
    sent = [now - timedelta(minutes=50), now - timedelta(minutes=10)]
    assert limit.next_free(sent, now) == now + timedelta(minutes=10)


@pytest.mark.parametrize(("text", "expected"), [
    ("居民110108197403062913反映", "居民110108********2913反映"),
    ("ID 11010819740306291X.", "ID 110108********291X."),
    ("网格110108001001001", "网格110108001001001"),  # a grid code is no ID number
    ("1101081974030629131", "1101081974030629131"),  # nor a longer run of digits
])
def test_id_numbers_are_masked_in_every_text(text: str, expected: str) -> None:
    assert masked(text) == expected


def test_rendered_messages_carry_no_id_number() -> None:
    title, body = render(ReminderKind.HAZARD_OVERDUE, {"place_name": "张三110108197403062913的店"})
    assert "110108197403062913" not in body and "110108********2913" in body and title
