"""Patrol windows and compliance, the assessment breakdown and the air-quality comparison (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.inspection.domain import DEFAULT_PATROL_FREQUENCIES, Frequency, GridLevel, PeriodUnit
from services.inspection.schedule import (
    AssessmentUnit,
    HeadPatrols,
    Pollutant,
    ViolationOutcome,
    WindowStatus,
    assess,
    compare_air_quality,
    compliance,
    head_windows,
    windows,
)

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)
DAILY = DEFAULT_PATROL_FREQUENCIES[GridLevel.GRID]


def test_daily_patrols_across_a_month_with_missed_days() -> None:
    missed_days = {date(2026, 11, 3), date(2026, 11, 14), date(2026, 11, 15), date(2026, 11, 27)}
    done = [NOV_1 + timedelta(days=i) for i in range(30) if NOV_1 + timedelta(days=i) not in missed_days]
    done.append(date(2026, 11, 5))  # a second patrol on one day does not make up for another day
    found = windows(NOV_1, NOV_30, DAILY, done, today=date(2026, 12, 1))
    assert len(found) == 30
    assert {w.start for w in found if w.status is WindowStatus.MISSED} == missed_days
    result = compliance(found)
    assert (result.required, result.fulfilled, result.missed_windows, result.due_windows) == (30, 26, 4, 0)
    assert result.rate == pytest.approx(26 / 30)


def test_a_running_month_counts_only_settled_days() -> None:
    done = [date(2026, 11, d) for d in (1, 2, 4)]
    found = windows(NOV_1, NOV_30, DAILY, done, today=date(2026, 11, 5))
    statuses = [w.status for w in found[:6]]
    assert statuses == [WindowStatus.MET, WindowStatus.MET, WindowStatus.MISSED, WindowStatus.MET,
                        WindowStatus.DUE, WindowStatus.UPCOMING]
    result = compliance(found)
    assert (result.required, result.fulfilled, result.missed_windows, result.due_windows) == (4, 3, 1, 1)


def test_community_level_twice_a_week_with_partial_weeks() -> None:
    # November 2026 starts on a Sunday: the first and last weeks are cut by the month.
    frequency = DEFAULT_PATROL_FREQUENCIES[GridLevel.COMMUNITY]
    done = [date(2026, 11, 1), date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 12), date(2026, 11, 30)]
    found = windows(NOV_1, NOV_30, frequency, done, today=date(2026, 12, 1))
    assert [(w.start.day, w.end.day, w.required, w.done, w.status.value) for w in found] == [
        (1, 1, 1, 1, "met"), (2, 8, 2, 2, "met"), (9, 15, 2, 1, "missed"), (16, 22, 2, 0, "missed"),
        (23, 29, 2, 0, "missed"), (30, 30, 1, 1, "met")]


@pytest.mark.parametrize(("frequency", "count", "required"), [
    (Frequency(2, PeriodUnit.MONTH), 1, 2),
    (Frequency(1, PeriodUnit.WEEK), 6, 6),
    (Frequency(1, PeriodUnit.QUARTER), 1, 1),
    (Frequency(1, PeriodUnit.DAY), 30, 30),
])
def test_windows_per_unit(frequency: Frequency, count: int, required: int) -> None:
    found = windows(NOV_1, NOV_30, frequency, [], today=date(2027, 1, 1))
    assert len(found) == count
    assert sum(w.required for w in found) == required
    assert all(w.status is WindowStatus.MISSED for w in found)


def test_quarter_window_spans_the_quarter() -> None:
    found = windows(date(2026, 10, 1), date(2026, 12, 31), Frequency(1, PeriodUnit.QUARTER),
                    [date(2026, 12, 20)], today=date(2027, 1, 1))
    assert [(w.start, w.end, w.status) for w in found] == [(date(2026, 10, 1), date(2026, 12, 31),
                                                            WindowStatus.MET)]


def test_patrols_outside_the_period_do_not_count() -> None:
    found = windows(NOV_1, NOV_1, DAILY, [date(2026, 10, 31)], today=date(2026, 12, 1))
    assert found[0].status is WindowStatus.MISSED


GRID_A, GRID_B, STREET = "110108001001001", "110108001001002", "110108001"


def test_assessment_per_grid_street_and_person() -> None:
    every_day = tuple(NOV_1 + timedelta(days=i) for i in range(30))
    heads = [
        HeadPatrols("wang", GridLevel.GRID, GRID_A, every_day),
        HeadPatrols("li", GridLevel.GRID, GRID_B, every_day[::2]),
        HeadPatrols("zhao", GridLevel.STREET, STREET, (date(2026, 11, 2),)),
    ]
    outcomes = [
        ViolationOutcome(GRID_A, "wang", closed=True, closed_on_time=True),
        ViolationOutcome(GRID_A, "wang", closed=True, closed_on_time=False),
        ViolationOutcome(GRID_B, "zhao", closed=False, closed_on_time=False),
    ]
    today = date(2026, 12, 1)
    grid = {r.key: r for r in assess(AssessmentUnit.GRID, heads, outcomes, DEFAULT_PATROL_FREQUENCIES,
                                     NOV_1, NOV_30, today)}
    assert set(grid) == {GRID_A, GRID_B}
    a, b = grid[GRID_A], grid[GRID_B]
    assert (a.compliance.required, a.compliance.fulfilled, a.violations_found, a.violations_closed,
            a.violations_closed_on_time) == (30, 30, 2, 2, 1)
    assert (b.compliance.required, b.compliance.fulfilled, b.compliance.missed_windows, b.violations_found,
            b.violations_closed) == (30, 15, 15, 1, 0)
    street = assess(AssessmentUnit.STREET, heads, outcomes, DEFAULT_PATROL_FREQUENCIES, NOV_1, NOV_30, today)
    assert len(street) == 1
    # Two daily heads (60) and the weekly street head (6 windows, one met).
    assert (street[0].key, street[0].compliance.required, street[0].compliance.fulfilled,
            street[0].violations_found) == (STREET, 66, 46, 3)
    person = {r.key: r for r in assess(AssessmentUnit.PERSON, heads, outcomes, DEFAULT_PATROL_FREQUENCIES,
                                       NOV_1, NOV_30, today)}
    assert (person["zhao"].compliance.fulfilled, person["zhao"].violations_found) == (1, 1)
    assert person["wang"].violations_closed_on_time == 1
    assert person["li"].compliance.rate == pytest.approx(0.5)


def test_a_head_owes_patrols_from_assignment() -> None:
    head = HeadPatrols("new", GridLevel.GRID, GRID_A, (date(2026, 11, 20),), since=date(2026, 11, 16))
    found = head_windows(head, DAILY, NOV_1, NOV_30, today=date(2026, 12, 1))
    assert (found[0].start, len(found), compliance(found).fulfilled) == (date(2026, 11, 16), 15, 1)
    later = HeadPatrols("newer", GridLevel.GRID, GRID_A, (), since=date(2026, 12, 2))
    assert head_windows(later, DAILY, NOV_1, NOV_30, today=date(2026, 12, 5)) == []
    rows = assess(AssessmentUnit.PERSON, [head, later], [], DEFAULT_PATROL_FREQUENCIES, NOV_1, NOV_30,
                  date(2026, 12, 1))
    assert [(r.key, r.compliance.required) for r in rows] == [("new", 15), ("newer", 0)]


def test_air_quality_comparison() -> None:
    rows = {r.pollutant: r for r in compare_air_quality(
        [(Pollutant.PM25, 40.0), (Pollutant.PM25, 50.0), (Pollutant.NO2, 30.0)],
        [(Pollutant.PM25, 50.0), (Pollutant.NO2, 0.0)],
    )}
    assert list(rows) == list(Pollutant)
    assert (rows[Pollutant.PM25].average, rows[Pollutant.PM25].reference_average, rows[Pollutant.PM25].samples) == (
        45.0, 50.0, 2)
    assert rows[Pollutant.PM25].difference == pytest.approx(-5.0)
    assert rows[Pollutant.PM25].percent_of_reference == pytest.approx(90.0)
    assert rows[Pollutant.NO2].percent_of_reference is None  # a zero reference has no percentage
    assert rows[Pollutant.O3].average is None and rows[Pollutant.O3].difference is None
