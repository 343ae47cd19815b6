"""Queries on the decision log: append a batch to the chain, list with filters, scan in order."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from gateway.decision_log.chain import GENESIS, hashed_fields, link_hash
from gateway.decision_log.models import AccessDecision
from gateway.decision_log.record import DecisionRecord, Outcome, canonical_json
from services.kit.clock import utcnow
from services.kit.database import Database
from services.kit.ids import new_id
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
    # What the caller got: one of OUTCOME_STATES.
    outcome: str | None = None
    # True: refused by the policy, or allowed and then refused (by the service, or the gateway); False: neither.
    refused: bool | None = None


# What a caller got for a decision, as auditors filter and see it; the first applies to the decision itself, the
# middle four to its outcome records (the worst wins), the last to an allowing decision without any.
REFUSED_BY_POLICY = "refused_by_policy"
UNRECORDED = "unrecorded"
OUTCOME_STATES = (Outcome.SERVED, REFUSED_BY_POLICY, Outcome.REFUSED_BY_SERVICE, Outcome.REFUSED_BY_GATEWAY,
                  Outcome.UNKNOWN, UNRECORDED)
_REFUSALS = (Outcome.REFUSED_BY_SERVICE, Outcome.REFUSED_BY_GATEWAY)
_LATER: Any = aliased(AccessDecision)


def _followed_by(*outcomes: str) -> ColumnElement[bool]:
    """The decision has an outcome record with one of ``outcomes``."""
    return (select(_LATER.sequence)
            .where(_LATER.decision_ref == AccessDecision.decision_id, _LATER.outcome.in_(outcomes)).exists())


def _outcome_condition(state: str) -> ColumnElement[bool]:
    allowed = AccessDecision.allow.is_(True)
    if state == REFUSED_BY_POLICY:
        return AccessDecision.allow.is_(False)
    if state == Outcome.REFUSED_BY_SERVICE:
        return allowed & _followed_by(Outcome.REFUSED_BY_SERVICE)
    if state == Outcome.REFUSED_BY_GATEWAY:
        return allowed & _followed_by(Outcome.REFUSED_BY_GATEWAY) & ~_followed_by(Outcome.REFUSED_BY_SERVICE)
    if state == Outcome.UNKNOWN:
        return allowed & _followed_by(Outcome.UNKNOWN) & ~_followed_by(*_REFUSALS)
    if state == Outcome.SERVED:
        return allowed & _followed_by(Outcome.SERVED) & ~_followed_by(*_REFUSALS, Outcome.UNKNOWN)
    if state == UNRECORDED:
        return allowed & ~_followed_by(*Outcome.ALL)
    raise ValueError(f"outcome must be one of {', '.join(OUTCOME_STATES)}, got {state!r}")


def outcome_state(decision: AccessDecision, outcomes: Sequence[AccessDecision]) -> tuple[str, AccessDecision | None]:
    """What the caller got for ``decision`` given its outcome records, and the record that says so."""
    if not decision.allow:
        return REFUSED_BY_POLICY, None
    for state in (*_REFUSALS, Outcome.UNKNOWN, Outcome.SERVED):
        for record in outcomes:
            if record.outcome == state:
                return state, record
    return UNRECORDED, None


async def outcomes_of(database: Database, decision_ids: Sequence[str]) -> dict[str, list[AccessDecision]]:
    """The outcome records of these decisions, by decision_id, in chain order."""
    found: dict[str, list[AccessDecision]] = {decision_id: [] for decision_id in decision_ids}
    if not decision_ids:
        return found
    query = (select(AccessDecision).where(AccessDecision.decision_ref.in_(list(decision_ids)))
             .order_by(AccessDecision.sequence))
    async with database.read() as session:
        for row in (await session.scalars(query)).all():
            found[row.decision_ref].append(row)
    return found


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
            "allow": record.allow, "outcome": record.outcome, "decision_ref": record.decision_ref,
            "previous_hash": previous,
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


def trial_record() -> DecisionRecord:
    """What a readiness probe appends and rolls back: a record of a decision's size, never committed."""
    return DecisionRecord(
        decision_id=new_id(), timestamp=utcnow(),
        input={"subject": {"id": "readiness-probe"}, "action": "readiness.probe", "resource": {"type": "readiness"},
               "padding": "x" * 512},
        result={"allow": False, "reasons": ["readiness probe"], "mask": [], "scopes": []}, revision="",
        requested_by="readyz", req_id="readyz",
    )


def append_sync(connection: Connection, records: Sequence[DecisionRecord]) -> list[dict[str, Any]]:
    """The same on a synchronous SQLite connection whose transaction began IMMEDIATE (appends serialized)."""
    rows = chained_rows(connection.execute(head_query()).first(), records)
    connection.execute(insert(TABLE), rows)
    return rows


def _conditions(where: DecisionFilter, scopes: Sequence[str] | None) -> list[Any]:
    """Decisions only (not their outcome records) matching ``where`` within ``scopes``."""
    column = AccessDecision.jurisdiction_code
    conditions: list[ColumnElement[bool]] = [AccessDecision.outcome == ""]
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
    if where.outcome is not None:
        conditions.append(_outcome_condition(where.outcome))
    if where.refused is not None:
        refused = AccessDecision.allow.is_(False) | _followed_by(*_REFUSALS)
        conditions.append(refused if where.refused else ~refused)
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
    """Every record in chain order (decisions and outcome records), or with ``where`` or ``scopes`` the matching
    decisions; read in batches."""
    conditions = [] if where is None and scopes is None else _conditions(where or DecisionFilter(), scopes)
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
