"""The households list, the registry's hottest read: one keyset statement, its rows straight to protobuf.

Single reads and writes go through the domain records (convert.household); a page of fifty rows skips
that copy, which cost more than the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.actor import masks
from services.kit.database import Database
from services.kit.pagination import Page
from services.registry import convert, domain
from services.registry.household_store import HouseholdFilter, household_key, list_query
from services.registry.paging import page_of

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_CARE_LEVELS = convert.CARE_LEVELS.to_proto_map
_TAGS = {member.value: number for member, number in convert.TAGS.to_proto_map.items()}


def timestamp(value: datetime) -> Timestamp:
    """The same Timestamp as Timestamp.FromDatetime (a naive value read as UTC), by integer arithmetic."""
    elapsed = value - (_NAIVE_EPOCH if value.tzinfo is None else _EPOCH)
    return Timestamp(seconds=elapsed.days * 86400 + elapsed.seconds, nanos=elapsed.microseconds * 1000)


def household_message(row: Any, mask_phone: bool) -> pb.Household:
    """A household row of the table as the Household message convert.household makes (no members)."""
    message = pb.Household(
        id=row.id, number=row.number, jurisdiction_code=row.jurisdiction_code, building_id=row.building_id,
        address=row.address, care_level=_CARE_LEVELS[row.care_level], care_reason=row.care_reason,
        tags=[_TAGS[v] for v in row.tag_list.split(",") if v], head_name=row.head_name,
        member_count=row.member_count, created_at=timestamp(row.created_at), updated_at=timestamp(row.updated_at),
    )
    if row.helper_phone:
        phone = row.helper_phone
        message.helper.CopyFrom(pb.Helper(name=row.helper_name or "",
                                          phone=domain.mask_phone(phone) if mask_phone else phone))
    return message


async def list_households(database: Database, scopes: Sequence[str], page: Page,
                          where: HouseholdFilter) -> pb.ListHouseholdsResponse:
    """One page of households in ``scopes``, helper phones masked when the actor's mask says so."""
    rows, token = page_of(await database.fetch(list_query(scopes, page, where)), page, household_key)
    mask_phone = masks("phone")
    return pb.ListHouseholdsResponse(households=[household_message(r, mask_phone) for r in rows],
                                     page={"next_page_token": token})
