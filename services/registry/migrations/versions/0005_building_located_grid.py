"""A building whose location falls in another grid than its own keeps the grid its location falls in, so the
centre sees it flagged (null when they agree or the location is unknown).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("building") as table:
        table.add_column(sa.Column("located_grid", sa.String(length=15), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("building") as table:
        table.drop_column("located_grid")
