"""What a record's page may offer its viewer: the mutations its state allows that the policy would let them run."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import NamedTuple

from gateway.context import RequestContext, Resource


class Offer(NamedTuple):
    """A mutation the record's state allows, and the policy action and resource it would be decided on."""

    mutation: str
    action: str
    resource: Resource


async def viewer_actions(ctx: RequestContext, offers: Iterable[Offer]) -> list[str]:
    """The mutation names, sorted and once each, of the ``offers`` the policy would allow the viewer.

    Each (action, resource) is asked once, however many mutations share it (verifyCase both closes and reworks);
    ``ctx.permits`` answers without logging, since nothing is done until the viewer runs the mutation."""
    offers = list(offers)
    allowed = await asyncio.gather(*(ctx.permits(o.action, o.resource) for o in offers))
    return sorted({o.mutation for o, ok in zip(offers, allowed, strict=True) if ok})
