"""The case loop's pure rules: states, actions, the exhaustive transition table, and transition()."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import IntEnum, StrEnum

from services.cases import deadlines
from services.cases.deadlines import Clockwork, DueStatus, Limit
from services.kit.errors import FailedPrecondition, IllegalTransition, InvalidArgument, Violations

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
    target = check_legal(case, command.action)
    validate(case, command)
    step = _STEPS.get(command.action)
    changed, reminders = step(case, command, now) if step else (case, ())
    if changed.state is case.state and target is not case.state and command.action not in _PARTIAL:
        changed = replace(changed, state=target)
    entry = HistoryEntry(command.action.value, command.actor, now, case.state, changed.state, command.comment,
                         command.evidence, command.unit or changed.handling_unit)
    closed = changed.state is S.CLOSED and case.state is not S.CLOSED
    return Outcome(changed, entry, tuple(reminders), closed)


def refresh_due(case: Case, now: datetime) -> Case:
    """The case with its due status as of ``now`` (none unless its deadline is running)."""
    if case.state not in RUNNING_STATES or case.work is None:
        return replace(case, due_status=DueStatus.NONE)
    return replace(case, due_status=deadlines.due_status(case.work, now))


def next_tier(tier: Tier) -> Tier | None:
    return Tier(tier + 1) if tier < Tier.DISTRICT else None


# --- the steps: what each action changes besides the state -------------------------------------------

Reminders = list[tuple[str, str]]
_PARTIAL = frozenset({A.ACCEPT, A.HANDLE})


def _fresh_dispatch(case: Case, lead: str, co_units: tuple[str, ...], limit: Limit, now: datetime,
                    **changes: object) -> tuple[Case, Reminders]:
    parts = (Participant(lead, True), *(Participant(u, False) for u in co_units))
    work = deadlines.start(now, limit)
    dispatched = replace(
        case, state=S.DISPATCHED, handling_unit=lead, participants=parts, limit=limit, dispatched_at=now,
        accept_by=now + deadlines.ACCEPT_WITHIN, accepted_on_time=None, work=work,
        due_status=deadlines.due_status(work, now), handled_at=None, handled_on_time=None,
        answerable_unit=case.answerable_unit or lead, pending_request=None, pending_amount=0, **changes,  # type: ignore[arg-type]
    )
    return dispatched, [(u.unit, "dispatched") for u in parts]


def _register(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    return replace(case, registered_at=now), []


def _merge(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    return replace(case, merged_into=c.merged_into), []


def _dispatch(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    assert c.limit is not None  # validate() guarantees it
    return _fresh_dispatch(case, c.unit, c.co_units, c.limit, now, category_version=c.category_version)


def _part(case: Case, unit: str) -> Participant:
    for p in case.participants:
        if p.unit == unit:
            return p
    raise FailedPrecondition(f"unit {unit or '(none)'} has no part in case {case.number}")


def _with_part(case: Case, part: Participant) -> tuple[Participant, ...]:
    return tuple(part if p.unit == part.unit else p for p in case.participants)


def _accept(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    part = _part(case, c.unit)
    if part.accepted_at is not None:
        raise FailedPrecondition(f"unit {c.unit} has already accepted case {case.number}")
    changed = replace(case, participants=_with_part(case, replace(part, accepted_at=now)))
    if part.lead:
        # First-responder rule: answerability passes only when another unit signs for the case.
        on_time = case.accept_by is None or now <= case.accept_by
        changed = replace(changed, state=S.ACCEPTED, answerable_unit=part.unit,
                          accepted_on_time=on_time if case.accepted_on_time is None else case.accepted_on_time)
    return changed, []


def _return(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    if not _part(case, c.unit).lead:
        raise FailedPrecondition(f"only the lead unit may return case {case.number}")
    return replace(case, participants=(), work=None, due_status=DueStatus.NONE, accept_by=None), []


def _handle(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    part = _part(case, c.unit)
    if part.accepted_at is None:
        raise FailedPrecondition(f"unit {c.unit} must accept case {case.number} before handling it")
    if part.handled_at is not None:
        raise FailedPrecondition(f"unit {c.unit} has already handled its part of case {case.number}")
    parts = _with_part(case, replace(part, handled_at=now, report=c.comment))
    changed = replace(case, participants=parts, evidence_after=case.evidence_after + c.evidence,
                      resolution=c.comment if part.lead else case.resolution)
    if all(p.handled_at is not None for p in parts):
        start = case.dispatched_at or now
        changed = replace(
            changed, state=S.HANDLED, handled_at=now, due_status=DueStatus.NONE,
            handled_on_time=case.deadline is None or now <= case.deadline,
            handling_hours=deadlines.working_hours(start, now),
        )
    return changed, []


def _close(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    # Closed on time: verified as solved by the handling deadline it was last dispatched under.
    return replace(case, closed_at=now, closed_on_time=case.deadline is None or now <= case.deadline), []


def _redo(case: Case, now: datetime, **counts: int) -> tuple[Case, Reminders]:
    """Back to the same lead and co-handlers with a fresh deadline (rework or reopen)."""
    if case.limit is None:
        raise FailedPrecondition(f"case {case.number} was never dispatched")
    co = tuple(p.unit for p in case.participants if not p.lead)
    return _fresh_dispatch(case, case.handling_unit, co, case.limit, now, closed_at=None, closed_on_time=None,
                           **counts)


def _rework(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    return _redo(case, now, rework_count=case.rework_count + 1)


def _callback(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    if case.source in NO_CALLBACK_SOURCES:
        raise FailedPrecondition(f"a case from source {case.source.value} takes no callback; archive it")
    if c.satisfaction is Satisfaction.UNSATISFIED:
        raise InvalidArgument.field("satisfaction", "unsatisfied reopens the case (action reopen)")
    return replace(case, satisfaction=c.satisfaction), []


def _reopen(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    if case.source in NO_CALLBACK_SOURCES:
        raise FailedPrecondition(f"a case from source {case.source.value} takes no callback; archive it")
    if c.satisfaction is not Satisfaction.UNSATISFIED:
        raise InvalidArgument.field("satisfaction", "only an unsatisfied callback reopens the case")
    changed, reminders = _redo(case, now, reopen_count=case.reopen_count + 1)
    return replace(changed, satisfaction=Satisfaction.UNSATISFIED), reminders


def _archive(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    if case.source not in NO_CALLBACK_SOURCES:
        raise FailedPrecondition(f"case {case.number} is owed a callback before it is archived")
    return case, []


def _lead_request(case: Case, c: Command, kind: RequestKind, amount: int) -> tuple[Case, Reminders]:
    if not _part(case, c.unit).lead:
        raise FailedPrecondition(f"only the lead unit may ask for a {kind.value} of case {case.number}")
    if case.pending_request is not None:
        raise FailedPrecondition(f"case {case.number} already has a pending {case.pending_request.value} request")
    return replace(case, pending_request=kind, pending_amount=amount), []


def _pending(case: Case, kind: RequestKind) -> None:
    if case.pending_request is not kind:
        raise FailedPrecondition(f"case {case.number} has no pending {kind.value} request")


def _approve_extension(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    _pending(case, RequestKind.EXTENSION)
    assert case.work is not None and case.limit is not None  # accepted cases run a deadline
    work = deadlines.extend(case.work, case.limit.unit, case.pending_amount)
    return replace(case, work=work, due_status=deadlines.due_status(work, now), pending_request=None,
                   pending_amount=0, extension_count=case.extension_count + 1), []


Step = Callable[[Case, Command, datetime], tuple[Case, Reminders]]


def _refuse(kind: RequestKind) -> Step:
    def step(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
        _pending(case, kind)
        return replace(case, pending_request=None, pending_amount=0), []
    return step


def _approve_hold(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    _pending(case, RequestKind.HOLD)
    return replace(case, pending_request=None, pending_amount=0, work=None, due_status=DueStatus.NONE), []


def _resume(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    assert case.limit is not None  # only accepted (so dispatched) cases go on hold
    work = deadlines.start(now, case.limit)
    return replace(case, work=work, due_status=deadlines.due_status(work, now)), []


def _escalate(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    higher = next_tier(case.tier)
    if higher is None:
        raise FailedPrecondition(f"case {case.number} is already in the district loop")
    return replace(case, tier=higher, participants=(), work=None, due_status=DueStatus.NONE, accept_by=None,
                   pending_request=None, pending_amount=0, escalation_count=case.escalation_count + 1), []


def _link_emergency(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    # The emergency linkage centre takes the case at once and is answerable for it from then on.
    parts = (Participant(EMERGENCY_UNIT, True, accepted_at=now),)
    return replace(case, urgent=True, handling_unit=EMERGENCY_UNIT, answerable_unit=EMERGENCY_UNIT,
                   participants=parts, dispatched_at=now, work=None, due_status=DueStatus.NONE,
                   pending_request=None, pending_amount=0), [(EMERGENCY_UNIT, "emergency")]


def _supervise(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    return replace(case, supervised=True), [(case.answerable_unit, "supervised")] if case.answerable_unit else []


_STEPS: dict[Action, Step] = {
    A.REGISTER: _register, A.MERGE: _merge, A.DISPATCH: _dispatch, A.ACCEPT: _accept, A.RETURN: _return,
    A.HANDLE: _handle, A.CLOSE: _close, A.REWORK: _rework, A.CALLBACK: _callback, A.REOPEN: _reopen,
    A.ARCHIVE: _archive,
    A.REQUEST_EXTENSION: lambda case, c, now: _lead_request(case, c, RequestKind.EXTENSION, c.amount),
    A.APPROVE_EXTENSION: _approve_extension, A.REFUSE_EXTENSION: _refuse(RequestKind.EXTENSION),
    A.REQUEST_HOLD: lambda case, c, now: _lead_request(case, c, RequestKind.HOLD, 0),
    A.APPROVE_HOLD: _approve_hold, A.REFUSE_HOLD: _refuse(RequestKind.HOLD), A.RESUME: _resume,
    A.ESCALATE: _escalate, A.LINK_EMERGENCY: _link_emergency, A.SUPERVISE: _supervise,
}
