"""Proto <-> domain for the fire service: enum maps (by member name) and row -> message builders."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from google.protobuf import timestamp_pb2

from gridgov.common.v1 import geo_pb2
from gridgov.fire.v1 import fire_pb2
from services.fire import catalogue, domain
from services.fire.models import (
    HazardChangeRow,
    HazardRow,
    HazardTypeRow,
    HazardTypeVersionRow,
    InspectionRow,
    PlaceRow,
)
from services.kit.clock import as_utc
from services.kit.enums import EnumMapping
from services.kit.masking import mask_phone

PLACE_TYPE = EnumMapping(domain.PlaceType, fire_pb2.PlaceType, "PLACE_TYPE")
RISK_LEVEL = EnumMapping(domain.RiskLevel, fire_pb2.RiskLevel, "RISK_LEVEL")
GRID_LEVEL = EnumMapping(domain.GridLevel, fire_pb2.GridLevel, "GRID_LEVEL")
SEVERITY = EnumMapping(domain.Severity, fire_pb2.Severity, "SEVERITY")
HAZARD_CATEGORY = EnumMapping(domain.HazardCategory, fire_pb2.HazardCategory, "HAZARD_CATEGORY")
CHECK_RESULT = EnumMapping(domain.CheckResult, fire_pb2.CheckResult, "CHECK_RESULT")
INSPECTION_STATE = EnumMapping(domain.InspectionState, fire_pb2.InspectionState, "INSPECTION_STATE")
HAZARD_STATE = EnumMapping(domain.HazardState, fire_pb2.HazardState, "HAZARD_STATE")
CLOSURE = EnumMapping(domain.Closure, fire_pb2.Closure, "CLOSURE")
ENUM_MAPS = (PLACE_TYPE, RISK_LEVEL, GRID_LEVEL, SEVERITY, HAZARD_CATEGORY, CHECK_RESULT, INSPECTION_STATE,
             HAZARD_STATE, CLOSURE)


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(as_utc(value))
    return stamp


def from_timestamp(message: Any, field: str) -> datetime | None:
    """A set Timestamp field as an aware UTC datetime, or None when unset."""
    if not message.HasField(field):
        return None
    return as_utc(getattr(message, field).ToDatetime())


def mask_name(name: str) -> str:
    """"张三丰" -> "张**": the family name stays, so an inspector can still address the person."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


MASKERS: Mapping[str, Callable[[str], str]] = {
    "owner_name": mask_name, "contact_name": mask_name, "owner_phone": mask_phone, "contact_phone": mask_phone,
}


def personal_fields(row: PlaceRow, masks: Callable[[str], bool]) -> dict[str, str]:
    """The place's personal fields, each masked when the policy masks it for this call."""
    return {field: (masker(getattr(row, field)) if masks(field) else getattr(row, field))
            for field, masker in MASKERS.items()}


def place_message(row: PlaceRow, masks: Callable[[str], bool]) -> fire_pb2.Place:
    location = (geo_pb2.GeoPoint(latitude=row.latitude, longitude=row.longitude)
                if row.latitude is not None and row.longitude is not None else None)
    return fire_pb2.Place(
        id=row.id, type=PLACE_TYPE.to_proto(row.type), name=row.name, address=row.address,
        jurisdiction_code=row.jurisdiction_code, risk_level=RISK_LEVEL.to_proto(row.risk_level),
        organization_id=row.organization_id, household_id=row.household_id,
        inspected_by=GRID_LEVEL.to_proto(row.inspected_by), interval_days=row.interval_days,
        last_inspected_at=timestamp(row.last_inspected_at), next_due_on=row.next_due_on.isoformat(),
        created_at=timestamp(row.created_at), location=location, located_grid=row.located_grid or "",
        **personal_fields(row, masks),
    )


def hazard_type_message(row: HazardTypeRow | HazardTypeVersionRow) -> fire_pb2.HazardType:
    return fire_pb2.HazardType(
        code=row.code, name=row.name, category=HAZARD_CATEGORY.to_proto(row.category),
        severity=SEVERITY.to_proto(row.severity), rectify_days=row.rectify_days, version=row.version,
        updated_by=row.updated_by, updated_at=timestamp(row.updated_at),
    )


def check_item(item: fire_pb2.ChecklistItem) -> catalogue.CheckItem:
    return catalogue.CheckItem(item.hazard_type_code, CHECK_RESULT.member(item.result), tuple(item.evidence),
                            item.fixed_on_spot, item.note)


def item_record(item: catalogue.CheckItem) -> dict[str, Any]:
    """A checklist line as stored in the inspection's JSON column."""
    return {"hazard_type_code": item.hazard_type_code, "result": item.result.value if item.result else "",
            "evidence": list(item.evidence), "fixed_on_spot": item.fixed_on_spot, "note": item.note}


def item_from_record(record: Mapping[str, Any]) -> catalogue.CheckItem:
    return catalogue.CheckItem(record["hazard_type_code"], domain.CheckResult(record["result"]),
                            tuple(record["evidence"]), bool(record["fixed_on_spot"]), record["note"])


def inspection_message(row: InspectionRow) -> fire_pb2.Inspection:
    items = [item_from_record(r) for r in row.items]
    return fire_pb2.Inspection(
        id=row.id, place_id=row.place_id, jurisdiction_code=row.jurisdiction_code, inspector=row.inspector,
        grid_level=GRID_LEVEL.to_proto(row.grid_level), inspected_at=timestamp(row.inspected_at),
        state=INSPECTION_STATE.to_proto(row.state), finalized_at=timestamp(row.finalized_at),
        hazard_ids=row.hazard_ids,
        items=[fire_pb2.ChecklistItem(hazard_type_code=i.hazard_type_code, result=CHECK_RESULT.to_proto(i.result),
                                      evidence=i.evidence, fixed_on_spot=i.fixed_on_spot, note=i.note)
               for i in items],
    )


def hazard_message(row: HazardRow, history: list[HazardChangeRow] | None = None) -> fire_pb2.Hazard:
    message = fire_pb2.Hazard(
        id=row.id, place_id=row.place_id, place_name=row.place_name, address=row.address,
        jurisdiction_code=row.jurisdiction_code, inspection_id=row.inspection_id,
        hazard_type_code=row.hazard_type_code, hazard_type_version=row.hazard_type_version,
        severity=SEVERITY.to_proto(row.severity), report_immediately=row.report_immediately,
        state=HAZARD_STATE.to_proto(row.state), evidence=row.evidence, note=row.note, found_by=row.found_by,
        found_at=timestamp(row.found_at), rectify_by=timestamp(row.rectify_by),
        rectified_at=timestamp(row.rectified_at), overdue_at=timestamp(row.overdue_at),
        handed_over_at=timestamp(row.handed_over_at), closed_at=timestamp(row.closed_at),
        closure=CLOSURE.to_proto(row.closure), case_id=row.case_id, case_number=row.case_number,
    )
    for change in history or ():
        message.history.add(
            action=change.action, from_state=HAZARD_STATE.to_proto(change.from_state),
            to_state=HAZARD_STATE.to_proto(change.to_state), actor=change.actor, at=timestamp(change.at),
            note=change.note,
        )
    return message
