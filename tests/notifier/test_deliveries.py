"""What was sent for a record, over real gRPC: by reference, inside the caller's scope only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest

from gridgov.notifier.v1 import notifier_pb2 as pb
from services.kit.consumer import apply_event
from services.kit.database import Database
from services.notifier.events import ReminderHandler
from services.notifier.settings import NotifierSettings
from tests.notifier.support import ADMIN, Clock, case_reminder, put_staff
from tests.support.actors import actor_metadata
from tests.support.services import RunningService, running_service


@pytest.fixture
async def notifier(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("notifier", database) as service:
        service.runtime.clock = Clock()
        await put_staff(service.stub)
        handler = ReminderHandler(service.runtime, NotifierSettings())
        await apply_event(database, service.runtime.tables, "cases", case_reminder(1, "overdue"), handler)
        yield service


async def test_the_centre_sees_every_delivery_made_for_a_case(notifier: RunningService) -> None:
    answer = await notifier.stub.ListDeliveries(pb.ListDeliveriesRequest(reference="AJ202611230001"),
                                                metadata=ADMIN)
    assert sorted((d.recipient, d.channel, d.state) for d in answer.deliveries) == sorted([
        ("unit-1", pb.CHANNEL_INBOX, pb.DELIVERY_STATE_DELIVERED), ("unit-1", pb.CHANNEL_SMS, pb.DELIVERY_STATE_QUEUED),
        ("unit-1", pb.CHANNEL_EMAIL, pb.DELIVERY_STATE_QUEUED),
        ("centre-street", pb.CHANNEL_INBOX, pb.DELIVERY_STATE_DELIVERED),
        ("centre-street", pb.CHANNEL_EMAIL, pb.DELIVERY_STATE_QUEUED)])
    assert all(d.body.startswith("案件AJ202611230001已超过处置期限") for d in answer.deliveries)
    elsewhere = actor_metadata("other", (("street_staff", "110108002"),))
    assert not (await notifier.stub.ListDeliveries(pb.ListDeliveriesRequest(reference="AJ202611230001"),
                                                   metadata=elsewhere)).deliveries


async def test_a_reference_is_required(notifier: RunningService) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await notifier.stub.ListDeliveries(pb.ListDeliveriesRequest(), metadata=ADMIN)
    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
