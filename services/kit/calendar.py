"""Working time on China's official calendar: public holidays and make-up workdays.

The holiday data comes from the maintained ``holidays`` package (its China calendar knows the
State Council's holiday schedule and the weekend days worked in lieu). Deadlines are computed
in Beijing local time and returned in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from services.kit.clock import as_utc
from services.kit.errors import InvalidArgument

BEIJING = ZoneInfo("Asia/Shanghai")
# Office hours a working hour is counted in, local time.
DAY_START = time(9, 0)
DAY_END = time(17, 0)
HOURS_PER_DAY = 8


@lru_cache(maxsize=64)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


# Deadline arithmetic asks about the same few hundred days over and over; the holidays package
# takes microseconds per question, so answers are cached (a day's status never changes within a run).
@lru_cache(maxsize=8192)
def is_workday(day: date) -> bool:
    """True on a working day: a weekday that is no public holiday, or a make-up workday."""
    return bool(_china(day.year).is_working_day(day))


# The holidays package imports its country modules on first use, about half a second: a service pays it
# as it starts rather than in the first request that computes a deadline.
_china(datetime.now(BEIJING).year)


def next_workday(day: date) -> date:
    """The first working day on or after ``day``."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def working_days_left(deadline: datetime, now: datetime) -> int:
    """The working days from ``now`` to ``deadline``, by Beijing days: 0 when the deadline falls today (or on the
    days off before the next working day), n when n working days lie after today up to the deadline's day, and
    -n when the deadline passed n working days ago. What the portals show as a countdown, never computed there."""
    today, due = now.astimezone(BEIJING).date(), deadline.astimezone(BEIJING).date()
    sign, day, end = (1, today, due) if due >= today else (-1, due, today)
    count = 0
    while day < end:
        day += timedelta(days=1)
        count += is_workday(day)
    return sign * count


def add_working_days(start: datetime, days: int) -> datetime:
    """``days`` working days after ``start``: the same local time on the n-th working day after.

    A start outside a working day counts from the next working day's start of office hours.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    local = start.astimezone(BEIJING)
    day = local.date()
    if not is_workday(day):
        day = next_workday(day)
        local = datetime.combine(day, DAY_START, BEIJING)
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return datetime.combine(day, local.timetz()).astimezone(ZoneInfo("UTC"))


def add_working_hours(start: datetime, hours: float) -> datetime:
    """``hours`` of office time (09:00–17:00 on working days) after ``start``."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    local = start.astimezone(BEIJING)
    remaining = timedelta(hours=hours)
    cursor = local
    while True:
        day = cursor.date()
        opens = datetime.combine(day, DAY_START, BEIJING)
        closes = datetime.combine(day, DAY_END, BEIJING)
        if not is_workday(day) or cursor >= closes:
            cursor = datetime.combine(next_workday(day + timedelta(days=1)), DAY_START, BEIJING)
            continue
        cursor = max(cursor, opens)
        available = closes - cursor
        if remaining <= available:
            return (cursor + remaining).astimezone(ZoneInfo("UTC"))
        remaining -= available
        cursor = closes


def working_hours_between(start: datetime, end: datetime) -> float:
    """Office hours elapsed from ``start`` to ``end`` (0 when end is not after start)."""
    if end <= start:
        return 0.0
    total = timedelta()
    cursor = start.astimezone(BEIJING)
    end_local = end.astimezone(BEIJING)
    while cursor < end_local:
        day = cursor.date()
        if is_workday(day):
            opens = datetime.combine(day, DAY_START, BEIJING)
            closes = datetime.combine(day, DAY_END, BEIJING)
            lo, hi = max(cursor, opens), min(end_local, closes)
            if hi > lo:
                total += hi - lo
        cursor = datetime.combine(day + timedelta(days=1), time(0, 0), BEIJING)
    return total.total_seconds() / 3600


def requested_period(request: Any, now: datetime) -> tuple[datetime, datetime]:
    """A request's ``period_start`` / ``period_end`` (protobuf Timestamps), each end defaulting to the current
    calendar month in Beijing time; in UTC. Raises InvalidArgument naming ``period_end`` unless it is later."""
    month = now.astimezone(BEIJING).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month + timedelta(days=32)).replace(day=1)
    start = as_utc(request.period_start.ToDatetime()) if request.HasField("period_start") else month
    end = as_utc(request.period_end.ToDatetime()) if request.HasField("period_end") else next_month
    start, end = as_utc(start), as_utc(end)
    if end <= start:
        raise InvalidArgument.field("period_end", "must be after period_start")
    return start, end
