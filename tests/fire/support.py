"""Shared builders for the fire tests: a settable clock, places, and a hazard driven to a given state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gridgov.fire.v1 import fire_pb2
from tests.support.actors import actor_metadata

GRID = "110108001001001"
OTHER_GRID = "110108002001001"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 23 Nov 2026, 10:00 in Beijing
DISTRICT = actor_metadata("admin", (("district_admin", "110108"),))
INSPECTOR = actor_metadata("inspector-1", (("fire_inspector", "110108001"),))


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def place_input(**change: Any) -> fire_pb2.PlaceInput:
    values: dict[str, Any] = dict(
        type=fire_pb2.PLACE_TYPE_SMALL_SHOP, name="便民超市", address="万寿路1号", jurisdiction_code=GRID,
        owner_name="张三", owner_phone="13812345289", contact_name="李四", contact_phone="13900001111",
        risk_level=fire_pb2.RISK_LEVEL_MEDIUM)
    values.update(change)
    return fire_pb2.PlaceInput(**values)


async def create_place(stub: Any, metadata: Any = DISTRICT, **change: Any) -> fire_pb2.Place:
    response = await stub.CreatePlace(fire_pb2.CreatePlaceRequest(place=place_input(**change)), metadata=metadata)
    return response.place


async def find_hazard(stub: Any, code: str = "no_extinguisher", metadata: Any = DISTRICT, *,
                      fixed_on_spot: bool = False, place: fire_pb2.Place | None = None) -> fire_pb2.Hazard:
    """Creates a place (unless given), inspects it and finds one hazard of ``code``; returns the hazard."""
    place = place or await create_place(stub, metadata)
    started = await stub.StartInspection(fire_pb2.StartInspectionRequest(
        place_id=place.id, grid_level=fire_pb2.GRID_LEVEL_SMALL), metadata=metadata)
    inspection_id = started.inspection.id
    await stub.RecordChecklist(fire_pb2.RecordChecklistRequest(inspection_id=inspection_id, items=[
        fire_pb2.ChecklistItem(hazard_type_code=code, result=fire_pb2.CHECK_RESULT_HAZARD_FOUND,
                               evidence=["photo/1.jpg"], fixed_on_spot=fixed_on_spot, note="门口"),
        fire_pb2.ChecklistItem(hazard_type_code="clutter" if code != "clutter" else "illegal_wiring",
                               result=fire_pb2.CHECK_RESULT_PASSED),
    ]), metadata=metadata)
    final = await stub.FinalizeInspection(fire_pb2.FinalizeInspectionRequest(inspection_id=inspection_id),
                                          metadata=metadata)
    (hazard,) = final.hazards
    return hazard
