"""The notifier's migrations build exactly the tables its models describe, and go down and up."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from services.kit.database import Database
from services.kit.migrations import alembic_config, upgrade
from services.notifier.models import Base
from services.notifier.plugin import plugin


async def differences(database: Database) -> list[object]:
    async with database.engine.connect() as connection:
        return await connection.run_sync(  # type: ignore[no-any-return]
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))


async def test_migrations_match_the_models_and_go_down_and_up(database: Database) -> None:
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []

    def down(connection: Connection) -> list[str]:
        command.downgrade(alembic_config(plugin.migrations, connection), "base")
        return [t for t in inspect(connection).get_table_names() if t != "alembic_version"]

    async with database.engine.begin() as connection:
        assert await connection.run_sync(down) == []
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []
