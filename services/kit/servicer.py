"""What every service's gRPC servicer holds: the runtime, its database and clock, one transaction per command, and
creating commands that run once per idempotency key."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypeVar

from google.protobuf.message import Message
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit import idempotency
from services.kit.database import Work
from services.kit.errors import AlreadyExists
from services.kit.runtime import ServiceRuntime

T = TypeVar("T")
R = TypeVar("R", bound=Message)


class ServicerBase:
    """The runtime the RPC mixins of a servicer work with; the clock is the runtime's, so tests control now."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.database = runtime.database

    def now(self) -> datetime:
        return self.runtime.clock()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One transaction per command; a unique index hit by a concurrent writer becomes ALREADY_EXISTS."""
        try:
            async with self.database.transaction() as session:
                yield session
        except IntegrityError as error:
            raise AlreadyExists(f"conflicts with a record stored meanwhile: {error.orig}") from None

    async def run_write(self, work: Work[T]) -> T:
        """write() for a synchronous unit of work (Database.run_write: one hop on SQLite)."""
        try:
            return await self.database.run_write(work)
        except IntegrityError as error:
            raise AlreadyExists(f"conflicts with a record stored meanwhile: {error.orig}") from None

    async def run_write_once(self, request: Message, response_type: type[R], work: Work[R], *,
                             remember: Callable[[R], bool] = lambda response: True) -> R:
        """run_write() of a creating RPC: ``work`` returns the response, stored under the request's idempotency key
        in the same transaction; a repeat of the key gets the stored response (services.kit.idempotency)."""
        return await idempotency.run_write_once(self.database, self.runtime.tables, request, response_type, work,
                                                remember=remember)

    async def write_once(self, request: Message, response_type: type[R],
                         work: Callable[[AsyncSession], Awaitable[R]], *,
                         remember: Callable[[R], bool] = lambda response: True) -> R:
        """run_write_once() for work on an AsyncSession, as in write()."""
        return await idempotency.write_once(self.database, self.runtime.tables, request, response_type, work,
                                            remember=remember)
