"""Shared builders for the notifier tests: a settable clock, directory entries, reminder events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.message import Message

from gridgov.cases.v1 import cases_pb2
from gridgov.common.v1 import event_pb2
from gridgov.fire.v1 import fire_pb2
from gridgov.inspection.v1 import inspection_pb2
from gridgov.notifier.v1 import notifier_pb2 as pb
from tests.support.actors import actor_metadata

DISTRICT, STREET, COMMUNITY, GRID = "110108", "110108001", "110108001001", "110108001001001"
OTHER_GRID = "110108002001001"
# Monday 23 Nov 2026, 10:00 in Beijing: outside the default quiet hours.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
ADMIN = actor_metadata("admin", (("district_admin", DISTRICT),))


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


SMS, EMAIL, INBOX = pb.CHANNEL_SMS, pb.CHANNEL_EMAIL, pb.CHANNEL_INBOX

# The demo directory: one person per role around GRID, and one outside it.
STAFF: tuple[dict[str, Any], ...] = (
    dict(subject="unit-1", name="城管王", role=pb.STAFF_ROLE_UNIT_STAFF, unit="urban_management", scopes=[DISTRICT],
         phone="13800000001", email="unit-1@example.org", channels=[SMS, EMAIL]),
    dict(subject="unit-2", name="水务李", role=pb.STAFF_ROLE_UNIT_STAFF, unit="water", scopes=[DISTRICT],
         phone="13800000002", channels=[SMS]),
    dict(subject="worker-1", name="网格员赵", role=pb.STAFF_ROLE_GRID_WORKER, scopes=[GRID],
         phone="13800000003", email="worker-1@example.org", channels=[SMS, EMAIL]),
    dict(subject="worker-2", name="网格员钱", role=pb.STAFF_ROLE_GRID_WORKER, scopes=[OTHER_GRID],
         phone="13800000004", channels=[SMS]),
    dict(subject="leader-1", name="网格长孙", role=pb.STAFF_ROLE_GRID_LEADER, scopes=[COMMUNITY],
         email="leader-1@example.org", channels=[EMAIL]),
    dict(subject="leader-2", name="网格长周", role=pb.STAFF_ROLE_GRID_LEADER, scopes=[GRID], channels=[]),
    dict(subject="centre-street", name="街道中心", role=pb.STAFF_ROLE_CENTRE, scopes=[STREET],
         email="centre@example.org", channels=[EMAIL]),
    dict(subject="centre-district", name="区中心", role=pb.STAFF_ROLE_CENTRE, scopes=[DISTRICT], channels=[]),
    dict(subject="inspector-1", name="消防吴", role=pb.STAFF_ROLE_FIRE_INSPECTOR, scopes=[STREET],
         phone="13800000005", channels=[SMS]),
)


async def put_staff(stub: Any, members: tuple[dict[str, Any], ...] = STAFF) -> None:
    for member in members:
        await stub.PutStaffMember(pb.PutStaffMemberRequest(member=pb.StaffMember(**member)), metadata=ADMIN)


def event(sequence: int, event_type: str, payload: Message, code: str = GRID, source: str = "cases",
          event_id: str | None = None) -> event_pb2.Event:
    message = event_pb2.Event(sequence=sequence, event_id=event_id or f"{source}-{sequence}", type=event_type,
                              source=source, jurisdiction_code=code)
    message.payload.Pack(payload)
    return message


def case_reminder(sequence: int, reason: str = "due_soon", unit: str = "urban_management",
                  code: str = GRID) -> event_pb2.Event:
    deadline = cases_pb2.CaseReminder().deadline
    deadline.FromDatetime(START + timedelta(days=1))
    return event(sequence, "CaseReminder", cases_pb2.CaseReminder(
        case_id=f"case-{sequence}", case_number=f"AJ20261123{sequence:04d}", unit=unit, reason=reason,
        deadline=deadline), code)


def hazard_overdue(sequence: int, found_by: str = "inspector-1") -> event_pb2.Event:
    return event(sequence, "HazardOverdue", fire_pb2.HazardOverdue(
        hazard_id=f"hazard-{sequence}", place_id="place-1", place_name="便民超市", jurisdiction_code=GRID,
        hazard_type_code="exit_locked", found_by=found_by), source="fire")


def patrol_missed(sequence: int, head: str = "leader-2") -> event_pb2.Event:
    return event(sequence, "PatrolMissed", inspection_pb2.PatrolMissed(
        reminder_id=f"missed-{sequence}", subject_id=head, jurisdiction_code=GRID, level=4,
        window_start="2026-11-16", window_end="2026-11-22", required=7, done=3), source="inspection")


def supervision_missed(sequence: int) -> event_pb2.Event:
    return event(sequence, "SupervisionMissed", inspection_pb2.SupervisionMissed(
        reminder_id=f"missed-{sequence}", source_id="source-1", name="某化工厂", jurisdiction_code=GRID,
        window_start="2026-11-01", window_end="2026-11-30", required=4, done=1), source="inspection")
