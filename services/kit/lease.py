"""A database lease so that only one replica runs a background job at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_

from services.kit.clock import utcnow
from services.kit.database import Database
from services.kit.tables import KitTables


async def acquire(database: Database, tables: KitTables, name: str, holder: str, ttl: float) -> bool:
    """Takes or renews the lease ``name`` for ``holder`` for ``ttl`` seconds; False if another holds it."""
    lease = tables.job_lease
    now = utcnow()
    expires = now + timedelta(seconds=ttl)
    async with database.transaction() as session:
        taken = await session.execute(
            lease.update()
            .where(lease.c.name == name)
            .where(or_(lease.c.holder == holder, lease.c.expires_at < now))
            .values(holder=holder, expires_at=expires)
        )
        if cast(CursorResult[Any], taken).rowcount:
            return True
        exists = await session.execute(lease.select().where(lease.c.name == name))
        if exists.first() is not None:
            return False
        await session.execute(lease.insert().values(name=name, holder=holder, expires_at=expires))
        return True
