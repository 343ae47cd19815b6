"""The actions a case's page offers are exactly those the domain would carry out: checked against transition()
for every state and action of the table, in the variants that trip each guard."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.cases import convert, domain
from services.cases.domain import Action, CaseState, RequestKind, SourceChannel, Tier
from services.cases.offers import ACTION_MUTATIONS, offered, offers, policy_action
from services.kit.errors import FailedPrecondition, InvalidArgument
from tests.cases.factory import CO, LEAD, T0, case_in, command_for


def _variants(state: CaseState) -> list[domain.Case]:
    """The case in ``state`` as each action's guards want it, and as they do not."""
    cases = [case_in(state, action) for action in domain.TRANSITIONS[state]]
    base = case_in(state)
    cases += [
        replace(base, pending_request=RequestKind.EXTENSION, pending_amount=1),
        replace(base, pending_request=RequestKind.HOLD),
        replace(base, tier=Tier.DISTRICT),
        replace(base, source=SourceChannel.ANONYMOUS, reporter=""),
    ]
    if base.participants:
        lead = base.participants[0]
        cases += [
            # A co-handler's view, and a part not yet accepted or already handled.
            replace(base, participants=(lead, domain.Participant(CO, False))),
            replace(base, participants=(replace(lead, accepted_at=None, handled_at=None),)),
            replace(base, participants=(replace(lead, accepted_at=T0, handled_at=T0),)),
        ]
    return cases


def _carried_out(case: domain.Case, action: Action, unit: str) -> bool:
    command = replace(command_for(action, case), unit=unit if action is not Action.DISPATCH else LEAD)
    try:
        domain.transition(case, command, T0)
    except (FailedPrecondition, InvalidArgument):
        return False
    return True


@pytest.mark.parametrize("state", list(CaseState), ids=lambda s: s.value)
def test_offered_is_what_transition_carries_out(state: CaseState) -> None:
    for case in _variants(state):
        message = convert.case(case)
        for unit in {p.unit for p in case.participants} | {LEAD, CO}:
            expected = {a for a in domain.TRANSITIONS[state] if _carried_out(case, a, unit)}
            assert set(offered(message, unit)) == expected, (case, unit)


def test_the_lead_and_a_co_handler_are_offered_their_own_parts() -> None:
    case = case_in(CaseState.ACCEPTED)
    case = replace(case, participants=(*case.participants, domain.Participant(CO, False)))
    message = convert.case(case)
    assert set(offered(message, CO)) >= {Action.ACCEPT} and Action.HANDLE not in offered(message, CO)
    assert Action.REQUEST_EXTENSION not in offered(message, CO)  # only the lead asks for more time
    assert {Action.HANDLE, Action.REQUEST_EXTENSION, Action.REQUEST_HOLD} <= set(offered(message, LEAD))


def test_offers_name_the_mutation_and_the_policy_verb() -> None:
    message = convert.case(case_in(CaseState.HANDLED))
    named = {(o.mutation, o.action) for o in offers(message, "")}
    assert named == {("verifyCase", "case.verify")}  # close and rework are one mutation, one decision
    assert policy_action(Action.APPROVE_HOLD) == "case.decide_hold"
    assert set(ACTION_MUTATIONS) == {a.value for a in Action}
    resource = offers(message, "")[0].resource
    assert (resource.type, resource.id, resource.attributes["tier"], resource.attributes["state"]) == (
        "case", "c1", "community", "handled")
