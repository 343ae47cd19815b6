"""Throwaway PostgreSQL schemas so each test starts from an empty database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from services.kit.database import Database, create_engine


@asynccontextmanager
async def postgres_schema(url: str) -> AsyncIterator[Database]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, pool_size=1)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(create_engine(url, connect_args={"server_settings": {"search_path": schema}}))
    try:
        yield db
    finally:
        await db.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
