"""The inspection store on SQLite and PostgreSQL: migration seed, enum round trips, scopes, pages, closing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from enum import Enum

import pytest
from sqlalchemy import text

from gridgov.common.v1 import event_pb2
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection import graphql_types as gql
from services.inspection.convert import MAPPINGS, from_proto, to_proto
from services.inspection.domain import (
    DEFAULT_CHECKLIST,
    DEFAULT_PATROL_FREQUENCIES,
    DEFAULT_SUPERVISION_FREQUENCIES,
    DEFAULT_VIOLATION_TYPES,
    ControlLevel,
    DustControl,
    InspectionRules,
    PeriodUnit,
    SourceStatus,
    SourceType,
    ViolationState,
)
from services.inspection.models import SourceRow, ViolationRow
from services.inspection.plugin import plugin
from services.inspection.records import ViolationStore
from services.inspection.schedule import AssessmentUnit, MissedKind, Pollutant, WindowStatus
from services.inspection.store import GridHeadStore, RulesStore, SourceStore, narrow
from services.kit.clock import as_utc
from services.kit.database import Database
from services.kit.migrations import upgrade
from services.kit.pagination import page_from
from tests.inspection.test_domain import draft

NOW = datetime(2026, 11, 27, 2, tzinfo=UTC)
# The GraphQL enum of each domain enum that the schema exposes.
GRAPHQL = {SourceType: gql.PollutionSourceType, SourceStatus: gql.PollutionSourceStatus,
           ControlLevel: gql.ControlLevel, DustControl: gql.DustControl, ViolationState: gql.ViolationState,
           PeriodUnit: gql.PeriodUnit, WindowStatus: gql.WindowStatus, Pollutant: gql.Pollutant,
           AssessmentUnit: gql.AssessmentUnit, MissedKind: gql.MissedPatrolKind}


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    await upgrade(database, plugin.migrations)
    yield database


async def test_migration_seeds_the_domain_defaults(db: Database) -> None:
    async with db.read() as session:
        store = RulesStore(session)
        assert await store.load() == InspectionRules(DEFAULT_CHECKLIST, dict(DEFAULT_PATROL_FREQUENCIES),
                                                     dict(DEFAULT_SUPERVISION_FREQUENCIES))
        assert await store.violation_types() == sorted(DEFAULT_VIOLATION_TYPES, key=lambda vt: vt.code)


@pytest.mark.parametrize("kind", list(MAPPINGS))
def test_enum_round_trip_proto_domain_graphql(kind: type[Enum]) -> None:
    prefix = MAPPINGS[kind].prefix + "_"
    proto_enum = getattr(pb, kind.__name__)
    assert len(kind) == len(proto_enum.keys()) - 1  # every member but UNSPECIFIED
    graphql_enum = GRAPHQL[kind].__strawberry_definition__.wrapped_cls  # type: ignore[attr-defined]
    for member in kind:
        number = to_proto(member)
        assert from_proto(kind, number, "field") is member
        assert graphql_enum(number).name == proto_enum.Name(number)[len(prefix):]


async def test_enum_columns_round_trip_every_member(db: Database) -> None:
    async with db.transaction() as session:
        store = SourceStore(session)
        for source_type in SourceType:
            row = await store.add(draft(source_type, name=source_type.value), NOW)
            for status in SourceStatus:
                row.status = status
                await session.flush()
        key = await store.add(draft(SourceType.INDUSTRIAL_KEY_SOURCE, name="k",
                                    control_level=ControlLevel.NATIONAL), NOW)
        assert key.control_level is ControlLevel.NATIONAL
    async with db.read() as session:
        rows = (await session.execute(SourceRow.__table__.select())).all()
        assert {r.source_type for r in rows} == {t.value for t in SourceType}
        stored = {r.name: r for r in await SourceStore(session).all_in([""])}
        assert all(stored[t.value].source_type is t for t in SourceType)
        raw = (await session.execute(text("SELECT DISTINCT control_level FROM pollution_source "
                                          "WHERE control_level IS NOT NULL"))).scalars().all()
        assert sorted(raw) == ["city", "national"]  # stored by value, lower-case words
    async with db.transaction() as session:
        for level in ControlLevel:
            rules = await RulesStore(session).load()
            supervision = dict(rules.supervision)
            for unit in PeriodUnit:
                supervision[level] = type(supervision[level])(2, unit)
                await RulesStore(session).save(InspectionRules(rules.checklist, rules.patrol, supervision))
                assert (await RulesStore(session).load()).supervision[level].unit is unit


async def test_scopes_and_keyset_pages(db: Database) -> None:
    codes = ["110108001001001", "110108001001002", "110108001002001", "110108002001001"]
    async with db.transaction() as session:
        store = SourceStore(session)
        for code in codes:
            for n in range(3):
                await store.add(draft(SourceType.BARE_LAND, name=f"{code}-{n}", jurisdiction_code=code), NOW)
    scopes = narrow(["110108001"], "")
    seen = []
    token = ""
    async with db.read() as session:
        while True:
            page = page_from(4, token, {"scopes": scopes})
            rows, more = await SourceStore(session).list(scopes, page)
            seen += [r.name for r in rows]
            token = page.next_token((rows[-1].jurisdiction_code, rows[-1].id) if rows else None, more)
            if not token:
                break
    assert len(seen) == 9 and all(name.startswith("110108001") for name in seen)
    assert narrow(["110108001"], "110108001002") == ["110108001002"]
    assert narrow(["110108001"], "110108") == ["110108001"]
    assert narrow(["110108001"], "110108002") == []


async def test_grid_head_assignment_keeps_its_date_unless_the_scope_changes(db: Database) -> None:
    later = datetime(2026, 11, 30, tzinfo=UTC)
    async with db.transaction() as session:
        store = GridHeadStore(session)
        await store.assign("h", "王", "110108001001001", "", NOW)
        renamed = await store.assign("h", "王五", "110108001001001", "139", later)
        assert as_utc(renamed.assigned_at) == NOW and renamed.level == 4
        moved = await store.assign("h", "王五", "110108001", "139", later)
        assert as_utc(moved.assigned_at) == later and moved.level == 2


async def test_case_closed_closes_once_and_ignores_strangers(db: Database) -> None:
    async with db.transaction() as session:
        source = await SourceStore(session).add(draft(SourceType.OPEN_STORAGE_YARD), NOW)
        vt = await RulesStore(session).violation_type("uncovered_storage")
        assert vt is not None
        violation = await ViolationStore(session).report(
            source=source, vt=vt, checklist_item="", description="未覆盖", evidence=["a"], reporter="h",
            patrol_id="", urgent=False, now=NOW)
    closed = event_pb2.CaseClosed(case_id="c1", case_number="AJ1", source_service="inspection",
                                  source_reference=violation.id, resolution="ok")
    async with db.transaction() as session:
        store = ViolationStore(session)
        assert not await store.close_from_case(event_pb2.CaseClosed(source_service="fire",
                                                                    source_reference=violation.id), NOW)
        assert not await store.close_from_case(event_pb2.CaseClosed(source_service="inspection",
                                                                    source_reference="nope"), NOW)
        assert await store.close_from_case(closed, NOW)
        assert not await store.close_from_case(closed, NOW)
    async with db.read() as session:
        row = await session.get(ViolationRow, violation.id)
        assert row is not None and row.state is ViolationState.CLOSED and row.case_number == "AJ1"
    assert pb.VIOLATION_STATE_CLOSED == to_proto(ViolationState.CLOSED)
