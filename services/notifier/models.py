"""The notifier's tables: the staff directory and its scopes, and one row per delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kit.tables import define_kit_tables, enum_column
from services.notifier.domain import Channel, DeliveryState, ReminderKind, StaffRole


class Base(DeclarativeBase):
    pass


KIT = define_kit_tables(Base.metadata)


class StaffRow(Base):
    """A person behind a role; ``channels`` lists the channels they accept, in order (Channel values)."""

    __tablename__ = "staff"

    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    unit: Mapped[str] = mapped_column(String(64), index=True)
    phone: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    channels: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(255))


class StaffScopeRow(Base):
    """One jurisdiction prefix a person answers for; a reminder finds its people by its code's prefixes."""

    __tablename__ = "staff_scope"

    scope: Mapped[str] = mapped_column(String(15), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)


class DeliveryRow(Base):
    """One reminder to one recipient on one channel; unique per (event, recipient, channel), so never twice."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient", "channel", name="uq_delivery_event_recipient_channel"),
        Index("ix_delivery_inbox", "recipient", "channel", "id"),
        Index("ix_delivery_due", "state", "next_attempt_at"),
        Index("ix_delivery_reference", "reference", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    recipient: Mapped[str] = mapped_column(String(255))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    state: Mapped[DeliveryState] = mapped_column(enum_column(DeliveryState))
    reason: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind))
    reference: Mapped[str] = mapped_column(String(64))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    # Where it goes: the phone or e-mail address when queued; empty for the inbox.
    address: Mapped[str] = mapped_column(String(254))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The SMS template's parameters (ID numbers masked).
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
