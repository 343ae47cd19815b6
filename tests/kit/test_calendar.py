"""Working time on China's calendar: weekends, public holidays, make-up workdays."""

from datetime import UTC, date, datetime

import pytest

from services.kit import calendar


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 27), True),  # Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # National Day holiday week
        (date(2026, 10, 10), True),  # Saturday worked in lieu
        (date(2026, 9, 20), True),  # Sunday worked in lieu
        (date(2027, 1, 1), False),  # New Year's Day, beyond this year's schedule
    ],
)
def test_is_workday(day: date, working: bool) -> None:
    assert calendar.is_workday(day) is working


def test_working_days_skip_the_national_day_week() -> None:
    start = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Beijing
    assert calendar.add_working_days(start, 1) == datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    # 10-08 Thu, 10-09 Fri, 10-10 Sat worked in lieu
    assert calendar.add_working_days(start, 3) == datetime(2026, 10, 10, 2, 0, tzinfo=UTC)


def test_working_days_skip_a_weekend() -> None:
    friday = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    assert calendar.add_working_days(friday, 1) == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def test_working_hours_run_in_office_hours() -> None:
    friday_4pm = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 16:00 Beijing
    # one hour left on Friday, then seven from Monday 09:00
    assert calendar.add_working_hours(friday_4pm, 8) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert calendar.working_hours_between(friday_4pm, datetime(2026, 11, 30, 8, 0, tzinfo=UTC)) == 8.0


def test_start_on_a_holiday_counts_from_the_next_working_day() -> None:
    holiday = datetime(2026, 10, 3, 4, 0, tzinfo=UTC)
    assert calendar.add_working_hours(holiday, 1) == datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    assert calendar.add_working_days(holiday, 0) == datetime(2026, 10, 8, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("now", "deadline", "left"), [
    (datetime(2026, 12, 3, 2, tzinfo=UTC), datetime(2026, 12, 3, 9, tzinfo=UTC), 0),  # today (Thursday)
    (datetime(2026, 12, 3, 2, tzinfo=UTC), datetime(2026, 12, 4, 9, tzinfo=UTC), 1),  # Friday
    (datetime(2026, 12, 3, 2, tzinfo=UTC), datetime(2026, 12, 7, 9, tzinfo=UTC), 2),  # over the weekend: Monday
    (datetime(2026, 12, 4, 2, tzinfo=UTC), datetime(2026, 12, 6, 9, tzinfo=UTC), 0),  # due on Sunday, seen Friday
    (datetime(2026, 12, 7, 2, tzinfo=UTC), datetime(2026, 12, 3, 9, tzinfo=UTC), -2),  # Thursday's, seen Monday
    # The National Day week: 1 to 7 October off, the 8th and 9th worked.
    (datetime(2026, 9, 30, 2, tzinfo=UTC), datetime(2026, 10, 9, 2, tzinfo=UTC), 2),
    # Beijing days, not UTC days: 23:30 UTC on the 3rd is already the 4th in Beijing.
    (datetime(2026, 12, 3, 23, 30, tzinfo=UTC), datetime(2026, 12, 4, 9, tzinfo=UTC), 0),
])
def test_working_days_left_counts_beijing_working_days(now: datetime, deadline: datetime, left: int) -> None:
    assert calendar.working_days_left(deadline, now) == left
