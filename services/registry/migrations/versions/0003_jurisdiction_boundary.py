"""Jurisdiction boundaries: the GeoJSON geometry as text, its bounding box and its area in m², on the
jurisdiction row (the same on SQLite and PostgreSQL; the services index the shapes in memory).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("boundary", "min_longitude", "min_latitude", "max_longitude", "max_latitude", "area_m2")


def upgrade() -> None:
    with op.batch_alter_table("jurisdiction") as table:
        table.add_column(sa.Column("boundary", sa.Text(), nullable=True))
        for name in COLUMNS[1:]:
            table.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jurisdiction") as table:
        for name in reversed(COLUMNS):
            table.drop_column(name)
