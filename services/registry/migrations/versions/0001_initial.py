"""The registry's first schema: kit tables, jurisdiction tree, grid staff, buildings, households, residents,
organizations and visits.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from services.kit.tables import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, length=32)


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "jurisdiction",
        sa.Column("code", sa.String(15), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("level", _enum("district", "street", "community", "grid"), nullable=False),
        sa.Column("parent_code", sa.String(15), nullable=True),
        sa.Column("grid_type", _enum("urban", "rural"), nullable=True),
        sa.Column("leader_subject", sa.String(128), nullable=True),
        sa.Column("leader_name", sa.String(64), nullable=True),
        sa.Column("leader_phone", sa.String(20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_jurisdiction_parent_code", "jurisdiction", ["parent_code"])
    op.create_table(
        "grid_worker",
        sa.Column("grid_code", sa.String(15), sa.ForeignKey("jurisdiction.code", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("subject", sa.String(128), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "building",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("address", sa.String(256), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_building_jurisdiction_id", "building", ["jurisdiction_code", "id"])
    op.create_index("ix_building_jurisdiction_address", "building", ["jurisdiction_code", "address"], unique=True)
    op.create_table(
        "household",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("building_id", sa.String(36), sa.ForeignKey("building.id"), nullable=False),
        sa.Column("address", sa.String(256), nullable=False),
        sa.Column("care_level", _enum("assured", "attention", "close_contact"), nullable=False),
        sa.Column("care_reason", sa.Text, nullable=False),
        sa.Column("helper_name", sa.String(64), nullable=True),
        sa.Column("helper_phone", sa.String(20), nullable=True, unique=True),
        sa.Column("head_name", sa.String(64), nullable=False),
        sa.Column("member_count", sa.Integer, nullable=False),
        sa.Column("tag_list", sa.String(256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_household_jurisdiction_id", "household", ["jurisdiction_code", "id"])
    op.create_index("ix_household_building_id", "household", ["building_id"])
    op.create_table(
        "household_tag",
        sa.Column("household_id", sa.String(36), sa.ForeignKey("household.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("tag", _enum("left_behind_elderly", "left_behind_children", "elderly_alone", "disabled",
                               "low_income", "hazard_area", "offender_family"), primary_key=True),
    )
    op.create_index("ix_household_tag_tag", "household_tag", ["tag", "household_id"])
    op.create_table(
        "resident",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("household.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False, unique=True),
        sa.Column("gender", _enum("male", "female"), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("population_type", _enum("registered", "floating"), nullable=False),
        sa.Column("relationship", _enum("head", "spouse", "son", "daughter", "parent", "grandchild", "sibling",
                                        "other"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_resident_jurisdiction_id", "resident", ["jurisdiction_code", "id"])
    op.create_index("ix_resident_household_id", "resident", ["household_id"])
    op.create_table(
        "organization",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False, unique=True),
        sa.Column("address", sa.String(256), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("contact_phone", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_organization_jurisdiction_id", "organization", ["jurisdiction_code", "id"])
    op.create_table(
        "visit",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("household.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("worker", sa.String(128), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
    )
    op.create_index("ix_visit_jurisdiction_time", "visit", ["jurisdiction_code", "visited_at", "id"])
    op.create_index("ix_visit_household_time", "visit", ["household_id", "visited_at", "id"])


def downgrade() -> None:
    for table in ("visit", "organization", "resident", "household_tag", "household", "building", "grid_worker",
                  "jurisdiction", "job_lease", "consumer_cursor", "outbox"):
        op.drop_table(table)
