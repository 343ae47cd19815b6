"""What every part of the registry's gRPC servicer shares: runtime, clock, transactions, input checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.errors import AlreadyExists, InvalidArgument
from services.kit.runtime import ServiceRuntime
from services.registry import domain
from services.registry.store import TreeStore


class ServicerBase:
    """The runtime the RPC mixins work with."""

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


def check_prefix(prefix: str, field: str = "jurisdiction_prefix") -> str:
    """A list's jurisdiction prefix: digits, at most 15; raises InvalidArgument naming ``field``."""
    prefix = prefix.strip()
    if prefix and (not prefix.isascii() or not prefix.isdigit() or len(prefix) > 15):
        raise InvalidArgument.field(field, "must be up to 15 digits of a jurisdiction code")
    return prefix


def require_id(value: str, field: str = "id") -> str:
    if not value.strip():
        raise InvalidArgument.field(field, "is required")
    return value.strip()


async def require_grid(session: AsyncSession, code: str, field: str = "jurisdiction_code") -> domain.Jurisdiction:
    """The grid node ``code``; raises InvalidArgument naming ``field`` when it is not a grid of the tree."""
    problem = domain.code_problem(code, domain.JurisdictionLevel.GRID)
    if problem:
        raise InvalidArgument.field(field, problem)
    node = await TreeStore(session).get(code)
    if node is None or node.level is not domain.JurisdictionLevel.GRID:
        raise InvalidArgument.field(field, f"no grid {code} in the registry's jurisdiction tree")
    return node
