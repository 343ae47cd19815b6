"""Who entered a patrol: the patroller, or the environment bureau on their behalf.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("patrol", sa.Column("recorded_by", sa.String(128), nullable=False, server_default=""))
    # Until now only a head's own patrols (or the demo loader's) were recorded: the patroller entered them.
    op.execute("UPDATE patrol SET recorded_by = patroller")


def downgrade() -> None:
    with op.batch_alter_table("patrol") as batch:
        batch.drop_column("recorded_by")
