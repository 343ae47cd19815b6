"""The database wrapper: transactions, reads beside the writer, one-hop fetches."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from services.kit.database import Database

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
