"""The cases service's tables: cases, history, ratings, catalogue, dispatch table, number counters, tallies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.cases.catalogue import CategoryKind
from services.cases.deadlines import DueStatus, LimitUnit
from services.cases.domain import CaseState, RequestKind, Satisfaction, SourceChannel, Tier
from services.kit.tables import define_kit_tables, enum_column


class Base(DeclarativeBase):
    pass


KIT = define_kit_tables(Base.metadata)


class CaseRow(Base):
    """One case. Deadline moments are stored so the sweep and the dashboards are index range scans."""

    __tablename__ = "case_record"
    __table_args__ = (
        Index("ix_case_jurisdiction_id", "jurisdiction_code", "id"),
        Index("ix_case_state_id", "state", "id"),
        # The map's box of points: a small box is the cells it touches, a large one a latitude band; the
        # longitude, state and jurisdiction tested from the index, so only the cases shown are read.
        Index("ix_case_cell", "location_cell", "latitude", "longitude", "state", "jurisdiction_code"),
        Index("ix_case_location", "latitude", "longitude", "state", "jurisdiction_code"),
        # The overdue list: overdue cases walked in deadline order, the jurisdiction read from the index,
        # so a page needs no sort (queries.overdue_cases names it for SQLite's planner).
        Index("ix_case_due_deadline", "due_status", "deadline", "id", "jurisdiction_code"),
        # The sweep: the next moment each running case needs attention.
        Index("ix_case_next_check", "next_check_at"),
        # Duplicate detection: same category, recent reports.
        Index("ix_case_category_reported", "category_code", "reported_at"),
        # A dashboard's breakdown of a period: its categories, and its closings per day (covering, no row read).
        Index("ix_case_reported_category", "reported_at", "jurisdiction_code", "category_code"),
        Index("ix_case_closed", "closed_at", "jurisdiction_code"),
        # Evaluation of a period: covering, so a street's month is one range scan of the index and no
        # table lookups (the columns are evaluation_store's counting rules).
        Index("ix_case_evaluation", "reported_at", "jurisdiction_code", "answerable_unit", "state", "source",
              "registered_at", "dispatched_at", "accepted_on_time", "handled_at", "handled_on_time", "closed_at",
              "closed_on_time", "deadline", "rework_count", "ever_overdue", "extension_count", "satisfaction",
              "handling_hours"),
        Index("ix_case_unit_reported", "answerable_unit", "reported_at"),
        Index("ix_case_reporter_reported", "reporter", "reported_at"),
        # Idempotency of CaseRequested: one case per source reference (NULLs never collide).
        Index("ux_case_source", "source_service", "source_reference", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    category_code: Mapped[str] = mapped_column(String(64))
    category_version: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    latitude: Mapped[float | None] = mapped_column(Float)
    # The map's cell of the location (services.kit.map_box.location_cell), kept with it.
    location_cell: Mapped[int | None] = mapped_column(BigInteger)
    longitude: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(256))
    source: Mapped[SourceChannel] = mapped_column(enum_column(SourceChannel))
    reporter: Mapped[str] = mapped_column(String(128))
    reporter_phone: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean)
    evidence_before: Mapped[list[str]] = mapped_column(JSON)
    evidence_after: Mapped[list[str]] = mapped_column(JSON)
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState))
    tier: Mapped[Tier] = mapped_column(enum_column(Tier))
    handling_unit: Mapped[str] = mapped_column(String(64))
    answerable_unit: Mapped[str] = mapped_column(String(64))
    # The lead and co-handling units of the current dispatch with their parts: a short list always read
    # and written with the case, kept on its row (one statement fewer per read and per change).
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    limit_value: Mapped[int | None] = mapped_column(Integer)
    limit_unit: Mapped[LimitUnit | None] = mapped_column(enum_column(LimitUnit))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accept_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_on_time: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_soon_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalate_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_status: Mapped[DueStatus] = mapped_column(enum_column(DueStatus))
    ever_overdue: Mapped[bool] = mapped_column(Boolean)
    supervised: Mapped[bool] = mapped_column(Boolean)
    supervision_tier: Mapped[Tier | None] = mapped_column(enum_column(Tier))
    # The grid the location falls in when the report named another (flagged for the centre); NULL otherwise.
    located_grid: Mapped[str | None] = mapped_column(String(15))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_on_time: Mapped[bool | None] = mapped_column(Boolean)
    handling_hours: Mapped[float | None] = mapped_column(Float)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_on_time: Mapped[bool | None] = mapped_column(Boolean)
    rework_count: Mapped[int] = mapped_column(Integer)
    reopen_count: Mapped[int] = mapped_column(Integer)
    extension_count: Mapped[int] = mapped_column(Integer)
    escalation_count: Mapped[int] = mapped_column(Integer)
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction))
    duplicate_of: Mapped[str] = mapped_column(String(36))
    merged_into: Mapped[str] = mapped_column(String(36))
    pending_request: Mapped[RequestKind | None] = mapped_column(enum_column(RequestKind))
    pending_amount: Mapped[int] = mapped_column(Integer)
    source_service: Mapped[str | None] = mapped_column(String(32))
    source_reference: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HistoryRow(Base):
    """An immutable audit-trail entry: rows are only ever inserted."""

    __tablename__ = "case_history"
    __table_args__ = (Index("ix_case_history_case", "case_id", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    from_state: Mapped[CaseState] = mapped_column(enum_column(CaseState))
    to_state: Mapped[CaseState] = mapped_column(enum_column(CaseState))
    comment: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON)
    unit: Mapped[str] = mapped_column(String(64))


class CaseUnitRow(Base):
    """A unit taking part in a case's current dispatch (the lead or a co-handler): what a unit's work list
    reads, by index. Kept in step with the case's participants in each change's transaction."""

    __tablename__ = "case_unit"
    __table_args__ = (Index("ix_case_unit_unit", "unit", "case_id"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    lead: Mapped[bool] = mapped_column(Boolean)


class RatingRow(Base):
    """The raising tier's rating of the department's handling: one per case and rater tier.

    Carries the case's jurisdiction, report time and reporter (facts that never change), so a period's
    ratings are read from this table's own index rather than joined to the cases.
    """

    __tablename__ = "case_rating"
    __table_args__ = (Index("ix_case_rating_unit", "unit", "reported_at"),
                      Index("ix_case_rating_reported", "reported_at", "jurisdiction_code"))

    case_id: Mapped[str] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True)
    rater_tier: Mapped[Tier] = mapped_column(enum_column(Tier), primary_key=True)
    rater: Mapped[str] = mapped_column(String(128))
    unit: Mapped[str] = mapped_column(String(64))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reporter: Mapped[str] = mapped_column(String(128))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CategoryRow(Base):
    """One version of a category; a change adds a version, so old cases keep their limits."""

    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[CategoryKind] = mapped_column(enum_column(CategoryKind))
    major_class: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    limit_value: Mapped[int] = mapped_column(Integer)
    limit_unit: Mapped[LimitUnit] = mapped_column(enum_column(LimitUnit))
    closing_condition: Mapped[str] = mapped_column(Text)
    default_unit: Mapped[str] = mapped_column(String(64))
    lowest_tier: Mapped[Tier] = mapped_column(enum_column(Tier))
    changed_by: Mapped[str] = mapped_column(String(128))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DispatchRuleRow(Base):
    """category x jurisdiction prefix -> handling unit; the longest matching prefix wins."""

    __tablename__ = "dispatch_rule"

    category_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    jurisdiction_prefix: Mapped[str] = mapped_column(String(15), primary_key=True)
    unit: Mapped[str] = mapped_column(String(64))


class NumberCounterRow(Base):
    """The last sequence number used for a district and Beijing date."""

    __tablename__ = "case_number_counter"

    day_key: Mapped[str] = mapped_column(String(24), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class ReportedDayRow(Base):
    """How many cases of a grid were reported on a Beijing day, added in each report's transaction.

    The map's counts of a period sum these (a row per grid and day) instead of counting a district's cases.
    """

    __tablename__ = "case_reported_day"
    # A period's days across every grid: one range scan of this covering index, not the whole table.
    __table_args__ = (Index("ix_case_reported_day_day", "day", "jurisdiction_code", "count"),)

    jurisdiction_code: Mapped[str] = mapped_column(String(15), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class TallyRow(Base):
    """How many cases of a grid are in a state and due status, kept in each change's transaction.

    Dashboards sum these few rows instead of counting a street's cases one by one.
    """

    __tablename__ = "case_tally"

    jurisdiction_code: Mapped[str] = mapped_column(String(15), primary_key=True)
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState), primary_key=True)
    due_status: Mapped[DueStatus] = mapped_column(enum_column(DueStatus), primary_key=True)
    supervised: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
