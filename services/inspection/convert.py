"""Translation between the inspection proto and the domain and rows: enums, sources, violations, masking."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

from google.protobuf import timestamp_pb2

from gridgov.common.v1 import geo_pb2
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.domain import (
    ChecklistItem,
    ControlLevel,
    DustControl,
    Frequency,
    GridLevel,
    InspectionRules,
    PeriodUnit,
    SourceDraft,
    SourceStatus,
    SourceType,
    ViolationState,
    ViolationType,
    missing_checklist_items,
)
from services.inspection.models import (
    GridHeadRow,
    MissedWindowRow,
    PatrolCheckRow,
    PatrolRow,
    SourceRow,
    ViolationRow,
)
from services.inspection.schedule import AssessmentUnit, MissedKind, Pollutant, Window, WindowStatus
from services.kit import actor
from services.kit.calendar import BEIJING
from services.kit.clock import as_utc
from services.kit.enums import EnumMapping
from services.kit.errors import InvalidArgument, Violations
from services.kit.masking import mask_phone

E = TypeVar("E", bound=Enum)

# Each domain enum's mapping to its proto enum, keyed by the domain enum so callers name only the member or the kind.
MAPPINGS: dict[type[Enum], EnumMapping[Any]] = {mapping.domain_enum: mapping for mapping in (
    EnumMapping(SourceType, pb.SourceType, "SOURCE_TYPE"),
    EnumMapping(SourceStatus, pb.SourceStatus, "SOURCE_STATUS"),
    EnumMapping(ControlLevel, pb.ControlLevel, "CONTROL_LEVEL"),
    EnumMapping(DustControl, pb.DustControl, "DUST_CONTROL"),
    EnumMapping(ViolationState, pb.ViolationState, "VIOLATION_STATE"),
    EnumMapping(PeriodUnit, pb.PeriodUnit, "PERIOD_UNIT"),
    EnumMapping(WindowStatus, pb.WindowStatus, "WINDOW_STATUS"),
    EnumMapping(Pollutant, pb.Pollutant, "POLLUTANT"),
    EnumMapping(AssessmentUnit, pb.AssessmentUnit, "ASSESSMENT_UNIT"),
    EnumMapping(MissedKind, pb.MissedKind, "MISSED_KIND"),
)}


def to_proto(member: Enum) -> int:
    return MAPPINGS[type(member)].to_proto(member)


def from_proto(kind: type[E], number: int, field: str, *, required: bool = True) -> E | None:
    """The domain member of a proto enum number; UNSPECIFIED is None, or INVALID_ARGUMENT when ``required``."""
    mapping: EnumMapping[E] = MAPPINGS[kind]
    return mapping.required(number, field) if required else mapping.optional(number, field)


def timestamp(moment: datetime | None) -> timestamp_pb2.Timestamp | None:
    if moment is None:
        return None
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(as_utc(moment))
    return value


def moment(value: timestamp_pb2.Timestamp) -> datetime:
    return value.ToDatetime(tzinfo=UTC)


def draft_from(message: pb.SourceInput, prefix: str = "source") -> SourceDraft:
    """The domain draft of a SourceInput; raises InvalidArgument for unset or unknown enum values."""
    problems = Violations()
    source_type = control_level = None
    dust: list[DustControl] = []
    try:
        source_type = from_proto(SourceType, message.source_type, f"{prefix}.source_type")
    except InvalidArgument as error:
        problems.extend(error.violations)
    try:
        control_level = from_proto(ControlLevel, message.control_level, f"{prefix}.control_level", required=False)
    except InvalidArgument as error:
        problems.extend(error.violations)
    for i, number in enumerate(message.dust_controls):
        try:
            member = from_proto(DustControl, number, f"{prefix}.dust_controls[{i}]")
        except InvalidArgument as error:
            problems.extend(error.violations)
        else:
            assert member is not None
            dust.append(member)
    problems.raise_if_any()
    assert source_type is not None
    has_location = message.HasField("location")
    return SourceDraft(
        source_type=source_type, name=message.name, jurisdiction_code=message.jurisdiction_code.strip(),
        address=message.address, responsible_unit=message.responsible_unit, contact_name=message.contact_name,
        contact_phone=message.contact_phone.strip(),
        latitude=message.location.latitude if has_location else None,
        longitude=message.location.longitude if has_location else None,
        area_m2=message.area_m2 if message.HasField("area_m2") else None,
        dust_controls=tuple(dust),
        checklist={entry.item: entry.in_place for entry in message.checklist},
        fume_purifier_installed=message.fume_purifier_installed if message.HasField("fume_purifier_installed")
        else None,
        control_level=control_level, permit_number=message.permit_number, located_grid=message.located_grid.strip(),
    )


def source_message(row: SourceRow, checklist: tuple[ChecklistItem, ...], draft: SourceDraft) -> pb.Source:
    """The proto of a stored source; the contact phone masked when the call's policy says so."""
    phone = mask_phone(row.contact_phone) if row.contact_phone and actor.masks("contact_phone") else row.contact_phone
    message = pb.Source(
        id=row.id, source_type=to_proto(row.source_type), name=row.name, jurisdiction_code=row.jurisdiction_code,
        address=row.address, responsible_unit=row.responsible_unit, contact_name=row.contact_name,
        contact_phone=phone, dust_controls=[to_proto(DustControl(d)) for d in row.dust_controls],
        checklist=[pb.ChecklistEntry(item=k, in_place=bool(v)) for k, v in sorted(row.checklist.items())],
        missing_checklist_items=missing_checklist_items(draft, checklist),
        control_level=to_proto(row.control_level) if row.control_level else 0,
        permit_number=row.permit_number, status=to_proto(row.status),
        created_at=timestamp(row.created_at), updated_at=timestamp(row.updated_at),
        located_grid=row.located_grid or "",
    )
    if row.latitude is not None and row.longitude is not None:
        message.location.CopyFrom(geo_pb2.GeoPoint(latitude=row.latitude, longitude=row.longitude))
    if row.area_m2 is not None:
        message.area_m2 = row.area_m2
    if row.fume_purifier_installed is not None:
        message.fume_purifier_installed = row.fume_purifier_installed
    return message


def grid_head_message(row: GridHeadRow) -> pb.GridHead:
    phone = mask_phone(row.phone) if row.phone and actor.masks("phone") else row.phone
    assigned_on = as_utc(row.assigned_at).astimezone(BEIJING).date().isoformat()
    return pb.GridHead(subject_id=row.subject_id, name=row.name, level=row.level,
                       jurisdiction_code=row.jurisdiction_code, phone=phone, assigned_on=assigned_on)


def patrol_message(row: PatrolRow, checks: list[PatrolCheckRow]) -> pb.Patrol:
    return pb.Patrol(
        id=row.id, patroller=row.patroller, level=row.level, jurisdiction_code=row.jurisdiction_code,
        patrolled_at=timestamp(row.patrolled_at), findings=row.findings, recorded_by=row.recorded_by,
        checks=[pb.SourceCheck(source_id=c.source_id, finding=c.finding, compliant=c.compliant) for c in checks],
    )


def violation_message(row: ViolationRow) -> pb.Violation:
    on_time = row.closed_at is not None and as_utc(row.closed_at) <= as_utc(row.deadline)
    return pb.Violation(
        id=row.id, source_id=row.source_id, violation_type=row.violation_type, checklist_item=row.checklist_item,
        jurisdiction_code=row.jurisdiction_code, description=row.description, evidence=row.evidence,
        reporter=row.reporter, patrol_id=row.patrol_id or "", state=to_proto(row.state),
        found_at=timestamp(row.found_at), deadline=timestamp(row.deadline), closed_at=timestamp(row.closed_at),
        case_id=row.case_id, case_number=row.case_number, resolution=row.resolution, closed_on_time=on_time,
        urgent=row.urgent,
    )


def violation_type_message(vt: ViolationType) -> pb.ViolationType:
    return pb.ViolationType(code=vt.code, name=vt.name, rectify_working_days=vt.rectify_working_days,
                            source_types=sorted(to_proto(t) for t in vt.source_types))


def frequency_message(frequency: Frequency) -> pb.Frequency:
    return pb.Frequency(times=frequency.times, unit=to_proto(frequency.unit))


def rules_message(rules: InspectionRules) -> pb.Rules:
    return pb.Rules(
        checklist=[pb.ChecklistItem(code=i.code, name=i.name) for i in rules.checklist],
        patrol_frequencies=[pb.PatrolFrequency(level=int(level), frequency=frequency_message(f))
                            for level, f in sorted(rules.patrol.items())],
        supervision_frequencies=[pb.SupervisionFrequency(control_level=to_proto(level), frequency=frequency_message(f))
                                 for level, f in sorted(rules.supervision.items(), key=lambda kv: to_proto(kv[0]))],
    )


def rules_from(message: pb.Rules) -> InspectionRules:
    """The domain rules of a Rules message; raises InvalidArgument naming each bad entry."""
    problems = Violations()
    patrol: dict[GridLevel, Frequency] = {}
    supervision: dict[ControlLevel, Frequency] = {}
    for i, entry in enumerate(message.patrol_frequencies):
        try:
            level = GridLevel(entry.level)
            unit = from_proto(PeriodUnit, entry.frequency.unit, f"rules.patrol_frequencies[{i}].frequency.unit")
        except ValueError:
            problems.add(f"rules.patrol_frequencies[{i}].level", "must be 1 to 4")
            continue
        except InvalidArgument as error:
            problems.extend(error.violations)
            continue
        assert unit is not None
        patrol[level] = Frequency(entry.frequency.times, unit)
    for i, sup in enumerate(message.supervision_frequencies):
        try:
            control = from_proto(ControlLevel, sup.control_level, f"rules.supervision_frequencies[{i}].control_level")
            unit = from_proto(PeriodUnit, sup.frequency.unit, f"rules.supervision_frequencies[{i}].frequency.unit")
        except InvalidArgument as error:
            problems.extend(error.violations)
            continue
        assert control is not None and unit is not None
        supervision[control] = Frequency(sup.frequency.times, unit)
    problems.raise_if_any()
    return InspectionRules(tuple(ChecklistItem(i.code.strip(), i.name) for i in message.checklist), patrol,
                           supervision)


def window_message(window: Window) -> pb.DueWindow:
    return pb.DueWindow(start=window.start.isoformat(), end=window.end.isoformat(), required=window.required,
                        done=window.done, status=to_proto(window.status))


def missed_patrol_message(row: MissedWindowRow) -> pb.MissedPatrol:
    return pb.MissedPatrol(
        id=row.id, kind=to_proto(row.kind), subject_id=row.subject_id, name=row.name,
        jurisdiction_code=row.jurisdiction_code, level=row.level or 0,
        control_level=to_proto(row.control_level) if row.control_level else 0,
        window_start=row.window_start.isoformat(), window_end=row.window_end.isoformat(), required=row.required,
        done=row.done, raised_at=timestamp(row.raised_at),
    )
