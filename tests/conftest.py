"""Fixtures every test package shares: databases on SQLite and PostgreSQL, signed actors."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.kit.database import Database
from tests.support.databases import postgres_schema

POSTGRES_URL = os.environ.get("GRIDGOV_TEST_POSTGRES_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database of each kind; PostgreSQL gets a schema of its own, dropped afterwards."""
    if request.param == "sqlite":
        db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        yield db
        await db.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("GRIDGOV_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    async with postgres_schema(POSTGRES_URL) as db:
        yield db
