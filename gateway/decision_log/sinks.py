"""Where a batch of decisions is committed: an async session (PostgreSQL), or one SQLite thread."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.decision_log import store
from gateway.decision_log.record import DecisionRecord
from services.kit.database import Database


class Sink(Protocol):
    async def write(self, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
        """Commits the batch durably, chained; raises on any failure (nothing is written then)."""
        ...

    async def probe(self) -> None:
        """Appends a trial record as a real batch would, then rolls it back; raises when the log is not writable."""
        ...

    async def close(self) -> None: ...


class SessionSink:
    """Appends through the database's async engine, one Core transaction a batch (PostgreSQL: asyncpg,
    advisory-locked)."""

    def __init__(self, database: Database, lock_timeout: float | None = None) -> None:
        self.database = database
        self.lock_timeout_ms = int(lock_timeout * 1000) if lock_timeout else 0

    async def _bound(self, connection: AsyncConnection) -> None:
        if self.lock_timeout_ms and connection.dialect.name == "postgresql":
            # The advisory lock and row locks wait at most this long; the caller has stopped waiting by then.
            await connection.execute(text(f"SET LOCAL lock_timeout = {self.lock_timeout_ms}"))

    async def write(self, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
        async with self.database.engine.begin() as connection:
            await self._bound(connection)
            return await store.append(connection, records)

    async def probe(self) -> None:
        async with self.database.engine.connect() as connection:
            transaction = await connection.begin()
            try:
                await self._bound(connection)
                await store.append(connection, [store.trial_record()])
            finally:
                await transaction.rollback()

    async def close(self) -> None:
        return None


DEFAULT_BUSY_TIMEOUT_MS = 30_000


def _sqlite_connector(busy_timeout_ms: int) -> Any:
    def connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN IMMEDIATE is issued by the begin listener
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # A decision is acknowledged only once on disk: sync every (group) commit, not just checkpoints.
        cursor.execute("PRAGMA synchronous=FULL")
        # A locked file is waited for at most this long (the request's own bound), not SQLite's 30 s.
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    return connect


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class SqliteThreadSink:
    """SQLite: one connection on one thread, a whole batch per hop (aiosqlite would hop per statement)."""

    def __init__(self, url: str, lock_timeout: float | None = None) -> None:
        sync_url = make_url(url).set(drivername="sqlite")
        # The synchronous engine the sink's one thread writes through.
        self.engine: Engine = create_engine(sync_url, pool_size=1, max_overflow=0)
        busy = int(lock_timeout * 1000) if lock_timeout else DEFAULT_BUSY_TIMEOUT_MS
        event.listen(self.engine, "connect", _sqlite_connector(busy))
        event.listen(self.engine, "begin", _sqlite_begin)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decision-log")

    def _write(self, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
        with self.engine.begin() as connection:
            return store.append_sync(connection, records)

    def _probe(self) -> None:
        with self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                store.append_sync(connection, [store.trial_record()])
            finally:
                transaction.rollback()

    async def write(self, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._write, records)

    async def probe(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._probe)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self.engine.dispose)
        self._thread.shutdown(wait=True)


def sink_for(database: Database, *, lock_timeout: float | None = None) -> Sink:
    """The sink for ``database``; a locked database is waited for at most ``lock_timeout`` seconds a batch."""
    if database.engine.dialect.name == "sqlite":
        return SqliteThreadSink(database.url, lock_timeout)
    return SessionSink(database, lock_timeout)
