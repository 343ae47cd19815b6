"""The boundary revision: one row, raised by every import that stores boundaries, so a map layer cache or a
service's spatial index knows when to rebuild.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "boundary_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("revision", sa.BigInteger(), nullable=False),
    )
    # A database with boundaries already stored starts at 1, so a cache built before the upgrade is stale.
    op.bulk_insert(table, [{"id": 1, "revision": 1}])


def downgrade() -> None:
    op.drop_table("boundary_revision")
