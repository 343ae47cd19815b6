"""The households list, the registry's hottest read: one keyset statement, its rows straight to protobuf.

Single reads and writes go through the domain records (convert.household); a page of fifty rows skips
that copy, which cost more than the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit import masking
from services.kit.actor import masks
from services.kit.database import Database
from services.kit.pagination import Page
from services.registry import convert
from services.registry.household_store import HouseholdFilter, household_key, list_query
from services.registry.models import HouseholdRow
from services.registry.paging import page_of

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_CARE_LEVELS = convert.CARE_LEVELS.to_proto_map
_TAGS = {member.value: number for member, number in convert.TAGS.to_proto_map.items()}


def set_timestamp(stamp: Timestamp, value: datetime) -> None:
    """Sets ``stamp`` as Timestamp.FromDatetime would (a naive value read as UTC), by integer arithmetic."""
    elapsed = value - (_NAIVE_EPOCH if value.tzinfo is None else _EPOCH)
    stamp.seconds = elapsed.days * 86400 + elapsed.seconds
    stamp.nanos = elapsed.microseconds * 1000


# The household table's columns in the order a list reads them: one itemgetter call per row instead of
# fourteen attribute look-ups on a Row.
_COLUMNS = ("id", "number", "jurisdiction_code", "building_id", "address", "care_level", "care_reason",
            "head_name", "member_count", "tag_list", "created_at", "updated_at", "helper_name", "helper_phone")
_READ = itemgetter(*(list(HouseholdRow.__table__.columns.keys()).index(name) for name in _COLUMNS))


def add_households(response: pb.ListHouseholdsResponse, rows: Sequence[Any], mask_phone: bool) -> None:
    """Appends rows of the household table (``select(household)``, all columns in table order) to the response.

    Each message is made in place (``add``) and its timestamps set field by field: copying finished
    messages into the response cost as much again.
    """
    add = response.households.add
    for row in rows:
        (id_, number, code, building_id, address, care_level, care_reason, head_name, member_count, tag_list,
         created_at, updated_at, helper_name, helper_phone) = _READ(row)
        message = add(id=id_, number=number, jurisdiction_code=code, building_id=building_id, address=address,
                      care_level=_CARE_LEVELS[care_level], care_reason=care_reason, head_name=head_name,
                      member_count=member_count, tags=[_TAGS[v] for v in tag_list.split(",") if v])
        set_timestamp(message.created_at, created_at)
        set_timestamp(message.updated_at, updated_at)
        if helper_phone:
            helper = message.helper
            helper.name = helper_name or ""
            helper.phone = masking.mask_phone(helper_phone) if mask_phone else helper_phone


async def list_households(database: Database, scopes: Sequence[str], page: Page,
                          where: HouseholdFilter) -> pb.ListHouseholdsResponse:
    """One page of households in ``scopes``, helper phones masked when the actor's mask says so."""
    rows, token = page_of(await database.fetch(list_query(scopes, page, where)), page, household_key)
    response = pb.ListHouseholdsResponse(page={"next_page_token": token})
    add_households(response, rows, masks("phone"))
    return response
