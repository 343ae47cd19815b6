"""Cases reported per grid and Beijing day, so the map's counts of a period sum a row per grid and day; filled
from the cases already stored.

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

BACKFILL = {
    "sqlite": """INSERT INTO case_reported_day (jurisdiction_code, day, count)
                 SELECT jurisdiction_code, date(reported_at, '+8 hours'), count(*) FROM case_record
                 GROUP BY jurisdiction_code, date(reported_at, '+8 hours')""",
    "postgresql": """INSERT INTO case_reported_day (jurisdiction_code, day, count)
                     SELECT jurisdiction_code, (reported_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
                     FROM case_record
                     GROUP BY jurisdiction_code, (reported_at AT TIME ZONE 'Asia/Shanghai')::date""",
}


def upgrade() -> None:
    op.create_table(
        "case_reported_day",
        sa.Column("jurisdiction_code", sa.String(length=15), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction_code", "day"),
    )
    op.create_index("ix_case_reported_day_day", "case_reported_day", ["day", "jurisdiction_code", "count"])
    op.execute(BACKFILL[op.get_bind().dialect.name])


def downgrade() -> None:
    op.drop_table("case_reported_day")
