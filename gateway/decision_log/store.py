"""Queries on the decision log: append a batch to the chain, list with filters, scan in order."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.decision_log.chain import GENESIS, hashed_fields, link_hash
from gateway.decision_log.models import AccessDecision
from gateway.decision_log.record import DecisionRecord, canonical_json
from services.kit.database import Database
from services.kit.jurisdiction import prefix_condition, scope_condition

# Serializes appends across gateway replicas sharing one PostgreSQL database ("gridlog").
APPEND_LOCK = 0x67726964_6C6F67
MAX_PAGE = 200
SCAN_BATCH = 1000
TABLE: Table = AccessDecision.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class DecisionFilter:
    """What an auditor narrows the log to; None means any."""

    subject: str | None = None
    action: str | None = None
    allow: bool | None = None
    resource_type: str | None = None
    jurisdiction_prefix: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def head_query() -> Select[int, str]:
    return select(AccessDecision.sequence, AccessDecision.hash).order_by(AccessDecision.sequence.desc()).limit(1)


async def head(database: Database) -> tuple[int, str] | None:
    """The chain's last (sequence, hash), None when the log is empty."""
    async with database.read() as session:
        row = (await session.execute(head_query())).first()
    return (row[0], row[1]) if row else None


async def record_at(database: Database, sequence: int) -> AccessDecision | None:
    async with database.read() as session:
        return await session.get(AccessDecision, sequence)


def chained_rows(head: Any, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
    """Column values for ``records`` chained after ``head`` (sequence, hash), or after the genesis."""
    sequence, previous = (head[0], head[1]) if head else (0, GENESIS)
    rows = []
    for record in records:
        sequence += 1
        resource = record.resource
        row: dict[str, Any] = {
            "sequence": sequence, "decision_id": record.decision_id, "timestamp": record.timestamp,
            "path": record.path, "input": canonical_json(record.input), "result": canonical_json(record.result),
            "revision": record.revision, "requested_by": record.requested_by, "req_id": record.req_id,
            "subject": record.subject, "action": record.action, "resource_type": str(resource.get("type", "")),
            "jurisdiction_code": str(resource.get("jurisdiction_code", "")),
            "allow": bool(record.result.get("allow")), "previous_hash": previous,
        }
        row["hash"] = previous = link_hash(previous, hashed_fields(row))
        rows.append(row)
    return rows


async def append(connection: AsyncConnection, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
    """Chains ``records`` after the current head, inside the caller's transaction (any async database).

    A Core connection, not an ORM session: the session's bookkeeping cost more than the statements.
    """
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK})
    rows = chained_rows((await connection.execute(head_query())).first(), records)
    await connection.execute(insert(TABLE), rows)
    return rows


def append_sync(connection: Connection, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
    """The same on a synchronous SQLite connection whose transaction began IMMEDIATE (appends serialized)."""
    rows = chained_rows(connection.execute(head_query()).first(), records)
    connection.execute(insert(TABLE), rows)
    return rows


def _conditions(where: DecisionFilter, scopes: Sequence[str] | None) -> list[Any]:
    column = AccessDecision.jurisdiction_code
    conditions: list[ColumnElement[bool]] = []
    if scopes is not None:
        # Decisions tied to no place (lists, the log itself) carry an empty code: visible to every auditor.
        conditions.append(scope_condition(column, scopes) | (column == ""))
    if where.subject is not None:
        conditions.append(AccessDecision.subject == where.subject)
    if where.action is not None:
        conditions.append(AccessDecision.action == where.action)
    if where.allow is not None:
        conditions.append(AccessDecision.allow == where.allow)
    if where.resource_type is not None:
        conditions.append(AccessDecision.resource_type == where.resource_type)
    if where.jurisdiction_prefix:
        conditions.append(prefix_condition(column, where.jurisdiction_prefix))
    if where.start is not None:
        conditions.append(AccessDecision.timestamp >= where.start)
    if where.end is not None:
        conditions.append(AccessDecision.timestamp < where.end)
    return conditions


def encode_cursor(sequence: int) -> str:
    return base64.urlsafe_b64encode(f"decision:{sequence}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Raises ValueError if ``cursor`` is not one this log issued."""
    raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    kind, _, number = raw.partition(":")
    if kind != "decision" or not number.isdigit():
        raise ValueError(cursor)
    return int(number)


async def page(database: Database, where: DecisionFilter, *, scopes: Sequence[str] | None, first: int,
               after: int | None) -> tuple[list[AccessDecision], bool]:
    """Newest first: up to ``first`` records older than ``after``, and whether more remain."""
    query = select(AccessDecision).where(*_conditions(where, scopes))
    if after is not None:
        query = query.where(AccessDecision.sequence < after)
    query = query.order_by(AccessDecision.sequence.desc()).limit(first + 1)
    async with database.read() as session:
        rows = list((await session.scalars(query)).all())
    return rows[:first], len(rows) > first


async def scan(database: Database, where: DecisionFilter | None = None, *,
               scopes: Sequence[str] | None = None) -> AsyncIterator[AccessDecision]:
    """Every (matching) record in chain order, read in batches."""
    conditions = _conditions(where or DecisionFilter(), scopes)
    after = 0
    while True:
        query = (select(AccessDecision).where(AccessDecision.sequence > after, *conditions)
                 .order_by(AccessDecision.sequence).limit(SCAN_BATCH))
        async with database.read() as session:
            rows = list((await session.scalars(query)).all())
        for row in rows:
            yield row
        if len(rows) < SCAN_BATCH:
            return
        after = rows[-1].sequence
