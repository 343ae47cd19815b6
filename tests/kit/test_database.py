"""The database wrapper: transactions, reads beside the writer, one-hop fetches and units of work."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.orm import Session

from services.kit.database import Database

ACTOR: contextvars.ContextVar[str] = contextvars.ContextVar("actor", default="")

metadata = MetaData()
numbers = Table("numbers", metadata, Column("n", Integer, primary_key=True))


async def fill(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    async with database.transaction() as session:
        await session.execute(insert(numbers), [{"n": i} for i in range(5)])


async def test_reads_and_fetches_see_committed_writes(database: Database) -> None:
    await fill(database)
    async with database.read() as session:
        assert (await session.execute(select(numbers.c.n).order_by(numbers.c.n))).scalars().all() == [0, 1, 2, 3, 4]
    rows = await database.fetch(select(numbers).where(numbers.c.n > 2).order_by(numbers.c.n))
    assert [row.n for row in rows] == [3, 4]


async def test_a_failed_transaction_writes_nothing(database: Database) -> None:
    await fill(database)
    with pytest.raises(ValueError):
        async with database.transaction() as session:
            await session.execute(insert(numbers).values(n=99))
            raise ValueError("half-way")
    assert len(await database.fetch(select(numbers))) == 5


async def test_an_in_memory_database_reads_what_it_wrote() -> None:
    database = Database.from_url("sqlite+aiosqlite:///:memory:")
    try:
        await fill(database)
        assert len(await database.fetch(select(numbers))) == 5
        async with database.read() as session:
            assert len((await session.execute(select(numbers))).all()) == 5
    finally:
        await database.dispose()


def _add(n: int) -> Callable[[Session], int]:
    def work(session: Session) -> int:
        session.execute(insert(numbers).values(n=n))
        return int(session.execute(select(func.count()).select_from(numbers)).scalar_one())
    return work


def _count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(numbers)).scalar_one())


async def test_run_write_commits_what_its_work_did_and_returns_its_result(database: Database) -> None:
    await fill(database)
    assert await database.run_write(_add(10)) == 6
    assert await database.run_read(_count) == 6
    async with database.read() as session:
        assert (await session.execute(select(numbers.c.n).where(numbers.c.n == 10))).scalar_one() == 10


async def test_run_write_that_raises_writes_nothing(database: Database) -> None:
    await fill(database)

    def half_way(session: Session) -> None:
        session.execute(insert(numbers).values(n=99))
        raise ValueError("half-way")

    with pytest.raises(ValueError, match="half-way"):
        await database.run_write(half_way)
    assert await database.run_read(_count) == 5


async def test_run_write_sees_the_callers_context_variables(database: Database) -> None:
    await fill(database)
    token = ACTOR.set("community-worker")
    try:
        assert await database.run_write(lambda session: ACTOR.get()) == "community-worker"
        assert await database.run_read(lambda session: ACTOR.get()) == "community-worker"
    finally:
        ACTOR.reset(token)


async def test_run_write_wakes_the_publish_listeners_after_commit(database: Database) -> None:
    await fill(database)
    woken: list[int] = []
    database.on_publish.append(lambda: woken.append(1))

    def quiet(session: Session) -> None:
        session.execute(insert(numbers).values(n=20))

    def publishing(session: Session) -> None:
        session.execute(insert(numbers).values(n=21))
        session.info["published"] = True

    await database.run_write(quiet)
    assert woken == []
    await database.run_write(publishing)
    assert woken == [1]


async def test_run_write_and_transaction_writers_interleave_without_losing_a_write(database: Database) -> None:
    await fill(database)

    async def through_transaction(n: int) -> None:
        async with database.transaction() as session:
            await session.execute(insert(numbers).values(n=n))

    await asyncio.gather(*(database.run_write(_add(100 + i)) if i % 2 else through_transaction(100 + i)
                           for i in range(30)))
    assert await database.run_read(_count) == 35


async def test_a_cancelled_run_write_finishes_its_transaction_before_the_next_writer(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cancel.db'}")
    try:
        await fill(database)
        started = threading.Event()

        def slow(session: Session) -> None:
            session.execute(insert(numbers).values(n=30))
            started.set()
            time.sleep(0.2)

        task = asyncio.create_task(database.run_write(slow))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The caller gave up; the transaction it started still committed, and the next writer goes on.
        assert await database.run_write(_add(31)) == 7
    finally:
        await database.dispose()


async def test_run_write_inside_a_transaction_of_the_same_task_is_refused(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'nested.db'}")
    try:
        await fill(database)
        with pytest.raises(RuntimeError, match="wait for itself"):
            async with database.transaction():
                await database.run_write(_count)
    finally:
        await database.dispose()


async def test_run_write_on_an_in_memory_database_goes_through_the_async_engine() -> None:
    database = Database.from_url("sqlite+aiosqlite:///:memory:")
    try:
        await fill(database)
        assert await database.run_write(_add(40)) == 6
        assert await database.run_read(_count) == 6
    finally:
        await database.dispose()


async def test_run_read_sees_one_snapshot_while_a_writer_commits(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'snapshot.db'}")
    try:
        await fill(database)
        counted, written = threading.Event(), threading.Event()

        def count_twice(session: Session) -> tuple[int, int]:
            first = _count(session)
            counted.set()
            written.wait(5)
            return first, _count(session)

        reading = asyncio.create_task(database.run_read(count_twice))
        await asyncio.to_thread(counted.wait, 5)
        assert await database.run_write(_add(50)) == 6
        written.set()
        assert await reading == (5, 5)
        assert await database.run_read(_count) == 6
        assert len(await database.fetch(select(numbers))) == 6
    finally:
        await database.dispose()
