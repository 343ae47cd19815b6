"""The reminder events of cases, fire and inspection, read as the notifier's Reminder."""

from __future__ import annotations

import logging
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from gridgov.cases.v1 import cases_pb2
from gridgov.common.v1 import event_pb2
from gridgov.fire.v1 import fire_pb2
from gridgov.inspection.v1 import inspection_pb2
from services.notifier.domain import BEIJING, Reminder, ReminderKind

log = logging.getLogger(__name__)

CASE_REMINDER = "CaseReminder"
HAZARD_OVERDUE = "HazardOverdue"
PATROL_MISSED = "PatrolMissed"
SUPERVISION_MISSED = "SupervisionMissed"

# The event types the notifier follows, by source service.
SOURCES: dict[str, tuple[str, ...]] = {
    "cases": (CASE_REMINDER,),
    "fire": (HAZARD_OVERDUE,),
    "inspection": (PATROL_MISSED, SUPERVISION_MISSED),
}

CASE_REASONS = {
    "dispatched": ReminderKind.CASE_DISPATCHED,
    "due_soon": ReminderKind.CASE_DUE_SOON,
    "overdue": ReminderKind.CASE_OVERDUE,
    "supervised": ReminderKind.CASE_SUPERVISED,
}


def local_time(stamp: Timestamp) -> str:
    """A timestamp as Beijing time to the minute ("2026-11-23 18:00"); empty when unset."""
    if not stamp.seconds and not stamp.nanos:
        return ""
    return datetime.fromtimestamp(stamp.seconds, BEIJING).strftime("%Y-%m-%d %H:%M")


def reminder_of(event: event_pb2.Event) -> Reminder | None:
    """The reminder an event carries, or None (logged) when it is of another type or its payload is not one."""
    if event.type == CASE_REMINDER:
        case = cases_pb2.CaseReminder()
        if event.payload.Unpack(case) and case.reason in CASE_REASONS:
            return Reminder(event.event_id, CASE_REASONS[case.reason], event.jurisdiction_code, case.case_number,
                            unit=case.unit, params={"case_number": case.case_number,
                                                    "deadline": local_time(case.deadline)})
    elif event.type == HAZARD_OVERDUE:
        hazard = fire_pb2.HazardOverdue()
        if event.payload.Unpack(hazard):
            return Reminder(event.event_id, ReminderKind.HAZARD_OVERDUE, hazard.jurisdiction_code or
                            event.jurisdiction_code, hazard.hazard_id, subject=hazard.found_by, params={
                                "place_name": hazard.place_name, "hazard_type_code": hazard.hazard_type_code,
                                "rectify_by": local_time(hazard.rectify_by),
                                "hand_over_at": local_time(hazard.hand_over_at)})
    elif event.type == PATROL_MISSED:
        patrol = inspection_pb2.PatrolMissed()
        if event.payload.Unpack(patrol):
            return Reminder(event.event_id, ReminderKind.PATROL_MISSED, patrol.jurisdiction_code,
                            patrol.reminder_id, subject=patrol.subject_id, params={
                                "jurisdiction_code": patrol.jurisdiction_code, "window_start": patrol.window_start,
                                "window_end": patrol.window_end, "required": str(patrol.required),
                                "done": str(patrol.done)})
    elif event.type == SUPERVISION_MISSED:
        source = inspection_pb2.SupervisionMissed()
        if event.payload.Unpack(source):
            return Reminder(event.event_id, ReminderKind.SUPERVISION_MISSED, source.jurisdiction_code,
                            source.reminder_id, params={
                                "name": source.name, "window_start": source.window_start,
                                "window_end": source.window_end, "required": str(source.required),
                                "done": str(source.done)})
    log.warning("event %s of type %s is not a reminder the notifier reads; ignored", event.event_id, event.type)
    return None
