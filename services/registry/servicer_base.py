"""What every part of the registry's gRPC servicer shares: the kit's servicer base and the input checks."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.errors import InvalidArgument
from services.kit.servicer import ServicerBase as ServicerBase  # the registry's RPC mixins share the kit's
from services.registry import domain
from services.registry.store import TreeStore


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
