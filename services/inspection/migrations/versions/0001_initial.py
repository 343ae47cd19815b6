"""The inspection service's first schema: kit tables, sources, grid heads, patrols, violations, rules and
air-quality readings, with the default rules and violation catalogue seeded.

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

SOURCE_TYPES = ("open_storage_yard", "construction_site", "bare_land", "restaurant_fumes", "open_air_barbecue",
                "coal_boiler", "coal_yard", "concrete_plant", "industrial_key_source")
CONTROL_LEVELS = ("national", "city", "district")
PERIOD_UNITS = ("day", "week", "month", "quarter")
POLLUTANTS = ("pm25", "pm10", "no2", "o3", "so2", "co")

# The seed as of this revision; later changes are data, made through SetRules and DefineViolationType.
CHECKLIST = (
    ("enclosure", "施工现场100%围挡"),
    ("covering", "物料堆放100%覆盖"),
    ("hardened_roads", "施工现场路面100%硬化"),
    ("wheel_washing", "出入车辆100%冲洗"),
    ("wet_work", "拆迁工地100%湿法作业"),
    ("covered_transport", "渣土车辆100%密闭运输"),
)
PATROL = ((1, 2, "month"), (2, 1, "week"), (3, 2, "week"), (4, 1, "day"))
SUPERVISION = (("national", 1, "month"), ("city", 1, "quarter"), ("district", 1, "quarter"))
VIOLATION_TYPES = (
    ("uncovered_storage", "物料堆放未覆盖", 3, ["open_storage_yard", "coal_yard", "construction_site", "bare_land"]),
    ("missing_wind_break_net", "未设置防风抑尘网", 5, ["open_storage_yard", "coal_yard", "bare_land"]),
    ("construction_measure_missing", "施工工地未落实六个百分百", 3, ["construction_site"]),
    ("purifier_not_working", "餐饮油烟净化设施未安装或未正常使用", 5, ["restaurant_fumes"]),
    ("open_burning", "露天焚烧", 1, []),
    ("open_air_barbecue", "露天烧烤", 1, ["open_air_barbecue", "restaurant_fumes"]),
    ("coal_burning", "违规燃煤", 3, ["coal_boiler", "coal_yard"]),
    ("emission_over_limit", "超标排放", 10, ["industrial_key_source", "concrete_plant", "coal_boiler"]),
)


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, length=32)


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "pollution_source",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source_type", _enum(*SOURCE_TYPES), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("address", sa.String(256), nullable=False),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("responsible_unit", sa.String(128), nullable=False),
        sa.Column("contact_name", sa.String(64), nullable=False),
        sa.Column("contact_phone", sa.String(20), nullable=False),
        sa.Column("area_m2", sa.Float, nullable=True),
        sa.Column("dust_controls", sa.JSON, nullable=False),
        sa.Column("checklist", sa.JSON, nullable=False),
        sa.Column("fume_purifier_installed", sa.Boolean, nullable=True),
        sa.Column("control_level", _enum(*CONTROL_LEVELS), nullable=True),
        sa.Column("permit_number", sa.String(64), nullable=False),
        sa.Column("status", _enum("active", "rectifying", "closed", "relocated"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_pollution_source_jurisdiction_id", "pollution_source", ["jurisdiction_code", "id"])
    op.create_table(
        "grid_head",
        sa.Column("subject_id", sa.String(128), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_grid_head_jurisdiction_subject", "grid_head", ["jurisdiction_code", "subject_id"])
    op.create_table(
        "patrol",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("patroller", sa.String(128), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("patrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
    )
    op.create_index("ix_patrol_jurisdiction_patrolled", "patrol", ["jurisdiction_code", "patrolled_at"])
    op.create_index("ix_patrol_patroller_patrolled", "patrol", ["patroller", "patrolled_at"])
    op.create_table(
        "patrol_check",
        sa.Column("patrol_id", sa.String(36), sa.ForeignKey("patrol.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("source_id", sa.String(36), primary_key=True),
        sa.Column("finding", sa.Text, nullable=False),
        sa.Column("compliant", sa.Boolean, nullable=False),
    )
    op.create_index("ix_patrol_check_source", "patrol_check", ["source_id"])
    violation_type = op.create_table(
        "violation_type",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("rectify_working_days", sa.Integer, nullable=False),
        sa.Column("source_types", sa.JSON, nullable=False),
    )
    op.create_table(
        "violation",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source_id", sa.String(36), sa.ForeignKey("pollution_source.id"), nullable=False),
        sa.Column("violation_type", sa.String(64), sa.ForeignKey("violation_type.code"), nullable=False),
        sa.Column("checklist_item", sa.String(64), nullable=False),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("reporter", sa.String(128), nullable=False),
        sa.Column("patrol_id", sa.String(36), sa.ForeignKey("patrol.id"), nullable=True),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("state", _enum("open", "closed"), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(64), nullable=False),
        sa.Column("resolution", sa.Text, nullable=False),
    )
    op.create_index("ix_violation_jurisdiction_found", "violation", ["jurisdiction_code", "found_at"])
    op.create_index("ix_violation_source", "violation", ["source_id"])
    checklist = op.create_table(
        "checklist_item",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    patrol_frequency = op.create_table(
        "patrol_frequency",
        sa.Column("level", sa.Integer, primary_key=True),
        sa.Column("times", sa.Integer, nullable=False),
        sa.Column("unit", _enum(*PERIOD_UNITS), nullable=False),
    )
    supervision_frequency = op.create_table(
        "supervision_frequency",
        sa.Column("control_level", _enum(*CONTROL_LEVELS), primary_key=True),
        sa.Column("times", sa.Integer, nullable=False),
        sa.Column("unit", _enum(*PERIOD_UNITS), nullable=False),
    )
    op.create_table(
        "station_reading",
        sa.Column("station_code", sa.String(32), primary_key=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("pollutant", _enum(*POLLUTANTS), primary_key=True),
        sa.Column("jurisdiction_code", sa.String(15), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_index("ix_station_reading_jurisdiction_observed", "station_reading",
                    ["jurisdiction_code", "observed_at"])
    op.create_table(
        "reference_reading",
        sa.Column("area", sa.String(64), primary_key=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("pollutant", _enum(*POLLUTANTS), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_index("ix_reference_reading_observed", "reference_reading", ["observed_at"])
    op.bulk_insert(checklist, [{"code": c, "name": n, "position": i} for i, (c, n) in enumerate(CHECKLIST)])
    op.bulk_insert(patrol_frequency, [{"level": lv, "times": t, "unit": u} for lv, t, u in PATROL])
    op.bulk_insert(supervision_frequency, [{"control_level": c, "times": t, "unit": u} for c, t, u in SUPERVISION])
    op.bulk_insert(violation_type, [{"code": c, "name": n, "rectify_working_days": d, "source_types": s}
                                    for c, n, d, s in VIOLATION_TYPES])


def downgrade() -> None:
    for table in ("reference_reading", "station_reading", "supervision_frequency", "patrol_frequency",
                  "checklist_item", "violation", "violation_type", "patrol_check", "patrol", "grid_head",
                  "pollution_source", "job_lease", "consumer_cursor", "outbox"):
        op.drop_table(table)
