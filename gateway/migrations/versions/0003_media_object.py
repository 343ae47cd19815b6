"""Evidence media: one record per uploaded file (who sent it for which jurisdiction, its kind, size, hash and
EXIF facts); the same bytes from the same sender once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_object",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=15), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_media_object_jurisdiction_code", "media_object", ["jurisdiction_code"])
    op.create_index("ux_media_owner_sha256", "media_object", ["owner", "sha256"], unique=True)


def downgrade() -> None:
    op.drop_table("media_object")
