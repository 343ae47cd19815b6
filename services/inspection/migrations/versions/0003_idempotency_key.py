"""The kit's idempotency_key table: the first answer to each (subject, method, key), so a retried creating
request returns it instead of creating twice.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from alembic import op

from services.kit.tables import create_idempotency_table, drop_idempotency_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_table(op)


def downgrade() -> None:
    drop_idempotency_table(op)
