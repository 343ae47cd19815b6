"""Fire stores on SQLite and PostgreSQL: enum round trips, version-checked changes, atomic hand-over."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from enum import Enum
from pathlib import Path

import pytest
from sqlalchemy import select

from gridgov.fire.v1 import fire_pb2
from services.fire import catalogue, convert, domain, graphql_types
from services.fire.domain import HazardAction, HazardState
from services.fire.hazard_store import HazardStore
from services.fire.models import KIT, HazardRow, InspectionRow, PlaceRow
from services.fire.store import PlaceStore
from services.kit.database import Database
from services.kit.enums import EnumMapping
from services.kit.errors import FailedPrecondition
from services.kit.ids import new_id
from services.kit.migrations import upgrade
from services.kit.outbox import read_events
from services.kit.plugin import load_plugins
from tests.fire.support import GRID, START

PLUGIN = load_plugins(["fire"])["fire"]
MIGRATION = Path("services/fire/migrations/versions/0001_initial.py")


@pytest.fixture
async def migrated(database: Database) -> Database:
    await upgrade(database, PLUGIN.migrations)
    return database


@pytest.mark.parametrize("mapping", convert.ENUM_MAPS, ids=lambda m: m.prefix)
def test_proto_domain_graphql_round_trip(mapping: EnumMapping) -> None:
    proto_names = {n for n in mapping.to_proto_map.values()}
    wrapper = {m.prefix: m for m in convert.ENUM_MAPS}[mapping.prefix]
    assert len(proto_names) == len(mapping.domain_enum)  # every member has its own proto value
    graphql_enum = next(g for g, (_, prefix) in graphql_types.PROTO_ENUMS.items() if prefix == mapping.prefix)
    for member in mapping.domain_enum:
        value = mapping.to_proto(member)
        assert value != 0 and mapping.member(value) is member
        exposed = graphql_types.from_proto(graphql_enum, value)
        assert exposed.name == member.name and graphql_types.to_proto(exposed) == value
    assert wrapper.member(0) is None and mapping.to_proto(None) == 0
    # The proto enum has nothing the domain lacks (besides UNSPECIFIED).
    proto_enum = getattr(fire_pb2, {"PLACE_TYPE": "PlaceType", "RISK_LEVEL": "RiskLevel", "GRID_LEVEL": "GridLevel",
                                    "SEVERITY": "Severity", "HAZARD_CATEGORY": "HazardCategory",
                                    "CHECK_RESULT": "CheckResult", "INSPECTION_STATE": "InspectionState",
                                    "HAZARD_STATE": "HazardState", "CLOSURE": "Closure"}[mapping.prefix])
    assert len(proto_enum.values()) == len(mapping.domain_enum) + 1


def test_migration_enum_values_match_the_domain() -> None:
    spec = importlib.util.spec_from_file_location("fire_0001", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.PLACE_TYPES) == {m.value for m in domain.PlaceType}
    assert set(module.GRID_LEVELS) == {m.value for m in domain.GridLevel}
    assert set(module.SEVERITIES) == {m.value for m in domain.Severity}
    assert set(module.CATEGORIES) == {m.value for m in domain.HazardCategory}
    assert set(module.HAZARD_STATES) == {m.value for m in domain.HazardState}
    assert [(c, n, cat, s, d) for c, n, cat, s, d in module.CATALOGUE] == [
        (t.code, t.name, t.category.value, t.severity.value, t.rectify_days) for t in catalogue.DEFAULT_CATALOGUE]
    assert {(t, g, i) for t, g, i in module.PLANS} == {
        (t.value, r.grid_level.value, r.interval_days) for t, r in domain.DEFAULT_PLANS.items()}


def place_row(place_type: domain.PlaceType, risk: domain.RiskLevel, level: domain.GridLevel) -> PlaceRow:
    return PlaceRow(id=new_id(), type=place_type, name="n", address="a", jurisdiction_code=GRID, owner_name="o",
                    owner_phone="13800000000", contact_name="", contact_phone="", risk_level=risk,
                    organization_id="", household_id="", inspected_by=level, interval_days=1,
                    last_inspected_at=None, next_due_on=START.date(), created_at=START)


def hazard_row(state: HazardState, severity: domain.Severity = domain.Severity.MAJOR,
               closure: domain.Closure | None = None) -> HazardRow:
    return HazardRow(
        id=new_id(), place_id="p", place_name="店", address="路1号", jurisdiction_code=GRID, inspection_id="i",
        hazard_type_code="exit_locked", hazard_type_version=1, severity=severity, report_immediately=True,
        state=state, evidence=["photo"], note="", found_by="inspector", found_at=START,
        rectify_by=START - timedelta(days=8), rectified_at=None, overdue_at=None, handed_over_at=None,
        closed_at=None, closure=closure, case_id="", case_number="", version=1)


def cycle(members: list[Enum], n: int) -> list[Enum]:
    return [members[i % len(members)] for i in range(n)]


async def test_every_enum_member_round_trips_through_the_database(migrated: Database) -> None:
    types, risks, levels = list(domain.PlaceType), list(domain.RiskLevel), list(domain.GridLevel)
    places = [place_row(t, r, g) for t, r, g in zip(types, cycle(risks, len(types)), cycle(levels, len(types)),  # type: ignore[arg-type]
                                                  strict=True)]
    states, severities = list(HazardState), list(domain.Severity)
    closures: list[domain.Closure | None] = [None, *domain.Closure]
    hazards = [hazard_row(s, v, c) for s, v, c in zip(states, cycle(severities, len(states)),  # type: ignore[arg-type]
                                                      cycle(closures, len(states)), strict=True)]  # type: ignore[arg-type]
    inspections = [InspectionRow(id=new_id(), place_id="p", jurisdiction_code=GRID, inspector="x", grid_level=level,
                                 inspected_at=START, state=state, items=[], finalized_at=None, hazard_ids=[])
                   for level, state in zip(levels, cycle(list(domain.InspectionState), len(levels)), strict=True)]
    async with migrated.transaction() as session:
        session.add_all([*places, *hazards, *inspections])
    async with migrated.read() as session:
        stored_places = {r.id: r for r in await session.scalars(select(PlaceRow))}
        stored_hazards = {r.id: r for r in await session.scalars(select(HazardRow))}
        stored_inspections = {r.id: r for r in await session.scalars(select(InspectionRow))}
    for row in places:
        back = stored_places[row.id]
        assert (back.type, back.risk_level, back.inspected_by) == (row.type, row.risk_level, row.inspected_by)
    for row in hazards:
        back = stored_hazards[row.id]
        assert (back.state, back.severity, back.closure) == (row.state, row.severity, row.closure)
    assert {r.state for r in stored_inspections.values()} == set(domain.InspectionState)


async def test_a_concurrent_change_loses_the_version_check(migrated: Database) -> None:
    row = hazard_row(HazardState.RECTIFYING)
    async with migrated.transaction() as session:
        session.add(row)
    async with migrated.read() as session:
        stale = await HazardStore(session).get(row.id)
    async with migrated.transaction() as session:
        store = HazardStore(session)
        await store.apply(await store.get(row.id), HazardAction.CLAIM_FIX, "owner", START)
    with pytest.raises(FailedPrecondition):
        async with migrated.transaction() as session:
            session.add(stale)
            await HazardStore(session).apply(stale, HazardAction.MARK_OVERDUE, "system:fire", START)
    async with migrated.read() as session:
        current = await HazardStore(session).get(row.id)
        assert (current.state, current.version) == (HazardState.RECTIFIED, 2)
        assert [c.action for c in await HazardStore(session).history(row.id)] == ["claim_fix"]


async def test_the_hand_over_event_commits_or_rolls_back_with_the_state(migrated: Database) -> None:
    row = hazard_row(HazardState.OVERDUE)
    async with migrated.transaction() as session:
        session.add(row)

    class Crash(Exception):
        pass

    with pytest.raises(Crash):
        async with migrated.transaction() as session:
            store = HazardStore(session)
            await store.apply(await store.get(row.id), HazardAction.HAND_OVER, "system:fire", START)
            raise Crash
    assert await read_events(migrated, KIT, "fire", 0) == []
    async with migrated.read() as session:
        assert (await HazardStore(session).get(row.id)).state is HazardState.OVERDUE
    async with migrated.transaction() as session:
        store = HazardStore(session)
        await store.apply(await store.get(row.id), HazardAction.HAND_OVER, "system:fire", START)
    (event,) = await read_events(migrated, KIT, "fire", 0)
    assert (event.type, event.jurisdiction_code) == ("CaseRequested", GRID)


async def test_a_new_place_follows_its_plan(migrated: Database) -> None:
    async with migrated.transaction() as session:
        store = PlaceStore(session)
        row = await store.add(domain.PlaceDraft(domain.PlaceType.KEY_UNIT, "商场", "路1号", GRID, "王", "13800000000",
                                                "", "", domain.RiskLevel.HIGH), START)
        assert (row.inspected_by, row.interval_days, row.next_due_on) == (domain.GridLevel.BIG, 30, START.date())
        await store.record_inspection(row, START + timedelta(days=2))
        assert row.next_due_on == START.date() + timedelta(days=32)
