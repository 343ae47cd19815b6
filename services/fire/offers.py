"""What a hazard's page may offer: the people's actions its state allows, as mutations and policy decisions.

The deadline job (mark_overdue, hand_over) and the case's close act by themselves, and fixing on the spot happens
while an inspection is recorded, so those are never offered on a hazard.
"""

from __future__ import annotations

from gateway.context import RequestContext, Resource
from gateway.offers import Offer
from gridgov.fire.v1 import fire_pb2
from services.fire import domain
from services.fire.domain import HazardAction, HazardState

SERVICE = "fire"

# The mutation that performs each of the people's actions on a hazard.
HAZARD_MUTATIONS = {
    HazardAction.ORDER_RECTIFICATION: "orderFireRectification", HazardAction.CLAIM_FIX: "claimFireHazardFix",
    HazardAction.VERIFY: "verifyFireHazardFix", HazardAction.REOPEN: "reopenFireHazard",
}


def hazard_state(hazard: fire_pb2.Hazard) -> HazardState:
    return HazardState(fire_pb2.HazardState.Name(hazard.state).removeprefix("HAZARD_STATE_").lower())


async def verify_resource(ctx: RequestContext, hazard: fire_pb2.Hazard) -> Resource:
    """The hazard as the policy decides its verification: its four-eyes rule needs who found the hazard and
    whether the district asks for a second person."""
    settings = (await ctx.locate(SERVICE, "GetDistrictSettings", fire_pb2.GetDistrictSettingsRequest(
        district_code=hazard.jurisdiction_code[:6]))).settings
    return Resource("fire_hazard", hazard.id, hazard.jurisdiction_code, {
        "found_by": hazard.found_by, "four_eyes_verification": settings.four_eyes_verification,
        "state": hazard_state(hazard).value})


async def hazard_offers(ctx: RequestContext, hazard: fire_pb2.Hazard) -> list[Offer]:
    """The people's actions the hazard's state allows, each with the policy action and resource it is decided on."""
    state = hazard_state(hazard)
    plain = Resource("fire_hazard", hazard.id, hazard.jurisdiction_code)
    offers = []
    for action, mutation in HAZARD_MUTATIONS.items():
        if (state, action) not in domain.TRANSITIONS:
            continue
        resource = await verify_resource(ctx, hazard) if action is HazardAction.VERIFY else plain
        offers.append(Offer(mutation, f"fire_hazard.{action.value}", resource))
    return offers
