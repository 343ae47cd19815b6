"""The gateway's record of each uploaded file: who sent it for which jurisdiction, what it is, what its EXIF says."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.decision_log.models import Base


class MediaObject(Base):
    """One uploaded file. Its bytes are in the media store under ``<id>/original`` (and ``<id>/shown``,
    ``<id>/thumbnail`` for a photo that could be decoded). The same bytes from the same sender are one object:
    a retried upload is never stored twice."""

    __tablename__ = "media_object"
    __table_args__ = (Index("ux_media_owner_sha256", "owner", "sha256", unique=True),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    jurisdiction_code: Mapped[str] = mapped_column(String(15), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(32))
    byte_size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Whether the shown copy and the thumbnail exist (a photo the gateway could decode).
    shown: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
