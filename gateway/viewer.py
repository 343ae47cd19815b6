"""The caller's own identity as the gateway verified it (``viewer``)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.context import RequestContext, Resource


@strawberry.type(description="A role and the jurisdiction code it applies to.")
class ViewerRole:
    role: str
    scope: str


@strawberry.type(description="The authenticated subject.")
class Viewer:
    id: str
    department: str
    roles: list[ViewerRole]


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who the token says you are.")
    async def viewer(self, info: Info) -> Viewer:
        ctx: RequestContext = info.context
        await ctx.authorize("viewer.read", Resource("viewer", ctx.subject.id))
        subject = ctx.subject
        return Viewer(id=subject.id, department=subject.department,
                      roles=[ViewerRole(role=r.role, scope=r.scope) for r in subject.roles])
