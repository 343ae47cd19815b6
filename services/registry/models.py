"""The registry's tables: jurisdiction tree, grid staff, buildings, households, residents, organizations, visits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kit.tables import define_kit_tables, enum_column
from services.registry.domain import (
    CareLevel,
    Gender,
    GridType,
    JurisdictionLevel,
    PopulationType,
    Relationship,
    VulnerableTag,
)


class Base(DeclarativeBase):
    pass


KIT = define_kit_tables(Base.metadata)


class JurisdictionNode(Base):
    """A district, street, community or grid; the code carries the hierarchy."""

    __tablename__ = "jurisdiction"

    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[JurisdictionLevel] = mapped_column(enum_column(JurisdictionLevel))
    parent_code: Mapped[str | None] = mapped_column(String(15), index=True)
    grid_type: Mapped[GridType | None] = mapped_column(enum_column(GridType))
    leader_subject: Mapped[str | None] = mapped_column(String(128))
    leader_name: Mapped[str | None] = mapped_column(String(64))
    leader_phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The boundary as GeoJSON geometry text (WGS 84 lon/lat), its bounding box and its equal-area m².
    boundary: Mapped[str | None] = mapped_column(Text)
    min_longitude: Mapped[float | None] = mapped_column(Float)
    min_latitude: Mapped[float | None] = mapped_column(Float)
    max_longitude: Mapped[float | None] = mapped_column(Float)
    max_latitude: Mapped[float | None] = mapped_column(Float)
    area_m2: Mapped[float | None] = mapped_column(Float)


class BoundaryRevision(Base):
    """One row: the revision of the boundaries, raised by every import that stores some (the layer caches
    and the services' spatial indexes key on it)."""

    __tablename__ = "boundary_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger)


class GridWorker(Base):
    """A worker assigned to a grid, in the order given."""

    __tablename__ = "grid_worker"

    grid_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code", ondelete="CASCADE"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)


class BuildingRow(Base):
    __tablename__ = "building"
    __table_args__ = (Index("ix_building_jurisdiction_id", "jurisdiction_code", "id"),
                      Index("ix_building_jurisdiction_address", "jurisdiction_code", "address", unique=True))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    address: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(128))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The grid the location falls in when it is not jurisdiction_code (flagged); null otherwise.
    located_grid: Mapped[str | None] = mapped_column(String(15))


class HouseholdRow(Base):
    """A household; head_name and member_count are kept here, in the members' transaction, for fast lists."""

    __tablename__ = "household"
    __table_args__ = (Index("ix_household_jurisdiction_id", "jurisdiction_code", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    building_id: Mapped[str] = mapped_column(ForeignKey("building.id"), index=True)
    address: Mapped[str] = mapped_column(String(256))
    care_level: Mapped[CareLevel] = mapped_column(enum_column(CareLevel))
    care_reason: Mapped[str] = mapped_column(Text)
    helper_name: Mapped[str | None] = mapped_column(String(64))
    # Unique: a helper is paired with one close_contact household at most (NULLs do not collide).
    helper_phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    head_name: Mapped[str] = mapped_column(String(64))
    member_count: Mapped[int] = mapped_column(Integer)
    # The household's tags as comma-separated enum values, kept with household_tag in the same
    # transaction: household_tag serves filters (indexed), this copy lets a list page read in one query.
    tag_list: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HouseholdTag(Base):
    __tablename__ = "household_tag"
    __table_args__ = (Index("ix_household_tag_tag", "tag", "household_id"),)

    household_id: Mapped[str] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[VulnerableTag] = mapped_column(enum_column(VulnerableTag), primary_key=True)


class ResidentRow(Base):
    __tablename__ = "resident"
    __table_args__ = (Index("ix_resident_jurisdiction_id", "jurisdiction_code", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    gender: Mapped[Gender] = mapped_column(enum_column(Gender))
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(20))
    population_type: Mapped[PopulationType] = mapped_column(enum_column(PopulationType))
    relationship: Mapped[Relationship] = mapped_column(enum_column(Relationship))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrganizationRow(Base):
    __tablename__ = "organization"
    __table_args__ = (Index("ix_organization_jurisdiction_id", "jurisdiction_code", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str] = mapped_column(String(256))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    contact_phone: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VisitRow(Base):
    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_jurisdiction_time", "jurisdiction_code", "visited_at", "id"),
                      Index("ix_visit_household_time", "household_id", "visited_at", "id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    worker: Mapped[str] = mapped_column(String(128))
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str] = mapped_column(Text)
