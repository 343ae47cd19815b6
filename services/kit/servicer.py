"""What every service's gRPC servicer holds: the runtime, its database and clock, and one transaction per command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.database import Work
from services.kit.errors import AlreadyExists
from services.kit.runtime import ServiceRuntime

T = TypeVar("T")


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
