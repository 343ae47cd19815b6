"""Landing a located record in its grid before it is authorised (reports, places, sources, buildings).

A record created with a location and no grid gets the grid its location falls in (the gateway's index of the
registry's boundaries, ``RequestContext.place``); one whose given grid disagrees with its location keeps the
given grid and carries the located one, so the centre sees it flagged rather than silently moved; a location
outside where the caller may write is refused naming the grid it falls in. A location outside every grid is an
answer: with a grid given it changes nothing, without one the grid is required.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graphql import GraphQLError

from gateway.context import RequestContext, Resource
from gateway.errors import gateway_error
from gateway.plugin_types import invalid
from gateway.policy.engine import Decision


@dataclass(frozen=True)
class Landing:
    # The grid the record is created in: the one given, or the one its location falls in.
    code: str
    # The grid the location falls in when it is not ``code``; "" when they agree or it falls in none.
    located_grid: str = ""
    # True when ``code`` came from the location (the caller gave none).
    placed: bool = False


def land(ctx: RequestContext, code: str, longitude: float | None, latitude: float | None, *,
         code_field: str, location_field: str) -> Landing:
    """Where a record with grid ``code`` (maybe "") and the location lands; raises INVALID_ARGUMENT naming
    ``code_field`` or ``<location_field>.longitude`` / ``.latitude`` (GraphQL names)."""
    code = code.strip()
    if longitude is None or latitude is None:
        if not code:
            raise invalid(code_field, "is required unless a location places the record in a grid")
        return Landing(code)
    placement = ctx.place(longitude, latitude, field=location_field)
    if placement is None:
        if not code:
            raise invalid(code_field, "is required: this gateway has no registry to place a location by")
        return Landing(code)
    if not code:
        if placement.grid is None:
            raise invalid(f"{location_field}.longitude",
                          f"({longitude}, {latitude}) falls in no grid of the registry's boundaries; give "
                          f"{code_field}")
        return Landing(placement.grid, placed=True)
    if placement.grid is not None and placement.grid != code:
        return Landing(code, located_grid=placement.grid)
    return Landing(code)


async def authorize_landing(ctx: RequestContext, action: str, landing: Landing,
                            resource: Callable[[str], Resource]) -> Decision:
    """Authorises ``action`` on the record in its grid and, when its location falls in another grid, there too:
    a refusal that comes from the location names the grid it falls in. Returns the decision for the record's
    grid (the one its write runs under)."""
    decision = await _authorize(ctx, action, resource(landing.code), landing.code if landing.placed else "")
    if landing.located_grid:
        await _authorize(ctx, action, resource(landing.located_grid), landing.located_grid)
    return decision


async def _authorize(ctx: RequestContext, action: str, target: Resource, located_in: str) -> Decision:
    try:
        return await ctx.authorize(action, target)
    except GraphQLError as error:
        extensions = error.extensions or {}
        if not located_in or extensions.get("code") != "PERMISSION_DENIED":
            raise
        raise gateway_error("PERMISSION_DENIED", f"not allowed: the location falls in grid {located_in}, "
                            f"outside where you may do this ({'; '.join(extensions.get('reasons', []))})",
                            reasons=list(extensions.get("reasons", [])), grid=located_in) from None
