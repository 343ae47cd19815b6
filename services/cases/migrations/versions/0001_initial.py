"""The cases service's first schema: kit tables, cases (with their handling units' parts), history, ratings, the versioned
category catalogue (seeded with version 1), the dispatch table, number counters and dashboard tallies.

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


# Version 1 of the catalogue as this migration stored it, written out so that a later change to the live
# catalogue module never changes what an old migration did: (code, kind, major class, name, limit,
# limit unit, closing condition, default unit, lowest tier).
SEED = (
    ('manhole_cover_damaged', 'component', 'public_facilities', '井盖破损或丢失', 4, 'working_hours',
     '井盖已补齐或更换，路面平整无安全隐患', 'urban_management', 'street'),
    ('street_lamp_broken', 'component', 'public_facilities', '路灯不亮或损坏', 2, 'working_days',
     '路灯恢复正常照明', 'urban_management', 'street'),
    ('public_toilet_damaged', 'component', 'public_facilities', '公厕设施损坏', 3, 'working_days',
     '公厕设施修复并可正常使用', 'urban_management', 'street'),
    ('road_pothole', 'component', 'roads_and_traffic', '道路坑洼破损', 5, 'working_days',
     '路面修补完毕，无坑洼积水', 'traffic', 'district'),
    ('traffic_sign_damaged', 'component', 'roads_and_traffic', '交通标志损坏', 3, 'working_days',
     '交通标志修复或更换', 'traffic', 'district'),
    ('billboard_damaged', 'component', 'city_appearance', '户外广告设施破损', 5, 'working_days',
     '破损设施已修复或拆除', 'urban_management', 'street'),
    ('tree_damaged', 'component', 'greening', '行道树倒伏或损坏', 2, 'working_days',
     '树木已扶正、修剪或补植', 'landscaping', 'street'),
    ('green_space_damaged', 'component', 'greening', '绿地被毁或黄土裸露', 5, 'working_days',
     '绿地恢复，无裸露黄土', 'landscaping', 'community'),
    ('dangerous_building', 'component', 'housing_and_land', '危房隐患', 10, 'working_days',
     '危房已排险或人员已撤离并设警示', 'housing', 'district'),
    ('facility_other', 'component', 'other_components', '其他部件问题', 5, 'working_days',
     '部件恢复正常', 'street_office', 'street'),
    ('garbage_exposed', 'event', 'appearance_and_environment', '暴露垃圾', 2, 'working_hours',
     '垃圾已清理，现场整洁', 'community_workstation', 'community'),
    ('clutter', 'event', 'appearance_and_environment', '乱堆乱放', 1, 'working_days',
     '堆放物已清理', 'community_workstation', 'community'),
    ('sewage_overflow', 'event', 'appearance_and_environment', '污水外溢', 4, 'working_hours',
     '污水已疏通，现场无外溢', 'water', 'street'),
    ('illegal_posting', 'event', 'advertising', '非法小广告', 1, 'working_days',
     '小广告已清除', 'community_workstation', 'community'),
    ('illegal_billboard', 'event', 'advertising', '违规户外广告', 5, 'working_days',
     '违规广告已拆除', 'law_enforcement', 'street'),
    ('construction_dust', 'event', 'construction_management', '施工扬尘', 1, 'working_days',
     '已落实覆盖、洒水等防尘措施', 'law_enforcement', 'street'),
    ('illegal_construction', 'event', 'construction_management', '违法建设', 10, 'working_days',
     '违法建设已拆除或依法处理', 'law_enforcement', 'district'),
    ('street_vending', 'event', 'street_order', '无照游商', 2, 'working_hours',
     '游商已劝离，现场恢复秩序', 'law_enforcement', 'street'),
    ('shop_encroachment', 'event', 'street_order', '店外经营', 1, 'working_days',
     '店外经营已清理', 'law_enforcement', 'street'),
    ('illegal_parking', 'event', 'street_order', '违规停车', 2, 'working_hours',
     '车辆已驶离或依法处理', 'public_security', 'street'),
    ('road_collapse', 'event', 'emergencies', '道路塌陷', 2, 'working_hours',
     '塌陷区域已围挡并修复', 'emergency_linkage', 'district'),
    ('gas_leak', 'event', 'emergencies', '燃气泄漏', 1, 'working_hours',
     '泄漏已处置，现场安全', 'emergency_linkage', 'district'),
    ('neighbourhood_dispute', 'event', 'other_events', '邻里纠纷', 5, 'working_days',
     '纠纷已调解，双方签字确认', 'community_workstation', 'community'),
    ('event_other', 'event', 'other_events', '其他事件', 5, 'working_days',
     '问题已解决', 'street_office', 'street'),
    ('fire_hazard_handed_over', 'event', 'handed_over', '消防隐患移交', 3, 'working_days',
     '隐患已整改并经消防复查合格', 'police_station', 'street'),
    ('pollution_violation', 'event', 'handed_over', '大气污染违法行为', 3, 'working_days',
     '违法行为已查处，防尘措施到位', 'environment_bureau', 'street'),
)


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table('case_number_counter',
    sa.Column('day_key', sa.String(length=24), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day_key')
    )
    op.create_table('case_record',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('category_code', sa.String(length=64), nullable=False),
    sa.Column('category_version', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=15), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('address', sa.String(length=256), nullable=False),
    sa.Column('source', sa.Enum('grid_worker', 'resident', 'hotline', 'inspection_service', 'supervisor_patrol', 'anonymous', name='sourcechannel', native_enum=False, length=32), nullable=False),
    sa.Column('reporter', sa.String(length=128), nullable=False),
    sa.Column('reporter_phone', sa.String(length=20), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('evidence_before', sa.JSON(), nullable=False),
    sa.Column('evidence_after', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('reported', 'registered', 'rejected', 'voided', 'merged', 'dispatched', 'returned', 'accepted', 'on_hold', 'emergency', 'handled', 'closed', 'archived', name='casestate', native_enum=False, length=32), nullable=False),
    sa.Column('tier', sa.Enum('community', 'street', 'district', name='tier', native_enum=False, length=32), nullable=False),
    sa.Column('handling_unit', sa.String(length=64), nullable=False),
    sa.Column('answerable_unit', sa.String(length=64), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('limit_value', sa.Integer(), nullable=True),
    sa.Column('limit_unit', sa.Enum('working_hours', 'working_days', name='limitunit', native_enum=False, length=32), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accept_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_on_time', sa.Boolean(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_soon_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalate_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_status', sa.Enum('none', 'normal', 'due_soon', 'overdue', name='duestatus', native_enum=False, length=32), nullable=False),
    sa.Column('ever_overdue', sa.Boolean(), nullable=False),
    sa.Column('supervised', sa.Boolean(), nullable=False),
    sa.Column('supervision_tier', sa.Enum('community', 'street', 'district', name='tier', native_enum=False, length=32), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_on_time', sa.Boolean(), nullable=True),
    sa.Column('handling_hours', sa.Float(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_on_time', sa.Boolean(), nullable=True),
    sa.Column('rework_count', sa.Integer(), nullable=False),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('extension_count', sa.Integer(), nullable=False),
    sa.Column('escalation_count', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.Enum('satisfied', 'basically_satisfied', 'unsatisfied', name='satisfaction', native_enum=False, length=32), nullable=True),
    sa.Column('duplicate_of', sa.String(length=36), nullable=False),
    sa.Column('merged_into', sa.String(length=36), nullable=False),
    sa.Column('pending_request', sa.Enum('extension', 'hold', name='requestkind', native_enum=False, length=32), nullable=True),
    sa.Column('pending_amount', sa.Integer(), nullable=False),
    sa.Column('source_service', sa.String(length=32), nullable=True),
    sa.Column('source_reference', sa.String(length=64), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_index('ix_case_category_reported', 'case_record', ['category_code', 'reported_at'], unique=False)
    op.create_index('ix_case_due_deadline', 'case_record', ['due_status', 'deadline', 'id', 'jurisdiction_code'], unique=False)
    op.create_index('ix_case_jurisdiction_id', 'case_record', ['jurisdiction_code', 'id'], unique=False)
    op.create_index('ix_case_next_check', 'case_record', ['next_check_at'], unique=False)
    op.create_index('ix_case_evaluation', 'case_record', ['reported_at', 'jurisdiction_code', 'answerable_unit', 'state', 'source', 'registered_at', 'dispatched_at', 'accepted_on_time', 'handled_at', 'handled_on_time', 'closed_at', 'closed_on_time', 'deadline', 'rework_count', 'ever_overdue', 'extension_count', 'satisfaction', 'handling_hours'], unique=False)
    op.create_index('ix_case_reporter_reported', 'case_record', ['reporter', 'reported_at'], unique=False)
    op.create_index('ix_case_state_id', 'case_record', ['state', 'id'], unique=False)
    op.create_index('ix_case_unit_reported', 'case_record', ['answerable_unit', 'reported_at'], unique=False)
    op.create_index('ux_case_source', 'case_record', ['source_service', 'source_reference'], unique=True)
    op.create_table('case_tally',
    sa.Column('jurisdiction_code', sa.String(length=15), nullable=False),
    sa.Column('state', sa.Enum('reported', 'registered', 'rejected', 'voided', 'merged', 'dispatched', 'returned', 'accepted', 'on_hold', 'emergency', 'handled', 'closed', 'archived', name='casestate', native_enum=False, length=32), nullable=False),
    sa.Column('due_status', sa.Enum('none', 'normal', 'due_soon', 'overdue', name='duestatus', native_enum=False, length=32), nullable=False),
    sa.Column('supervised', sa.Boolean(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('jurisdiction_code', 'state', 'due_status', 'supervised')
    )
    op.create_table('category',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('component', 'event', name='categorykind', native_enum=False, length=32), nullable=False),
    sa.Column('major_class', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('limit_value', sa.Integer(), nullable=False),
    sa.Column('limit_unit', sa.Enum('working_hours', 'working_days', name='limitunit', native_enum=False, length=32), nullable=False),
    sa.Column('closing_condition', sa.Text(), nullable=False),
    sa.Column('default_unit', sa.String(length=64), nullable=False),
    sa.Column('lowest_tier', sa.Enum('community', 'street', 'district', name='tier', native_enum=False, length=32), nullable=False),
    sa.Column('changed_by', sa.String(length=128), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', 'version')
    )
    op.create_table('dispatch_rule',
    sa.Column('category_code', sa.String(length=64), nullable=False),
    sa.Column('jurisdiction_prefix', sa.String(length=15), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('category_code', 'jurisdiction_prefix')
    )
    op.create_table('case_history',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_state', sa.Enum('reported', 'registered', 'rejected', 'voided', 'merged', 'dispatched', 'returned', 'accepted', 'on_hold', 'emergency', 'handled', 'closed', 'archived', name='casestate', native_enum=False, length=32), nullable=False),
    sa.Column('to_state', sa.Enum('reported', 'registered', 'rejected', 'voided', 'merged', 'dispatched', 'returned', 'accepted', 'on_hold', 'emergency', 'handled', 'closed', 'archived', name='casestate', native_enum=False, length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_case_history_case', 'case_history', ['case_id', 'id'], unique=False)
    op.create_table('case_rating',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('rater_tier', sa.Enum('community', 'street', 'district', name='tier', native_enum=False, length=32), nullable=False),
    sa.Column('rater', sa.String(length=128), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=15), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reporter', sa.String(length=128), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'rater_tier')
    )
    op.create_index('ix_case_rating_reported', 'case_rating', ['reported_at', 'jurisdiction_code'], unique=False)
    op.create_index('ix_case_rating_unit', 'case_rating', ['unit', 'reported_at'], unique=False)

    category = sa.table(
        "category", sa.column("code"), sa.column("version"), sa.column("kind"), sa.column("major_class"),
        sa.column("name"), sa.column("limit_value"), sa.column("limit_unit"), sa.column("closing_condition"),
        sa.column("default_unit"), sa.column("lowest_tier"), sa.column("changed_by"), sa.column("changed_at"),
    )
    seeded_at = datetime(2026, 11, 27, tzinfo=UTC)
    op.bulk_insert(category, [
        {"code": code, "version": 1, "kind": kind, "major_class": major, "name": name, "limit_value": limit,
         "limit_unit": unit, "closing_condition": condition, "default_unit": default_unit, "lowest_tier": tier,
         "changed_by": "seed", "changed_at": seeded_at}
        for code, kind, major, name, limit, unit, condition, default_unit, tier in SEED
    ])


def downgrade() -> None:
    for name in ("case_tally", "case_rating", "case_history", "case_record", "category",
                 "dispatch_rule", "case_number_counter", "job_lease", "consumer_cursor", "outbox"):
        op.drop_table(name)
