"""The inspection service's tables: sources, grid heads, patrols, violations, rules, air-quality readings and
the missed windows raised."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.inspection.domain import (
    ControlLevel,
    PeriodUnit,
    SourceStatus,
    SourceType,
    ViolationState,
)
from services.inspection.schedule import MissedKind, Pollutant
from services.kit.tables import define_kit_tables, enum_column


class Base(DeclarativeBase):
    pass


KIT = define_kit_tables(Base.metadata)


class SourceRow(Base):
    """A pollution source of the inventory, with the attributes of its type (null where they do not apply)."""

    __tablename__ = "pollution_source"
    __table_args__ = (Index("ix_pollution_source_jurisdiction_id", "jurisdiction_code", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source_type: Mapped[SourceType] = mapped_column(enum_column(SourceType))
    name: Mapped[str] = mapped_column(String(128))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    address: Mapped[str] = mapped_column(String(256))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    responsible_unit: Mapped[str] = mapped_column(String(128))
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_phone: Mapped[str] = mapped_column(String(20))
    area_m2: Mapped[float | None] = mapped_column(Float)
    # Dust-control measure values, e.g. ["wind_break_net"].
    dust_controls: Mapped[list[str]] = mapped_column(JSON)
    # Construction checklist: item code -> in place.
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON)
    fume_purifier_installed: Mapped[bool | None] = mapped_column(Boolean)
    control_level: Mapped[ControlLevel | None] = mapped_column(enum_column(ControlLevel))
    permit_number: Mapped[str] = mapped_column(String(64))
    # The grid the location falls in when it is not jurisdiction_code (flagged); null otherwise.
    located_grid: Mapped[str | None] = mapped_column(String(15))
    status: Mapped[SourceStatus] = mapped_column(enum_column(SourceStatus))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GridHeadRow(Base):
    """A person assigned to patrol one scope at the level its code's length gives."""

    __tablename__ = "grid_head"
    __table_args__ = (Index("ix_grid_head_jurisdiction_subject", "jurisdiction_code", "subject_id"),)

    subject_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    phone: Mapped[str] = mapped_column(String(20))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PatrolRow(Base):
    """One patrol: who, when, at what level and scope, and what was found."""

    __tablename__ = "patrol"
    __table_args__ = (
        Index("ix_patrol_jurisdiction_patrolled", "jurisdiction_code", "patrolled_at"),
        Index("ix_patrol_patroller_patrolled", "patroller", "patrolled_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    patroller: Mapped[str] = mapped_column(String(128))
    level: Mapped[int] = mapped_column(Integer)
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    patrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    findings: Mapped[str] = mapped_column(Text)
    # Who entered it: the patroller, or the environment bureau on the patroller's behalf.
    recorded_by: Mapped[str] = mapped_column(String(128), server_default="")


class PatrolCheckRow(Base):
    """A source checked on a patrol."""

    __tablename__ = "patrol_check"
    __table_args__ = (Index("ix_patrol_check_source", "source_id"),)

    patrol_id: Mapped[str] = mapped_column(ForeignKey("patrol.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    finding: Mapped[str] = mapped_column(Text)
    compliant: Mapped[bool] = mapped_column(Boolean)


class ViolationTypeRow(Base):
    """A violation catalogue entry."""

    __tablename__ = "violation_type"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    rectify_working_days: Mapped[int] = mapped_column(Integer)
    # Source type values it can be found at; empty for any.
    source_types: Mapped[list[str]] = mapped_column(JSON)


class ViolationRow(Base):
    """A violation found at a source, and the outcome of its case."""

    __tablename__ = "violation"
    __table_args__ = (
        Index("ix_violation_jurisdiction_found", "jurisdiction_code", "found_at"),
        Index("ix_violation_source", "source_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("pollution_source.id"))
    violation_type: Mapped[str] = mapped_column(ForeignKey("violation_type.code"))
    checklist_item: Mapped[str] = mapped_column(String(64))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    description: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON)
    reporter: Mapped[str] = mapped_column(String(128))
    patrol_id: Mapped[str | None] = mapped_column(ForeignKey("patrol.id"))
    urgent: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[ViolationState] = mapped_column(enum_column(ViolationState))
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_id: Mapped[str] = mapped_column(String(64))
    case_number: Mapped[str] = mapped_column(String(64))
    resolution: Mapped[str] = mapped_column(Text)


class ChecklistItemRow(Base):
    """One item of the configured construction checklist, in order."""

    __tablename__ = "checklist_item"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer)


class PatrolFrequencyRow(Base):
    """The patrol frequency one grid level requires."""

    __tablename__ = "patrol_frequency"

    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    times: Mapped[int] = mapped_column(Integer)
    unit: Mapped[PeriodUnit] = mapped_column(enum_column(PeriodUnit))


class SupervisionFrequencyRow(Base):
    """The supervision-check frequency one control level of key sources requires."""

    __tablename__ = "supervision_frequency"

    control_level: Mapped[ControlLevel] = mapped_column(enum_column(ControlLevel), primary_key=True)
    times: Mapped[int] = mapped_column(Integer)
    unit: Mapped[PeriodUnit] = mapped_column(enum_column(PeriodUnit))


class StationReadingRow(Base):
    """One pollutant's reading at a monitoring station; a repeat of the same key replaces it."""

    __tablename__ = "station_reading"
    __table_args__ = (Index("ix_station_reading_jurisdiction_observed", "jurisdiction_code", "observed_at"),)

    station_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    pollutant: Mapped[Pollutant] = mapped_column(enum_column(Pollutant), primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    value: Mapped[float] = mapped_column(Float)


class ReferenceReadingRow(Base):
    """One pollutant's reference (city) reading supplied with the station data."""

    __tablename__ = "reference_reading"
    __table_args__ = (Index("ix_reference_reading_observed", "observed_at"),)

    area: Mapped[str] = mapped_column(String(64), primary_key=True)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    pollutant: Mapped[Pollutant] = mapped_column(enum_column(Pollutant), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class MissedWindowRow(Base):
    """A window that closed with patrols or supervision checks lacking, raised once to the notifier."""

    __tablename__ = "missed_window"
    __table_args__ = (
        # One reminder per (head or source, window), however many runs or replicas find it.
        UniqueConstraint("kind", "subject_id", "window_start", "window_end", name="uq_missed_window_subject_window"),
        Index("ix_missed_window_jurisdiction_id", "jurisdiction_code", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[MissedKind] = mapped_column(enum_column(MissedKind))
    # The grid head's subject id, or the key source's id.
    subject_id: Mapped[str] = mapped_column(String(128))
    # The head's or the source's name when raised.
    name: Mapped[str] = mapped_column(String(128))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    # Grid level 1..4 of a head; null for a source.
    level: Mapped[int | None] = mapped_column(Integer)
    # Control level of a key source; null for a head.
    control_level: Mapped[ControlLevel | None] = mapped_column(enum_column(ControlLevel))
    # Local (Beijing) dates, inclusive.
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    required: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
