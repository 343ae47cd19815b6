"""Per-district settings of the fire service: stored, read with their defaults, changed by the RPCs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.fire.v1 import fire_pb2
from services.fire.convert import timestamp
from services.fire.models import DistrictSettingsRow
from services.kit import actor
from services.kit.errors import InvalidArgument
from services.kit.servicer import ServicerBase

# A district that never changed its settings: a second person verifies every fix.
DEFAULT_FOUR_EYES = True


def district_of(code: str) -> str:
    """The district (first six digits) of a jurisdiction code."""
    return code[:6]


def settings_message(district_code: str, row: DistrictSettingsRow | None) -> fire_pb2.DistrictSettings:
    if row is None:
        return fire_pb2.DistrictSettings(district_code=district_code, four_eyes_verification=DEFAULT_FOUR_EYES)
    return fire_pb2.DistrictSettings(district_code=row.district_code,
                                     four_eyes_verification=row.four_eyes_verification,
                                     updated_at=timestamp(row.updated_at), updated_by=row.updated_by)


class SettingsStore:
    """District settings of one transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, district_code: str) -> DistrictSettingsRow | None:
        return await self.session.get(DistrictSettingsRow, district_code)

    async def four_eyes(self, jurisdiction_code: str) -> bool:
        """Whether a fix in ``jurisdiction_code``'s district needs a verifier other than its finder."""
        row = await self.get(district_of(jurisdiction_code))
        return DEFAULT_FOUR_EYES if row is None else row.four_eyes_verification

    async def set(self, district_code: str, four_eyes: bool, by: str, now: datetime) -> DistrictSettingsRow:
        row = await self.get(district_code)
        if row is None:
            row = DistrictSettingsRow(district_code=district_code)
            self.session.add(row)
        row.four_eyes_verification, row.updated_at, row.updated_by = four_eyes, now, by
        await self.session.flush()
        return row


def _district(value: str) -> str:
    code = value.strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise InvalidArgument.field("district_code", f"must be a 6-digit district code, got {value!r}")
    return code


class SettingsRpcs(ServicerBase):
    """District settings, a part of FireServicer."""

    async def GetDistrictSettings(self, request: fire_pb2.GetDistrictSettingsRequest,
                                  context: Any) -> fire_pb2.GetDistrictSettingsResponse:
        code = _district(request.district_code)
        # Any scope inside the district reads its settings (a street's inspector needs to know the rule).
        scopes = actor.read_scopes()
        if not any(code.startswith(s) or s.startswith(code) for s in scopes):
            actor.require_in_scope(code)
        async with self.database.read() as session:
            row = await SettingsStore(session).get(code)
        return fire_pb2.GetDistrictSettingsResponse(settings=settings_message(code, row))

    async def SetDistrictSettings(self, request: fire_pb2.SetDistrictSettingsRequest,
                                  context: Any) -> fire_pb2.SetDistrictSettingsResponse:
        code = _district(request.district_code)
        actor.require_in_scope(code)  # a district-wide scope only
        async with self.write() as session:
            row = await SettingsStore(session).set(code, request.four_eyes_verification, actor.current().subject,
                                                   self.runtime.clock())
        return fire_pb2.SetDistrictSettingsResponse(settings=settings_message(code, row))
