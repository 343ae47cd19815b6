"""The units taking part in each case's current dispatch, lead and co-handlers, as rows a unit's work list
reads by index; filled from the participants every case row already carries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# One row per element of each case's participants list (a JSON array of {"unit", "lead", ...}).
BACKFILL = {
    "sqlite": """INSERT INTO case_unit (case_id, unit, lead)
                 SELECT c.id, json_extract(p.value, '$.unit'), json_extract(p.value, '$.lead')
                 FROM case_record AS c, json_each(c.participants) AS p""",
    "postgresql": """INSERT INTO case_unit (case_id, unit, lead)
                     SELECT c.id, p.value ->> 'unit', (p.value ->> 'lead')::boolean
                     FROM case_record AS c, json_array_elements(c.participants) AS p""",
}


def upgrade() -> None:
    op.create_table(
        "case_unit",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("lead", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "unit"),
    )
    op.execute(BACKFILL[op.get_bind().dialect.name])
    op.create_index("ix_case_unit_unit", "case_unit", ["unit", "case_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_unit_unit", table_name="case_unit")
    op.drop_table("case_unit")
