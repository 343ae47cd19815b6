"""The dashboard breakdown's indexes: a period's categories (reported_at, jurisdiction, category) and its closings
per day (closed_at, jurisdiction), both covering.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_reported_category", "case_record", ["reported_at", "jurisdiction_code", "category_code"])
    op.create_index("ix_case_closed", "case_record", ["closed_at", "jurisdiction_code"])


def downgrade() -> None:
    op.drop_index("ix_case_closed", table_name="case_record")
    op.drop_index("ix_case_reported_category", table_name="case_record")
