"""The notifier's rules (pure): reminder kinds, who hears of each, which channels, when to send and retry."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.kit.masking import mask_id_number

BEIJING = ZoneInfo("Asia/Shanghai")


class Channel(StrEnum):
    INBOX = "inbox"
    SMS = "sms"
    EMAIL = "email"


# The channels that leave the platform, in the order a failure escalates through them.
EXTERNAL = (Channel.SMS, Channel.EMAIL)


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


class ReminderKind(StrEnum):
    CASE_DISPATCHED = "case_dispatched"
    CASE_DUE_SOON = "case_due_soon"
    CASE_OVERDUE = "case_overdue"
    CASE_SUPERVISED = "case_supervised"
    HAZARD_OVERDUE = "hazard_overdue"
    PATROL_MISSED = "patrol_missed"
    SUPERVISION_MISSED = "supervision_missed"


# Urgent kinds go out on every channel the person accepts at once and ignore quiet hours: a deadline has
# passed. The others go to the inbox and the first external channel, escalating to the next on failure.
URGENT = frozenset({ReminderKind.CASE_OVERDUE, ReminderKind.CASE_SUPERVISED, ReminderKind.HAZARD_OVERDUE})


class StaffRole(StrEnum):
    UNIT_STAFF = "unit_staff"
    GRID_WORKER = "grid_worker"
    GRID_LEADER = "grid_leader"
    CENTRE = "centre"
    FIRE_INSPECTOR = "fire_inspector"


@dataclass(frozen=True)
class Staff:
    """A person behind a role: whom a reminder reaches and how."""

    subject: str
    name: str
    role: StaffRole
    scopes: tuple[str, ...]
    unit: str = ""
    phone: str = ""
    email: str = ""
    channels: tuple[Channel, ...] = (Channel.INBOX,)

    def covers(self, code: str) -> bool:
        return any(code.startswith(scope) for scope in self.scopes)


@dataclass(frozen=True)
class Reminder:
    """One reminder event, as the notifier reads it: what, where, about which record, and who is named."""

    event_id: str
    kind: ReminderKind
    jurisdiction_code: str
    reference: str
    # Whom the event itself names: the handling unit (cases), the inspector (fire), the grid head (patrol).
    unit: str = ""
    subject: str = ""
    # The values the message template fills in (never an ID number: see masked()).
    params: dict[str, str] = field(default_factory=dict)

    @property
    def urgent(self) -> bool:
        return self.kind in URGENT


def prefixes(code: str) -> list[str]:
    """The codes of ``code``'s tiers from the district down, itself included (the scopes that contain it)."""
    return [code[:n] for n in (6, 9, 12, 15) if len(code) >= n]


def _nearest(staff: Sequence[Staff], role: StaffRole, code: str, *, strictly_above: bool = False) -> list[Staff]:
    """The ``role`` staff whose scope contains ``code`` most closely (the finest tier that has any)."""
    best: dict[int, list[Staff]] = {}
    for person in staff:
        if person.role is not role:
            continue
        depth = max((len(s) for s in person.scopes
                     if code.startswith(s) and not (strictly_above and len(s) >= len(code))), default=0)
        if depth:
            best.setdefault(depth, []).append(person)
    return best[max(best)] if best else []


def recipients(reminder: Reminder, staff: Sequence[Staff]) -> list[Staff]:
    """Who must hear of ``reminder`` among ``staff`` (each once, by subject, in a stable order).

    Cases: the handling unit's staff whose scope covers the case; once overdue or supervised also the
    nearest command centre above it. A fire hazard overdue: the inspector who found it and the grid's
    workers. A patrol missed: the grid head and the nearest grid leader above the head's scope. A
    supervision missed: the workers and the nearest leader of the source's grid.
    """
    code, kind = reminder.jurisdiction_code, reminder.kind
    chosen: list[Staff] = []
    if kind.value.startswith("case_"):
        chosen += [p for p in staff if p.role is StaffRole.UNIT_STAFF and p.unit == reminder.unit and p.covers(code)]
        if kind in (ReminderKind.CASE_OVERDUE, ReminderKind.CASE_SUPERVISED):
            chosen += _nearest(staff, StaffRole.CENTRE, code)
    elif kind is ReminderKind.HAZARD_OVERDUE:
        chosen += [p for p in staff if p.subject == reminder.subject]
        chosen += _nearest(staff, StaffRole.GRID_WORKER, code)
    elif kind is ReminderKind.PATROL_MISSED:
        chosen += [p for p in staff if p.subject == reminder.subject]
        chosen += _nearest(staff, StaffRole.GRID_LEADER, code, strictly_above=True)
    else:
        chosen += _nearest(staff, StaffRole.GRID_WORKER, code) + _nearest(staff, StaffRole.GRID_LEADER, code)
    unique: dict[str, Staff] = {}
    for person in chosen:
        unique.setdefault(person.subject, person)
    return sorted(unique.values(), key=lambda p: p.subject)


def reachable(person: Staff, channel: Channel) -> bool:
    """Whether ``person`` has the address ``channel`` needs."""
    return channel is Channel.INBOX or (channel is Channel.SMS and bool(person.phone)) or (
        channel is Channel.EMAIL and bool(person.email))


def external_channels(person: Staff) -> list[Channel]:
    """The external channels ``person`` accepts and can be reached on, in their order."""
    return [c for c in person.channels if c in EXTERNAL and reachable(person, c)]


def initial_channels(reminder: Reminder, person: Staff) -> list[Channel]:
    """The channels a reminder goes out on first: the inbox always, then every external channel the person
    accepts (urgent) or the first of them (the rest wait for an escalation)."""
    external = external_channels(person)
    return [Channel.INBOX, *(external if reminder.urgent else external[:1])]


def escalation(person: Staff, used: Sequence[Channel]) -> Channel | None:
    """The next external channel after a final failure: the first the person accepts that was not used yet."""
    return next((c for c in external_channels(person) if c not in used), None)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long apart a failed send is tried again."""

    max_attempts: int = 5
    base_delay: float = 30.0
    max_delay: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt: doubling from base_delay, capped."""
        return timedelta(seconds=min(self.base_delay * 2 ** max(attempts - 1, 0), self.max_delay))

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


@dataclass(frozen=True)
class QuietHours:
    """A local (Beijing) period in which a kind's external messages wait; it may run past midnight."""

    start: time
    end: time

    def release(self, now: datetime) -> datetime | None:
        """The end of the quiet period ``now`` falls in, or None when ``now`` is not quiet."""
        local = now.astimezone(BEIJING)
        at = local.timetz().replace(tzinfo=None)
        if self.start <= self.end:
            quiet = self.start <= at < self.end
            end_day = local.date()
        else:
            quiet = at >= self.start or at < self.end
            end_day = local.date() + timedelta(days=1) if at >= self.start else local.date()
        if not quiet:
            return None
        return datetime.combine(end_day, self.end, BEIJING).astimezone(now.tzinfo)


DEFAULT_QUIET = QuietHours(time(22, 0), time(7, 0))


def hold_until(kind: ReminderKind, channel: Channel, now: datetime,
               quiet: Mapping[ReminderKind, QuietHours | None]) -> datetime | None:
    """When a message may go out if ``now`` is quiet for ``kind``; None: now. The inbox and urgent kinds never wait."""
    if channel is Channel.INBOX or kind in URGENT:
        return None
    hours = quiet.get(kind, DEFAULT_QUIET)
    return hours.release(now) if hours else None


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` external messages to one person in any ``window``."""

    limit: int = 10
    window: timedelta = timedelta(hours=1)

    def next_free(self, sent: Sequence[datetime], now: datetime) -> datetime | None:
        """When the next message may go to a person who was sent ``sent`` recently; None: now."""
        recent = sorted(t for t in sent if t > now - self.window)
        if len(recent) < self.limit:
            return None
        return recent[len(recent) - self.limit] + self.window


# 18-character national ID numbers (17 digits and a digit or X), not inside a longer run of digits.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def masked(text: str) -> str:
    """``text`` with every national ID number in it masked ("110108********2913"): messages never carry one."""
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
