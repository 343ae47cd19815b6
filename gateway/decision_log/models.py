"""The decision log's table; its rows are only ever inserted (migrations add triggers refusing changes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite wants INTEGER for a 64-bit primary key; PostgreSQL BIGINT.
SEQUENCE_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class AccessDecision(Base):
    """One policy decision in OPA's decision-log shape, plus the columns auditors filter on and its chain link; or
    an outcome record: what the caller got after an allowing decision (``outcome``, ``decision_ref``)."""

    __tablename__ = "access_decision"

    # Position in the chain: 1, 2, 3, ... with no gaps, so a removed record shows.
    sequence: Mapped[int] = mapped_column(SEQUENCE_TYPE, primary_key=True, autoincrement=False)
    decision_id: Mapped[str] = mapped_column(String(36), unique=True)
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    path: Mapped[str] = mapped_column(String(200))
    # The decision's input, personal data masked, as canonical JSON.
    input: Mapped[str] = mapped_column(Text)
    # The decision's result {allow, reasons, mask, scopes}, as canonical JSON.
    result: Mapped[str] = mapped_column(Text)
    # bundles.<name>.revision: the hash of the Rego files that decided.
    revision: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String(200))
    req_id: Mapped[str] = mapped_column(String(64))
    # Copied out of input/result for filtering; covered by the hash like every other column.
    subject: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    resource_type: Mapped[str] = mapped_column(String(100))
    jurisdiction_code: Mapped[str] = mapped_column(String(15))
    # A decision: whether the policy allowed. An outcome record: whether the caller was then served.
    allow: Mapped[bool] = mapped_column(Boolean)
    # "" for a decision; for an outcome record what the caller got after the policy allowed (record.Outcome).
    outcome: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # An outcome record's decision (its decision_id); "" for a decision.
    decision_ref: Mapped[str] = mapped_column(String(36), default="", server_default="")
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_access_decision_subject", "subject", "sequence"),
        Index("ix_access_decision_action", "action", "sequence"),
        Index("ix_access_decision_jurisdiction_code", "jurisdiction_code", "sequence"),
        Index("ix_access_decision_timestamp", "timestamp"),
        Index("ix_access_decision_decision_ref", "decision_ref"),
    )
