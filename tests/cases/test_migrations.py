"""The migrations build exactly the tables and indexes the models describe, and seed the catalogue."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from services.cases.catalogue import seed
from services.cases.catalogue_store import category_of
from services.cases.models import Base, CategoryRow
from services.cases.plugin import plugin
from services.kit.database import Database
from services.kit.migrations import upgrade


async def test_migrations_match_the_models(database: Database) -> None:
    await upgrade(database, plugin.migrations)
    async with database.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    assert diff == []
    async with database.read() as session:
        rows = (await session.scalars(select(CategoryRow).order_by(CategoryRow.code))).all()
    # The migration writes its seed out literally; it must be the catalogue module's version 1.
    assert [category_of(r) for r in rows] == sorted(seed(), key=lambda c: c.code)
