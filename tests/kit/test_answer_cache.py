"""The answer cache: kept for its seconds, dropped by a commit, one computation for concurrent askers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from services.kit.answer_cache import AnswerCache
from services.kit.database import Database


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cache.db'}")
    yield db
    await db.dispose()


def counter() -> tuple[list[int], Callable[[], Awaitable[int]]]:
    calls: list[int] = []

    async def compute() -> int:
        calls.append(1)
        await asyncio.sleep(0.01)
        return len(calls)

    return calls, compute


async def test_an_answer_is_kept_for_its_seconds_and_no_longer(database: Database) -> None:
    clock = Clock()
    cache: AnswerCache[int] = AnswerCache(database, 2.0, clock=clock)
    _calls, compute = counter()
    assert await cache.get("k", compute) == 1
    clock.now += 1.9
    assert await cache.get("k", compute) == 1
    assert await cache.get("other", compute) == 2
    clock.now += 0.1
    assert await cache.get("k", compute) == 3
    clock.now -= 10  # a clock moved back does not keep an answer from its future
    assert await cache.get("k", compute) == 4


@pytest.mark.parametrize("how", ["transaction", "run_write"])
async def test_a_commit_of_this_process_drops_every_answer(database: Database, how: str) -> None:
    cache: AnswerCache[int] = AnswerCache(database, 60.0, clock=Clock())
    _calls, compute = counter()
    assert await cache.get("k", compute) == 1
    assert await cache.get("k", compute) == 1
    if how == "transaction":
        async with database.transaction() as session:
            await session.execute(text("select 1"))
    else:
        await database.run_write(lambda session: session.execute(text("select 1")))
    assert await cache.get("k", compute) == 2


async def test_concurrent_askers_share_one_computation(database: Database) -> None:
    cache: AnswerCache[int] = AnswerCache(database, 2.0, clock=Clock())
    calls, compute = counter()
    answers = await asyncio.gather(*(cache.get("k", compute) for _ in range(16)))
    assert answers == [1] * 16 and len(calls) == 1


async def test_a_failure_is_given_to_the_waiters_and_not_kept(database: Database) -> None:
    cache: AnswerCache[int] = AnswerCache(database, 2.0, clock=Clock())
    attempts: list[int] = []

    async def failing() -> int:
        attempts.append(1)
        await asyncio.sleep(0.01)
        if len(attempts) == 1:
            raise RuntimeError("the database is away")
        return 7

    results = await asyncio.gather(*(cache.get("k", failing) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results) and len(attempts) == 1
    assert await cache.get("k", failing) == 7


async def test_a_cancelled_computation_is_taken_up_by_a_waiter(database: Database) -> None:
    cache: AnswerCache[int] = AnswerCache(database, 2.0, clock=Clock())
    started = asyncio.Event()

    async def slow() -> int:
        started.set()
        await asyncio.sleep(0.05)
        return 5

    first = asyncio.create_task(cache.get("k", slow))
    await started.wait()
    second = asyncio.create_task(cache.get("k", slow))
    await asyncio.sleep(0)
    first.cancel()
    assert await second == 5
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_zero_seconds_computes_every_time(database: Database) -> None:
    cache: AnswerCache[int] = AnswerCache(database, 0.0, clock=Clock())
    _calls, compute = counter()
    assert [await cache.get("k", compute) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(ValueError, match="0 seconds or more"):
        AnswerCache(database, -1.0)
