"""The events the cases service publishes: every state change, reminders for a notifier, CaseClosed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.common.v1 import event_pb2
from services.cases import convert, domain
from services.cases.models import KIT
from services.kit.outbox import Outgoing, publish_all_in

STATE_CHANGED = "CaseStateChanged"
REMINDER = "CaseReminder"
CLOSED = "CaseClosed"


def state_change(case: domain.Case, action: str, from_state: int, actor: str) -> Outgoing:
    return Outgoing(STATE_CHANGED, pb.CaseStateChanged(
        case_id=case.id, case_number=case.number, action=action, from_state=from_state,
        to_state=convert.STATES.to_proto(case.state), handling_unit=case.handling_unit,
        tier=convert.TIERS.to_proto(case.tier), actor=actor,
    ), case.jurisdiction_code)


def reminders(case: domain.Case, wanted: Sequence[tuple[str, str]]) -> list[Outgoing]:
    """A CaseReminder per (unit, reason) for a notifier to act on."""
    return [Outgoing(REMINDER, pb.CaseReminder(case_id=case.id, case_number=case.number, unit=unit, reason=reason,
                                               deadline=convert.timestamp(case.deadline)), case.jurisdiction_code)
            for unit, reason in wanted if unit]


def outcome_events(before: domain.Case, outcome: domain.Outcome, now: datetime) -> list[Outgoing]:
    """What one transition means to the outside: its state change, its reminders, CaseClosed on closing."""
    after = outcome.case
    events = [state_change(after, outcome.history.action, convert.STATES.to_proto(before.state),
                           outcome.history.actor), *reminders(after, outcome.reminders)]
    if outcome.closed:
        events.append(Outgoing(CLOSED, event_pb2.CaseClosed(
            case_id=after.id, case_number=after.number, source_service=after.source_service,
            source_reference=after.source_reference, closed_at=convert.timestamp(after.closed_at or now),
            resolution=after.resolution,
        ), after.jurisdiction_code))
    return events


def publish(session: Session, events: Sequence[Outgoing]) -> None:
    """Adds ``events`` to the outbox in the change's own transaction (one statement)."""
    publish_all_in(session, KIT, events)


def publish_outcome(session: Session, before: domain.Case, outcome: domain.Outcome, now: datetime) -> None:
    publish(session, outcome_events(before, outcome, now))
