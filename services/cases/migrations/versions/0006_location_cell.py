"""The map's cell of each case's location, filled from the stored locations, and the box indexes: a small box is
read cell by cell, a large one by its latitude band, each testing the longitude, state and jurisdiction from the
index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from services.kit.map_box import cell_sql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_record") as table:
        table.add_column(sa.Column("location_cell", sa.BigInteger(), nullable=True))
    dialect = op.get_bind().dialect.name
    op.execute(f"UPDATE case_record SET location_cell = {cell_sql(dialect)} "
               "WHERE latitude IS NOT NULL AND longitude IS NOT NULL")
    op.drop_index("ix_case_location", table_name="case_record")
    op.create_index("ix_case_location", "case_record", ["latitude", "longitude", "state", "jurisdiction_code"])
    op.create_index("ix_case_cell", "case_record",
                    ["location_cell", "latitude", "longitude", "state", "jurisdiction_code"])


def downgrade() -> None:
    op.drop_index("ix_case_cell", table_name="case_record")
    op.drop_index("ix_case_location", table_name="case_record")
    op.create_index("ix_case_location", "case_record", ["latitude", "longitude"])
    with op.batch_alter_table("case_record") as table:
        table.drop_column("location_cell")
