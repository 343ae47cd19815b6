"""The staff directory over real gRPC: entries checked field by field, scoped, phones masked unless granted; the
notifier's enums round-trip proto <-> domain."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest

from gridgov.notifier.v1 import notifier_pb2 as pb
from services.kit.database import Database
from services.notifier.convert import ENUM_MAPS
from tests.notifier.support import ADMIN, DISTRICT, GRID, STAFF, STREET, Clock, put_staff
from tests.support.actors import actor_metadata
from tests.support.services import RunningService, error_detail, running_service


@pytest.fixture
async def notifier(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("notifier", database) as service:
        service.runtime.clock = Clock()
        yield service


@pytest.mark.parametrize("mapping", ENUM_MAPS, ids=lambda m: m.prefix)
def test_every_enum_member_round_trips(mapping) -> None:  # type: ignore[no-untyped-def]
    for member in mapping.domain_enum:
        assert mapping.member(mapping.to_proto(member)) is member


async def test_a_bad_entry_names_every_bad_field(notifier: RunningService) -> None:
    member = pb.StaffMember(subject="", name="", role=pb.STAFF_ROLE_UNIT_STAFF, scopes=["12"],
                            channels=[pb.CHANNEL_SMS, pb.CHANNEL_EMAIL])
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await notifier.stub.PutStaffMember(pb.PutStaffMemberRequest(member=member), metadata=ADMIN)
    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in error_detail(raised.value).field_violations}
    assert fields == {"member.subject", "member.name", "member.unit", "member.scopes[0]", "member.phone",
                      "member.email"}


async def test_an_entry_outside_the_callers_scope_is_refused(notifier: RunningService) -> None:
    street = actor_metadata("street", (("street_staff", STREET),))
    member = pb.StaffMember(**{**STAFF[0], "scopes": [DISTRICT]})
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await notifier.stub.PutStaffMember(pb.PutStaffMemberRequest(member=member), metadata=street)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def test_listing_is_scoped_and_masks_phones_unless_granted(notifier: RunningService) -> None:
    await put_staff(notifier.stub)
    grid = actor_metadata("x", (("community_staff", GRID),), mask=["phone"])
    listed = await notifier.stub.ListStaffMembers(pb.ListStaffMembersRequest(), metadata=grid)
    assert [m.subject for m in listed.members] == ["leader-2", "worker-1"]
    assert {m.phone for m in listed.members} == {"", "138****0003"}
    whole = await notifier.stub.ListStaffMembers(pb.ListStaffMembersRequest(page=dict(page_size=2)), metadata=ADMIN)
    assert [m.subject for m in whole.members] == ["centre-district", "centre-street"]
    after = await notifier.stub.ListStaffMembers(pb.ListStaffMembersRequest(page=dict(
        page_size=50, page_token=whole.page.next_page_token)), metadata=ADMIN)
    assert len(after.members) == len(STAFF) - 2 and after.members[0].phone == "13800000005"
