"""Pure arithmetic of the accountability review: patrol windows, compliance, assessment, air-quality averages."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.inspection.domain import Frequency, GridLevel, PeriodUnit


class WindowStatus(StrEnum):
    MET = "met"          # enough patrols in the window
    MISSED = "missed"    # the window is over and patrols are lacking
    DUE = "due"          # the window is running and patrols are still lacking
    UPCOMING = "upcoming"  # the window has not started


class MissedKind(StrEnum):
    """What a missed window was owed by: a grid head's patrols or a key source's supervision checks."""

    PATROL = "patrol"
    SUPERVISION = "supervision"


class Pollutant(StrEnum):
    PM25 = "pm25"
    PM10 = "pm10"
    NO2 = "no2"
    O3 = "o3"
    SO2 = "so2"
    CO = "co"


@dataclass(frozen=True)
class Window:
    """One frequency window inside a period (inclusive dates), with what it required and got."""

    start: date
    end: date
    required: int
    done: int
    status: WindowStatus


def window_bounds(day: date, unit: PeriodUnit) -> tuple[date, date]:
    """The whole window of ``unit`` that ``day`` falls in (first and last day, inclusive)."""
    if unit is PeriodUnit.DAY:
        return day, day
    if unit is PeriodUnit.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    first_month = day.month if unit is PeriodUnit.MONTH else 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    months = 1 if unit is PeriodUnit.MONTH else 3
    year, month = divmod(first_month - 1 + months, 12)
    return start, date(day.year + year, month + 1, 1) - timedelta(days=1)


def windows(period_start: date, period_end: date, frequency: Frequency, done_dates: Iterable[date],
            today: date) -> list[Window]:
    """The windows of ``frequency`` covering the period, each clipped to it.

    A window cut by the period's edge requires its share, rounded up (a week with two days in
    the period still requires one patrol when one a week is due), so a partial window is never free.
    """
    counts: dict[date, int] = defaultdict(int)
    for day in done_dates:
        if period_start <= day <= period_end:
            counts[window_bounds(day, frequency.unit)[0]] += 1
    result = []
    cursor = period_start
    while cursor <= period_end:
        full_start, full_end = window_bounds(cursor, frequency.unit)
        start, end = max(full_start, period_start), min(full_end, period_end)
        share = ((end - start).days + 1) / ((full_end - full_start).days + 1)
        required = math.ceil(frequency.times * share - 1e-9)
        done = counts.get(full_start, 0)
        if done >= required:
            status = WindowStatus.MET
        elif end < today:
            status = WindowStatus.MISSED
        elif start <= today:
            status = WindowStatus.DUE
        else:
            status = WindowStatus.UPCOMING
        result.append(Window(start, end, required, done, status))
        cursor = end + timedelta(days=1)
    return result


@dataclass(frozen=True)
class Compliance:
    """Patrols required and fulfilled over the settled windows (met or missed) of a period."""

    required: int = 0
    fulfilled: int = 0
    missed_windows: int = 0
    due_windows: int = 0

    @property
    def rate(self) -> float:
        """Fulfilled share of what was required; 1.0 when nothing was required yet."""
        return 1.0 if self.required == 0 else self.fulfilled / self.required

    def __add__(self, other: Compliance) -> Compliance:
        return Compliance(self.required + other.required, self.fulfilled + other.fulfilled,
                          self.missed_windows + other.missed_windows, self.due_windows + other.due_windows)


def compliance(found: Sequence[Window]) -> Compliance:
    """Sums ``found``; a window still running counts only once it is met, so today is never held against anyone."""
    required = fulfilled = missed = due = 0
    for window in found:
        if window.status in (WindowStatus.MET, WindowStatus.MISSED):
            required += window.required
            fulfilled += min(window.done, window.required)
        missed += window.status is WindowStatus.MISSED
        due += window.status is WindowStatus.DUE
    return Compliance(required, fulfilled, missed, due)


class AssessmentUnit(StrEnum):
    GRID = "grid"
    STREET = "street"
    PERSON = "person"


@dataclass(frozen=True)
class HeadPatrols:
    """A grid head, the local dates of their patrols in the period, and the day they were assigned."""

    subject_id: str
    level: GridLevel
    jurisdiction_code: str
    patrol_dates: tuple[date, ...]
    since: date | None = None


def owed_windows(since: date | None, frequency: Frequency, done_dates: Iterable[date], period_start: date,
                 period_end: date, today: date) -> list[Window]:
    """The windows of the period from ``since`` on (a head's assignment, a source's entry into the inventory):
    no one answers for days before it."""
    start = max(period_start, since) if since else period_start
    if start > period_end:
        return []
    return windows(start, period_end, frequency, done_dates, today)


def head_windows(head: HeadPatrols, frequency: Frequency, period_start: date, period_end: date,
                 today: date) -> list[Window]:
    """The head's windows of the period from the day of assignment."""
    return owed_windows(head.since, frequency, head.patrol_dates, period_start, period_end, today)


def settled_span(unit: PeriodUnit, earliest_end: date, today: date) -> tuple[date, date]:
    """Whole windows of ``unit`` from the one holding ``earliest_end`` to the one holding ``today``.

    A period aligned on whole windows gives every run the same windows (a period starting mid-week
    would cut the first week differently each day), so a missed window has one identity.
    """
    return window_bounds(earliest_end, unit)[0], window_bounds(today, unit)[1]


def missed_windows(since: date | None, frequency: Frequency, done_dates: Iterable[date], earliest_end: date,
                   today: date) -> list[Window]:
    """The windows that closed with patrols lacking and ended on or after ``earliest_end``.

    The same arithmetic as the read path (``owed_windows``), over the whole windows of ``settled_span``
    (the first of which holds ``earliest_end``, so none ended before it); the window running today is
    never among them, nor one before ``since``.
    """
    first, last = settled_span(frequency.unit, earliest_end, today)
    return [window for window in owed_windows(since, frequency, done_dates, first, last, today)
            if window.status is WindowStatus.MISSED]


@dataclass(frozen=True)
class ViolationOutcome:
    """What the assessment needs of one violation found in the period."""

    jurisdiction_code: str
    reporter: str
    closed: bool
    closed_on_time: bool


@dataclass(frozen=True)
class AssessmentRow:
    """One unit's figures for the accountability review."""

    unit: AssessmentUnit
    key: str
    compliance: Compliance
    violations_found: int
    violations_closed: int
    violations_closed_on_time: int


def _unit_key(unit: AssessmentUnit, code: str, subject: str) -> str | None:
    if unit is AssessmentUnit.PERSON:
        return subject
    length = 15 if unit is AssessmentUnit.GRID else 9
    return code[:length] if len(code) >= length else None


def assess(unit: AssessmentUnit, heads: Sequence[HeadPatrols], outcomes: Sequence[ViolationOutcome],
           frequencies: Mapping[GridLevel, Frequency], period_start: date, period_end: date,
           today: date) -> list[AssessmentRow]:
    """Per grid, street or person: patrol compliance against the required frequency and violation closure.

    A grid counts the heads whose scope is that grid; a street every head inside it, at any level
    below the district; a person their own patrols and the violations they reported.
    """
    patrols: dict[str, Compliance] = defaultdict(Compliance)
    for head in heads:
        key = _unit_key(unit, head.jurisdiction_code, head.subject_id)
        if key is None or (unit is AssessmentUnit.GRID and head.level is not GridLevel.GRID):
            continue
        found = head_windows(head, frequencies[head.level], period_start, period_end, today)
        patrols[key] = patrols[key] + compliance(found)
    found_count: dict[str, int] = defaultdict(int)
    closed: dict[str, int] = defaultdict(int)
    on_time: dict[str, int] = defaultdict(int)
    for outcome in outcomes:
        key = _unit_key(unit, outcome.jurisdiction_code, outcome.reporter)
        if key is None:
            continue
        found_count[key] += 1
        closed[key] += outcome.closed
        on_time[key] += outcome.closed and outcome.closed_on_time
    keys = sorted(set(patrols) | set(found_count))
    return [AssessmentRow(unit, key, patrols.get(key, Compliance()), found_count.get(key, 0), closed.get(key, 0),
                          on_time.get(key, 0)) for key in keys]


@dataclass(frozen=True)
class PollutantComparison:
    """A pollutant's average over the period in the district and in the reference area."""

    pollutant: Pollutant
    average: float | None
    reference_average: float | None
    samples: int

    @property
    def difference(self) -> float | None:
        if self.average is None or self.reference_average is None:
            return None
        return self.average - self.reference_average

    @property
    def percent_of_reference(self) -> float | None:
        """The district's average as a percentage of the reference (above 100: worse than the city)."""
        if self.average is None or not self.reference_average:
            return None
        return 100.0 * self.average / self.reference_average


def compare_air_quality(readings: Iterable[tuple[Pollutant, float]],
                        reference: Iterable[tuple[Pollutant, float]]) -> list[PollutantComparison]:
    """Averages per pollutant of the stations' readings against the reference readings, every pollutant listed."""
    sums: dict[Pollutant, list[float]] = defaultdict(lambda: [0.0, 0.0])
    reference_sums: dict[Pollutant, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for target, rows in ((sums, readings), (reference_sums, reference)):
        for pollutant, value in rows:
            target[pollutant][0] += value
            target[pollutant][1] += 1
    result = []
    for pollutant in Pollutant:
        total, count = sums.get(pollutant, [0.0, 0.0])
        ref_total, ref_count = reference_sums.get(pollutant, [0.0, 0.0])
        result.append(PollutantComparison(
            pollutant,
            total / count if count else None,
            ref_total / ref_count if ref_count else None,
            int(count),
        ))
    return result
