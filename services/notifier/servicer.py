"""The NotifierService gRPC servicer: the caller's inbox, the staff directory, deliveries by reference."""

from __future__ import annotations

from typing import Any

import grpc

from gridgov.notifier.v1 import notifier_pb2 as pb
from gridgov.notifier.v1 import notifier_pb2_grpc
from services.kit import actor
from services.kit.errors import InvalidArgument
from services.kit.jurisdiction import problem, within_any
from services.kit.pagination import page_from
from services.kit.runtime import ServiceRuntime
from services.kit.servicer import ServicerBase
from services.notifier import convert
from services.notifier.store import DeliveryStore, DirectoryStore


class NotifierServicer(ServicerBase, notifier_pb2_grpc.NotifierServiceServicer):
    """Every inbox call answers for the calling subject only: a notification is found by id and recipient."""

    async def ListNotifications(self, request: pb.ListNotificationsRequest,
                                context: Any) -> pb.ListNotificationsResponse:
        subject = actor.current().subject
        page = page_from(request.page.page_size, request.page.page_token,
                         {"recipient": subject, "unread": request.unread_only})
        async with self.database.read() as session:
            rows, more = await DeliveryStore(session).inbox(subject, request.unread_only, page)
        return pb.ListNotificationsResponse(
            notifications=[convert.notification_message(row) for row in rows],
            page={"next_page_token": page.next_token([rows[-1].id] if rows else None, more)})

    async def CountUnreadNotifications(self, request: pb.CountUnreadNotificationsRequest,
                                       context: Any) -> pb.CountUnreadNotificationsResponse:
        async with self.database.read() as session:
            count = await DeliveryStore(session).unread(actor.current().subject)
        return pb.CountUnreadNotificationsResponse(count=count)

    async def MarkNotificationRead(self, request: pb.MarkNotificationReadRequest,
                                   context: Any) -> pb.MarkNotificationReadResponse:
        if not request.id.strip():
            raise InvalidArgument.field("id", "is required")
        async with self.write() as session:
            row = await DeliveryStore(session).mark_read(request.id.strip(), actor.current().subject, self.now())
            return pb.MarkNotificationReadResponse(notification=convert.notification_message(row))

    async def PutStaffMember(self, request: pb.PutStaffMemberRequest, context: Any) -> pb.PutStaffMemberResponse:
        person = convert.staff_of(request.member)
        for scope in person.scopes:
            actor.require_in_scope(scope)
        async with self.write() as session:
            await DirectoryStore(session).put(person, actor.current().subject, self.now())
        return pb.PutStaffMemberResponse(member=convert.staff_message(person, actor.masks))

    async def ListStaffMembers(self, request: pb.ListStaffMembersRequest, context: Any) -> pb.ListStaffMembersResponse:
        prefix = request.jurisdiction_code.strip()
        if prefix and (found := problem(prefix)):
            raise InvalidArgument.field("jurisdiction_code", found)
        scopes = actor.read_scopes()
        if prefix and not within_any(prefix, scopes):
            actor.require_in_scope(prefix)
        page = page_from(request.page.page_size, request.page.page_token, {"prefix": prefix, "scopes": scopes})
        async with self.database.read() as session:
            people, more = await DirectoryStore(session).list(scopes, prefix, page)
        return pb.ListStaffMembersResponse(
            members=[convert.staff_message(p, actor.masks) for p in people],
            page={"next_page_token": page.next_token([people[-1].subject] if people else None, more)})

    async def ListDeliveries(self, request: pb.ListDeliveriesRequest, context: Any) -> pb.ListDeliveriesResponse:
        reference = request.reference.strip()
        if not reference:
            raise InvalidArgument.field("reference", "is required")
        scopes = actor.read_scopes()
        page = page_from(request.page.page_size, request.page.page_token, {"reference": reference, "scopes": scopes})
        async with self.database.read() as session:
            rows, more = await DeliveryStore(session).by_reference(reference, scopes, page)
        return pb.ListDeliveriesResponse(
            deliveries=[convert.delivery_message(row) for row in rows],
            page={"next_page_token": page.next_token([rows[-1].id] if rows else None, more)})


def register(server: grpc.aio.Server, runtime: ServiceRuntime) -> None:
    notifier_pb2_grpc.add_NotifierServiceServicer_to_server(NotifierServicer(runtime), server)
