"""The notifier's first schema: kit tables, the staff directory, deliveries.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from services.kit.tables import create_idempotency_table, create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROLES = ("unit_staff", "grid_worker", "grid_leader", "centre", "fire_inspector")
CHANNELS = ("inbox", "sms", "email")
STATES = ("queued", "sent", "delivered", "failed")
KINDS = ("case_dispatched", "case_due_soon", "case_overdue", "case_supervised", "hazard_overdue", "patrol_missed",
         "supervision_missed")


def _enum(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, length=32)


def upgrade() -> None:
    create_kit_tables(op)
    create_idempotency_table(op)
    op.create_table(
        "staff",
        sa.Column("subject", sa.String(255), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", _enum(ROLES), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(255), nullable=False),
    )
    op.create_index("ix_staff_unit", "staff", ["unit"])
    op.create_table(
        "staff_scope",
        sa.Column("scope", sa.String(15), primary_key=True),
        sa.Column("subject", sa.String(255), primary_key=True),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("recipient", sa.String(255), nullable=False),
        sa.Column("channel", _enum(CHANNELS), nullable=False),
        sa.Column("state", _enum(STATES), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("kind", _enum(KINDS), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("event_id", "recipient", "channel", name="uq_delivery_event_recipient_channel"),
    )
    op.create_index("ix_delivery_inbox", "delivery", ["recipient", "channel", "id"])
    op.create_index("ix_delivery_due", "delivery", ["state", "next_attempt_at"])
    op.create_index("ix_delivery_reference", "delivery", ["reference", "id"])


def downgrade() -> None:
    op.drop_table("delivery")
    op.drop_table("staff_scope")
    op.drop_index("ix_staff_unit", table_name="staff")
    op.drop_table("staff")
    op.drop_table("idempotency_key")
    op.drop_table("job_lease")
    op.drop_table("consumer_cursor")
    op.drop_table("outbox")
