"""Alembic migrations per service, run from code (start-up, `gridgov migrate`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from services.kit.database import Database


def alembic_config(script_location: Path, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


async def upgrade(database: Database, script_location: Path, revision: str = "head") -> None:
    """Brings the service's database to ``revision`` (default: the newest)."""

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(script_location, connection), revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(run)


def run_env() -> None:
    """The body of every service's migrations/env.py: migrate on the connection we were given."""
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `gridgov migrate`, which passes a connection")
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
