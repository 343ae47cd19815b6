"""The case loop's pure rules: states, actions, the exhaustive transition table, and transition()."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import IntEnum, StrEnum

from services.cases import deadlines
from services.cases.deadlines import Clockwork, DueStatus, Limit
from services.kit.errors import IllegalTransition, Violations

KIND = "case"
EMERGENCY_UNIT = "emergency_linkage"


class CaseState(StrEnum):
    REPORTED = "reported"
    REGISTERED = "registered"
    REJECTED = "rejected"
    VOIDED = "voided"
    MERGED = "merged"
    DISPATCHED = "dispatched"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    ON_HOLD = "on_hold"
    EMERGENCY = "emergency"
    HANDLED = "handled"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Action(StrEnum):
    REGISTER = "register"
    REJECT = "reject"
    VOID = "void"
    MERGE = "merge"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    HANDLE = "handle"
    CLOSE = "close"  # verification passed
    REWORK = "rework"  # verification failed: re-dispatched to the same unit
    CALLBACK = "callback"  # satisfied or basically satisfied: archived
    REOPEN = "reopen"  # unsatisfied callback: re-dispatched
    ARCHIVE = "archive"  # sources that take no callback
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    REQUEST_HOLD = "request_hold"
    APPROVE_HOLD = "approve_hold"
    REFUSE_HOLD = "refuse_hold"
    RESUME = "resume"
    ESCALATE = "escalate"
    LINK_EMERGENCY = "link_emergency"
    SUPERVISE = "supervise"
    RATE = "rate"


class Tier(IntEnum):
    """Loops from the bottom up; the value orders them."""

    COMMUNITY = 1
    STREET = 2
    DISTRICT = 3


class SourceChannel(StrEnum):
    GRID_WORKER = "grid_worker"
    RESIDENT = "resident"
    HOTLINE = "hotline"
    INSPECTION_SERVICE = "inspection_service"
    SUPERVISOR_PATROL = "supervisor_patrol"
    ANONYMOUS = "anonymous"


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class RequestKind(StrEnum):
    EXTENSION = "extension"
    HOLD = "hold"


# Sources whose reporter is not called back: nobody to call, or a service that hears CaseClosed.
NO_CALLBACK_SOURCES = frozenset({SourceChannel.ANONYMOUS, SourceChannel.INSPECTION_SERVICE})
# Sources that count as "first reported by the public" in the missed-report rate.
PUBLIC_SOURCES = frozenset({SourceChannel.RESIDENT, SourceChannel.HOTLINE, SourceChannel.ANONYMOUS})

S, A = CaseState, Action
# The exhaustive transition table: (state, action) -> state after. A pair not listed is illegal.
# Two refinements are decided by transition(), never by the table: a co-handler's accept or handle
# completes only its own part (the case moves on once the lead has accepted / all have handled).
TRANSITIONS: Mapping[CaseState, Mapping[Action, CaseState]] = {
    S.REPORTED: {A.REGISTER: S.REGISTERED, A.REJECT: S.REJECTED, A.MERGE: S.MERGED,
                 A.LINK_EMERGENCY: S.EMERGENCY},
    S.REGISTERED: {A.DISPATCH: S.DISPATCHED, A.VOID: S.VOIDED, A.ESCALATE: S.REGISTERED,
                   A.LINK_EMERGENCY: S.EMERGENCY, A.SUPERVISE: S.REGISTERED},
    S.RETURNED: {A.DISPATCH: S.DISPATCHED, A.VOID: S.VOIDED, A.ESCALATE: S.REGISTERED,
                 A.SUPERVISE: S.RETURNED},
    S.DISPATCHED: {A.ACCEPT: S.ACCEPTED, A.RETURN: S.RETURNED, A.ESCALATE: S.REGISTERED,
                   A.LINK_EMERGENCY: S.EMERGENCY, A.SUPERVISE: S.DISPATCHED},
    S.ACCEPTED: {A.ACCEPT: S.ACCEPTED, A.HANDLE: S.HANDLED, A.REQUEST_EXTENSION: S.ACCEPTED,
                 A.APPROVE_EXTENSION: S.ACCEPTED, A.REFUSE_EXTENSION: S.ACCEPTED, A.REQUEST_HOLD: S.ACCEPTED,
                 A.APPROVE_HOLD: S.ON_HOLD, A.REFUSE_HOLD: S.ACCEPTED, A.ESCALATE: S.REGISTERED,
                 A.LINK_EMERGENCY: S.EMERGENCY, A.SUPERVISE: S.ACCEPTED},
    S.ON_HOLD: {A.RESUME: S.ACCEPTED, A.ESCALATE: S.REGISTERED, A.SUPERVISE: S.ON_HOLD},
    S.EMERGENCY: {A.HANDLE: S.HANDLED},
    S.HANDLED: {A.CLOSE: S.CLOSED, A.REWORK: S.DISPATCHED},
    S.CLOSED: {A.CALLBACK: S.ARCHIVED, A.REOPEN: S.DISPATCHED, A.ARCHIVE: S.ARCHIVED, A.RATE: S.CLOSED},
    S.ARCHIVED: {A.RATE: S.ARCHIVED},
    S.REJECTED: {},
    S.VOIDED: {},
    S.MERGED: {},
}
OPEN_STATES = frozenset({S.REPORTED, S.REGISTERED, S.RETURNED, S.DISPATCHED, S.ACCEPTED, S.ON_HOLD,
                         S.EMERGENCY, S.HANDLED})
# States whose handling deadline is running (and so carry a due status).
RUNNING_STATES = frozenset({S.DISPATCHED, S.ACCEPTED})
# Actions that need a written reason or comment.
REASON_REQUIRED = frozenset({A.REJECT, A.VOID, A.RETURN, A.ESCALATE, A.REQUEST_EXTENSION, A.REQUEST_HOLD,
                             A.REFUSE_EXTENSION, A.REFUSE_HOLD, A.REWORK, A.SUPERVISE})


# Of those, the ones whose request field is called "comment" rather than "reason".
_COMMENTED = frozenset({A.REWORK, A.REFUSE_EXTENSION, A.REFUSE_HOLD})


def allowed_actions(state: CaseState) -> tuple[str, ...]:
    return tuple(sorted(a.value for a in TRANSITIONS[state]))


@dataclass(frozen=True)
class Participant:
    """One unit's part of a dispatch: the lead or a co-handler."""

    unit: str
    lead: bool
    accepted_at: datetime | None = None
    handled_at: datetime | None = None
    report: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    number: str
    category_code: str
    description: str
    jurisdiction_code: str
    source: SourceChannel
    reporter: str
    reported_at: datetime
    tier: Tier
    state: CaseState = CaseState.REPORTED
    category_version: int = 0
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    reporter_phone: str = ""
    urgent: bool = False
    evidence_before: tuple[str, ...] = ()
    evidence_after: tuple[str, ...] = ()
    handling_unit: str = ""
    answerable_unit: str = ""
    participants: tuple[Participant, ...] = ()
    limit: Limit | None = None
    registered_at: datetime | None = None
    dispatched_at: datetime | None = None
    accept_by: datetime | None = None
    accepted_on_time: bool | None = None
    work: Clockwork | None = None
    due_status: DueStatus = DueStatus.NONE
    supervised: bool = False
    supervision_tier: Tier | None = None
    # The grid the location falls in when it is not jurisdiction_code; "" when they agree or no location.
    located_grid: str = ""
    handled_at: datetime | None = None
    handled_on_time: bool | None = None
    handling_hours: float | None = None
    closed_at: datetime | None = None
    closed_on_time: bool | None = None
    rework_count: int = 0
    reopen_count: int = 0
    extension_count: int = 0
    escalation_count: int = 0
    satisfaction: Satisfaction | None = None
    duplicate_of: str = ""
    merged_into: str = ""
    pending_request: RequestKind | None = None
    pending_amount: int = 0
    source_service: str = ""
    source_reference: str = ""
    resolution: str = ""

    @property
    def deadline(self) -> datetime | None:
        return self.work.deadline if self.work else None


@dataclass(frozen=True)
class Command:
    """One action on a case and its arguments (only those the action uses are read)."""

    action: Action
    actor: str
    comment: str = ""
    unit: str = ""  # dispatch: lead unit; accept/return/handle/request_*: the acting unit
    co_units: tuple[str, ...] = ()
    limit: Limit | None = None  # dispatch: the category's limit at its current version
    category_version: int = 0
    evidence: tuple[str, ...] = ()
    amount: int = 0  # request_extension
    satisfaction: Satisfaction | None = None
    merged_into: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """An immutable line of the case's own audit trail."""

    action: str
    actor: str
    at: datetime
    from_state: CaseState
    to_state: CaseState
    comment: str = ""
    evidence: tuple[str, ...] = ()
    unit: str = ""


@dataclass(frozen=True)
class Outcome:
    case: Case
    history: HistoryEntry
    # Units to remind (a notifier acts on CaseReminder events), with the reason.
    reminders: tuple[tuple[str, str], ...] = field(default=())
    closed: bool = False


def check_legal(case: Case, action: Action) -> CaseState:
    """The state ``action`` leads to from the case's state; raises IllegalTransition if illegal."""
    target = TRANSITIONS[case.state].get(action)
    if target is None:
        raise IllegalTransition(KIND, case.state.value, action.value, allowed_actions(case.state))
    return target


def validate(case: Case, command: Command) -> None:
    """Raises InvalidArgument naming each missing or bad argument of the command."""
    v = Violations()
    if command.action in REASON_REQUIRED and not command.comment.strip():
        v.add("comment" if command.action in _COMMENTED else "reason", "is required")
    if command.action is A.DISPATCH:
        if not command.unit:
            v.add("unit", "is required (no dispatch rule or default unit covers this case)")
        if command.unit in command.co_units:
            v.add("co_units", "must not repeat the lead unit")
        if len(set(command.co_units)) != len(command.co_units):
            v.add("co_units", "must not repeat a unit")
        if command.limit is None or command.limit.value <= 0:
            v.add("category_code", "has no handling time limit")
    if command.action is A.HANDLE and not command.comment.strip():
        v.add("resolution", "is required")
    if command.action is A.REQUEST_EXTENSION and command.amount < 1:
        v.add("amount", "must be at least 1")
    if command.action in (A.CALLBACK, A.REOPEN) and command.satisfaction is None:
        v.add("satisfaction", "is required")
    if command.action is A.MERGE and (not command.merged_into or command.merged_into == case.id):
        v.add("original_id", "must name another case")
    v.raise_if_any()


def transition(case: Case, command: Command, now: datetime) -> Outcome:
    """Applies ``command`` to ``case`` at ``now``.

    Raises IllegalTransition when the action is not allowed in the case's state, InvalidArgument
    for missing arguments, FailedPrecondition when a guard (a pending request, a callback owed,
    the top tier) refuses it. Role and tier checks are in services.cases.roles.
    """
    # The steps import this module's types, so they are imported here rather than at the top.
    from services.cases.steps import PARTIAL, STEPS

    target = check_legal(case, command.action)
    validate(case, command)
    step = STEPS.get(command.action)
    changed, reminders = step(case, command, now) if step else (case, ())
    if changed.state is case.state and target is not case.state and command.action not in PARTIAL:
        changed = replace(changed, state=target)
    entry = HistoryEntry(command.action.value, command.actor, now, case.state, changed.state, command.comment,
                         command.evidence, command.unit or changed.handling_unit or case.handling_unit)
    closed = changed.state is S.CLOSED and case.state is not S.CLOSED
    return Outcome(changed, entry, tuple(reminders), closed)


def refresh_due(case: Case, now: datetime) -> Case:
    """The case with its due status as of ``now`` (none unless its deadline is running)."""
    if case.state not in RUNNING_STATES or case.work is None:
        return replace(case, due_status=DueStatus.NONE)
    return replace(case, due_status=deadlines.due_status(case.work, now))


def next_tier(tier: Tier) -> Tier | None:
    return Tier(tier + 1) if tier < Tier.DISTRICT else None
