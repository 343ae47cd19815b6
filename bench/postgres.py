"""The benchmarks' PostgreSQL databases: made, remade or copied from a template on the server given."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url


async def postgres_database(server: str, name: str, *, fresh: bool, template: str = "") -> str:
    """The URL of database ``name`` on ``server``, created if missing (dropped first when ``fresh``; copied
    from ``template`` when given)."""
    base = make_url(server)
    connection = await asyncpg.connect(base.set(drivername="postgresql", database="postgres")
                                       .render_as_string(hide_password=False))
    try:
        if fresh:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        await connection.close()
    return base.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
