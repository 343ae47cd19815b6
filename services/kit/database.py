"""The async SQLAlchemy engine: SQLite (WAL) in the embedded default, PostgreSQL in production."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import Executable, Row, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
# A unit of work written once for both databases: plain synchronous SQLAlchemy on the Session it is given.
Work = Callable[[Session], T]


def create_engine(url: str, *, writer: bool = True, **kwargs: Any) -> AsyncEngine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout. JSON columns are read with
    orjson (the standard decoder was a third of the time of reading a page of cases).

    A SQLite ``writer`` engine begins every transaction with BEGIN IMMEDIATE, taking the write
    lock up front so read-modify-write transactions serialize instead of failing on upgrade;
    a reader engine begins deferred transactions, which WAL lets run beside the writer.
    """
    parsed = make_url(url)
    kwargs.setdefault("json_deserializer", orjson.loads)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate if writer else _sqlite_begin)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" listener issue BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def create_sqlite_reader(url: str) -> Engine | None:
    """A synchronous reader engine on the same SQLite file, for one-hop reads; None for in-memory databases
    (a second engine would open a different, empty database)."""
    return _sync_sqlite_engine(url, writer=False, pool_size=READER_THREADS)


def create_sqlite_writer(url: str) -> Engine | None:
    """A synchronous writer engine (BEGIN IMMEDIATE) on the same SQLite file, for one-hop write transactions;
    None for in-memory databases."""
    return _sync_sqlite_engine(url, writer=True, pool_size=1)


def _sync_sqlite_engine(url: str, *, writer: bool, pool_size: int) -> Engine | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    # Connections move between the worker threads, one thread at a time (the pool hands each out once).
    engine = create_sync_engine(parsed.set(drivername="sqlite"), pool_size=pool_size, max_overflow=0,
                                connect_args={"timeout": 30, "check_same_thread": False},
                                json_deserializer=orjson.loads)
    event.listen(engine, "connect", _sqlite_pragmas)
    if writer:
        event.listen(engine, "begin", _sqlite_begin_immediate)
    # A reader runs autocommit: a single statement (fetch) is its own snapshot without a BEGIN and ROLLBACK
    # around it; run_read begins a transaction itself, for a snapshot across its statements.
    return engine


# Threads that run SQLite reads for Database.fetch: SQLite releases the GIL while it searches, so two
# overlap usefully on two cores; more only queue on the GIL.
READER_THREADS = 2


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


class Database:
    """One service's database: the engine and a session factory bound to it."""

    def __init__(self, engine: AsyncEngine, read_engine: AsyncEngine | None = None, *,
                 sqlite_url: str | None = None) -> None:
        self.engine = engine
        self.read_engine = read_engine or engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        # Called after a transaction that published events commits (wakes Watch streams).
        self.on_publish: list[Callable[[], None]] = []
        # Raised after every transaction of this process commits: an answer computed at an older value may be
        # out of date (the answer cache drops it).
        self.commits = 0
        # SQLite has one writer at a time. Writers that collide on BEGIN IMMEDIATE wait in SQLite's busy
        # handler, which sleeps in steps of up to 100 ms: under concurrent commands throughput collapses.
        # Queuing this process's writers here instead hands the lock over as soon as it is free.
        self._writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._writer_task: asyncio.Task[object] | None = None
        # SQLite: single-statement reads run whole (connect, execute, fetch) on a reader thread, one hop,
        # where aiosqlite hops threads for every step. Made on the first fetch: most processes never fetch.
        self._sqlite_reader_url = sqlite_url
        self._sqlite_reader: Engine | None = None
        self._reader_threads: ThreadPoolExecutor | None = None
        # SQLite: run_write() runs a whole transaction on one writer thread, one hop instead of one per
        # statement, fetch and commit. Made on the first run_write.
        self._sqlite_writer_url = sqlite_url
        self._sqlite_writer: sessionmaker[Session] | None = None
        self._writer_thread: ThreadPoolExecutor | None = None

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        engine = create_engine(url, **kwargs)
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            return cls(engine, create_engine(url, writer=False, **kwargs), sqlite_url=url)
        # PostgreSQL, or an in-memory SQLite database, which a second engine would not see.
        return cls(engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on exit, rolled back on any error."""
        task = asyncio.current_task()
        if self._writer is None or task is None or self._writer_task is task:
            async with self._transaction() as session:
                yield session
            return
        async with self._writer:
            self._writer_task = task
            try:
                async with self._transaction() as session:
                    yield session
            finally:
                self._writer_task = None

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            async with session.begin():
                yield session
            self.commits += 1
            if session.info.pop("published", False):
                for callback in self.on_publish:
                    callback()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only (on SQLite, beside the writer rather than behind it)."""
        async with self.read_sessions() as session:
            yield session

    async def fetch(self, statement: Executable) -> Sequence[Row[Any]]:
        """Every row of one read-only statement (a Core select), with the fewest hops: on SQLite one trip
        to a reader thread, beside the writer; otherwise one pooled connection of the read engine.
        A single statement sees one consistent snapshot on both databases."""
        threads = self._reader()
        if threads is not None:
            return await _in_thread(threads, self._fetch_sqlite, statement)
        async with self.read_engine.connect() as connection:
            return (await connection.execute(statement)).all()

    def _fetch_sqlite(self, statement: Executable) -> Sequence[Row[Any]]:
        assert self._sqlite_reader is not None
        with self._sqlite_reader.connect() as connection:
            return connection.execute(statement).all()

    def _reader(self) -> ThreadPoolExecutor | None:
        if self._sqlite_reader_url is not None and self._reader_threads is None:
            self._sqlite_reader = create_sqlite_reader(self._sqlite_reader_url)
            self._sqlite_reader_url = None
            if self._sqlite_reader is not None:
                self._reader_threads = ThreadPoolExecutor(READER_THREADS, thread_name_prefix="sqlite-read")
        return self._reader_threads

    async def run_read(self, work: Work[T]) -> T:
        """``work(session)`` inside one read-only transaction (one snapshot): on SQLite whole on a reader
        thread, one hop, beside the writer; otherwise through the read engine."""
        threads = self._reader()
        if threads is None:
            async with self.read() as session:
                return await session.run_sync(work)
        return await _in_thread(threads, self._read_sqlite, work)

    def _read_sqlite(self, work: Work[T]) -> T:
        assert self._sqlite_reader is not None
        with Session(self._sqlite_reader, expire_on_commit=False) as session, session.begin():
            session.connection().exec_driver_sql("BEGIN")  # one snapshot for every statement of the work
            return work(session)

    async def run_write(self, work: Work[T]) -> T:
        """``work(session)`` inside one write transaction: committed when it returns, rolled back if it raises.

        The same synchronous code runs on both databases. On a SQLite file the whole transaction (BEGIN
        IMMEDIATE, every statement, COMMIT) is one trip to the writer thread, where the async engine hops
        threads for every statement, fetch and commit; behind the same queue as transaction(). Elsewhere it
        runs in transaction() through the async driver. Context variables (the actor) are seen by ``work``.
        """
        if self._writer is None or not self._sqlite_writer_ready():
            async with self.transaction() as session:
                return await session.run_sync(work)
        assert self._writer_thread is not None
        if self._writer_task is asyncio.current_task():
            raise RuntimeError("run_write() inside transaction() of the same task would wait for itself")
        async with self._writer:
            future = _in_thread(self._writer_thread, self._write_sqlite, work)
            try:
                result, published = await asyncio.shield(future)
            except asyncio.CancelledError:
                # The caller gave up, the thread did not: hand the lock on only once it has committed or rolled back.
                await asyncio.wait([future])
                raise
            finally:
                self.commits += 1  # committed or rolled back: dropping a cached answer is always safe
        if published:
            for callback in self.on_publish:
                callback()
        return result

    def _sqlite_writer_ready(self) -> bool:
        if self._sqlite_writer_url is not None and self._writer_thread is None:
            engine = create_sqlite_writer(self._sqlite_writer_url)
            self._sqlite_writer_url = None
            if engine is not None:
                self._sqlite_writer = sessionmaker(engine, expire_on_commit=False)
                self._writer_thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-write")
        return self._writer_thread is not None

    def _write_sqlite(self, work: Work[T]) -> tuple[T, bool]:
        assert self._sqlite_writer is not None
        with self._sqlite_writer() as session:
            with session.begin():
                result = work(session)
            return result, bool(session.info.pop("published", False))

    async def dispose(self) -> None:
        if self._reader_threads is not None and self._sqlite_reader is not None:
            self._reader_threads.shutdown(wait=True)
            self._sqlite_reader.dispose()
            self._reader_threads = self._sqlite_reader = None
        if self._writer_thread is not None and self._sqlite_writer is not None:
            self._writer_thread.shutdown(wait=True)
            bind = self._sqlite_writer.kw["bind"]
            bind.dispose()
            self._writer_thread = self._sqlite_writer = None
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def _in_thread(threads: ThreadPoolExecutor, function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """``function(*args)`` on one of ``threads``, seeing the caller's context variables."""
    context = contextvars.copy_context()
    return asyncio.get_running_loop().run_in_executor(threads, context.run, function, *args)
