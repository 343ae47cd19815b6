"""The inspection migrations build exactly the tables, indexes and constraints the models describe, and 0002 (the
missed windows) goes down to 0001 and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from services.inspection.models import Base
from services.inspection.plugin import plugin
from services.kit.database import Database
from services.kit.migrations import alembic_config, upgrade


async def differences(database: Database) -> list[object]:
    async with database.engine.connect() as connection:
        return await connection.run_sync(  # type: ignore[no-any-return]
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))


async def test_migrations_match_the_models_and_0002_goes_down_and_up(database: Database) -> None:
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []

    def down_to_0001(connection: Connection) -> bool:
        command.downgrade(alembic_config(plugin.migrations, connection), "0001")
        return inspect(connection).has_table("missed_window")

    async with database.engine.begin() as connection:
        assert await connection.run_sync(down_to_0001) is False
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []

    def unique_keys(connection: Connection) -> list[list[str]]:
        return [c["column_names"] for c in inspect(connection).get_unique_constraints("missed_window")]

    async with database.engine.connect() as connection:
        assert await connection.run_sync(unique_keys) == [["kind", "subject_id", "window_start", "window_end"]]


async def test_0004_keeps_the_patroller_as_who_entered_each_earlier_patrol(database: Database) -> None:
    await upgrade(database, plugin.migrations)

    def down_to_0003_and_record(connection: Connection) -> None:
        command.downgrade(alembic_config(plugin.migrations, connection), "0003")
        connection.execute(text("INSERT INTO patrol (id, patroller, level, jurisdiction_code, patrolled_at, findings) "
                                "VALUES ('p1', 'head-4', 4, '110108001001001', '2026-11-20 02:00:00+00:00', '')"))

    async with database.engine.begin() as connection:
        await connection.run_sync(down_to_0003_and_record)
    await upgrade(database, plugin.migrations)
    assert await differences(database) == []
    async with database.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT patroller, recorded_by FROM patrol"))).all()
    assert [tuple(r) for r in rows] == [("head-4", "head-4")]
