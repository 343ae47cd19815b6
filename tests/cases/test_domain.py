"""The transition table over every (state, action) pair, and the guards behind it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.cases import domain
from services.cases.deadlines import DueStatus
from services.cases.domain import (
    Action,
    CaseState,
    Command,
    Participant,
    RequestKind,
    Satisfaction,
    SourceChannel,
    Tier,
    transition,
)
from services.kit.errors import FailedPrecondition, IllegalTransition, InvalidArgument
from tests.cases.factory import CO, LEAD, T0, case_in, command_for

S, A = CaseState, Action
# The loop as the issue states it, written out independently of the service's table.
EXPECTED: dict[tuple[CaseState, Action], CaseState] = {
    (S.REPORTED, A.REGISTER): S.REGISTERED, (S.REPORTED, A.REJECT): S.REJECTED,
    (S.REPORTED, A.MERGE): S.MERGED, (S.REPORTED, A.LINK_EMERGENCY): S.EMERGENCY,
    (S.REGISTERED, A.DISPATCH): S.DISPATCHED, (S.REGISTERED, A.VOID): S.VOIDED,
    (S.REGISTERED, A.ESCALATE): S.REGISTERED, (S.REGISTERED, A.LINK_EMERGENCY): S.EMERGENCY,
    (S.REGISTERED, A.SUPERVISE): S.REGISTERED,
    (S.RETURNED, A.DISPATCH): S.DISPATCHED, (S.RETURNED, A.VOID): S.VOIDED, (S.RETURNED, A.ESCALATE): S.REGISTERED,
    (S.RETURNED, A.SUPERVISE): S.RETURNED,
    (S.DISPATCHED, A.ACCEPT): S.ACCEPTED, (S.DISPATCHED, A.RETURN): S.RETURNED,
    (S.DISPATCHED, A.ESCALATE): S.REGISTERED, (S.DISPATCHED, A.LINK_EMERGENCY): S.EMERGENCY,
    (S.DISPATCHED, A.SUPERVISE): S.DISPATCHED,
    (S.ACCEPTED, A.HANDLE): S.HANDLED, (S.ACCEPTED, A.REQUEST_EXTENSION): S.ACCEPTED,
    (S.ACCEPTED, A.APPROVE_EXTENSION): S.ACCEPTED, (S.ACCEPTED, A.REFUSE_EXTENSION): S.ACCEPTED,
    (S.ACCEPTED, A.REQUEST_HOLD): S.ACCEPTED, (S.ACCEPTED, A.APPROVE_HOLD): S.ON_HOLD,
    (S.ACCEPTED, A.REFUSE_HOLD): S.ACCEPTED, (S.ACCEPTED, A.ESCALATE): S.REGISTERED,
    (S.ACCEPTED, A.LINK_EMERGENCY): S.EMERGENCY, (S.ACCEPTED, A.SUPERVISE): S.ACCEPTED,
    (S.ON_HOLD, A.RESUME): S.ACCEPTED, (S.ON_HOLD, A.ESCALATE): S.REGISTERED, (S.ON_HOLD, A.SUPERVISE): S.ON_HOLD,
    (S.EMERGENCY, A.HANDLE): S.HANDLED,
    (S.HANDLED, A.CLOSE): S.CLOSED, (S.HANDLED, A.REWORK): S.DISPATCHED,
    (S.CLOSED, A.CALLBACK): S.ARCHIVED, (S.CLOSED, A.REOPEN): S.DISPATCHED, (S.CLOSED, A.ARCHIVE): S.ARCHIVED,
    (S.CLOSED, A.RATE): S.CLOSED, (S.ARCHIVED, A.RATE): S.ARCHIVED,
}
# A co-handler accepting its part of an accepted case: legal, and the case stays accepted.
EXPECTED[(S.ACCEPTED, A.ACCEPT)] = S.ACCEPTED
ALL_PAIRS = [(state, action) for state in CaseState for action in Action]


def allowed_in(state: CaseState) -> list[str]:
    return sorted(a.value for (s, a) in EXPECTED if s is state)


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in ALL_PAIRS])
def test_every_state_and_action(state: CaseState, action: Action) -> None:
    case = case_in(state, action)
    if state is S.ACCEPTED and action is A.ACCEPT:
        case = replace(case, participants=(*case.participants, Participant(CO, False)))
        command = replace(command_for(action, case), unit=CO)
    else:
        command = command_for(action, case)
    if (state, action) not in EXPECTED:
        with pytest.raises(IllegalTransition) as raised:
            transition(case, command, T0 + timedelta(hours=1))
        allowed = allowed_in(state)
        assert raised.value.state == state.value and list(raised.value.allowed) == allowed
        assert raised.value.message == (
            f"cannot {action.value} a case in state {state.value}; allowed in {state.value}: "
            f"{', '.join(allowed) if allowed else 'none'}"
        )
        return
    outcome = transition(case, command, T0 + timedelta(hours=1))
    assert outcome.case.state is EXPECTED[(state, action)]
    entry = outcome.history
    assert (entry.action, entry.from_state, entry.to_state) == (action.value, state, outcome.case.state)
    assert outcome.closed == (action is A.CLOSE)


def test_the_table_lists_exactly_the_expected_pairs() -> None:
    listed = {(s, a) for s, actions in domain.TRANSITIONS.items() for a in actions}
    assert listed == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(domain.REASON_REQUIRED, key=str))
def test_reason_is_required(action: Action) -> None:
    state = next(s for (s, a) in EXPECTED if a is action)
    case = case_in(state, action)
    with pytest.raises(InvalidArgument) as raised:
        transition(case, replace(command_for(action, case), comment="  "), T0)
    expected = "comment" if action in (A.REWORK, A.REFUSE_EXTENSION, A.REFUSE_HOLD) else "reason"
    assert [v.field for v in raised.value.violations] == [expected]


def test_dispatch_sets_deadlines_and_first_responder() -> None:
    case = case_in(S.REGISTERED)
    out = transition(case, command_for(A.DISPATCH, case), T0)
    c = out.case
    assert c.handling_unit == LEAD and c.answerable_unit == LEAD and c.accept_by == T0 + timedelta(hours=24)
    # Monday 09:00 + 3 working days = Thursday 09:00 Beijing.
    assert c.deadline == T0 + timedelta(days=3) and c.due_status is DueStatus.NORMAL
    assert out.reminders == ((LEAD, "dispatched"),)


def test_first_responder_stays_answerable_after_return_until_another_accepts() -> None:
    case = transition(case_in(S.REGISTERED), command_for(A.DISPATCH, case_in(S.REGISTERED)), T0).case
    returned = transition(case, Command(A.RETURN, "u", "not ours", unit=LEAD), T0).case
    assert returned.state is S.RETURNED and returned.answerable_unit == LEAD
    again = transition(returned, replace(command_for(A.DISPATCH, returned), unit="water"), T0).case
    assert again.answerable_unit == LEAD and again.handling_unit == "water"
    accepted = transition(again, Command(A.ACCEPT, "w", unit="water"), T0 + timedelta(hours=30)).case
    assert accepted.answerable_unit == "water" and accepted.accepted_on_time is False


def test_co_handlers_each_accept_and_handle_their_part() -> None:
    registered = case_in(S.REGISTERED)
    c = transition(registered, replace(command_for(A.DISPATCH, registered), co_units=(CO,)), T0).case
    c = transition(c, Command(A.ACCEPT, "co", unit=CO), T0).case
    assert c.state is S.DISPATCHED
    c = transition(c, Command(A.ACCEPT, "lead", unit=LEAD), T0).case
    assert c.state is S.ACCEPTED and c.accepted_on_time is True
    c = transition(c, Command(A.HANDLE, "lead", "fixed the lamp", unit=LEAD), T0 + timedelta(hours=2)).case
    assert c.state is S.ACCEPTED and c.resolution == "fixed the lamp"
    with pytest.raises(FailedPrecondition, match="already handled"):
        transition(c, Command(A.HANDLE, "lead", "again", unit=LEAD), T0)
    c = transition(c, Command(A.HANDLE, "co", "pruned the tree", unit=CO), T0 + timedelta(hours=3)).case
    assert c.state is S.HANDLED and c.handled_on_time is True and c.handling_hours == 3.0


def test_a_unit_without_a_part_cannot_accept() -> None:
    case = case_in(S.DISPATCHED)
    with pytest.raises(FailedPrecondition, match="no part"):
        transition(case, Command(A.ACCEPT, "x", unit="water"), T0)


def test_rework_redispatches_to_the_same_units_and_counts() -> None:
    c = transition(case_in(S.HANDLED), Command(A.REWORK, "v", "still dark"), T0 + timedelta(days=1)).case
    assert c.state is S.DISPATCHED and c.rework_count == 1 and c.handling_unit == LEAD
    assert c.participants == (Participant(LEAD, True),) and c.dispatched_at == T0 + timedelta(days=1)


def test_close_on_time_and_late() -> None:
    handled = case_in(S.HANDLED)
    assert transition(handled, command_for(A.CLOSE, handled), T0 + timedelta(hours=5)).case.closed_on_time is True
    late = transition(handled, command_for(A.CLOSE, handled), T0 + timedelta(days=10)).case
    assert late.closed_on_time is False and late.closed_at == T0 + timedelta(days=10)


def test_callback_outcomes() -> None:
    closed = case_in(S.CLOSED)
    with pytest.raises(InvalidArgument, match="unsatisfied reopens"):
        transition(closed, Command(A.CALLBACK, "c", satisfaction=Satisfaction.UNSATISFIED), T0)
    reopened = transition(closed, Command(A.REOPEN, "c", satisfaction=Satisfaction.UNSATISFIED), T0).case
    assert reopened.state is S.DISPATCHED and reopened.reopen_count == 1
    archived = transition(closed, Command(A.CALLBACK, "c", satisfaction=Satisfaction.BASICALLY_SATISFIED), T0)
    assert archived.case.state is S.ARCHIVED and archived.case.satisfaction is Satisfaction.BASICALLY_SATISFIED


def test_callback_is_skipped_only_for_anonymous_and_system_sources() -> None:
    with pytest.raises(FailedPrecondition, match="owed a callback"):
        transition(case_in(S.CLOSED), Command(A.ARCHIVE, "c"), T0)
    system = case_in(S.CLOSED, source=SourceChannel.INSPECTION_SERVICE)
    with pytest.raises(FailedPrecondition, match="takes no callback"):
        transition(system, Command(A.CALLBACK, "c", satisfaction=Satisfaction.SATISFIED), T0)
    assert transition(system, Command(A.ARCHIVE, "c"), T0).case.state is S.ARCHIVED


def test_extension_and_hold_need_a_pending_request() -> None:
    accepted = case_in(S.ACCEPTED)
    with pytest.raises(FailedPrecondition, match="no pending extension"):
        transition(accepted, Command(A.APPROVE_EXTENSION, "c"), T0)
    asked = transition(accepted, Command(A.REQUEST_EXTENSION, "u", "rain", unit=LEAD, amount=2), T0).case
    assert asked.pending_request is RequestKind.EXTENSION
    with pytest.raises(FailedPrecondition, match="already has a pending"):
        transition(asked, Command(A.REQUEST_HOLD, "u", "no budget", unit=LEAD), T0)
    approved = transition(asked, Command(A.APPROVE_EXTENSION, "c"), T0).case
    # Thursday 09:00 + 2 working days, over the weekend: Monday 09:00.
    assert approved.extension_count == 1 and approved.deadline == accepted.deadline + timedelta(days=4)
    held = transition(transition(approved, Command(A.REQUEST_HOLD, "u", "budget", unit=LEAD), T0).case,
                      Command(A.APPROVE_HOLD, "c"), T0).case
    assert held.state is S.ON_HOLD and held.due_status is DueStatus.NONE and held.deadline is None
    resumed = transition(held, Command(A.RESUME, "c"), T0 + timedelta(days=7)).case
    assert resumed.state is S.ACCEPTED and resumed.deadline == T0 + timedelta(days=10)


def test_escalate_climbs_one_tier_and_stops_at_the_district() -> None:
    accepted = case_in(S.ACCEPTED)
    assert accepted.handling_unit == LEAD
    outcome = transition(accepted, Command(A.ESCALATE, "x", "needs the street"), T0)
    c = outcome.case
    assert (c.state, c.tier, c.participants, c.escalation_count) == (S.REGISTERED, Tier.STREET, (), 1)
    assert c.handling_unit == ""  # nobody handles it until the street dispatches it again
    assert c.answerable_unit == LEAD  # still answerable: nobody else has accepted yet
    assert outcome.history.unit == LEAD  # the history names the unit it was taken from
    c = transition(c, Command(A.ESCALATE, "x", "needs the district"), T0).case
    with pytest.raises(FailedPrecondition, match="already in the district loop"):
        transition(c, Command(A.ESCALATE, "x", "higher"), T0)


def test_emergency_linkage_takes_the_case() -> None:
    c = transition(case_in(S.REPORTED), Command(A.LINK_EMERGENCY, "x"), T0)
    assert c.case.handling_unit == domain.EMERGENCY_UNIT and c.reminders == ((domain.EMERGENCY_UNIT, "emergency"),)
    handled = transition(c.case, Command(A.HANDLE, "e", "gas shut", unit=domain.EMERGENCY_UNIT), T0).case
    assert handled.state is S.HANDLED


def test_missing_arguments_are_each_named() -> None:
    case = case_in(S.REGISTERED)
    with pytest.raises(InvalidArgument) as raised:
        transition(case, Command(A.DISPATCH, "x", limit=None, unit=""), T0)
    assert [v.field for v in raised.value.violations] == ["unit", "category_code"]
