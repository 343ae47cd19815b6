"""The decision log's head anchored outside its database: a cut or replaced tail shows after a restart, on SQLite
and PostgreSQL; clean restarts, first starts, torn and damaged anchors; the setting that places the anchor."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.decision_log import audit, store
from gateway.decision_log.anchor import AnchorDamaged, AnchoredHead, FileAnchor, decode, encode
from gateway.decision_log.anchoring import AnchorCheck
from gateway.decision_log.writer import DecisionLog
from gateway.migrate import migrate_database
from gateway.policy.bundle import PERSONAL_FIELDS
from gateway.settings import GatewaySettings
from services.kit.config import ConfigError
from services.kit.database import Database
from tests.gateway.harness import gateway_settings, running_gateway, token
from tests.gateway.test_decision_log import allow_tampering, write

ANCHOR_LOGGER = "gateway.decision_log.anchoring"


@pytest.fixture
async def migrated(database: Database) -> Database:
    await migrate_database(database)
    return database


@pytest.fixture
def anchor(tmp_path: Path) -> FileAnchor:
    return FileAnchor(tmp_path / "anchors" / "decision-log.anchor")


@asynccontextmanager
async def gateway_run(database: Database, anchor: FileAnchor) -> AsyncIterator[tuple[DecisionLog, AnchorCheck]]:
    """One run of a gateway's decision log: started (checked against the anchor), closed at the end (a restart
    is two runs in a row)."""
    log = DecisionLog(database, PERSONAL_FIELDS, anchor=anchor)
    try:
        check = await log.start()
        assert check is not None
        yield log, check
    finally:
        await log.close()


@asynccontextmanager
async def unanchored_run(database: Database) -> AsyncIterator[DecisionLog]:
    """A writer that keeps no anchor: a gateway from before anchors existed, or a forger's script."""
    log = DecisionLog(database, PERSONAL_FIELDS)
    try:
        yield log
    finally:
        await log.close()


async def anchored_sequence(anchor: FileAnchor) -> int | None:
    head = await anchor.read()
    return head.sequence if head is not None else None


async def write_many(log: DecisionLog, count: int) -> list[int]:
    sequences = [await write(log) for _ in range(count)]
    if log.keeper is not None:
        await log.keeper.settle()
    return sequences


async def delete_from(database: Database, sequence: int) -> None:
    """What a database owner does to cut the tail: triggers off, delete the newest records."""
    await allow_tampering(database)
    async with database.transaction() as session:
        await session.execute(text("DELETE FROM access_decision WHERE sequence >= :s"), {"s": sequence})


async def chain_hash(database: Database, sequence: int) -> str:
    row = await store.record_at(database, sequence)
    assert row is not None
    return row.hash


async def test_first_start_without_an_anchor_anchors_after_the_first_commit(migrated: Database,
                                                                            anchor: FileAnchor) -> None:
    async with gateway_run(migrated, anchor) as (log, check):
        assert (check.ok, check.anchored, check.chain_head) == (True, None, 0)
        assert await anchor.read() is None
        await write_many(log, 3)
    anchored = await anchor.read()
    assert anchored is not None and (anchored.sequence, anchored.hash) == (3, await chain_hash(migrated, 3))
    result = await audit.verify(migrated, anchor=anchor)
    assert result.ok and result.anchored == anchored and result.checked == 3


async def test_first_start_over_an_existing_log_anchors_its_head_at_once(
        migrated: Database, anchor: FileAnchor, caplog: pytest.LogCaptureFixture) -> None:
    async with unanchored_run(migrated) as log:
        await write_many(log, 2)
    with caplog.at_level(logging.WARNING, logger=ANCHOR_LOGGER):
        async with gateway_run(migrated, anchor) as (_, check):
            assert check.ok
            anchored = await anchor.read()
    assert anchored is not None and anchored.sequence == 2
    assert "no anchor" in caplog.text


async def test_a_clean_restart_verifies_and_the_anchor_advances(migrated: Database, anchor: FileAnchor) -> None:
    async with gateway_run(migrated, anchor) as (log, _):
        await write_many(log, 3)
    async with gateway_run(migrated, anchor) as (log, check):
        assert check.ok and check.anchored is not None and check.anchored.sequence == 3 and check.chain_head == 3
        assert await write_many(log, 2) == [4, 5]
        result = await audit.verify(migrated, log.head_sequence, anchor=anchor, noticed=log.anchor_problem)
        assert log.anchor_problem is None
    assert result.ok and result.checked == 5
    assert result.anchored is not None and (result.anchored.sequence, result.anchored.hash) == (5, result.head_hash)


async def test_a_tail_cut_while_the_gateway_was_down_is_detected_at_start_up(
        migrated: Database, anchor: FileAnchor, caplog: pytest.LogCaptureFixture) -> None:
    async with gateway_run(migrated, anchor) as (log, _):
        await write_many(log, 5)
    anchored = await anchor.read()
    await delete_from(migrated, 4)
    # Without the anchor the shorter chain verifies clean: the gap this closes.
    assert (await audit.verify(migrated)).ok
    with caplog.at_level(logging.ERROR, logger=ANCHOR_LOGGER):
        async with gateway_run(migrated, anchor) as (log, check):
            assert not check.ok and check.chain_head == 3
            assert check.problem is not None and "records 4 to 5 are missing" in check.problem
            result = await audit.verify(migrated, log.head_sequence, anchor=anchor, noticed=log.anchor_problem)
            assert not result.ok and result.broken_sequence == 4 and result.checked == 3
            assert "records 4 to 5 are missing" in (result.reason or "") and "tail cut off" in (result.reason or "")
            # The gateway still records decisions, chained onto what is left, but the anchor stays where it was.
            assert await write_many(log, 3) == [4, 5, 6]
            assert await anchor.read() == anchored
            later = await audit.verify(migrated, log.head_sequence, anchor=anchor, noticed=log.anchor_problem)
    assert [r.levelno for r in caplog.records if "records 4 to 5 are missing" in r.getMessage()] == [logging.ERROR]
    assert not later.ok and later.broken_sequence == 5 and "does not match the anchor" in (later.reason or "")
    # Another restart does not adopt the rewritten chain either.
    async with gateway_run(migrated, anchor) as (_, check):
        assert not check.ok and await anchor.read() == anchored


async def test_a_replaced_tail_is_reported_as_a_mismatch_at_the_anchored_record(
        migrated: Database, anchor: FileAnchor, caplog: pytest.LogCaptureFixture) -> None:
    async with gateway_run(migrated, anchor) as (log, _):
        await write_many(log, 3)
    await delete_from(migrated, 2)
    async with unanchored_run(migrated) as log:  # a forged tail, correctly chained: records 2 and 3
        await write_many(log, 2)
    assert (await audit.verify(migrated)).ok
    with caplog.at_level(logging.ERROR, logger=ANCHOR_LOGGER):
        async with gateway_run(migrated, anchor) as (log, check):
            assert not check.ok and "record 3 does not match the anchor" in (check.problem or "")
            result = await audit.verify(migrated, anchor=anchor)
    assert not result.ok and result.broken_sequence == 3 and result.checked == 3
    assert "record 3 does not match the anchor" in (result.reason or "") and "replaced" in (result.reason or "")
    assert "record 3 does not match the anchor" in caplog.text


async def test_a_tail_cut_while_running_is_not_adopted_by_the_anchor(migrated: Database, anchor: FileAnchor) -> None:
    async with gateway_run(migrated, anchor) as (log, _):
        await write_many(log, 4)
        await delete_from(migrated, 3)
        assert await write_many(log, 1) == [3]  # chained after record 2: the process committed 3 and 4 already
        assert "records 3 to 4 were committed" in (log.anchor_problem or "")
        anchored = await anchor.read()
        result = await audit.verify(migrated, log.head_sequence, anchor=anchor, noticed=log.anchor_problem)
    assert anchored is not None and anchored.sequence == 4
    assert not result.ok and result.broken_sequence == 4 and "record 4 is missing" in (result.reason or "")


async def test_a_tail_replaced_while_running_is_not_adopted_by_the_anchor(migrated: Database,
                                                                          anchor: FileAnchor) -> None:
    async with gateway_run(migrated, anchor) as (log, _):
        await write_many(log, 3)
        committed = await chain_hash(migrated, 3)
        await delete_from(migrated, 3)
        async with unanchored_run(migrated) as forger:
            assert await write_many(forger, 1) == [3]
        assert await write_many(log, 1) == [4]  # chained after a record 3 this process did not commit
        assert "record 3" in (log.anchor_problem or "") and "replaced" in (log.anchor_problem or "")
        result = await audit.verify(migrated, log.head_sequence, anchor=anchor, noticed=log.anchor_problem)
    anchored = await anchor.read()
    assert anchored is not None and (anchored.sequence, anchored.hash) == (3, committed)
    assert not result.ok and result.broken_sequence == 3 and "does not match the anchor" in (result.reason or "")


async def test_anchor_writes_are_prompt_when_quiet_and_paced_under_load(migrated: Database,
                                                                        anchor: FileAnchor) -> None:
    async with gateway_run(migrated, anchor) as (log, _):
        assert log.keeper is not None
        log.keeper.min_interval = 30.0  # long enough that nothing but the first write and the shutdown can happen
        await write(log)
        for _ in range(200):  # nobody waits for it: the anchor follows a commit after a quiet spell on its own
            if await anchored_sequence(anchor) == 1:
                break
            await asyncio.sleep(0.005)
        assert await anchored_sequence(anchor) == 1
        for _ in range(5):
            await asyncio.gather(*(write(log) for _ in range(20)))
        assert log.batches >= 6 and await anchored_sequence(anchor) == 1 and log.keeper.writes == 1
    assert await anchored_sequence(anchor) == 101 and log.keeper.writes == 2  # shutdown does not wait the interval


class FlakyAnchor(FileAnchor):
    """A file anchor whose writes fail while ``failing`` (a full or read-only disk)."""

    failing = False

    def write_now(self, head: AnchoredHead) -> None:
        if self.failing:
            raise OSError(28, "No space left on device")
        super().write_now(head)


async def test_anchor_write_failures_are_logged_once_and_a_cut_meanwhile_still_shows(
        migrated: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    anchor = FlakyAnchor(tmp_path / "flaky.anchor")
    with caplog.at_level(logging.WARNING, logger=ANCHOR_LOGGER):
        async with gateway_run(migrated, anchor) as (log, _):
            await write_many(log, 2)
            anchor.failing = True
            await write_many(log, 2)  # committed and answered; not anchored
            anchored = await anchor.read()
            assert anchored is not None and anchored.sequence == 2
            anchor.failing = False
            await delete_from(migrated, 3)
            await write_many(log, 1)
            result = await audit.verify(migrated, log.head_sequence, anchor=anchor, noticed=log.anchor_problem)
    failures = [r for r in caplog.records if "cannot be written" in r.getMessage()]
    assert len(failures) == 1 and failures[0].levelno == logging.ERROR
    assert "No space left" in failures[0].getMessage()
    # The head this process knew it committed went into the anchor once it could be written again.
    assert await anchored_sequence(anchor) == 4
    assert not result.ok and result.broken_sequence == 4


async def test_two_writers_on_one_database_do_not_alarm_each_other(migrated: Database, tmp_path: Path) -> None:
    first, second = FileAnchor(tmp_path / "first.anchor"), FileAnchor(tmp_path / "second.anchor")
    async with gateway_run(migrated, first) as (one, _), gateway_run(migrated, second) as (two, _):
        await write_many(one, 2)
        await write_many(two, 2)
        await write_many(one, 1)  # chained after the other writer's record 4: checked against record 2
        assert (one.anchor_problem, two.anchor_problem) == (None, None)
    assert [await anchored_sequence(a) for a in (first, second)] == [5, 4]
    assert (await audit.verify(migrated, anchor=first)).ok and (await audit.verify(migrated, anchor=second)).ok


async def test_the_check_runs_before_the_first_anchor_write_when_start_up_could_not_read_the_log(
        database: Database, anchor: FileAnchor, caplog: pytest.LogCaptureFixture) -> None:
    log = DecisionLog(database, PERSONAL_FIELDS, anchor=anchor)
    with caplog.at_level(logging.ERROR):
        assert await log.start() is None  # not migrated yet: no table
    assert "could not check the chain" in caplog.text
    await migrate_database(database)
    await write_many(log, 2)
    await log.close()
    assert log.anchor_problem is None and await anchored_sequence(anchor) == 2


async def test_a_crash_mid_append_leaves_the_previous_head(migrated: Database, anchor: FileAnchor) -> None:
    async with gateway_run(migrated, anchor) as (log, _):
        await write_many(log, 2)
    complete = anchor.path.read_bytes()
    # The crash: the next head only partly appended (no newline), as a power cut mid-write leaves it.
    torn = complete + encode(AnchoredHead(3, "f" * 64, datetime.now(UTC)))[:40]
    anchor.path.write_bytes(torn)
    assert await anchored_sequence(anchor) == 2
    async with gateway_run(migrated, FileAnchor(anchor.path)) as (log, check):  # the restarted process
        assert check.ok and check.anchored is not None and check.anchored.sequence == 2
        await write_many(log, 1)
    raw = anchor.path.read_bytes()
    assert raw.startswith(complete) and raw.endswith(b"\n") and b"f" * 64 not in raw  # the fragment was cut off
    assert await anchored_sequence(anchor) == 3


def test_an_append_that_fails_halfway_is_cut_off_before_the_next(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    anchor = FileAnchor(tmp_path / "disk-full.anchor")
    first, third = (AnchoredHead(n, c * 64, datetime.now(UTC)) for n, c in ((1, "a"), (3, "c")))
    anchor.write_now(first)
    real_write = os.write

    def half_then_full(descriptor: int, data: bytes) -> int:
        real_write(descriptor, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(OSError, match="No space"):
        anchor.write_now(AnchoredHead(2, "b" * 64, datetime.now(UTC)))
    monkeypatch.setattr(os, "write", real_write)
    assert anchor.read_now() == first
    anchor.write_now(third)
    assert len(anchor.path.read_bytes().splitlines()) == 2 and anchor.read_now() == third


async def test_a_first_write_torn_by_a_crash_counts_as_no_anchor(migrated: Database, anchor: FileAnchor) -> None:
    anchor.path.parent.mkdir(parents=True)
    anchor.path.write_bytes(encode(AnchoredHead(1, "e" * 64, datetime.now(UTC)))[:25])
    assert await anchor.read() is None
    async with gateway_run(migrated, anchor) as (log, check):
        assert check.ok and check.anchored is None
        await write_many(log, 1)
    assert await anchored_sequence(anchor) == 1


async def test_the_anchor_file_is_compacted_to_its_newest_head(migrated: Database, tmp_path: Path) -> None:
    anchor = FileAnchor(tmp_path / "small.anchor", compact_at=600)  # room for three heads
    async with gateway_run(migrated, anchor) as (log, _):
        for _ in range(7):
            await write_many(log, 1)
        assert len(anchor.path.read_bytes()) <= 600
    assert await anchored_sequence(anchor) == 7
    assert (await audit.verify(migrated, anchor=anchor)).ok


@pytest.mark.parametrize(("damage", "message"), [
    (lambda raw: raw.replace(b'"sequence":2', b'"sequence":1'), "fails its checksum"),
    (lambda raw: b'{"sequence": 2}\n', "does not hold a head"),
    (lambda raw: raw + b"\x00\x00 not a head\n", "not JSON"),
], ids=["edited", "foreign", "garbage"])
async def test_a_damaged_anchor_is_reported_and_left_as_found(
        migrated: Database, anchor: FileAnchor, caplog: pytest.LogCaptureFixture, damage: Callable[[bytes], bytes],
        message: str) -> None:
    async with gateway_run(migrated, anchor) as (log, _):
        await write_many(log, 2)
    damaged = damage(anchor.path.read_bytes())
    anchor.path.write_bytes(damaged)
    with pytest.raises(AnchorDamaged, match=message):
        await anchor.read()
    with caplog.at_level(logging.ERROR, logger=ANCHOR_LOGGER):
        async with gateway_run(migrated, anchor) as (log, check):
            assert not check.ok and message in (check.problem or "")
            await write_many(log, 2)
            result = await audit.verify(migrated, log.head_sequence, anchor=anchor, noticed=log.anchor_problem)
    assert message in caplog.text
    assert anchor.path.read_bytes() == damaged
    assert not result.ok and result.checked == 4 and message in (result.reason or "")


def test_an_anchored_head_is_one_checksummed_line() -> None:
    head = AnchoredHead(12, "ab" * 32, datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    raw = encode(head)
    assert raw.count(b"\n") == 1 and raw.endswith(b"\n")
    assert decode(raw, "here") == head


def test_the_anchor_defaults_to_the_data_dir_and_bad_values_are_named(tmp_path: Path) -> None:
    settings = GatewaySettings.from_env({"GRIDGOV_DATA_DIR": str(tmp_path)})
    assert settings.decision_log_anchor == tmp_path / "gateway-decision-log.anchor"
    chosen = GatewaySettings.from_env({"GRIDGOV_DATA_DIR": str(tmp_path),
                                       "GRIDGOV_DECISION_LOG_ANCHOR": str(tmp_path / "worm" / "head")})
    assert chosen.decision_log_anchor == tmp_path / "worm" / "head"
    for value, named in [("s3://bucket/head", "must be a file path"),
                         (str(tmp_path), "must name a file, not a directory"),
                         (f"{tmp_path}/nothing-yet/", "must name a file")]:
        with pytest.raises(ConfigError, match=f"GRIDGOV_DECISION_LOG_ANCHOR {named}"):
            GatewaySettings.from_env({"GRIDGOV_DATA_DIR": str(tmp_path), "GRIDGOV_DECISION_LOG_ANCHOR": value})


VERIFY = ("{ decisionLogVerification { ok checked headSequence brokenSequence reason anchorSequence anchorHash "
          "anchoredAt } }")


async def test_the_gateway_checks_its_log_at_start_up_and_auditors_see_the_cut(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = gateway_settings(tmp_path)
    auditor = token(settings, "audrey")
    async with running_gateway(settings) as gateway:
        for _ in range(3):
            await gateway.ok("{ viewer { id } }", auditor)
        clean = (await gateway.ok(VERIFY, auditor))["decisionLogVerification"]
    assert clean["ok"] and clean["anchorSequence"] is not None and clean["anchoredAt"]
    anchored = await anchored_sequence(FileAnchor(settings.decision_log_anchor))
    assert anchored == 4  # three viewer reads and the verification itself, anchored at shutdown
    database = Database.from_url(settings.database_url)
    try:
        await delete_from(database, 3)
    finally:
        await database.dispose()
    with caplog.at_level(logging.ERROR, logger=ANCHOR_LOGGER):
        async with running_gateway(settings) as gateway:
            assert "records 3 to 4 are missing" in caplog.text
            verdict = (await gateway.ok(VERIFY, auditor))["decisionLogVerification"]
            ready = await gateway.client.get(f"{gateway.url}/readyz")
    assert not verdict["ok"] and verdict["brokenSequence"] == 4 and verdict["anchorSequence"] == 4
    assert "record 4 is missing" in verdict["reason"]  # the verification's own decision became record 3
    assert ready.status_code == 200  # still serving: the break is the auditors' to see, not an outage
