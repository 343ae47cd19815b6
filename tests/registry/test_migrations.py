"""The registry migrations build exactly the tables the models describe, and 0003 (boundaries) goes down and up."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from services.kit.database import Database
from services.kit.migrations import alembic_config, upgrade
from services.registry.models import Base
from services.registry.plugin import plugin


async def differences(database: Database) -> list[object]:
    async with database.engine.connect() as connection:
        return await connection.run_sync(  # type: ignore[no-any-return]
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))


async def test_migrations_match_the_models_and_0003_goes_down_and_up(database: Database) -> None:
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []

    def down_to_0002(connection: Connection) -> set[str]:
        command.downgrade(alembic_config(plugin.migrations, connection), "0002")
        return {column["name"] for column in inspect(connection).get_columns("jurisdiction")}

    async with database.engine.begin() as connection:
        columns = await connection.run_sync(down_to_0002)
    assert "boundary" not in columns and "area_m2" not in columns and "code" in columns
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []
