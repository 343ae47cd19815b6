"""Deadlines in working time across weekends, public holidays and make-up workdays; the overdue sweep."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.cases import deadlines
from services.cases.deadlines import DueStatus, Limit, LimitUnit
from services.cases.domain import CaseState, Tier
from services.cases.supervision import sweep
from services.kit.calendar import is_workday
from tests.cases.factory import case_in

BJ = ZoneInfo("Asia/Shanghai")


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=BJ)  # type: ignore[misc]


def test_the_calendar_knows_the_days_used_below() -> None:
    assert not is_workday(bj(2026, 10, 1).date()) and not is_workday(bj(2026, 10, 7).date())
    assert is_workday(bj(2026, 9, 20).date()) and is_workday(bj(2026, 10, 10).date())  # make-up workdays
    assert not is_workday(bj(2026, 9, 25).date())  # Mid-Autumn Festival


@pytest.mark.parametrize(
    ("start", "limit", "deadline"),
    [
        # Friday 15:00 + 4 working hours: two on Friday, two on Monday.
        (bj(2026, 11, 27, 15), Limit(4, LimitUnit.WORKING_HOURS), bj(2026, 11, 30, 11)),
        # Friday + 1 working day: Monday, same time.
        (bj(2026, 11, 27, 10), Limit(1, LimitUnit.WORKING_DAYS), bj(2026, 11, 30, 10)),
        # Before National Day: 30 Sep + 2 working days skips 1-7 Oct.
        (bj(2026, 9, 30, 10), Limit(2, LimitUnit.WORKING_DAYS), bj(2026, 10, 9, 10)),
        # 24 working hours from the last day before the holiday: 8 + (8 Oct) 8 + (9 Oct) 8 -> 9 Oct 17:00.
        (bj(2026, 9, 30, 9), Limit(24, LimitUnit.WORKING_HOURS), bj(2026, 10, 9, 17)),
        # Friday 18 Sep 16:00 + 2 hours: the make-up Sunday 20 Sep is worked.
        (bj(2026, 9, 18, 16), Limit(2, LimitUnit.WORKING_HOURS), bj(2026, 9, 20, 10)),
        # Friday 9 Oct + 1 working day: the make-up Saturday 10 Oct.
        (bj(2026, 10, 9, 10), Limit(1, LimitUnit.WORKING_DAYS), bj(2026, 10, 10, 10)),
        # Thursday 24 Sep + 1 working day: Mid-Autumn Friday and the weekend skipped.
        (bj(2026, 9, 24, 10), Limit(1, LimitUnit.WORKING_DAYS), bj(2026, 9, 28, 10)),
        # Reported on a holiday: counting starts at the next working day's opening.
        (bj(2026, 10, 3, 12), Limit(3, LimitUnit.WORKING_HOURS), bj(2026, 10, 8, 12)),
    ],
)
def test_deadline(start: datetime, limit: Limit, deadline: datetime) -> None:
    assert limit.after(start) == deadline


def test_thresholds_at_80_and_150_percent_of_working_time() -> None:
    work = deadlines.start(bj(2026, 9, 30, 9), Limit(10, LimitUnit.WORKING_HOURS))
    assert work.deadline == bj(2026, 10, 8, 11)
    assert work.due_soon_at == bj(2026, 9, 30, 17)  # 8 of 10 hours: the holiday does not count
    assert work.escalate_at == bj(2026, 10, 8, 16)  # 15 hours
    assert deadlines.due_status(work, bj(2026, 9, 30, 16)) is DueStatus.NORMAL
    assert deadlines.due_status(work, bj(2026, 10, 5, 12)) is DueStatus.DUE_SOON
    assert deadlines.due_status(work, work.deadline) is DueStatus.DUE_SOON
    assert deadlines.due_status(work, work.deadline + timedelta(seconds=1)) is DueStatus.OVERDUE


def test_sweep_marks_supervises_escalates_and_then_changes_nothing() -> None:
    work = deadlines.start(bj(2026, 9, 30, 9), Limit(10, LimitUnit.WORKING_HOURS))
    case = case_in(CaseState.ACCEPTED, work=work, due_status=DueStatus.NORMAL)
    assert sweep(case, bj(2026, 9, 30, 12)) is None
    soon = sweep(case, bj(2026, 9, 30, 17, 30))
    assert soon is not None and soon.case.due_status is DueStatus.DUE_SOON
    assert [e.action for e in soon.history] == ["mark_due_soon"] and soon.reminders == (
        ("urban_management", "due_soon"),)
    assert sweep(soon.case, bj(2026, 9, 30, 17, 31)) is None
    late = sweep(soon.case, bj(2026, 10, 8, 12))
    assert late is not None and late.case.supervised and late.case.supervision_tier is None
    assert [e.action for e in late.history] == ["mark_overdue", "supervise"]
    assert sweep(late.case, bj(2026, 10, 8, 13)) is None
    escalated = sweep(late.case, bj(2026, 10, 8, 16))
    assert escalated is not None and escalated.case.supervision_tier is Tier.STREET
    assert sweep(escalated.case, bj(2026, 10, 9, 16)) is None


def test_sweep_jumps_straight_to_overdue_and_ignores_cases_without_a_running_deadline() -> None:
    work = deadlines.start(bj(2026, 11, 23, 9), Limit(2, LimitUnit.WORKING_HOURS))
    case = case_in(CaseState.DISPATCHED, work=work, due_status=DueStatus.NORMAL)
    result = sweep(case, bj(2026, 11, 25, 9))
    assert result is not None
    assert [e.action for e in result.history] == ["mark_overdue", "supervise", "escalate_supervision"]
    assert sweep(replace(case, state=CaseState.ON_HOLD, work=None), bj(2026, 11, 25, 9)) is None
    assert sweep(case_in(CaseState.HANDLED), bj(2026, 12, 25, 9)) is None
