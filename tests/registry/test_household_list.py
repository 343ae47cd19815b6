"""The households list's direct row → protobuf path answers exactly what the domain path answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from gridgov.common.v1 import actor_pb2
from services.kit.actor import set_current
from services.kit.clock import utcnow
from services.kit.database import Database
from services.kit.pagination import page_from
from services.registry import convert, domain
from services.registry.bulk import bulk_load
from services.registry.household_list import list_households, set_timestamp
from services.registry.household_store import HouseholdFilter, HouseholdStore, with_summary
from services.registry.store import BuildingStore

STREET = "110108001"


@pytest.mark.parametrize("value", [
    datetime(2026, 11, 27, 23, 41, 26, 839188, tzinfo=UTC), datetime(2026, 11, 27, 23, 41, 26, 839188),
    datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC), datetime(1900, 1, 1), datetime(1970, 1, 1),
    datetime(2026, 1, 1, 8, 0, 0, 5, tzinfo=timezone(timedelta(hours=8))),
])
def test_timestamp_equals_from_datetime(value: datetime) -> None:
    expected = Timestamp()
    expected.FromDatetime(value)
    stamp = Timestamp()
    set_timestamp(stamp, value)
    assert stamp == expected


async def _add_odd_household(database: Database) -> None:
    """Two tags, a helper without a name, a care reason: the fields the synthetic data rarely mixes."""
    now = utcnow().replace(microsecond=123456)
    grid = f"{STREET}001001"
    building = domain.Building("b-odd", grid, "某路1号", "", None, None)
    household = domain.Household(
        "0000-odd", "HODD", grid, building.id, "某路1号101室", domain.CareLevel.CLOSE_CONTACT, "独居",
        domain.Helper("", "13912345678"), tuple(domain.VulnerableTag)[:2],
        "", 0, now, now)
    member = domain.admit_resident(domain.ResidentDetails(
        name="张三", id_number="110108195001010011", gender=domain.Gender.MALE, birth_date="1950-01-01",
        phone="", population_type=domain.PopulationType.REGISTERED, relationship=domain.Relationship.HEAD),
        household.id, grid, "r-odd")
    async with database.transaction() as session:
        await BuildingStore(session).add_many([building], now)
        await HouseholdStore(session).add_many([with_summary(household, [member])], now)


@pytest.mark.parametrize("mask", [(), ("id_number", "phone", "contact_phone")])
async def test_pages_equal_the_domain_conversion(database: Database, mask: tuple[str, ...]) -> None:
    await bulk_load(database, households=150, seed=3)
    await _add_odd_household(database)
    set_current(actor_pb2.Actor(subject="t", read_scopes=[STREET], mask=list(mask)))
    where = HouseholdFilter()
    token, pages, helpers = "", 0, 0
    seen: list[str] = []
    while True:
        page = page_from(20, token, {"scopes": [STREET], "filter": [where.prefix, None, (), ""]})
        answer = await list_households(database, [STREET], page, where)
        async with database.read() as session:
            households, expected_token = await HouseholdStore(session).list([STREET], page, where)
        assert list(answer.households) == [convert.household(h) for h in households]
        assert answer.page.next_page_token == expected_token
        helpers += sum(h.HasField("helper") for h in answer.households)
        seen += [h.id for h in answer.households]
        pages += 1
        token = answer.page.next_page_token
        if not token:
            break
    assert pages > 1 and len(seen) > 20 and helpers > 0 and "0000-odd" in seen
