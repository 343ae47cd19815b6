"""Pages of cases straight from table rows to protobuf: the overdue list, the dashboards' hottest read.

Single reads and commands go through the domain record (store.to_domain, then convert.case); a page of
rows skips that copy, which cost more than the query. The message is the same field for field
(tests/cases/test_case_list.py compares the two over every kind of row).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases import convert
from services.cases.models import CaseRow
from services.kit.masking import mask_phone

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_SOURCES = convert.SOURCES.to_proto_map
_STATES = convert.STATES.to_proto_map
_TIERS = convert.TIERS.to_proto_map
_DUE = convert.DUE.to_proto_map
_SATISFACTION = convert.SATISFACTION.to_proto_map
_REQUESTS = convert.REQUESTS.to_proto_map


def set_timestamp(stamp: Timestamp, value: datetime) -> None:
    """Sets ``stamp`` as Timestamp.FromDatetime(as_utc(value)) would (a naive value read as UTC), by integer
    arithmetic."""
    elapsed = value - (_NAIVE_EPOCH if value.tzinfo is None else _EPOCH)
    stamp.seconds = elapsed.days * 86400 + elapsed.seconds
    stamp.nanos = elapsed.microseconds * 1000


# The columns a page reads, in this order: one itemgetter call per row instead of attribute look-ups.
_COLUMNS = ("id", "number", "category_code", "category_version", "description", "jurisdiction_code", "address",
            "source", "reporter", "urgent", "evidence_before", "evidence_after", "state", "tier", "handling_unit",
            "answerable_unit", "participants", "reported_at", "dispatched_at", "accept_by", "started_at",
            "deadline", "due_status", "supervised", "rework_count", "reopen_count", "extension_count",
            "closed_at", "satisfaction", "duplicate_of", "merged_into", "pending_request", "source_service",
            "source_reference", "resolution", "escalation_count", "reporter_phone", "supervision_tier",
            "latitude", "longitude", "located_grid")
_READ = itemgetter(*(list(CaseRow.__table__.columns.keys()).index(name) for name in _COLUMNS))


def _participant(message: pb.Participant, part: dict[str, Any]) -> None:
    message.unit, message.lead, message.report = part["unit"], part["lead"], part["report"]
    if part["accepted_at"] is not None:
        set_timestamp(message.accepted_at, datetime.fromisoformat(part["accepted_at"]))
    if part["handled_at"] is not None:
        set_timestamp(message.handled_at, datetime.fromisoformat(part["handled_at"]))


def add_cases(cases: Any, rows: Sequence[Any], mask: bool) -> None:
    """Appends rows of the case table (``select(case_record)``, all columns in table order) to ``cases`` (a
    repeated Case field), the reporter's phone masked when ``mask``."""
    add = cases.add
    for row in rows:
        (id_, number, category_code, category_version, description, code, address, source, reporter, urgent,
         evidence_before, evidence_after, state, tier, handling_unit, answerable_unit, participants, reported_at,
         dispatched_at, accept_by, started_at, deadline, due_status, supervised, rework_count, reopen_count,
         extension_count, closed_at, satisfaction, duplicate_of, merged_into, pending_request, source_service,
         source_reference, resolution, escalation_count, phone, supervision_tier, latitude,
         longitude, located_grid) = _READ(row)
        message = add(
            id=id_, number=number, category_code=category_code, category_version=category_version,
            description=description, jurisdiction_code=code, address=address, source=_SOURCES[source],
            reporter=reporter, urgent=urgent, evidence_before=evidence_before, evidence_after=evidence_after,
            state=_STATES[state], tier=_TIERS[tier], handling_unit=handling_unit, answerable_unit=answerable_unit,
            due_status=_DUE[due_status], supervised=supervised, rework_count=rework_count,
            reopen_count=reopen_count, extension_count=extension_count,
            satisfaction=_SATISFACTION[satisfaction] if satisfaction is not None else 0,
            duplicate_of=duplicate_of, merged_into=merged_into,
            pending_request=_REQUESTS[pending_request] if pending_request is not None else 0,
            source_service=source_service or "", source_reference=source_reference or "", resolution=resolution,
            escalation_count=escalation_count,
            reporter_phone=mask_phone(phone) if phone and mask else phone,
            supervision_tier=_TIERS[supervision_tier] if supervision_tier is not None else 0,
            located_grid=located_grid or "")
        for part in participants:
            _participant(message.participants.add(), part)
        set_timestamp(message.reported_at, reported_at)
        if dispatched_at is not None:
            set_timestamp(message.dispatched_at, dispatched_at)
        if accept_by is not None:
            set_timestamp(message.accept_by, accept_by)
        # The domain record knows a deadline only while the clock runs (started_at and deadline both set).
        if started_at is not None and deadline is not None:
            set_timestamp(message.deadline, deadline)
        if closed_at is not None:
            set_timestamp(message.closed_at, closed_at)
        if latitude is not None and longitude is not None:
            location = message.location
            location.latitude, location.longitude = latitude, longitude
