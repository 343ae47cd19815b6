"""The overdue sweep's rules (pure): due status, supervision (督办) and escalation of supervision."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.cases import deadlines
from services.cases.deadlines import DueStatus
from services.cases.domain import RUNNING_STATES, Case, HistoryEntry, Tier, next_tier

SWEEPER = "system:cases"


@dataclass(frozen=True)
class Sweep:
    """What the sweep changed on one case: the case after, its history entries, reminders."""

    case: Case
    history: tuple[HistoryEntry, ...]
    reminders: tuple[tuple[str, str], ...]


def sweep(case: Case, now: datetime) -> Sweep | None:
    """The changes due on ``case`` at ``now``, or None when there are none (so a rerun is a no-op).

    due_soon from 80% of the limit, overdue past it (and supervision raised), and at 150% the
    supervision goes to the next tier (a district case stays supervised at the district).
    """
    if case.state not in RUNNING_STATES or case.work is None:
        return None
    entries: list[HistoryEntry] = []
    reminders: list[tuple[str, str]] = []
    changed = case
    status = deadlines.due_status(case.work, now)
    unit = case.answerable_unit or case.handling_unit

    def note(action: str, comment: str) -> None:
        entries.append(HistoryEntry(action, SWEEPER, now, case.state, case.state, comment, (), unit))

    if status is not case.due_status and _rank(status) > _rank(case.due_status):
        changed = replace(changed, due_status=status)
        note(f"mark_{status.value}", f"{status.value.replace('_', ' ')} at {now.isoformat()}")
        reminders.append((unit, status.value))
    if status is DueStatus.OVERDUE and not case.supervised:
        changed = replace(changed, supervised=True)
        note("supervise", "overdue: supervision raised")
        reminders.append((unit, "supervised"))
    if now >= case.work.escalate_at:
        target = next_tier(case.tier) or Tier.DISTRICT
        if case.supervision_tier is None or case.supervision_tier < target:
            changed = replace(changed, supervision_tier=target, supervised=True)
            note("escalate_supervision", f"150% of the limit used: supervised by the {target.name.lower()} tier")
    if not entries:
        return None
    return Sweep(changed, tuple(entries), tuple(reminders))


def _rank(status: DueStatus) -> int:
    return (DueStatus.NONE, DueStatus.NORMAL, DueStatus.DUE_SOON, DueStatus.OVERDUE).index(status)


def next_check(case: Case) -> datetime | None:
    """The next moment the sweep has something to do for ``case`` (None: nothing until it changes).

    Stored on the row and indexed, so the sweep reads only the cases that are due, not a million.
    """
    if case.state not in RUNNING_STATES or case.work is None:
        return None
    if case.due_status in (DueStatus.NONE, DueStatus.NORMAL):
        return case.work.due_soon_at
    if case.due_status is DueStatus.DUE_SOON or not case.supervised:
        return case.work.deadline + _JUST_AFTER
    target = next_tier(case.tier) or Tier.DISTRICT
    if case.supervision_tier is None or case.supervision_tier < target:
        return case.work.escalate_at
    return None


# Overdue means strictly past the deadline.
_JUST_AFTER = timedelta(microseconds=1)
