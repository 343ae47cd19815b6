"""The cases service's first schema: kit tables, cases (with their handling units' parts), history, ratings, the versioned
category catalogue (seeded with version 1), the dispatch table, number counters and dashboard tallies.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.cases.catalogue import seed
from services.kit.tables import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


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
        {"code": c.code, "version": c.version, "kind": c.kind.value, "major_class": c.major_class, "name": c.name,
         "limit_value": c.limit.value, "limit_unit": c.limit.unit.value, "closing_condition": c.closing_condition,
         "default_unit": c.default_unit, "lowest_tier": c.lowest_tier.name.lower(), "changed_by": "seed",
         "changed_at": seeded_at}
        for c in seed()
    ])


def downgrade() -> None:
    for name in ("case_tally", "case_rating", "case_history", "case_record", "category",
                 "dispatch_rule", "case_number_counter", "job_lease", "consumer_cursor", "outbox"):
        op.drop_table(name)
