"""What a case's page may offer: the actions its state and guards allow, as mutations and policy actions.

The transition table says which actions a state allows; the steps' guards refuse some of those for a case as it
stands (no pending request to decide, a part already accepted, a callback owed before archiving, the top tier
reached). ``offered`` applies both, so a page never offers what the service would refuse; the policy, asked by
``Case.viewerActions``, then removes what the viewer's roles may not do.
"""

from __future__ import annotations

from gateway.context import Resource
from gateway.offers import Offer
from gridgov.cases.v1 import cases_pb2 as pb
from services.cases import convert, domain
from services.cases.domain import Action as A
from services.cases.domain import RequestKind

# The mutation that performs each of the service's actions (extensions.allowedActions of an illegal one).
ACTION_MUTATIONS = {
    "register": "registerCase", "reject": "rejectCase", "void": "voidCase", "merge": "mergeCase",
    "dispatch": "dispatchCase", "accept": "acceptCase", "return": "returnCase", "handle": "handleCase",
    "close": "verifyCase", "rework": "verifyCase", "callback": "callbackCase", "reopen": "callbackCase",
    "archive": "archiveCase", "request_extension": "requestCaseExtension",
    "approve_extension": "decideCaseExtension", "refuse_extension": "decideCaseExtension",
    "request_hold": "requestCaseHold", "approve_hold": "decideCaseHold", "refuse_hold": "decideCaseHold",
    "resume": "resumeCase", "escalate": "escalateCase", "link_emergency": "linkCaseEmergency",
    "supervise": "superviseCase", "rate": "rateCaseHandling",
}

# The policy's verb for each action (case.<verb>), where the mutation decides between two outcomes.
_VERBS = {
    A.CLOSE: "verify", A.REWORK: "verify", A.REOPEN: "callback",
    A.APPROVE_EXTENSION: "decide_extension", A.REFUSE_EXTENSION: "decide_extension",
    A.APPROVE_HOLD: "decide_hold", A.REFUSE_HOLD: "decide_hold",
}

_UNIT_ACTIONS = frozenset({A.ACCEPT, A.RETURN, A.HANDLE, A.REQUEST_EXTENSION, A.REQUEST_HOLD})
_LEAD_ACTIONS = frozenset({A.RETURN, A.REQUEST_EXTENSION, A.REQUEST_HOLD})


def policy_action(action: A) -> str:
    return f"case.{_VERBS.get(action, action.value)}"


def case_resource(found: pb.Case) -> Resource:
    """Where a case lies and what the policy needs to know about it (tier, units, reporter, state)."""
    attributes = {"tier": convert.TIERS.required(found.tier, "tier").name.lower(),
                  "units": [p.unit for p in found.participants], "reporter": found.reporter,
                  "state": convert.STATES.required(found.state, "state").name.lower()}
    return Resource("case", found.id, found.jurisdiction_code, attributes)


def _guard_allows(found: pb.Case, action: A, unit: str) -> bool:
    """False when a step's guard would refuse ``action`` on the case as it stands, done by ``unit``."""
    source = convert.SOURCES.member(found.source)
    pending = convert.REQUESTS.member(found.pending_request)
    if action in _UNIT_ACTIONS:
        part = next((p for p in found.participants if p.unit == unit), None)
        if part is None or (action in _LEAD_ACTIONS and not part.lead):
            return False
        if action is A.ACCEPT:
            return not part.HasField("accepted_at")
        if action is A.HANDLE:
            return part.HasField("accepted_at") and not part.HasField("handled_at")
        return pending is None if action in (A.REQUEST_EXTENSION, A.REQUEST_HOLD) else True
    if action in (A.APPROVE_EXTENSION, A.REFUSE_EXTENSION):
        return pending is RequestKind.EXTENSION
    if action in (A.APPROVE_HOLD, A.REFUSE_HOLD):
        return pending is RequestKind.HOLD
    if action in (A.CALLBACK, A.REOPEN):
        return source not in domain.NO_CALLBACK_SOURCES
    if action is A.ARCHIVE:
        return source in domain.NO_CALLBACK_SOURCES
    if action is A.ESCALATE:
        return domain.next_tier(convert.TIERS.required(found.tier, "tier")) is not None
    return True


def offered(found: pb.Case, unit: str) -> list[A]:
    """The actions the case's state allows and its guards do not refuse, for a viewer of department ``unit``."""
    state = convert.STATES.required(found.state, "state")
    return [a for a in domain.TRANSITIONS[state] if _guard_allows(found, a, unit)]


def offers(found: pb.Case, unit: str) -> list[Offer]:
    """The offered actions as mutations, each with the policy action and resource it is decided on."""
    resource = case_resource(found)
    return [Offer(ACTION_MUTATIONS[a.value], policy_action(a), resource) for a in offered(found, unit)]
