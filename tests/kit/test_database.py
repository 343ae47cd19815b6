"""Database.fetch: one-statement reads on both databases, beside an open writer on SQLite."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from services.kit.database import Database

metadata = MetaData()
NOTE = Table("fetch_note", metadata, Column("id", Integer, primary_key=True), Column("text", String(20)))


async def _create(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


async def test_fetch_reads_committed_rows_in_order(database: Database) -> None:
    await _create(database)
    async with database.transaction() as session:
        await session.execute(insert(NOTE), [{"id": i, "text": f"note {i}"} for i in (3, 1, 2)])
    rows = await database.fetch(select(NOTE).order_by(NOTE.c.id))
    assert [(r.id, r.text) for r in rows] == [(1, "note 1"), (2, "note 2"), (3, "note 3")]
    assert await database.fetch(select(NOTE).where(NOTE.c.id > 3)) == []


async def test_fetch_runs_beside_an_open_write_and_sees_only_what_is_committed(database: Database) -> None:
    await _create(database)
    async with database.transaction() as session:
        await session.execute(insert(NOTE), [{"id": 1, "text": "committed"}])
    async with database.transaction() as session:
        await session.execute(insert(NOTE), [{"id": 2, "text": "pending"}])
        await session.flush()
        rows = await asyncio.wait_for(database.fetch(select(NOTE.c.text)), 5)
        assert [r.text for r in rows] == ["committed"]
    assert sorted(r.text for r in await database.fetch(select(NOTE.c.text))) == ["committed", "pending"]


async def test_dispose_stops_the_sqlite_reader_threads(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    await _create(database)
    assert await database.fetch(select(NOTE)) == []
    assert any(t.name.startswith("sqlite-read") for t in threading.enumerate())
    await database.dispose()
    assert not any(t.name.startswith("sqlite-read") for t in threading.enumerate())
