"""A case reported with a grid its location does not fall in keeps the grid its location falls in, so the
centre sees it flagged (NULL when they agree or the location is unknown); the location indexed for the map's
boxes of points.

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
    with op.batch_alter_table("case_record") as table:
        table.add_column(sa.Column("located_grid", sa.String(length=15), nullable=True))
    op.create_index("ix_case_location", "case_record", ["latitude", "longitude"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_location", table_name="case_record")
    with op.batch_alter_table("case_record") as table:
        table.drop_column("located_grid")
