"""The events the cases service publishes: every state change, reminders for a notifier, CaseClosed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.common.v1 import event_pb2
from services.cases import convert, domain
from services.cases.models import KIT
from services.kit.outbox import publish_in

STATE_CHANGED = "CaseStateChanged"
REMINDER = "CaseReminder"
CLOSED = "CaseClosed"


def publish_state_change(session: Session, case: domain.Case, action: str, from_state: int,
                               actor: str) -> None:
    publish_in(session, KIT, STATE_CHANGED, pb.CaseStateChanged(
        case_id=case.id, case_number=case.number, action=action, from_state=from_state,
        to_state=convert.STATES.to_proto(case.state), handling_unit=case.handling_unit,
        tier=convert.TIERS.to_proto(case.tier), actor=actor,
    ), case.jurisdiction_code)


def publish_reminders(session: Session, case: domain.Case,
                            reminders: tuple[tuple[str, str], ...]) -> None:
    for unit, reason in reminders:
        if unit:
            publish_in(session, KIT, REMINDER, pb.CaseReminder(
                case_id=case.id, case_number=case.number, unit=unit, reason=reason,
                deadline=convert.timestamp(case.deadline),
            ), case.jurisdiction_code)


def publish_outcome(session: Session, before: domain.Case, outcome: domain.Outcome,
                          now: datetime) -> None:
    """Publishes what one transition means to the outside, in its own transaction."""
    after = outcome.case
    publish_state_change(session, after, outcome.history.action, convert.STATES.to_proto(before.state),
                               outcome.history.actor)
    publish_reminders(session, after, outcome.reminders)
    if outcome.closed:
        publish_in(session, KIT, CLOSED, event_pb2.CaseClosed(
            case_id=after.id, case_number=after.number, source_service=after.source_service,
            source_reference=after.source_reference, closed_at=convert.timestamp(after.closed_at or now),
            resolution=after.resolution,
        ), after.jurisdiction_code)
