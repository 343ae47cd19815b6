"""The decision log on SQLite and PostgreSQL: chained, append-only, group-committed, refusing when unwritable."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import make_url, text

from gateway.decision_log import audit, store
from gateway.decision_log.writer import DecisionLog
from gateway.errors import DecisionLogUnavailable
from gateway.migrate import migrate_database
from gateway.policy.bundle import PERSONAL_FIELDS
from gateway.policy.engine import Decision
from services.kit.database import Database

ALLOWED = Decision(True, ("staff reads households in scope",), ("phone",), ())
DENIED = Decision(False, ("no rule grants household.read",), ("id_number", "phone"), ())


def policy_input(subject: str = "alice", code: str = "110108001001001", **attributes: object) -> dict[str, object]:
    return {
        "subject": {"id": subject, "roles": [{"role": "community_staff", "scope": code[:12]}], "department": ""},
        "action": "household.read",
        "resource": {"type": "household", "id": "h1", "jurisdiction_code": code, "attributes": dict(attributes)},
        "context": {"portal": "community_portal", "operation": "Q", "request_id": "r1", "time": "2026-11-27T08:00:00Z"},
    }


async def write(log: DecisionLog, decision: Decision = ALLOWED, **kwargs: object) -> int:
    return await log.record(policy_input(**kwargs), decision, timestamp=datetime.now(UTC), revision="abc123",  # type: ignore[arg-type]
                            requested_by="127.0.0.1:5000", request_id="r1")


@pytest.fixture
async def log(database: Database) -> AsyncIterator[DecisionLog]:
    await migrate_database(database)
    decisions = DecisionLog(database, PERSONAL_FIELDS)
    yield decisions
    await decisions.close()


async def allow_tampering(database: Database) -> None:
    """What an attacker with database access would do first: switch the append-only triggers off."""
    async with database.transaction() as session:
        if database.engine.dialect.name == "postgresql":
            await session.execute(text("ALTER TABLE access_decision DISABLE TRIGGER USER"))
        else:
            await session.execute(text("DROP TRIGGER access_decision_no_update"))
            await session.execute(text("DROP TRIGGER access_decision_no_delete"))


async def test_records_chain_and_verify(log: DecisionLog) -> None:
    sequences = [await write(log), await write(log, DENIED), await write(log)]
    assert sequences == [1, 2, 3]
    rows = [row async for row in store.scan(log.database)]
    assert rows[0].previous_hash == "0" * 64
    assert [r.previous_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    result = await audit.verify(log.database, log.head_sequence)
    assert (result.ok, result.checked, result.head_sequence, result.head_hash) == (True, 3, 3, rows[-1].hash)


async def test_personal_data_is_masked_in_the_stored_input(log: DecisionLog) -> None:
    await write(log, id_number="110108199003072913", phone="13812345289", name="王芳")
    rows = [row async for row in store.scan(log.database)]
    row = rows[0]
    attributes = json.loads(row.input)["resource"]["attributes"]
    assert attributes == {"id_number": "110108********2913", "phone": "138****5289", "name": "王芳"}
    assert "199003072913" not in row.input


async def test_update_and_delete_are_refused_by_the_database(log: DecisionLog) -> None:
    await write(log)
    for statement in ("UPDATE access_decision SET allow = false", "DELETE FROM access_decision"):
        with pytest.raises(Exception, match="append-only"):
            async with log.database.transaction() as session:
                await session.execute(text(statement))
    assert (await audit.verify(log.database)).ok


async def test_tampering_with_a_record_breaks_verification_at_that_record(log: DecisionLog) -> None:
    for _ in range(4):
        await write(log, DENIED)
    await allow_tampering(log.database)
    async with log.database.transaction() as session:
        await session.execute(text(
            "UPDATE access_decision SET allow = true, result = replace(result, 'false', 'true') WHERE sequence = 3"))
    result = await audit.verify(log.database, log.head_sequence)
    assert not result.ok
    assert (result.broken_sequence, result.checked) == (3, 2)
    assert "do not match its hash" in (result.reason or "")


async def test_deleting_a_record_is_detected(log: DecisionLog) -> None:
    for _ in range(4):
        await write(log)
    await allow_tampering(log.database)
    async with log.database.transaction() as session:
        await session.execute(text("DELETE FROM access_decision WHERE sequence = 2"))
    result = await audit.verify(log.database, log.head_sequence)
    assert not result.ok and result.broken_sequence == 2
    assert "record 2 is missing" in (result.reason or "")


async def test_cutting_off_the_newest_records_is_detected(log: DecisionLog) -> None:
    for _ in range(3):
        await write(log)
    await allow_tampering(log.database)
    async with log.database.transaction() as session:
        await session.execute(text("DELETE FROM access_decision WHERE sequence = 3"))
    result = await audit.verify(log.database, log.head_sequence)
    assert not result.ok and result.broken_sequence == 3
    assert "written but are gone" in (result.reason or "")


async def test_concurrent_decisions_share_transactions_and_each_waits_for_its_own(log: DecisionLog) -> None:
    sequences = await asyncio.gather(*(write(log, subject=f"user{i}") for i in range(60)))
    assert sorted(sequences) == list(range(1, 61))
    assert log.batches < 60  # group commit: fewer transactions than decisions
    rows = {row.sequence: row async for row in store.scan(log.database)}
    assert len(rows) == 60
    assert (await audit.verify(log.database, log.head_sequence)).ok


async def test_every_caller_is_refused_when_the_log_cannot_be_written(database: Database) -> None:
    log = DecisionLog(database, PERSONAL_FIELDS)  # never migrated: the table does not exist
    outcomes = await asyncio.gather(*(write(log) for _ in range(5)), return_exceptions=True)
    with pytest.raises(Exception, match="access_decision"):
        await log.probe()
    await log.close()
    assert all(isinstance(outcome, DecisionLogUnavailable) for outcome in outcomes)


async def test_export_is_opa_decision_log_json_lines(log: DecisionLog) -> None:
    await write(log, subject="alice")
    await write(log, DENIED, subject="bob")
    lines, count = await audit.export_lines(log.database, store.DecisionFilter(allow=False), scopes=None, limit=10)
    assert count == 1
    record = json.loads(lines)
    assert set(record) >= {"decision_id", "timestamp", "path", "input", "result", "bundles", "requested_by", "req_id"}
    assert record["path"] == "gridgov/authz/decision"
    assert record["bundles"] == {"gridgov": {"revision": "abc123"}}
    assert record["input"]["subject"]["id"] == "bob" and record["result"]["allow"] is False
    assert record["timestamp"].endswith("Z") and record["req_id"] == "r1"


async def test_listing_filters_and_pages_newest_first(log: DecisionLog) -> None:
    for i in range(5):
        await write(log, ALLOWED if i % 2 else DENIED, subject=f"u{i}", code="110108002001001" if i == 4 else
                    "110108001001001")
    first, more = await store.page(log.database, store.DecisionFilter(), scopes=None, first=2, after=None)
    assert [r.sequence for r in first] == [5, 4] and more
    rest, more = await store.page(log.database, store.DecisionFilter(), scopes=None, first=10, after=first[-1].sequence)
    assert [r.sequence for r in rest] == [3, 2, 1] and not more
    denied, _ = await store.page(log.database, store.DecisionFilter(allow=False), scopes=None, first=10, after=None)
    assert [r.subject for r in denied] == ["u4", "u2", "u0"]
    street, _ = await store.page(log.database, store.DecisionFilter(jurisdiction_prefix="110108002"), scopes=None,
                                 first=10, after=None)
    assert [r.subject for r in street] == ["u4"]
    scoped, _ = await store.page(log.database, store.DecisionFilter(), scopes=["110108001"], first=10, after=None)
    assert "u4" not in {r.subject for r in scoped} and len(scoped) == 4
    assert store.decode_cursor(store.encode_cursor(7)) == 7
    with pytest.raises(ValueError):
        store.decode_cursor("bm90LWEtY3Vyc29y")


async def test_a_locked_log_refuses_within_the_wait_and_the_next_batch_is_not_held(database: Database) -> None:
    """Another connection holds the append lock (SQLite: an exclusive transaction; PostgreSQL: the advisory lock)."""
    await migrate_database(database)
    log = DecisionLog(database, PERSONAL_FIELDS, wait=0.3)
    await write(log)
    postgres = database.engine.dialect.name == "postgresql"
    async with database.engine.connect() as holder:
        if postgres:
            await holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": store.APPEND_LOCK})
        else:
            locker = sqlite3.connect(str(make_url(database.url).database), isolation_level=None)
            locker.execute("BEGIN EXCLUSIVE")
        started = asyncio.get_running_loop().time()
        with pytest.raises(DecisionLogUnavailable, match="within 300 ms"):
            await write(log)
        refused_after = asyncio.get_running_loop().time() - started
        # The sink gave up on the lock too (not SQLite's 30 s), so the writer is free again.
        for _ in range(100):
            if log.last_error is not None:
                break
            await asyncio.sleep(0.05)
        given_up_after = asyncio.get_running_loop().time() - started
        if postgres:
            await holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": store.APPEND_LOCK})
        else:
            locker.rollback()
            locker.close()
    assert refused_after < 1.0, refused_after
    assert log.last_error is not None and given_up_after < 2.0, given_up_after
    started = asyncio.get_running_loop().time()
    await write(log)
    assert asyncio.get_running_loop().time() - started < 1.0
    await log.close()
    assert (await audit.verify(database, log.head_sequence)).ok
