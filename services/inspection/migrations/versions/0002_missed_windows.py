"""Missed windows raised to the notifier: one row per (head or source, window), unique.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MISSED_KINDS = ("patrol", "supervision")
CONTROL_LEVELS = ("national", "city", "district")


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "missed_window",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", _enum(*MISSED_KINDS), nullable=False),
        sa.Column("subject_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("level", sa.Integer, nullable=True),
        sa.Column("control_level", _enum(*CONTROL_LEVELS), nullable=True),
        sa.Column("window_start", sa.Date, nullable=False),
        sa.Column("window_end", sa.Date, nullable=False),
        sa.Column("required", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "subject_id", "window_start", "window_end", name="uq_missed_window_subject_window"),
    )
    op.create_index("ix_missed_window_jurisdiction_id", "missed_window", ["jurisdiction_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_missed_window_jurisdiction_id", table_name="missed_window")
    op.drop_table("missed_window")
