"""Idempotency keys: one write per (subject, method, key), the stored answer on a repeat, a different request refused,
concurrent repeats, the purge; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from gridgov.common.v1 import actor_pb2
from gridgov.registry.v1 import registry_pb2 as pb
from services.kit import actor as actor_context
from services.kit import idempotency
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY, ConfigError, ServiceSettings
from services.kit.database import Database, is_sqlite
from services.kit.errors import FailedPrecondition, InvalidArgument, NotFound
from services.kit.idempotency import IdempotencyKey
from services.kit.ids import new_id
from services.kit.outbox import publish_in
from services.kit.plugin import load_plugins
from services.kit.runtime import ServiceRuntime
from services.kit.server import kit_jobs
from services.kit.tables import define_kit_tables
from tests.support.services import service_settings

metadata = MetaData()
KIT = define_kit_tables(metadata)
names = Table("names", metadata, Column("id", String(36), primary_key=True), Column("name", String(32)))
Request = pb.CreateJurisdictionRequest
Response = pb.CreateJurisdictionResponse


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    token = actor_context.set_current(actor_pb2.Actor(subject="alice"))
    yield database
    actor_context._current.reset(token)


def create(calls: list[str]):  # type: ignore[no-untyped-def]
    """A unit of work that inserts one row and publishes one event per call, and answers with the row's id."""
    def work(session: Session) -> pb.CreateJurisdictionResponse:
        row_id = new_id()
        calls.append(row_id)
        session.execute(insert(names).values(id=row_id, name="翠微路"))
        publish_in(session, KIT, "test.created", pb.Jurisdiction(code=row_id), "110108")
        return Response(jurisdiction=pb.Jurisdiction(code=row_id, name="翠微路"))
    return work


async def counts(database: Database) -> tuple[int, int, int]:
    async with database.read() as session:
        return (await session.scalar(select(func.count()).select_from(names)) or 0,
                await session.scalar(select(func.count()).select_from(KIT.outbox)) or 0,
                await session.scalar(select(func.count()).select_from(KIT.idempotency_key)) or 0)


async def test_without_a_key_every_call_writes(db: Database) -> None:
    calls: list[str] = []
    for _ in range(2):
        await idempotency.run_write_once(db, KIT, Request(code="1"), Response, create(calls))
    assert len(calls) == 2 and await counts(db) == (2, 2, 0)


async def test_a_repeat_returns_the_first_answer_and_writes_nothing(db: Database) -> None:
    calls: list[str] = []
    request = Request(code="110108001", name="羊坊店", idempotency_key="k-1")
    first = await idempotency.run_write_once(db, KIT, request, Response, create(calls))
    again = await idempotency.run_write_once(db, KIT, request, Response, create(calls))
    assert again == first and again.jurisdiction.code == calls[0]
    assert len(calls) == 1 and await counts(db) == (1, 1, 1)


async def test_the_same_key_with_another_request_is_refused(db: Database) -> None:
    calls: list[str] = []
    await idempotency.run_write_once(db, KIT, Request(code="1", idempotency_key="k"), Response, create(calls))
    with pytest.raises(FailedPrecondition, match="idempotency_key: 'k' was already used for a different request"):
        await idempotency.run_write_once(db, KIT, Request(code="2", idempotency_key="k"), Response, create(calls))
    assert len(calls) == 1 and await counts(db) == (1, 1, 1)


async def test_keys_belong_to_their_subject_and_method(db: Database) -> None:
    calls: list[str] = []
    request = Request(code="1", idempotency_key="k")
    await idempotency.run_write_once(db, KIT, request, Response, create(calls))
    actor_context.set_current(actor_pb2.Actor(subject="bob"))
    await idempotency.run_write_once(db, KIT, request, Response, create(calls))
    other_method = pb.CreateBuildingRequest(idempotency_key="k")
    await idempotency.run_write_once(db, KIT, other_method, Response, create(calls))
    assert len(calls) == 3 and await counts(db) == (3, 3, 3)


@pytest.mark.parametrize("key", ["x" * 129, "键", "a\nb", "\x7f"])
async def test_a_malformed_key_is_refused_naming_the_field(db: Database, key: str) -> None:
    with pytest.raises(InvalidArgument) as raised:
        await idempotency.run_write_once(db, KIT, Request(idempotency_key=key), Response, create([]))
    assert [v.field for v in raised.value.violations] == ["idempotency_key"]
    assert "printable ASCII" in raised.value.message


async def test_a_failed_request_stores_no_key_and_may_be_sent_again(db: Database) -> None:
    def refuse(session: Session) -> pb.CreateJurisdictionResponse:
        session.execute(insert(names).values(id=new_id(), name="rolled back"))
        raise NotFound("parent", "1101")

    request = Request(code="1", idempotency_key="k")
    with pytest.raises(NotFound):
        await idempotency.run_write_once(db, KIT, request, Response, refuse)
    assert await counts(db) == (0, 0, 0)
    await idempotency.run_write_once(db, KIT, request, Response, create([]))
    assert await counts(db) == (1, 1, 1)


async def test_the_async_session_variant_keeps_the_same_promise(db: Database) -> None:
    calls: list[str] = []

    async def work(session: AsyncSession) -> pb.CreateJurisdictionResponse:
        return await session.run_sync(create(calls))

    request = Request(code="1", idempotency_key="k")
    first = await idempotency.write_once(db, KIT, request, Response, work)
    assert await idempotency.write_once(db, KIT, request, Response, work) == first
    with pytest.raises(FailedPrecondition):
        await idempotency.write_once(db, KIT, Request(code="2", idempotency_key="k"), Response, work)
    assert len(calls) == 1 and await counts(db) == (1, 1, 1)


async def test_concurrent_requests_with_one_key_write_once(db: Database) -> None:
    # Both transactions are open at once (PostgreSQL runs them side by side; SQLite's writer queue orders them):
    # exactly one row and one event, and both callers get the same answer.
    calls: list[str] = []
    started = asyncio.Event()

    async def work(session: AsyncSession) -> pb.CreateJurisdictionResponse:
        response = await session.run_sync(create(calls))
        started.set()
        await asyncio.sleep(0.2)
        return response

    request = Request(code="1", idempotency_key="same")
    answers = await asyncio.gather(*(idempotency.write_once(db, KIT, request, Response, work) for _ in range(3)))
    assert answers[0] == answers[1] == answers[2]
    assert await counts(db) == (1, 1, 1)
    assert answers[0].jurisdiction.code in calls
    # On PostgreSQL all three did the work side by side and two rolled back on the key: the path under test.
    assert len(calls) == (1 if is_sqlite(db.engine) else 3)


async def test_the_purge_deletes_keys_past_their_time(db: Database) -> None:
    request = Request(code="1", idempotency_key="old")
    await idempotency.run_write_once(db, KIT, request, Response, create([]))
    await idempotency.run_write_once(db, KIT, Request(code="1", idempotency_key="new"), Response, create([]))
    week = timedelta(days=7)
    await db.run_write(lambda s: s.execute(KIT.idempotency_key.update().where(KIT.idempotency_key.c.key == "old")
                                           .values(created_at=datetime.now(UTC) - week - timedelta(minutes=1))))
    assert await idempotency.purge(db, KIT, older_than=week) == 1
    async with db.read() as session:
        assert (await session.execute(select(KIT.idempotency_key.c.key))).scalars().all() == ["new"]
    # Once purged, the key is free again.
    calls: list[str] = []
    await idempotency.run_write_once(db, KIT, request, Response, create(calls))
    assert len(calls) == 1


def test_the_fingerprint_leaves_the_key_out_and_covers_every_other_field() -> None:
    actor_context.set_current(actor_pb2.Actor(subject="alice"))
    one = IdempotencyKey.of(Request(code="1", name="a", idempotency_key="k"))
    assert one is not None and one.method == "gridgov.registry.v1.CreateJurisdictionRequest"
    other_key = IdempotencyKey.of(Request(code="1", name="a", idempotency_key="j"))
    other_name = IdempotencyKey.of(Request(code="1", name="b", idempotency_key="k"))
    assert other_key is not None and other_name is not None
    assert one.request_hash == other_key.request_hash != other_name.request_hash
    assert IdempotencyKey.of(Request(code="1")) is None


def test_the_ttl_is_configured_in_days_and_refuses_less_than_one(tmp_path: Path) -> None:
    base = {"GRIDGOV_DATA_DIR": str(tmp_path)}
    assert ServiceSettings.from_env("cases", base).idempotency_ttl_days == idempotency.DEFAULT_TTL_DAYS == 7
    assert ServiceSettings.from_env("cases", {**base, "GRIDGOV_IDEMPOTENCY_TTL_DAYS": "30"}).idempotency_ttl_days == 30
    with pytest.raises(ConfigError, match="GRIDGOV_IDEMPOTENCY_TTL_DAYS must be at least 1"):
        ServiceSettings.from_env("cases", {**base, "GRIDGOV_IDEMPOTENCY_TTL_DAYS": "0"})


async def test_every_service_runs_the_purge_job_with_its_ttl_and_clock(db: Database) -> None:
    now = datetime(2026, 12, 2, tzinfo=UTC)
    settings = dataclasses.replace(service_settings("cases", db), idempotency_ttl_days=2)
    runtime = ServiceRuntime(settings, db, KIT, ActorSigner(DEV_ACTOR_KEY.encode(), "cases"), clock=lambda: now)
    plugin = load_plugins(["cases"])["cases"]
    [job] = kit_jobs(plugin, runtime)
    assert job.name == "cases.idempotency_purge" and job.interval == 3600
    for key in ("three-days-old", "a-day-old"):
        await idempotency.run_write_once(db, KIT, Request(code="1", idempotency_key=key), Response, create([]))
    table = KIT.idempotency_key
    await db.run_write(lambda s: s.execute(table.update().where(table.c.key == "three-days-old")
                                           .values(created_at=now - timedelta(days=3))))
    await db.run_write(lambda s: s.execute(table.update().where(table.c.key == "a-day-old")
                                           .values(created_at=now - timedelta(days=1))))
    await job.run()
    async with db.read() as session:
        assert (await session.execute(select(table.c.key))).scalars().all() == ["a-day-old"]
