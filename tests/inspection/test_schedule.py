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
    missed_windows,
    owed_windows,
    settled_span,
    window_bounds,
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


TWICE_A_WEEK = DEFAULT_PATROL_FREQUENCIES[GridLevel.COMMUNITY]


def test_missed_windows_are_the_closed_lacking_ones_within_the_look_back() -> None:
    done = [date(2026, 12, d) for d in (1, 2, 4, 7)]
    today = date(2026, 12, 9)  # a Wednesday
    missed = missed_windows(None, DAILY, done, earliest_end=date(2026, 12, 3), today=today)
    # 3, 5, 6 and 8 December closed without a patrol; 9 December is running; 30 November is before the look-back.
    assert [(w.start.day, w.required, w.done) for w in missed] == [(3, 1, 0), (5, 1, 0), (6, 1, 0), (8, 1, 0)]
    assert all(w.status is WindowStatus.MISSED and w.start == w.end for w in missed)
    assert missed_windows(None, DAILY, done, earliest_end=date(2026, 12, 8), today=today)[0].start.day == 8


def test_the_running_window_is_never_missed_however_hopeless() -> None:
    today = date(2026, 12, 13)  # Sunday, the last day of its week, nothing done
    missed = missed_windows(None, TWICE_A_WEEK, [], earliest_end=date(2026, 11, 30), today=today)
    assert [(w.start, w.end) for w in missed] == [(date(2026, 11, 30), date(2026, 12, 6))]
    assert missed_windows(None, TWICE_A_WEEK, [], earliest_end=today, today=today) == []


def test_a_window_has_one_identity_whatever_day_the_look_back_starts() -> None:
    """The look-back starting mid-week still yields the whole week, with the whole week's requirement."""
    done = [date(2026, 11, 24)]  # once in the week of 23 November, which needed twice
    seen = {tuple((w.start, w.end, w.required, w.done) for w in missed_windows(
        None, TWICE_A_WEEK, done, earliest_end=date(2026, 11, 23) + timedelta(days=shift),
        today=date(2026, 11, 30) + timedelta(days=shift))) for shift in range(7)}
    assert seen == {((date(2026, 11, 23), date(2026, 11, 29), 2, 1),)}


def test_no_window_before_the_assignment_is_missed() -> None:
    since = date(2026, 12, 3)  # a Thursday: the week is owed from then on, its share rounded up
    missed = missed_windows(since, TWICE_A_WEEK, [], earliest_end=date(2026, 11, 1), today=date(2026, 12, 15))
    assert [(w.start, w.end, w.required) for w in missed] == [(since, date(2026, 12, 6), 2),
                                                               (date(2026, 12, 7), date(2026, 12, 13), 2)]
    assert missed_windows(date(2026, 12, 20), DAILY, [], earliest_end=date(2026, 12, 1), today=date(2026, 12, 15)) == []


@pytest.mark.parametrize(("unit", "times"), [(PeriodUnit.DAY, 1), (PeriodUnit.WEEK, 2), (PeriodUnit.MONTH, 2),
                                             (PeriodUnit.QUARTER, 10)])
@pytest.mark.parametrize("since", [None, date(2026, 11, 11)])
def test_missed_windows_agree_with_the_read_path(unit: PeriodUnit, times: int, since: date | None) -> None:
    """Over the same whole windows, the job's missed windows are exactly the read path's (owed_windows)."""
    frequency = Frequency(times, unit)
    done = [date(2026, 11, 2) + timedelta(days=5 * i) for i in range(6)]  # 2 to 27 November, then nothing
    today, earliest_end = date(2027, 1, 6), date(2026, 11, 12)
    first, last = settled_span(unit, earliest_end, today)
    assert (first, last) == (window_bounds(earliest_end, unit)[0], window_bounds(today, unit)[1])
    read_path = [w for w in owed_windows(since, frequency, done, first, last, today)
                 if w.status is WindowStatus.MISSED and w.end >= earliest_end]
    assert read_path, "the case must have missed windows to compare"
    assert missed_windows(since, frequency, done, earliest_end, today) == read_path


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
