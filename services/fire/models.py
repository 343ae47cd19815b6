"""The fire service's tables: places, the versioned hazard catalogue, inspection plans, inspections, hazards."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.fire.domain import (
    Closure,
    GridLevel,
    HazardCategory,
    HazardState,
    InspectionState,
    PlaceType,
    RiskLevel,
    Severity,
)
from services.kit.tables import define_kit_tables, enum_column


class Base(DeclarativeBase):
    pass


KIT = define_kit_tables(Base.metadata)


class PlaceRow(Base):
    """A place in a grid; next_due_on is kept here so due lists are one index range scan."""

    __tablename__ = "place"
    __table_args__ = (
        Index("ix_place_jurisdiction_name", "jurisdiction_code", "name", "id"),
        Index("ix_place_level_due", "inspected_by", "next_due_on", "jurisdiction_code"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[PlaceType] = mapped_column(enum_column(PlaceType))
    name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(256))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    owner_name: Mapped[str] = mapped_column(String(64))
    owner_phone: Mapped[str] = mapped_column(String(20))
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_phone: Mapped[str] = mapped_column(String(20))
    risk_level: Mapped[RiskLevel] = mapped_column(enum_column(RiskLevel))
    organization_id: Mapped[str] = mapped_column(String(36))
    household_id: Mapped[str] = mapped_column(String(36))
    # Where the place is (CGCS2000 ≈ WGS 84 degrees); null for a place registered by address only.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    inspected_by: Mapped[GridLevel] = mapped_column(enum_column(GridLevel))
    interval_days: Mapped[int] = mapped_column(Integer)
    last_inspected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The grid the location falls in when it is not jurisdiction_code (flagged); null otherwise.
    located_grid: Mapped[str | None] = mapped_column(String(15))


class HazardTypeRow(Base):
    """The current version of a catalogue entry."""

    __tablename__ = "hazard_type"

    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    category: Mapped[HazardCategory] = mapped_column(enum_column(HazardCategory))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    rectify_days: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HazardTypeVersionRow(Base):
    """Every version a catalogue entry has had, the current one included."""

    __tablename__ = "hazard_type_version"

    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    category: Mapped[HazardCategory] = mapped_column(enum_column(HazardCategory))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    rectify_days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InspectionPlanRow(Base):
    """Who inspects a place type and how often."""

    __tablename__ = "inspection_plan"

    place_type: Mapped[PlaceType] = mapped_column(enum_column(PlaceType), primary_key=True)
    grid_level: Mapped[GridLevel] = mapped_column(enum_column(GridLevel))
    interval_days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InspectionRow(Base):
    """One visit to a place; the checklist is a JSON list, written whole while a draft."""

    __tablename__ = "inspection"
    __table_args__ = (
        Index("ix_inspection_jurisdiction_time", "jurisdiction_code", "inspected_at", "id"),
        Index("ix_inspection_place", "place_id", "inspected_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    place_id: Mapped[str] = mapped_column(String(36))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    inspector: Mapped[str] = mapped_column(String(128))
    grid_level: Mapped[GridLevel] = mapped_column(enum_column(GridLevel))
    inspected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[InspectionState] = mapped_column(enum_column(InspectionState))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hazard_ids: Mapped[list[str]] = mapped_column(JSON)


class HazardRow(Base):
    """One hazard; ``version`` guards every state change against a concurrent one."""

    __tablename__ = "hazard"
    __table_args__ = (
        Index("ix_hazard_jurisdiction_found", "jurisdiction_code", "found_at", "id"),
        Index("ix_hazard_state_deadline", "state", "rectify_by"),
        Index("ix_hazard_place", "place_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    place_id: Mapped[str] = mapped_column(String(36))
    place_name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(256))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    inspection_id: Mapped[str] = mapped_column(String(36))
    hazard_type_code: Mapped[str] = mapped_column(String(48))
    hazard_type_version: Mapped[int] = mapped_column(Integer)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    report_immediately: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[HazardState] = mapped_column(enum_column(HazardState))
    evidence: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    found_by: Mapped[str] = mapped_column(String(128))
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rectify_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rectified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overdue_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closure: Mapped[Closure | None] = mapped_column(enum_column(Closure))
    case_id: Mapped[str] = mapped_column(String(36))
    case_number: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)


class HazardChangeRow(Base):
    """One entry of a hazard's history; ordered by its time-ordered id."""

    __tablename__ = "hazard_change"
    __table_args__ = (Index("ix_hazard_change_hazard", "hazard_id", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hazard_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[HazardState | None] = mapped_column(enum_column(HazardState))
    to_state: Mapped[HazardState] = mapped_column(enum_column(HazardState))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text)


class DistrictSettingsRow(Base):
    """How the fire service works in one district; a district without a row has the defaults."""

    __tablename__ = "fire_district_settings"

    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    four_eyes_verification: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(128))
