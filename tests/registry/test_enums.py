"""Every enum member survives proto ↔ domain ↔ database, and the proto has no value the domain lacks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum

import pytest

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.database import Database
from services.kit.errors import InvalidArgument
from services.kit.ids import new_id
from services.kit.migrations import upgrade
from services.registry import convert, domain
from services.registry.household_store import HouseholdStore, with_summary
from services.registry.plugin import plugin
from services.registry.store import BuildingStore, TreeStore

MAPPINGS = [
    (convert.LEVELS, domain.JurisdictionLevel, pb.JurisdictionLevel),
    (convert.GRID_TYPES, domain.GridType, pb.GridType),
    (convert.CARE_LEVELS, domain.CareLevel, pb.CareLevel),
    (convert.TAGS, domain.VulnerableTag, pb.VulnerableTag),
    (convert.GENDERS, domain.Gender, pb.Gender),
    (convert.POPULATION_TYPES, domain.PopulationType, pb.PopulationType),
    (convert.RELATIONSHIPS, domain.Relationship, pb.Relationship),
]
NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.mark.parametrize(("mapping", "domain_enum", "proto_enum"), MAPPINGS)
def test_proto_and_domain_round_trip(mapping: convert.EnumMapping, domain_enum: type[Enum], proto_enum: object,
                                     ) -> None:
    numbers = {v.number for v in proto_enum.DESCRIPTOR.values} - {0}  # type: ignore[attr-defined]
    assert {mapping.to_proto(m) for m in domain_enum} == numbers
    for member in domain_enum:
        assert mapping.required(mapping.to_proto(member), "f") is member
    with pytest.raises(InvalidArgument, match="f: is required"):
        mapping.required(0, "f")
    with pytest.raises(InvalidArgument, match="unknown value 99"):
        mapping.optional(99, "f")
    assert mapping.optional(0, "f") is None


async def test_every_member_is_stored_and_read_back(database: Database) -> None:
    await upgrade(database, plugin.migrations)
    async with database.transaction() as session:
        tree = TreeStore(session)
        await tree.add(domain.Jurisdiction("110108", "区", domain.JurisdictionLevel.DISTRICT, None), NOW)
        await tree.add(domain.Jurisdiction("110108001", "街", domain.JurisdictionLevel.STREET, "110108"), NOW)
        await tree.add(domain.Jurisdiction("110108001001", "社", domain.JurisdictionLevel.COMMUNITY, "110108001"),
                       NOW)
        for n, grid_type in enumerate(domain.GridType, start=1):
            await tree.add(domain.Jurisdiction(f"110108001001{n:03d}", "格", domain.JurisdictionLevel.GRID,
                                               "110108001001", grid_type), NOW)
        place = domain.Building(new_id(), "110108001001001", "楼", "", None, None)
        await BuildingStore(session).add(place, NOW)
        households = []
        for n, level in enumerate(domain.CareLevel):
            household = domain.Household(new_id(), f"H{n}", place.jurisdiction_code, place.id, "楼", level, "",
                                         None, tuple(domain.VulnerableTag), "", 0, NOW, NOW)
            members = []
            for m, relationship in enumerate(domain.Relationship):
                gender = list(domain.Gender)[m % 2]
                population = list(domain.PopulationType)[m % 2]
                first17 = f"11010819800101{n}{m}{1 if gender is domain.Gender.MALE else 2}"
                members.append(domain.Resident(new_id(), household.id, place.jurisdiction_code, "人",
                                               first17 + domain.id_check_character(first17), gender,
                                               date(1980, 1, 1), "", population, relationship))
            households.append(with_summary(household, members))
        await HouseholdStore(session).add_many(households, NOW)
    async with database.read() as session:
        tree = TreeStore(session)
        codes = ("110108", "110108001", "110108001001", "110108001001001")
        levels = [(await tree.get(code)).level for code in codes]  # type: ignore[union-attr]
        assert levels == list(domain.JurisdictionLevel)
        assert [(await tree.get(f"110108001001{n:03d}")).grid_type  # type: ignore[union-attr]
                for n in (1, 2)] == list(domain.GridType)
        stored = [await HouseholdStore(session).get(h.id) for h in households]
    assert [h.care_level for h in stored if h] == list(domain.CareLevel)
    for household in stored:
        assert household is not None and household.tags == tuple(domain.VulnerableTag)
        assert {m.relationship for m in household.members} == set(domain.Relationship)
        assert {m.gender for m in household.members} == set(domain.Gender)
        assert {m.population_type for m in household.members} == set(domain.PopulationType)
