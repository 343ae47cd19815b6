"""CaseRequested becomes exactly one case, even when the process dies between the effect and the cursor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from google.protobuf import any_pb2
from sqlalchemy import func, select

from gridgov.common.v1 import event_pb2
from services.cases import consumer
from services.cases.domain import CaseState, SourceChannel
from services.cases.intake import DuplicateRule
from services.cases.models import KIT, CaseRow
from services.kit.consumer import apply_event, read_cursor
from services.kit.database import Database
from services.kit.migrations import upgrade
from services.kit.plugin import load_plugins

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def requested(sequence: int, reference: str = "hz-1", category: str = "fire_hazard_handed_over",
              **fields: object) -> event_pb2.Event:
    payload = any_pb2.Any()
    fields.setdefault("jurisdiction_code", "110108001001002")
    payload.Pack(event_pb2.CaseRequested(
        source_service="fire", source_reference=reference, category_code=category,
        description="安全出口锁闭逾期未整改", address="翠微路2号", reporter="inspector-7", **fields))  # type: ignore[arg-type]
    return event_pb2.Event(sequence=sequence, event_id=f"e{sequence}", type="CaseRequested", source="fire",
                           jurisdiction_code="110108001001002", payload=payload)


async def cases_in(database: Database) -> list[CaseRow]:
    async with database.read() as session:
        return list(await session.scalars(select(CaseRow)))


@pytest.fixture
async def migrated(database: Database) -> Database:
    await upgrade(database, load_plugins(["cases"])["cases"].migrations)
    return database


async def test_a_crash_after_the_effect_leaves_no_case_and_the_retry_makes_one(
    migrated: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = consumer.case_requested_handler(lambda: NOW, DuplicateRule())
    event = requested(1)
    real_update = KIT.consumer_cursor.update

    def dying_cursor_update(*args: object, **kwargs: object) -> object:
        raise ConnectionError("process died after the effect, before the cursor")

    # First delivery: the case is written, then the cursor write fails: the transaction rolls back.
    monkeypatch.setattr(KIT.consumer_cursor, "update", dying_cursor_update)
    with pytest.raises(ConnectionError):
        await apply_event(migrated, KIT, "fire", event, handler)
    assert await cases_in(migrated) == []
    monkeypatch.setattr(KIT.consumer_cursor, "update", real_update)
    # Redelivered after the restart: applied once; delivered again: ignored.
    assert await apply_event(migrated, KIT, "fire", event, handler) is True
    assert await apply_event(migrated, KIT, "fire", event, handler) is False
    rows = await cases_in(migrated)
    assert len(rows) == 1
    row = rows[0]
    assert (row.source_service, row.source_reference, row.source, row.state) == (
        "fire", "hz-1", SourceChannel.INSPECTION_SERVICE, CaseState.REPORTED)
    async with migrated.read() as session:
        assert await read_cursor(session, KIT, "fire") == 1


async def test_the_same_reference_in_a_later_event_is_still_one_case(migrated: Database) -> None:
    """Idempotent by source reference too: a cursor reset or a re-published request changes nothing."""
    handler = consumer.case_requested_handler(lambda: NOW, DuplicateRule())
    assert await apply_event(migrated, KIT, "fire", requested(1), handler)
    assert await apply_event(migrated, KIT, "fire", requested(2), handler)
    assert len(await cases_in(migrated)) == 1
    async with migrated.transaction() as session:
        await session.execute(KIT.consumer_cursor.delete())
    assert await apply_event(migrated, KIT, "fire", requested(1), handler)
    assert len(await cases_in(migrated)) == 1


async def test_unknown_categories_are_filed_not_dropped_and_urgent_requests_go_to_emergency(
    migrated: Database,
) -> None:
    handler = consumer.case_requested_handler(lambda: NOW, DuplicateRule())
    await apply_event(migrated, KIT, "fire", requested(1, "hz-9", "mystery"), handler)
    await apply_event(migrated, KIT, "fire", requested(2, "hz-10", urgent=True), handler)
    await apply_event(migrated, KIT, "fire", requested(3, "hz-11", jurisdiction_code="bad"), handler)
    rows = {r.source_reference: r for r in await cases_in(migrated)}
    assert set(rows) == {"hz-9", "hz-10"}
    assert rows["hz-9"].category_code == "event_other" and rows["hz-9"].description.startswith("[mystery]")
    assert rows["hz-10"].state is CaseState.EMERGENCY and rows["hz-10"].handling_unit == "emergency_linkage"
    async with migrated.read() as session:
        closed = (await session.execute(select(func.count()).select_from(KIT.outbox))).scalar_one()
    assert closed == 4  # three state changes and the emergency reminder


async def test_the_plugin_subscribes_to_fire_and_inspection() -> None:
    subscriptions = consumer.subscriptions(lambda: NOW, DuplicateRule())
    assert [(s.source, tuple(s.types)) for s in subscriptions] == [
        ("fire", ("CaseRequested",)), ("inspection", ("CaseRequested",))]
