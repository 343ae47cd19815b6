"""What a violation's page may offer: the people's actions its state allows, as mutations and policy decisions.

A violation closes when its case does, by itself; the one action a person takes on it is adding evidence.
"""

from __future__ import annotations

from gateway.context import Resource
from gateway.offers import Offer
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection import domain
from services.inspection.domain import ViolationAction, ViolationState

VIOLATION_MUTATIONS = {ViolationAction.ADD_EVIDENCE: "addPollutionViolationEvidence"}


def violation_offers(violation: pb.Violation) -> list[Offer]:
    """The people's actions the violation's state allows, each with the policy action and resource."""
    state = ViolationState(pb.ViolationState.Name(violation.state).removeprefix("VIOLATION_STATE_").lower())
    resource = Resource("violation", violation.id, violation.jurisdiction_code)
    return [Offer(mutation, f"violation.{action.value}", resource)
            for action, mutation in VIOLATION_MUTATIONS.items() if action in domain.VIOLATION_TRANSITIONS[state]]
