"""Domain cases in every state, ready for any action (test data builder)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from services.cases import deadlines
from services.cases.deadlines import Limit, LimitUnit
from services.cases.domain import (
    Action,
    Case,
    CaseState,
    Command,
    Participant,
    RequestKind,
    Satisfaction,
    SourceChannel,
    Tier,
)

# A Monday morning in Beijing (09:00 local is 01:00 UTC).
T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
LIMIT = Limit(3, LimitUnit.WORKING_DAYS)
GRID = "110108001001001"
LEAD = "urban_management"
CO = "landscaping"


def case_in(state: CaseState, action: Action | None = None, **changes: object) -> Case:
    """A case in ``state`` with what ``action``'s guards need (a pending request, a lower tier)."""
    case = Case(id="c1", number="110108-20261123-0001", category_code="street_lamp_broken", description="lamp",
                jurisdiction_code=GRID, source=SourceChannel.GRID_WORKER, reporter="gw1", reported_at=T0,
                tier=Tier.COMMUNITY, state=state)
    if state not in (CaseState.REPORTED,):
        case = replace(case, registered_at=T0)
    if state in (CaseState.DISPATCHED, CaseState.ACCEPTED, CaseState.ON_HOLD, CaseState.HANDLED, CaseState.CLOSED,
                 CaseState.ARCHIVED, CaseState.RETURNED):
        accepted = None if state in (CaseState.DISPATCHED, CaseState.RETURNED) else T0
        handled = T0 if state in (CaseState.HANDLED, CaseState.CLOSED, CaseState.ARCHIVED) else None
        parts = () if state is CaseState.RETURNED else (Participant(LEAD, True, accepted, handled),)
        work = deadlines.start(T0, LIMIT)
        case = replace(case, handling_unit=LEAD, answerable_unit=LEAD, participants=parts, limit=LIMIT,
                       dispatched_at=T0, accept_by=T0 + deadlines.ACCEPT_WITHIN,
                       work=None if state in (CaseState.ON_HOLD, CaseState.RETURNED) else work,
                       due_status=deadlines.DueStatus.NORMAL if state in (CaseState.DISPATCHED,
                                                                         CaseState.ACCEPTED)
                       else deadlines.DueStatus.NONE)
    if state is CaseState.EMERGENCY:
        case = replace(case, handling_unit="emergency_linkage", participants=(
            Participant("emergency_linkage", True, T0),))
    if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        case = replace(case, pending_request=RequestKind.EXTENSION, pending_amount=2)
    if action in (Action.APPROVE_HOLD, Action.REFUSE_HOLD):
        case = replace(case, pending_request=RequestKind.HOLD)
    if action is Action.ARCHIVE:
        case = replace(case, source=SourceChannel.ANONYMOUS, reporter="")
    return replace(case, **changes)  # type: ignore[arg-type]


def command_for(action: Action, case: Case, actor: str = "someone") -> Command:
    """A valid command for ``action`` on ``case``."""
    unit = case.participants[0].unit if case.participants else LEAD
    return Command(
        action=action, actor=actor, comment="because", unit=unit if action is not Action.DISPATCH else LEAD,
        limit=LIMIT, category_version=1, evidence=("photo-after.jpg",), amount=2,
        satisfaction=Satisfaction.UNSATISFIED if action is Action.REOPEN else Satisfaction.SATISFIED,
        merged_into="c0",
    )
