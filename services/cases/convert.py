"""Translation between the cases service's protobuf messages and its domain records, with masking."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.common.v1 import geo_pb2
from services.cases import catalogue, deadlines, domain, evaluation
from services.kit.actor import masks
from services.kit.clock import as_utc
from services.kit.enums import EnumMapping
from services.kit.masking import mask_phone

STATES = EnumMapping(domain.CaseState, pb.CaseState, "CASE_STATE")
TIERS = EnumMapping(domain.Tier, pb.Tier, "TIER")
SOURCES = EnumMapping(domain.SourceChannel, pb.SourceChannel, "SOURCE_CHANNEL")
DUE = EnumMapping(deadlines.DueStatus, pb.DueStatus, "DUE_STATUS")
SATISFACTION = EnumMapping(domain.Satisfaction, pb.Satisfaction, "SATISFACTION")
LIMIT_UNITS = EnumMapping(deadlines.LimitUnit, pb.LimitUnit, "LIMIT_UNIT")
KINDS = EnumMapping(catalogue.CategoryKind, pb.CategoryKind, "CATEGORY_KIND")
REQUESTS = EnumMapping(domain.RequestKind, pb.RequestKind, "REQUEST_KIND")


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(as_utc(value))
    return stamp


def from_timestamp(stamp: Timestamp, present: bool) -> datetime | None:
    return as_utc(stamp.ToDatetime()) if present else None


def participant(p: domain.Participant) -> pb.Participant:
    return pb.Participant(unit=p.unit, lead=p.lead, accepted_at=timestamp(p.accepted_at),
                          handled_at=timestamp(p.handled_at), report=p.report)


def history_entry(entry_id: str, e: domain.HistoryEntry) -> pb.HistoryEntry:
    return pb.HistoryEntry(id=entry_id, action=e.action, actor=e.actor, at=timestamp(e.at),
                           from_state=STATES.to_proto(e.from_state), to_state=STATES.to_proto(e.to_state),
                           comment=e.comment, evidence=list(e.evidence), unit=e.unit)


def case(c: domain.Case, history: list[tuple[str, domain.HistoryEntry]] | None = None) -> pb.Case:
    """The case as the API shows it; the reporter's phone masked when the policy says so."""
    phone = mask_phone(c.reporter_phone) if c.reporter_phone and masks("reporter_phone") else c.reporter_phone
    message = pb.Case(
        id=c.id, number=c.number, category_code=c.category_code, category_version=c.category_version,
        description=c.description, jurisdiction_code=c.jurisdiction_code, address=c.address,
        source=SOURCES.to_proto(c.source), reporter=c.reporter, urgent=c.urgent,
        evidence_before=list(c.evidence_before), evidence_after=list(c.evidence_after),
        state=STATES.to_proto(c.state), tier=TIERS.to_proto(c.tier), handling_unit=c.handling_unit,
        answerable_unit=c.answerable_unit, participants=[participant(p) for p in c.participants],
        reported_at=timestamp(c.reported_at), dispatched_at=timestamp(c.dispatched_at),
        accept_by=timestamp(c.accept_by), deadline=timestamp(c.deadline), due_status=DUE.to_proto(c.due_status),
        supervised=c.supervised, rework_count=c.rework_count, reopen_count=c.reopen_count,
        extension_count=c.extension_count, closed_at=timestamp(c.closed_at),
        satisfaction=SATISFACTION.to_proto(c.satisfaction), duplicate_of=c.duplicate_of, merged_into=c.merged_into,
        pending_request=REQUESTS.to_proto(c.pending_request), source_service=c.source_service,
        source_reference=c.source_reference, resolution=c.resolution, escalation_count=c.escalation_count,
        reporter_phone=phone, supervision_tier=TIERS.to_proto(c.supervision_tier), located_grid=c.located_grid,
    )
    if c.latitude is not None and c.longitude is not None:
        message.location.CopyFrom(geo_pb2.GeoPoint(latitude=c.latitude, longitude=c.longitude))
    if history:
        message.history.extend(history_entry(i, e) for i, e in history)
    return message


def category(c: catalogue.Category) -> pb.Category:
    return pb.Category(code=c.code, version=c.version, kind=KINDS.to_proto(c.kind), major_class=c.major_class,
                       name=c.name, limit=c.limit.value, limit_unit=LIMIT_UNITS.to_proto(c.limit.unit),
                       closing_condition=c.closing_condition, default_unit=c.default_unit,
                       lowest_tier=TIERS.to_proto(c.lowest_tier), changed_by=c.changed_by)


def figures(f: evaluation.Figures) -> pb.Evaluation:
    c, r = f.counts, f.rates
    return pb.Evaluation(
        key=f.key, reported=c.reported, registered=c.registered, voided=c.voided, dispatched=c.dispatched,
        accepted_on_time=c.accepted_on_time, handled=c.handled, handled_on_time=c.handled_on_time,
        closed=c.closed, closed_on_time=c.closed_on_time, due_to_close=c.due_to_close, rework=c.rework,
        overdue=c.overdue, extensions=c.extensions, public_reports=c.public_reports, callbacks=c.callbacks,
        ratings=c.ratings, **r,
    )
