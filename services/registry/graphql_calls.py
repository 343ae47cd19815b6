"""How the registry's resolvers reach the service: one policy decision, then the call through the gateway."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.protobuf.message import Message
from strawberry.types import Info

from gateway.connection import Connection, service_page
from gateway.context import RequestContext, Resource
from gateway.plugin_types import GraphQLNames, takes_input
from gridgov.registry.v1 import registry_pb2 as pb

SERVICE = "registry"


def context(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


def page(first: int, after: str) -> dict[str, Any]:
    return {"page_size": first, "page_token": after}


async def list_call(info: Info, resource_type: str, method: str, request: Message) -> Any:
    """A list: one decision for its scopes, then the service filters by them."""
    ctx = context(info)
    decision = await ctx.authorize(f"{resource_type}.list", Resource(resource_type))
    return await ctx.call(SERVICE, method, request, decision)


async def list_page(info: Info, resource_type: str, method: str, request: Callable[[dict[str, Any]], Message],
                    rows: str, first: int, after: str | None) -> Connection[Any]:
    """A list as a connection: one decision for its scopes, then the service pages within them."""
    ctx = context(info)
    decision = await ctx.authorize(f"{resource_type}.list", Resource(resource_type))
    return await service_page(ctx, SERVICE, method, request, rows, decision, first, after)


async def one_call(info: Info, action: str, resource_type: str, record_id: str, code: str, method: str,
                   request: Message, *, names: GraphQLNames | None = None) -> Any:
    """A call about one record in jurisdiction ``code``: authorized for it, read with its scope only; its errors
    in the GraphQL ``names`` (by default, a field taking an ``input`` object has the request's fields in it)."""
    if names is None:
        names = GraphQLNames({"": "input"}) if takes_input(info) else GraphQLNames()
    ctx = context(info)
    resource = Resource(resource_type, record_id, code)
    decision = await ctx.authorize(action, resource)
    return await ctx.call(SERVICE, method, request, decision, resource=resource, names=names)


async def household_code(info: Info, household_id: str) -> str:
    located = await context(info).locate(SERVICE, "GetHousehold", pb.GetHouseholdRequest(id=household_id))
    return str(located.household.jurisdiction_code)
