"""Outcome records: what the caller got after the policy allowed (served, or refused by the service and why).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding a column with a default touches no row: the append-only triggers are not involved, and the hashes of
    # records written before stay valid (empty later columns are not hashed; chain.LATER_COLUMNS).
    with op.batch_alter_table("access_decision", recreate="never") as batch:
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("decision_ref", sa.String(36), nullable=False, server_default=""))
    op.create_index("ix_access_decision_decision_ref", "access_decision", ["decision_ref"])


def downgrade() -> None:
    op.drop_index("ix_access_decision_decision_ref", "access_decision")
    with op.batch_alter_table("access_decision", recreate="never") as batch:
        batch.drop_column("decision_ref")
        batch.drop_column("outcome")
