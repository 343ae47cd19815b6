"""The fire migrations build exactly the tables the models describe; 0003 (district settings) and 0004 (place
locations) go down and up."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from services.fire.models import Base
from services.fire.plugin import plugin
from services.kit.database import Database
from services.kit.migrations import alembic_config, upgrade


async def differences(database: Database) -> list[object]:
    async with database.engine.connect() as connection:
        return await connection.run_sync(  # type: ignore[no-any-return]
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))


async def test_migrations_match_the_models_and_0003_goes_down_and_up(database: Database) -> None:
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []

    def down_to_0002(connection: Connection) -> bool:
        command.downgrade(alembic_config(plugin.migrations, connection), "0002")
        return inspect(connection).has_table("fire_district_settings")

    async with database.engine.begin() as connection:
        assert await connection.run_sync(down_to_0002) is False
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []


async def test_0004_place_location_goes_down_and_up(database: Database) -> None:
    await upgrade(database, plugin.migrations)

    def down_to_0003(connection: Connection) -> set[str]:
        command.downgrade(alembic_config(plugin.migrations, connection), "0003")
        return {column["name"] for column in inspect(connection).get_columns("place")}

    async with database.engine.begin() as connection:
        columns = await connection.run_sync(down_to_0003)
    assert "address" in columns and not columns & {"latitude", "longitude"}
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []
