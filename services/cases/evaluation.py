"""Two-way evaluation: the counts a period's cases yield and the standard's rates over them (pure).

Every figure is over the cases *reported* in the period [start, end) that belong to the subject:
a unit (the answerable unit: first responder until another accepts), a jurisdiction (its code is a
prefix of the case's grid code), or a grid worker (the reporter). Counting rules, per case:

- reported: every case; registered: registered_at set; voided: state voided (registered in error);
- dispatched: dispatched at least once; accepted_on_time: the lead signed within 24 hours;
- handled: handled_at set; handled_on_time: handled by the deadline it was dispatched under;
- closed: closed_at set (closed or archived); closed_on_time: verified as solved by its deadline;
- due_to_close: dispatched cases that closed, or whose deadline passed before min(end, now);
- rework: failed verifications (a case counts each); overdue: went overdue at least once
  (supervised because overdue, or closed late); extensions: approved extensions;
- public_reports: registered cases whose source is a resident, the hotline or anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Counts:
    reported: int = 0
    registered: int = 0
    voided: int = 0
    dispatched: int = 0
    accepted_on_time: int = 0
    handled: int = 0
    handled_on_time: int = 0
    closed: int = 0
    closed_on_time: int = 0
    due_to_close: int = 0
    rework: int = 0
    overdue: int = 0
    extensions: int = 0
    public_reports: int = 0
    callbacks: int = 0
    satisfied_callbacks: int = 0  # satisfied or basically satisfied
    handling_hours_total: float = 0.0  # working hours from dispatch to handled, summed over handled cases
    ratings: int = 0
    rating_total: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def _rate(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


@dataclass(frozen=True)
class Figures:
    key: str
    counts: Counts
    rates: dict[str, float] = field(default_factory=dict)


def figures(key: str, c: Counts) -> Figures:
    """The standard's rates; each is 0 when its denominator is 0."""
    rates = {
        # 结案率 closure rate = closed / due to close
        "closure_rate": _rate(c.closed, c.due_to_close),
        # 按期结案率 on-time closure rate = closed on time / due to close
        "on_time_closure_rate": _rate(c.closed_on_time, c.due_to_close),
        # 返工率 rework rate = rework / handled
        "rework_rate": _rate(c.rework, c.handled),
        # 按期处置率 on-time handling rate = handled on time / handled
        "on_time_handling_rate": _rate(c.handled_on_time, c.handled),
        # 立案准确率 accurate registration rate = (registered - voided) / registered
        "accurate_registration_rate": _rate(c.registered - c.voided, c.registered),
        # 漏报率 missed-report rate = cases first reported by the public / registered
        "missed_report_rate": _rate(c.public_reports, c.registered),
        # 满意率 satisfaction rate = satisfied or basically satisfied callbacks / callbacks made
        "satisfaction_rate": _rate(c.satisfied_callbacks, c.callbacks),
        # mean handling time = working hours dispatch -> handled, summed / handled
        "mean_handling_hours": round(c.handling_hours_total / c.handled, 2) if c.handled else 0.0,
        # mean rating the raising tiers gave = rating points / ratings
        "mean_rating": round(c.rating_total / c.ratings, 2) if c.ratings else 0.0,
    }
    return Figures(key, c, rates)


def score(f: Figures) -> float:
    """The ranking's composite score, 0..100.

    Weights follow the usual district assessment: on-time closure 40, closure 20, satisfaction 20,
    the raising tiers' ratings 10 (mean rating / 5), and 10 for work without rework (1 - rework rate).
    """
    r = f.rates
    value = (40 * r["on_time_closure_rate"] + 20 * r["closure_rate"] + 20 * r["satisfaction_rate"]
             + 10 * (r["mean_rating"] / 5) + 10 * (1 - min(r["rework_rate"], 1.0)))
    return round(value, 2)


def ranking(entries: list[Figures]) -> list[tuple[int, Figures, float]]:
    """Best first by score, then by more closed cases, then by key; ties share no rank."""
    scored = sorted(((score(f), f) for f in entries), key=lambda sf: (-sf[0], -sf[1].counts.closed, sf[1].key))
    return [(i + 1, f, s) for i, (s, f) in enumerate(scored)]
