"""What every service's gRPC servicer holds: the runtime, its database and clock, and one transaction per command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.errors import AlreadyExists
from services.kit.runtime import ServiceRuntime


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
