"""Opening a case: from a report over gRPC or from another service's CaseRequested event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases import domain
from services.cases.catalogue import Category
from services.cases.catalogue_store import CatalogueStore
from services.cases.events import outcome_events, publish, state_change
from services.cases.store import CaseStore, window_start
from services.kit.errors import Violations
from services.kit.ids import new_id
from services.kit.jurisdiction import Level, problem
from services.kit.validation import coordinate_problems

GRID_DIGITS = int(Level.GRID)


@dataclass(frozen=True)
class DuplicateRule:
    """A new report this close to an open case of its category is flagged as a likely duplicate."""

    meters: float = 50.0
    hours: float = 72.0


@dataclass(frozen=True)
class NewCase:
    category_code: str
    description: str
    jurisdiction_code: str
    source: domain.SourceChannel | None
    reporter: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    urgent: bool = False
    evidence: tuple[str, ...] = ()
    reporter_phone: str = ""
    source_service: str = ""
    source_reference: str = ""
    located_grid: str = ""


def check(session: Session, new: NewCase) -> Category:
    """The report's category; raises InvalidArgument naming every bad field of the report."""
    v = Violations()
    category = CatalogueStore(session).current(new.category_code) if new.category_code else None
    if category is None:
        v.add("category_code", f"no category {new.category_code!r} in the catalogue")
    if not new.description.strip():
        v.add("description", "is required")
    code_problem = problem(new.jurisdiction_code, level=Level.GRID)
    if code_problem:
        v.add("jurisdiction_code", code_problem)
    if new.located_grid:
        located_problem = problem(new.located_grid, level=Level.GRID)
        if located_problem:
            v.add("located_grid", located_problem)
    if new.source is None:
        v.add("source", "is required (UNSPECIFIED is not a value)")
    if new.latitude is not None and new.longitude is not None:
        v.extend(coordinate_problems(new.latitude, new.longitude))
    if new.reporter_phone and not (new.reporter_phone.isdigit() and 7 <= len(new.reporter_phone) <= 15):
        v.add("reporter_phone", "must be 7 to 15 digits")
    v.raise_if_any()
    assert category is not None
    return category


def open_case(session: Session, new: NewCase, category: Category, actor: str, now: datetime,
              duplicates: DuplicateRule) -> domain.Case:
    """Stores a reported case (validated by check()), flags a likely duplicate, and links an urgent
    case to emergency linkage at once; publishes the state changes. Returns the case as stored."""
    assert new.source is not None  # check() ran and returned ``category``
    store = CaseStore(session)
    duplicate = store.likely_duplicate(new.category_code, new.latitude, new.longitude,
                                             window_start(now, duplicates.hours), duplicates.meters)
    case = domain.Case(
        id=new_id(), number=store.next_number(new.jurisdiction_code[:6], now),
        category_code=category.code, category_version=category.version, description=new.description.strip(),
        jurisdiction_code=new.jurisdiction_code, source=new.source, reporter=new.reporter, reported_at=now,
        tier=category.lowest_tier, address=new.address, latitude=new.latitude, longitude=new.longitude,
        reporter_phone=new.reporter_phone, urgent=new.urgent, evidence_before=new.evidence,
        duplicate_of=duplicate, source_service=new.source_service, source_reference=new.source_reference,
        located_grid=new.located_grid,
    )
    entry = domain.HistoryEntry("report", actor, now, domain.CaseState.REPORTED, domain.CaseState.REPORTED,
                                new.description.strip(), new.evidence)
    store.add(case, entry, now)
    events = [state_change(case, "report", pb.CASE_STATE_UNSPECIFIED, actor)]
    if new.urgent:
        loaded = store.get(case.id)
        assert loaded is not None
        command = domain.Command(domain.Action.LINK_EMERGENCY, actor, "urgent: straight to emergency linkage")
        outcome = domain.transition(case, command, now)
        store.save(loaded, outcome.case, [outcome.history], now)
        events += outcome_events(case, outcome, now)
        case = outcome.case
    publish(session, events)
    return case
