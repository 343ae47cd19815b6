"""Fixtures of the registry tests: a running registry and the tree of the sample ledgers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.database import Database
from tests.conftest import POSTGRES_URL
from tests.support.actors import actor_metadata
from tests.support.databases import postgres_schema
from tests.support.services import RunningService, running_service

DATA = Path(__file__).parent / "data"
ADMIN = actor_metadata("admin", (("district_admin", "110108"),))
STREET = "110108001"


@pytest.fixture
async def registry(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("registry", database) as service:
        yield service


async def build_tree(stub: object, metadata: tuple[tuple[str, str | bytes], ...] = ADMIN,
                     communities: int = 3, grids: int = 4) -> list[str]:
    """District 110108, street 110108001, its communities 001.. and grids 001..; returns the grid codes."""
    codes = []
    await stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code="110108", name="海淀区"), metadata=metadata)
    await stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code=STREET, name="某街道"), metadata=metadata)
    for c in range(1, communities + 1):
        community = f"{STREET}{c:03d}"
        await stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code=community, name=f"{c}社区"),
                                      metadata=metadata)
        for g in range(1, grids + 1):
            grid = f"{community}{g:03d}"
            await stub.CreateJurisdiction(pb.CreateJurisdictionRequest(
                code=grid, name=f"{c}社区{g}网格", grid_type=pb.GRID_TYPE_URBAN), metadata=metadata)
            codes.append(grid)
    return codes


@pytest.fixture
async def other_database(database: Database, tmp_path: Path) -> AsyncIterator[Database]:
    """A second empty database of the same kind as ``database``."""
    if database.engine.dialect.name == "sqlite":
        other = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
        yield other
        await other.dispose()
        return
    async with postgres_schema(POSTGRES_URL) as other:
        yield other


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()
