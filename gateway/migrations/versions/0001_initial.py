"""The decision log table, append-only by trigger on SQLite and PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SEQUENCE_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "access_decision",
        sa.Column("sequence", SEQUENCE_TYPE, primary_key=True, autoincrement=False),
        sa.Column("decision_id", sa.String(36), nullable=False, unique=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("path", sa.String(200), nullable=False),
        sa.Column("input", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("revision", sa.String(64), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("req_id", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("resource_type", sa.String(100), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("allow", sa.Boolean(), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_access_decision_subject", "access_decision", ["subject", "sequence"])
    op.create_index("ix_access_decision_action", "access_decision", ["action", "sequence"])
    op.create_index("ix_access_decision_jurisdiction_code", "access_decision", ["jurisdiction_code", "sequence"])
    op.create_index("ix_access_decision_timestamp", "access_decision", ["timestamp"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION access_decision_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'access_decision is append-only: % refused', TG_OP; END $$"
        )
        op.execute(
            "CREATE TRIGGER access_decision_append_only BEFORE UPDATE OR DELETE ON access_decision "
            "FOR EACH ROW EXECUTE FUNCTION access_decision_append_only()"
        )
        op.execute(
            "CREATE TRIGGER access_decision_no_truncate BEFORE TRUNCATE ON access_decision "
            "FOR EACH STATEMENT EXECUTE FUNCTION access_decision_append_only()"
        )
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER access_decision_no_{verb.lower()} BEFORE {verb} ON access_decision "
                f"BEGIN SELECT RAISE(ABORT, 'access_decision is append-only: {verb} refused'); END"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS access_decision_no_update")
        op.execute("DROP TRIGGER IF EXISTS access_decision_no_delete")
    op.drop_table("access_decision")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS access_decision_append_only()")
