"""The notifier's part of the gateway schema: the caller's inbox (list, unread count, mark read)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.connection import Connection, service_page
from gateway.context import RequestContext, Resource
from gateway.plugin_types import moment
from gridgov.notifier.v1 import notifier_pb2 as pb
from services.kit.plugin import GraphQLContribution

SERVICE = "notifier"


def _enum(name: str, proto_enum: Any, prefix: str, description: str) -> Any:
    """A GraphQL enum whose values are the proto numbers, so proto fields resolve without translation."""
    members = {key[len(prefix):]: number for key, number in proto_enum.items() if number != 0}
    return strawberry.enum(IntEnum(name, members), name=name, description=description)  # type: ignore[misc]


NotificationKind = _enum("NotificationKind", pb.ReminderKind, "REMINDER_KIND_", "What a notification is about.")


@strawberry.type(description="One notification in the caller's inbox; its text never carries an ID number.")
class Notification:
    id: strawberry.ID
    kind: NotificationKind  # type: ignore[valid-type]
    title: str
    body: str
    reference: str = strawberry.field(description="What it refers to: a case number, a hazard id, a reminder id.")
    jurisdiction_code: str

    @strawberry.field(description="When it was delivered.")
    def created_at(self) -> datetime | None:
        return moment(self, "created_at")

    @strawberry.field(description="When the caller read it; null while unread.")
    def read_at(self) -> datetime | None:
        return moment(self, "read_at")


NotificationConnection = Connection[Notification]


def _ctx(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


def _inbox(ctx: RequestContext) -> Resource:
    """The caller's own inbox, as the policy sees it: a notification belongs to its recipient."""
    return Resource("inbox", ctx.subject.id)


@strawberry.type
class NotifierQuery:
    @strawberry.field(description="The caller's own notifications, newest first.")
    async def notifications(self, info: Info, unread_only: bool = False, first: int = 50,
                            after: str | None = None) -> NotificationConnection:
        ctx = _ctx(info)
        decision = await ctx.authorize("inbox.list", _inbox(ctx))
        return await service_page(ctx, SERVICE, "ListNotifications", lambda page: pb.ListNotificationsRequest(
            unread_only=unread_only, page=page), "notifications", decision, first, after)

    @strawberry.field(description="How many of the caller's notifications are unread.")
    async def unread_notification_count(self, info: Info) -> int:
        ctx = _ctx(info)
        decision = await ctx.authorize("inbox.count", _inbox(ctx))
        answer = await ctx.call(SERVICE, "CountUnreadNotifications", pb.CountUnreadNotificationsRequest(), decision)
        return int(answer.count)


@strawberry.type
class NotifierMutation:
    @strawberry.mutation(description="Marks one of the caller's notifications read; marking it again changes "
                                     "nothing (the first time read stays).")
    async def mark_notification_read(self, info: Info, id: strawberry.ID) -> Notification:
        ctx = _ctx(info)
        decision = await ctx.authorize("inbox.mark_read", _inbox(ctx))
        answer = await ctx.call(SERVICE, "MarkNotificationRead", pb.MarkNotificationReadRequest(id=str(id)), decision)
        return answer.notification  # type: ignore[no-any-return]


def contribution() -> GraphQLContribution:
    return GraphQLContribution(query=NotifierQuery, mutation=NotifierMutation, types=(Notification,))
