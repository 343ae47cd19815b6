"""What each action changes on a case besides its state (pure; called by domain.transition)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from services.cases import deadlines
from services.cases.deadlines import DueStatus, Limit
from services.cases.domain import (
    EMERGENCY_UNIT,
    NO_CALLBACK_SOURCES,
    Action,
    Case,
    CaseState,
    Command,
    Participant,
    RequestKind,
    Satisfaction,
    next_tier,
)
from services.kit.errors import FailedPrecondition, InvalidArgument

S, A = CaseState, Action



Reminders = list[tuple[str, str]]
# Actions that may complete only one unit's part, leaving the state as it is.
PARTIAL = frozenset({A.ACCEPT, A.HANDLE})


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
    # No unit handles the case until the higher tier dispatches it again; the answerable unit stays.
    return replace(case, tier=higher, handling_unit="", participants=(), work=None, due_status=DueStatus.NONE,
                   accept_by=None, pending_request=None, pending_amount=0,
                   escalation_count=case.escalation_count + 1), []


def _link_emergency(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    # The emergency linkage centre takes the case at once and is answerable for it from then on.
    parts = (Participant(EMERGENCY_UNIT, True, accepted_at=now),)
    return replace(case, urgent=True, handling_unit=EMERGENCY_UNIT, answerable_unit=EMERGENCY_UNIT,
                   participants=parts, dispatched_at=now, work=None, due_status=DueStatus.NONE,
                   pending_request=None, pending_amount=0), [(EMERGENCY_UNIT, "emergency")]


def _supervise(case: Case, c: Command, now: datetime) -> tuple[Case, Reminders]:
    return replace(case, supervised=True), [(case.answerable_unit, "supervised")] if case.answerable_unit else []


STEPS: dict[Action, Step] = {
    A.REGISTER: _register, A.MERGE: _merge, A.DISPATCH: _dispatch, A.ACCEPT: _accept, A.RETURN: _return,
    A.HANDLE: _handle, A.CLOSE: _close, A.REWORK: _rework, A.CALLBACK: _callback, A.REOPEN: _reopen,
    A.ARCHIVE: _archive,
    A.REQUEST_EXTENSION: lambda case, c, now: _lead_request(case, c, RequestKind.EXTENSION, c.amount),
    A.APPROVE_EXTENSION: _approve_extension, A.REFUSE_EXTENSION: _refuse(RequestKind.EXTENSION),
    A.REQUEST_HOLD: lambda case, c, now: _lead_request(case, c, RequestKind.HOLD, 0),
    A.APPROVE_HOLD: _approve_hold, A.REFUSE_HOLD: _refuse(RequestKind.HOLD), A.RESUME: _resume,
    A.ESCALATE: _escalate, A.LINK_EMERGENCY: _link_emergency, A.SUPERVISE: _supervise,
}
