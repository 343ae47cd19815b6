"""Per-district fire settings: four-eyes verification of a rectification (on unless a district turns it off).

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


def upgrade() -> None:
    op.create_table(
        "fire_district_settings",
        sa.Column("district_code", sa.String(6), primary_key=True),
        sa.Column("four_eyes_verification", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("fire_district_settings")
