"""The fire service's first schema: kit tables, places, the hazard catalogue (seeded), inspection plans (seeded),
inspections, hazards and their history.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.kit.tables import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PLACE_TYPES = ("small_shop", "small_workshop", "small_entertainment", "live_work_storage", "rental_housing",
               "rural_household", "key_unit", "factory", "warehouse", "public_venue")
GRID_LEVELS = ("big", "medium", "small")
SEVERITIES = ("minor", "general", "major")
CATEGORIES = ("fire_safety", "rural_household")
HAZARD_STATES = ("open", "rectifying", "rectified", "overdue", "handed_over", "closed")

# The catalogue as first shipped (code, name, category, severity, working days to rectify; 0 = the same day).
CATALOGUE = (
    ("no_extinguisher", "未配置灭火器", "fire_safety", "general", 3),
    ("extinguisher_broken", "灭火器失效", "fire_safety", "general", 3),
    ("exit_locked", "安全出口锁闭", "fire_safety", "major", 0),
    ("escape_route_blocked", "疏散通道堵塞", "fire_safety", "major", 0),
    ("live_work_storage_mixed", "三合一", "fire_safety", "major", 10),
    ("hazardous_goods_in_dwelling", "住宅存放易燃易爆物品", "fire_safety", "major", 1),
    ("shop_kitchen_no_fire_door", "商铺厨房未设防火门", "fire_safety", "general", 15),
    ("small_venue_sleeping", "三小场所住人", "fire_safety", "major", 1),
    ("illegal_wiring", "私拉乱接电线", "fire_safety", "general", 3),
    ("clutter", "乱堆乱放", "fire_safety", "minor", 3),
    ("facility_damaged", "消防设施损坏", "fire_safety", "general", 5),
    ("rural_fire_use", "农户用火不安全", "rural_household", "general", 1),
    ("rural_gas_use", "农户用气不安全", "rural_household", "major", 0),
    ("rural_oil_use", "农户用油不安全", "rural_household", "general", 1),
    ("rural_electricity_use", "农户用电不安全", "rural_household", "general", 3),
    ("rural_heating", "农户取暖不安全", "rural_household", "general", 1),
)
# The plan as first shipped: big grid monthly for key units, medium weekly, small daily.
PLANS = (
    ("key_unit", "big", 30),
    ("factory", "medium", 7),
    ("warehouse", "medium", 7),
    ("public_venue", "medium", 7),
    ("small_shop", "small", 1),
    ("small_workshop", "small", 1),
    ("small_entertainment", "small", 1),
    ("live_work_storage", "small", 1),
    ("rental_housing", "small", 1),
    ("rural_household", "small", 1),
)


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, length=32)


def _entry_columns() -> list[sa.Column]:
    return [
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("category", _enum(*CATEGORIES), nullable=False),
        sa.Column("severity", _enum(*SEVERITIES), nullable=False),
        sa.Column("rectify_days", sa.Integer, nullable=False),
    ]


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "place",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("type", _enum(*PLACE_TYPES), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("address", sa.String(256), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("owner_name", sa.String(64), nullable=False),
        sa.Column("owner_phone", sa.String(20), nullable=False),
        sa.Column("contact_name", sa.String(64), nullable=False),
        sa.Column("contact_phone", sa.String(20), nullable=False),
        sa.Column("risk_level", _enum("low", "medium", "high"), nullable=False),
        sa.Column("organization_id", sa.String(36), nullable=False),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("inspected_by", _enum(*GRID_LEVELS), nullable=False),
        sa.Column("interval_days", sa.Integer, nullable=False),
        sa.Column("last_inspected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_due_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_place_jurisdiction_name", "place", ["jurisdiction_code", "name", "id"])
    op.create_index("ix_place_level_due", "place", ["inspected_by", "next_due_on", "jurisdiction_code"])
    hazard_type = op.create_table(
        "hazard_type",
        sa.Column("code", sa.String(48), primary_key=True),
        *_entry_columns(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    hazard_type_version = op.create_table(
        "hazard_type_version",
        sa.Column("code", sa.String(48), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        *_entry_columns(),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    plan = op.create_table(
        "inspection_plan",
        sa.Column("place_type", _enum(*PLACE_TYPES), primary_key=True),
        sa.Column("grid_level", _enum(*GRID_LEVELS), nullable=False),
        sa.Column("interval_days", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "inspection",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("place_id", sa.String(36), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("inspector", sa.String(128), nullable=False),
        sa.Column("grid_level", _enum(*GRID_LEVELS), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", _enum("draft", "finalized"), nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("finalized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hazard_ids", sa.JSON, nullable=False),
    )
    op.create_index("ix_inspection_jurisdiction_time", "inspection", ["jurisdiction_code", "inspected_at", "id"])
    op.create_index("ix_inspection_place", "inspection", ["place_id", "inspected_at"])
    op.create_table(
        "hazard",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("place_id", sa.String(36), nullable=False),
        sa.Column("place_name", sa.String(128), nullable=False),
        sa.Column("address", sa.String(256), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("inspection_id", sa.String(36), nullable=False),
        sa.Column("hazard_type_code", sa.String(48), nullable=False),
        sa.Column("hazard_type_version", sa.Integer, nullable=False),
        sa.Column("severity", _enum(*SEVERITIES), nullable=False),
        sa.Column("report_immediately", sa.Boolean, nullable=False),
        sa.Column("state", _enum(*HAZARD_STATES), nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("found_by", sa.String(128), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rectify_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rectified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closure", _enum("fixed_on_spot", "verified", "case_closed"), nullable=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_number", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_hazard_jurisdiction_found", "hazard", ["jurisdiction_code", "found_at", "id"])
    op.create_index("ix_hazard_state_deadline", "hazard", ["state", "rectify_by"])
    op.create_index("ix_hazard_place", "hazard", ["place_id"])
    op.create_table(
        "hazard_change",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("hazard_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_state", _enum(*HAZARD_STATES), nullable=True),
        sa.Column("to_state", _enum(*HAZARD_STATES), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_hazard_change_hazard", "hazard_change", ["hazard_id", "id"])

    now = datetime.now(UTC)
    entries = [dict(code=c, name=n, category=cat, severity=s, rectify_days=d, updated_by="system:fire",
                    updated_at=now) for c, n, cat, s, d in CATALOGUE]
    op.bulk_insert(hazard_type, [dict(e, version=1) for e in entries])
    op.bulk_insert(hazard_type_version, [dict(e, version=1) for e in entries])
    op.bulk_insert(plan, [dict(place_type=t, grid_level=g, interval_days=i, updated_by="system:fire",
                               updated_at=now) for t, g, i in PLANS])


def downgrade() -> None:
    for table in ("hazard_change", "hazard", "inspection", "inspection_plan", "hazard_type_version",
                  "hazard_type", "place", "job_lease", "consumer_cursor", "outbox"):
        op.drop_table(table)
