"""Fire-safety rules: place and hazard enums, the catalogue and plan defaults, the hazard lifecycle, deadlines."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.kit.errors import FailedPrecondition, FieldViolation, IllegalTransition
from services.kit.validation import coordinate_problems, phone_problem

BEIJING = ZoneInfo("Asia/Shanghai")
# Days a hazard may stay overdue before it is handed over to the police station.
DEFAULT_GRACE_DAYS = 7
HAZARD_KIND = "fire_hazard"
INSPECTION_KIND = "fire_inspection"


class PlaceType(StrEnum):
    SMALL_SHOP = "small_shop"
    SMALL_WORKSHOP = "small_workshop"
    SMALL_ENTERTAINMENT = "small_entertainment"
    LIVE_WORK_STORAGE = "live_work_storage"
    RENTAL_HOUSING = "rental_housing"
    RURAL_HOUSEHOLD = "rural_household"
    KEY_UNIT = "key_unit"
    FACTORY = "factory"
    WAREHOUSE = "warehouse"
    PUBLIC_VENUE = "public_venue"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class GridLevel(StrEnum):
    """Big = street, medium = community, small = grid (GLOSSARY: grid_level)."""

    BIG = "big"
    MEDIUM = "medium"
    SMALL = "small"


# The jurisdiction code length a grid level works at.
GRID_LEVEL_CODE_LENGTH: Mapping[GridLevel, int] = {GridLevel.BIG: 9, GridLevel.MEDIUM: 12, GridLevel.SMALL: 15}


class Severity(StrEnum):
    MINOR = "minor"
    GENERAL = "general"
    MAJOR = "major"


class HazardCategory(StrEnum):
    FIRE_SAFETY = "fire_safety"
    RURAL_HOUSEHOLD = "rural_household"


class CheckResult(StrEnum):
    NOT_INSPECTED = "not_inspected"
    PASSED = "passed"
    HAZARD_FOUND = "hazard_found"


class InspectionState(StrEnum):
    DRAFT = "draft"
    FINALIZED = "finalized"


class HazardState(StrEnum):
    OPEN = "open"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    OVERDUE = "overdue"
    HANDED_OVER = "handed_over"
    CLOSED = "closed"


class HazardAction(StrEnum):
    FIX_ON_SPOT = "fix_on_spot"
    ORDER_RECTIFICATION = "order_rectification"
    CLAIM_FIX = "claim_fix"
    VERIFY = "verify"
    REOPEN = "reopen"
    MARK_OVERDUE = "mark_overdue"
    HAND_OVER = "hand_over"
    CLOSE_CASE = "close_case"


class Closure(StrEnum):
    FIXED_ON_SPOT = "fixed_on_spot"
    VERIFIED = "verified"
    CASE_CLOSED = "case_closed"


class LedgerSection(StrEnum):
    PLACES = "places"
    INSPECTIONS = "inspections"
    HAZARDS = "hazards"
    STATISTICS = "statistics"


# The hazard lifecycle: (state, action) -> next state. Anything not listed is an illegal transition.
TRANSITIONS: Mapping[tuple[HazardState, HazardAction], HazardState] = {
    (HazardState.OPEN, HazardAction.FIX_ON_SPOT): HazardState.CLOSED,
    (HazardState.OPEN, HazardAction.ORDER_RECTIFICATION): HazardState.RECTIFYING,
    (HazardState.RECTIFYING, HazardAction.CLAIM_FIX): HazardState.RECTIFIED,
    (HazardState.RECTIFYING, HazardAction.MARK_OVERDUE): HazardState.OVERDUE,
    (HazardState.RECTIFIED, HazardAction.VERIFY): HazardState.CLOSED,
    # A failed re-inspection keeps the original deadline, so reopening never buys the owner time.
    (HazardState.RECTIFIED, HazardAction.REOPEN): HazardState.RECTIFYING,
    # An owner may still fix an overdue hazard before the hand-over.
    (HazardState.OVERDUE, HazardAction.CLAIM_FIX): HazardState.RECTIFIED,
    (HazardState.OVERDUE, HazardAction.HAND_OVER): HazardState.HANDED_OVER,
    (HazardState.HANDED_OVER, HazardAction.CLOSE_CASE): HazardState.CLOSED,
}

CLOSURE_OF: Mapping[HazardAction, Closure] = {
    HazardAction.FIX_ON_SPOT: Closure.FIXED_ON_SPOT,
    HazardAction.VERIFY: Closure.VERIFIED,
    HazardAction.CLOSE_CASE: Closure.CASE_CLOSED,
}


def allowed_actions(state: HazardState) -> tuple[str, ...]:
    return tuple(sorted(action.value for (s, action) in TRANSITIONS if s is state))


@dataclass(frozen=True)
class HazardClock:
    """The dated facts of a hazard's lifecycle that transitions read and write."""

    state: HazardState
    rectify_by: datetime | None = None
    rectified_at: datetime | None = None
    overdue_at: datetime | None = None
    handed_over_at: datetime | None = None
    closed_at: datetime | None = None
    closure: Closure | None = None


def transition(
    hazard: HazardClock,
    action: HazardAction,
    now: datetime,
    *,
    rectify_by: datetime | None = None,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> HazardClock:
    """The hazard after ``action`` at ``now``.

    Raises IllegalTransition when the state does not allow the action, FailedPrecondition when a
    dated guard does not hold (not yet past the deadline or the grace period), ValueError when
    order_rectification comes without its deadline.
    """
    target = TRANSITIONS.get((hazard.state, action))
    if target is None:
        raise IllegalTransition(HAZARD_KIND, hazard.state.value, action.value, allowed_actions(hazard.state))
    if action is HazardAction.ORDER_RECTIFICATION:
        if rectify_by is None:
            raise ValueError("order_rectification needs rectify_by")
        return replace(hazard, state=target, rectify_by=rectify_by)
    if action is HazardAction.CLAIM_FIX:
        return replace(hazard, state=target, rectified_at=now)
    if action is HazardAction.MARK_OVERDUE:
        if not is_past_deadline(hazard.rectify_by, now):
            raise FailedPrecondition(f"the hazard is not past its deadline {hazard.rectify_by}")
        return replace(hazard, state=target, overdue_at=hazard.overdue_at or now)
    if action is HazardAction.HAND_OVER:
        if not is_past_grace(hazard.rectify_by, now, grace_days):
            raise FailedPrecondition(f"the hazard is still within its {grace_days}-day grace period")
        return replace(hazard, state=target, handed_over_at=now)
    if action in CLOSURE_OF:
        return replace(hazard, state=target, closed_at=now, closure=CLOSURE_OF[action])
    return replace(hazard, state=target)  # reopen: the deadline stands


def is_past_deadline(rectify_by: datetime | None, now: datetime) -> bool:
    return rectify_by is not None and now >= rectify_by


def handover_due_at(rectify_by: datetime, grace_days: int = DEFAULT_GRACE_DAYS) -> datetime:
    """When an overdue hazard is handed over: the grace period in calendar days after its deadline."""
    return rectify_by + timedelta(days=grace_days)


def is_past_grace(rectify_by: datetime | None, now: datetime, grace_days: int = DEFAULT_GRACE_DAYS) -> bool:
    return rectify_by is not None and now >= handover_due_at(rectify_by, grace_days)


def end_of_local_day(day: date) -> datetime:
    """Midnight (Beijing) at the end of ``day``, in UTC: a deadline "on day" is met until then."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), BEIJING).astimezone(ZoneInfo("UTC"))


def rectification_deadline(
    now: datetime, rectify_days: int, add_working_days: Callable[[datetime, int], datetime]
) -> datetime:
    """The deadline for a catalogue period: 0 is the end of today, n the end of the n-th working day after."""
    if rectify_days < 0:
        raise ValueError("rectify_days must not be negative")
    if rectify_days == 0:
        return end_of_local_day(now.astimezone(BEIJING).date())
    return end_of_local_day(add_working_days(now, rectify_days).astimezone(BEIJING).date())


def local_day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def deadline_day(rectify_by: datetime) -> date:
    """The last day (Beijing) a deadline allows: a deadline at midnight ends the day before."""
    return local_day(rectify_by - timedelta(microseconds=1))


# ---- inspection plans and due dates ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanRule:
    """Who inspects a place type (the grid level) and every how many days."""

    grid_level: GridLevel
    interval_days: int


# Big grid (street) monthly for key units; medium grid (community) weekly for the larger places;
# small grid daily patrol of the small and residential places.
DEFAULT_PLANS: Mapping[PlaceType, PlanRule] = {
    PlaceType.KEY_UNIT: PlanRule(GridLevel.BIG, 30),
    PlaceType.FACTORY: PlanRule(GridLevel.MEDIUM, 7),
    PlaceType.WAREHOUSE: PlanRule(GridLevel.MEDIUM, 7),
    PlaceType.PUBLIC_VENUE: PlanRule(GridLevel.MEDIUM, 7),
    PlaceType.SMALL_SHOP: PlanRule(GridLevel.SMALL, 1),
    PlaceType.SMALL_WORKSHOP: PlanRule(GridLevel.SMALL, 1),
    PlaceType.SMALL_ENTERTAINMENT: PlanRule(GridLevel.SMALL, 1),
    PlaceType.LIVE_WORK_STORAGE: PlanRule(GridLevel.SMALL, 1),
    PlaceType.RENTAL_HOUSING: PlanRule(GridLevel.SMALL, 1),
    PlaceType.RURAL_HOUSEHOLD: PlanRule(GridLevel.SMALL, 1),
}

MAX_INTERVAL_DAYS = 366


def next_due_on(last_inspected_at: datetime | None, created_at: datetime, interval_days: int) -> date:
    """The day (Beijing) a place's next inspection is due: a new place is due the day it is registered."""
    if last_inspected_at is None:
        return local_day(created_at)
    return local_day(last_inspected_at) + timedelta(days=interval_days)


def is_due(due_on: date, today: date) -> bool:
    return due_on <= today


def is_overdue(due_on: date, today: date) -> bool:
    return due_on < today


def inspection_scope(place_code: str, grid_level: GridLevel) -> str:
    """The jurisdiction (street, community or grid) whose list a place appears on at ``grid_level``."""
    return place_code[: GRID_LEVEL_CODE_LENGTH[grid_level]]


# ---- places ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlaceDraft:
    """A place as submitted, before it is stored."""

    type: PlaceType | None
    name: str
    address: str
    jurisdiction_code: str
    owner_name: str
    owner_phone: str
    contact_name: str
    contact_phone: str
    risk_level: RiskLevel | None
    organization_id: str = ""
    household_id: str = ""
    latitude: float | None = None
    longitude: float | None = None
    # The grid the location falls in when it is not jurisdiction_code (set by the gateway); "" otherwise.
    located_grid: str = ""


def place_problems(draft: PlaceDraft, prefix: str = "place", location: str | None = None) -> list[FieldViolation]:
    """Every problem with a submitted place, each naming its field under ``prefix``; the coordinates are named
    under ``location`` (``<prefix>.location`` unless given: a ledger row names its longitude and latitude columns)."""
    found: list[FieldViolation] = []

    def bad(field: str, description: str) -> None:
        found.append(FieldViolation(f"{prefix}.{field}", description))

    if draft.type is None:
        bad("type", "must be set")
    if not draft.name.strip():
        bad("name", "must not be empty")
    elif len(draft.name) > 128:
        bad("name", "must be at most 128 characters")
    if not draft.address.strip():
        bad("address", "must not be empty")
    elif len(draft.address) > 256:
        bad("address", "must be at most 256 characters")
    code = draft.jurisdiction_code
    if not (code.isascii() and code.isdigit() and len(code) == 15) or code[-3:] == "000":
        bad("jurisdiction_code", "must be a 15-digit grid code")
    if not draft.owner_name.strip():
        bad("owner_name", "must not be empty")
    problem = phone_problem(draft.owner_phone)
    if problem:
        bad("owner_phone", problem)
    if draft.contact_phone and (problem := phone_problem(draft.contact_phone)):
        bad("contact_phone", problem)
    if draft.risk_level is None:
        bad("risk_level", "must be set")
    if draft.organization_id and draft.household_id:
        bad("household_id", "a place links to an organization or a household, not both")
    if draft.latitude is not None and draft.longitude is not None:
        found.extend(coordinate_problems(draft.latitude, draft.longitude, location or f"{prefix}.location"))
    return found


# ---- inspections ----------------------------------------------------------------------------------


# Check results that count as a checked line: an inspection of nothing is not an inspection.
CHECKED_RESULTS = frozenset({CheckResult.PASSED, CheckResult.HAZARD_FOUND})
# What a draft that cannot be finalised yet allows next.
BEFORE_FINALIZE = ("record_checklist",)


def finalize_problem(results: Iterable[CheckResult | None]) -> str | None:
    """Why a draft with checklist lines of ``results`` cannot be finalised yet, or None when it can."""
    if not any(result in CHECKED_RESULTS for result in results):
        return ("finalize needs at least one checklist item recorded as passed or hazard_found: "
                "record the checklist first")
    return None


def verification_refusal(found_by: str, verifier: str, four_eyes: bool) -> str | None:
    """Why ``verifier`` may not verify the fix of a hazard ``found_by`` found, or None when they may.

    With four eyes (a district setting, on by default) the inspector who found the hazard does not verify
    its rectification: someone else re-inspects.
    """
    if four_eyes and found_by and found_by == verifier:
        return (f"{verifier} found this hazard, so someone else verifies its fix: the district requires "
                "four-eyes verification (fourEyesVerification)")
    return None


def require_draft(state: InspectionState, action: str) -> None:
    """Raises IllegalTransition unless the inspection can still change."""
    if state is not InspectionState.DRAFT:
        raise IllegalTransition(INSPECTION_KIND, state.value, action, ())


def rectification_rate(found: int, closed: int) -> float:
    return 0.0 if found == 0 else round(closed / found, 4)
