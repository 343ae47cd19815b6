"""Proto <-> domain for the notifier: enums by name, rows as messages, phones masked unless granted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from google.protobuf import timestamp_pb2

from gridgov.notifier.v1 import notifier_pb2 as pb
from services.kit.clock import as_utc
from services.kit.enums import EnumMapping
from services.kit.errors import InvalidArgument, Violations
from services.kit.jurisdiction import problem
from services.kit.masking import mask_phone
from services.notifier import domain
from services.notifier.models import DeliveryRow

CHANNEL = EnumMapping(domain.Channel, pb.Channel, "CHANNEL")
DELIVERY_STATE = EnumMapping(domain.DeliveryState, pb.DeliveryState, "DELIVERY_STATE")
REMINDER_KIND = EnumMapping(domain.ReminderKind, pb.ReminderKind, "REMINDER_KIND")
STAFF_ROLE = EnumMapping(domain.StaffRole, pb.StaffRole, "STAFF_ROLE")
ENUM_MAPS = (CHANNEL, DELIVERY_STATE, REMINDER_KIND, STAFF_ROLE)


def timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(as_utc(value))
    return stamp


def notification_message(row: DeliveryRow) -> pb.Notification:
    return pb.Notification(id=row.id, kind=REMINDER_KIND.to_proto(row.kind), title=row.title, body=row.body,
                           reference=row.reference, jurisdiction_code=row.jurisdiction_code,
                           created_at=timestamp(row.created_at), read_at=timestamp(row.read_at))


def delivery_message(row: DeliveryRow) -> pb.Delivery:
    return pb.Delivery(id=row.id, event_id=row.event_id, recipient=row.recipient,
                       channel=CHANNEL.to_proto(row.channel), state=DELIVERY_STATE.to_proto(row.state),
                       reason=row.reason, attempts=row.attempts, kind=REMINDER_KIND.to_proto(row.kind),
                       reference=row.reference, body=row.body, created_at=timestamp(row.created_at),
                       sent_at=timestamp(row.sent_at))


def staff_message(person: domain.Staff, masks: Callable[[str], bool]) -> pb.StaffMember:
    return pb.StaffMember(subject=person.subject, name=person.name, unit=person.unit,
                          role=STAFF_ROLE.to_proto(person.role), scopes=list(person.scopes),
                          phone=mask_phone(person.phone) if person.phone and masks("phone") else person.phone,
                          email=person.email, channels=[CHANNEL.to_proto(c) for c in person.channels])


def staff_of(message: pb.StaffMember) -> domain.Staff:
    """The directory entry a request gives; raises InvalidArgument naming every bad field."""
    v = Violations()
    if not message.subject.strip():
        v.add("member.subject", "is required")
    if not message.name.strip():
        v.add("member.name", "is required")
    role = None
    try:
        role = STAFF_ROLE.required(message.role, "member.role")
    except InvalidArgument as error:
        v.extend(error.violations)
    if role is domain.StaffRole.UNIT_STAFF and not message.unit.strip():
        v.add("member.unit", "is required for unit staff")
    if not message.scopes:
        v.add("member.scopes", "needs at least one jurisdiction")
    for index, scope in enumerate(message.scopes):
        if found := problem(scope):
            v.add(f"member.scopes[{index}]", found)
    channels = []
    for index, number in enumerate(message.channels):
        channel = CHANNEL.member(number)
        if channel is None:
            v.add(f"member.channels[{index}]", "is not a channel")
        elif channel not in channels:
            channels.append(channel)
    if domain.Channel.SMS in channels and not message.phone.strip():
        v.add("member.phone", "is required to accept SMS")
    if domain.Channel.EMAIL in channels and "@" not in message.email:
        v.add("member.email", "is required to accept e-mail")
    v.raise_if_any()
    assert role is not None
    return domain.Staff(subject=message.subject.strip(), name=message.name.strip(), role=role,
                        scopes=tuple(sorted(set(message.scopes))), unit=message.unit.strip(),
                        phone=message.phone.strip(), email=message.email.strip(),
                        channels=tuple(channels) or (domain.Channel.INBOX,))
