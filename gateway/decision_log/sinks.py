"""Where a batch of decisions is committed: an async session (PostgreSQL), or one SQLite thread."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from gateway.decision_log import store
from gateway.decision_log.record import DecisionRecord
from services.kit.database import Database


class Sink(Protocol):
    async def write(self, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
        """Commits the batch durably, chained; raises on any failure (nothing is written then)."""
        ...

    async def probe(self) -> None:
        """Takes the lock an append takes and writes nothing; raises when the log is not writable."""
        ...

    async def close(self) -> None: ...


class SessionSink:
    """Appends through the database's async engine, one Core transaction a batch (PostgreSQL: asyncpg,
    advisory-locked)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def write(self, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
        async with self.database.engine.begin() as connection:
            return await store.append(connection, records)

    async def probe(self) -> None:
        async with self.database.transaction() as session:
            if session.get_bind().dialect.name == "postgresql":
                await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": store.APPEND_LOCK})
            await session.execute(store.head_query())

    async def close(self) -> None:
        return None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # BEGIN IMMEDIATE is issued by the begin listener
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # A decision is acknowledged only once on disk: sync every (group) commit, not just checkpoints.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class SqliteThreadSink:
    """SQLite: one connection on one thread, a whole batch per hop (aiosqlite would hop per statement)."""

    def __init__(self, url: str) -> None:
        sync_url = make_url(url).set(drivername="sqlite")
        self._engine: Engine = create_engine(sync_url, pool_size=1, max_overflow=0)
        event.listen(self._engine, "connect", _sqlite_connect)
        event.listen(self._engine, "begin", _sqlite_begin)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decision-log")

    def _write(self, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
        with self._engine.begin() as connection:
            return store.append_sync(connection, records)

    def _probe(self) -> None:
        with self._engine.begin() as connection:
            connection.execute(store.head_query())

    async def write(self, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._write, records)

    async def probe(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._probe)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._engine.dispose)
        self._thread.shutdown(wait=True)


def sink_for(database: Database) -> Sink:
    if database.engine.dialect.name == "sqlite":
        return SqliteThreadSink(database.url)
    return SessionSink(database)
