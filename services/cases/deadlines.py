"""Deadline rules of the case loop, in working time on China's official calendar (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.kit import calendar

# A dispatched case must be signed for within 24 hours (wall-clock: units keep a duty desk).
ACCEPT_WITHIN = timedelta(hours=24)
# Share of the limit used at which a case turns due_soon (yellow).
DUE_SOON_SHARE = 0.8
# Share of the limit used at which supervision escalates to the next tier.
ESCALATE_SHARE = 1.5


class LimitUnit(StrEnum):
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


class DueStatus(StrEnum):
    NONE = "none"
    NORMAL = "normal"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Limit:
    """A handling time limit: ``value`` working hours or working days."""

    value: int
    unit: LimitUnit

    def after(self, start: datetime) -> datetime:
        """The deadline for work started at ``start``."""
        if self.unit is LimitUnit.WORKING_HOURS:
            return calendar.add_working_hours(start, self.value)
        return calendar.add_working_days(start, self.value)


@dataclass(frozen=True)
class Clockwork:
    """The running deadline of a dispatch and the moments its due status changes."""

    started_at: datetime
    deadline: datetime
    due_soon_at: datetime
    escalate_at: datetime


def clockwork(started_at: datetime, deadline: datetime) -> Clockwork:
    """Thresholds at 80% and 150% of the working time between ``started_at`` and ``deadline``.

    The shares are taken of working hours actually available (so a limit in working days that
    spans a holiday stretches its yellow and escalation points across the holiday too).
    """
    total = calendar.working_hours_between(started_at, deadline)
    return Clockwork(
        started_at=started_at,
        deadline=deadline,
        due_soon_at=calendar.add_working_hours(started_at, total * DUE_SOON_SHARE),
        escalate_at=calendar.add_working_hours(started_at, total * ESCALATE_SHARE),
    )


def start(started_at: datetime, limit: Limit) -> Clockwork:
    """The clockwork of work started at ``started_at`` under ``limit``."""
    return clockwork(started_at, limit.after(started_at))


def extend(work: Clockwork, limit_unit: LimitUnit, amount: int) -> Clockwork:
    """The clockwork after an approved extension of ``amount`` more units from the current deadline."""
    return clockwork(work.started_at, Limit(amount, limit_unit).after(work.deadline))


def due_status(work: Clockwork, now: datetime) -> DueStatus:
    """normal below 80% of the limit, due_soon from 80%, overdue once the deadline has passed."""
    if now > work.deadline:
        return DueStatus.OVERDUE
    if now >= work.due_soon_at:
        return DueStatus.DUE_SOON
    return DueStatus.NORMAL


def working_hours(start_at: datetime, end_at: datetime) -> float:
    return calendar.working_hours_between(start_at, end_at)
