"""The tables every service keeps beside its own (event outbox, consumer cursors, job leases, idempotency keys),
and enum columns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum as PyEnum

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Enum,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)


def enum_column(enum: type[PyEnum]) -> Enum:
    """Stores an enum as a short lowercase word in a VARCHAR, on both databases: its value, or for an int-valued
    enum (ordered tiers) its lowercase name, so the stored text still reads as a word."""
    return Enum(enum, native_enum=False, length=32, validate_strings=True,
                values_callable=lambda e: [m.name.lower() if isinstance(m.value, int) else m.value for m in e])


# The longest subject an idempotency key is stored for (a token's ``sub``).
IDEMPOTENCY_SUBJECT_LENGTH = 255

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for a long-lived outbox.
SEQUENCE_TYPE = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class KitTables:
    outbox: Table
    consumer_cursor: Table
    job_lease: Table
    idempotency_key: Table


def define_kit_tables(metadata: MetaData) -> KitTables:
    """Adds the kit tables to a service's metadata; call once from its models module."""
    outbox = Table(
        "outbox",
        metadata,
        Column("sequence", SEQUENCE_TYPE, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("type", String(64), nullable=False, index=True),
        Column("jurisdiction_code", String(15), nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        # The serialized google.protobuf.Any payload.
        Column("payload", LargeBinary, nullable=False),
    )
    consumer_cursor = Table(
        "consumer_cursor",
        metadata,
        # "<source service>" — one cursor per stream this service consumes.
        Column("source", String(64), primary_key=True),
        Column("sequence", BigInteger, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    job_lease = Table(
        "job_lease",
        metadata,
        Column("name", String(64), primary_key=True),
        Column("holder", String(64), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
    )
    idempotency_key = Table(
        "idempotency_key",
        metadata,
        # Keys belong to the subject that sent them and to one RPC: two people's "1" are different keys.
        Column("subject", String(IDEMPOTENCY_SUBJECT_LENGTH), primary_key=True),
        # The request message's full name, e.g. gridgov.cases.v1.ReportCaseRequest.
        Column("method", String(128), primary_key=True),
        Column("key", String(128), primary_key=True),
        # sha256 (hex) of the deterministic serialization of the request without its key.
        Column("request_hash", String(64), nullable=False),
        # The serialized response message the first request was answered with.
        Column("response", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    )
    return KitTables(outbox, consumer_cursor, job_lease, idempotency_key)


def create_kit_tables(op: object) -> None:
    """Creates the kit tables inside a service's first Alembic migration (``op`` is alembic.op)."""
    import sqlalchemy as sa

    o = op  # alembic.op, typed loosely to keep alembic out of the kit's import graph
    o.create_table(  # type: ignore[attr-defined]
        "outbox",
        sa.Column("sequence", SEQUENCE_TYPE, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
    )
    o.create_index("ix_outbox_type", "outbox", ["type"])  # type: ignore[attr-defined]
    o.create_table(  # type: ignore[attr-defined]
        "consumer_cursor",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    o.create_table(  # type: ignore[attr-defined]
        "job_lease",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def create_idempotency_table(op: object) -> None:
    """Creates the idempotency_key table in a service's migration (``op`` is alembic.op); define_kit_tables has
    its model. Added after the first migrations, so each service creates it in a migration of its own."""
    import sqlalchemy as sa

    o = op
    o.create_table(  # type: ignore[attr-defined]
        "idempotency_key",
        sa.Column("subject", sa.String(IDEMPOTENCY_SUBJECT_LENGTH), primary_key=True),
        sa.Column("method", sa.String(128), primary_key=True),
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    o.create_index("ix_idempotency_key_created_at", "idempotency_key", ["created_at"])  # type: ignore[attr-defined]


def drop_idempotency_table(op: object) -> None:
    """The downgrade of create_idempotency_table."""
    o = op
    o.drop_index("ix_idempotency_key_created_at", table_name="idempotency_key")  # type: ignore[attr-defined]
    o.drop_table("idempotency_key")  # type: ignore[attr-defined]
