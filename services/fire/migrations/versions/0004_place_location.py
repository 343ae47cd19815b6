"""Places carry a location: longitude and latitude, both null for a place registered by address only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("place") as batch:
        batch.add_column(sa.Column("latitude", sa.Float, nullable=True))
        batch.add_column(sa.Column("longitude", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("place") as batch:
        batch.drop_column("longitude")
        batch.drop_column("latitude")
