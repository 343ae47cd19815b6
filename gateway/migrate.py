"""Applies the gateway's own migrations (the decision log) to its database."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gateway.settings import GatewaySettings
from services.kit.database import Database
from services.kit.migrations import upgrade

MIGRATIONS = Path(__file__).parent / "migrations"


async def migrate_database(database: Database) -> None:
    await upgrade(database, MIGRATIONS)


async def migrate_gateway(environ: Mapping[str, str] | None = None) -> None:
    """Brings GRIDGOV_GATEWAY_DATABASE_URL to the newest revision (``gridgov migrate``)."""
    database = Database.from_url(GatewaySettings.from_env(environ).database_url)
    try:
        await migrate_database(database)
    finally:
        await database.dispose()
