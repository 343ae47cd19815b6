"""The fire domain: every (hazard state, action) pair, deadlines, due dates, place and checklist rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.fire import catalogue, domain
from services.fire.catalogue import CheckItem
from services.fire.domain import (
    CheckResult,
    Closure,
    GridLevel,
    HazardAction,
    HazardCategory,
    HazardClock,
    HazardState,
    PlaceDraft,
    PlaceType,
    RiskLevel,
)
from services.kit import calendar
from services.kit.errors import FailedPrecondition, IllegalTransition

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # a Friday, 10:00 in Beijing
DEADLINE = NOW - timedelta(days=10)  # past the deadline and the 7-day grace period

S, A = HazardState, HazardAction
# Every (state, action) pair: the state it leads to, or None for an illegal transition.
EXPECTED: dict[tuple[HazardState, HazardAction], HazardState | None] = {
    (state, action): None for state in HazardState for action in HazardAction
}
EXPECTED.update({
    (S.OPEN, A.FIX_ON_SPOT): S.CLOSED,
    (S.OPEN, A.ORDER_RECTIFICATION): S.RECTIFYING,
    (S.RECTIFYING, A.CLAIM_FIX): S.RECTIFIED,
    (S.RECTIFYING, A.MARK_OVERDUE): S.OVERDUE,
    (S.RECTIFIED, A.VERIFY): S.CLOSED,
    (S.RECTIFIED, A.REOPEN): S.RECTIFYING,
    (S.OVERDUE, A.CLAIM_FIX): S.RECTIFIED,
    (S.OVERDUE, A.HAND_OVER): S.HANDED_OVER,
    (S.HANDED_OVER, A.CLOSE_CASE): S.CLOSED,
})


@pytest.mark.parametrize(("state", "action"), list(EXPECTED), ids=lambda v: v.value)
def test_every_state_and_action(state: HazardState, action: HazardAction) -> None:
    hazard = HazardClock(state=state, rectify_by=DEADLINE)
    expected = EXPECTED[(state, action)]
    if expected is None:
        with pytest.raises(IllegalTransition) as raised:
            domain.transition(hazard, action, NOW, rectify_by=NOW)
        assert raised.value.state == state.value
        assert raised.value.action == action.value
        assert raised.value.allowed == tuple(sorted(a.value for (s, a), t in EXPECTED.items()
                                                    if s is state and t is not None))
        return
    after = domain.transition(hazard, action, NOW, rectify_by=NOW + timedelta(days=1))
    assert after.state is expected


def test_closures_and_timestamps() -> None:
    assert domain.transition(HazardClock(S.OPEN), A.FIX_ON_SPOT, NOW).closure is Closure.FIXED_ON_SPOT
    verified = domain.transition(HazardClock(S.RECTIFIED), A.VERIFY, NOW)
    assert (verified.closure, verified.closed_at) == (Closure.VERIFIED, NOW)
    closed = domain.transition(HazardClock(S.HANDED_OVER), A.CLOSE_CASE, NOW)
    assert closed.closure is Closure.CASE_CLOSED
    ordered = domain.transition(HazardClock(S.OPEN), A.ORDER_RECTIFICATION, NOW, rectify_by=DEADLINE)
    assert ordered.rectify_by == DEADLINE
    claimed = domain.transition(ordered, A.CLAIM_FIX, NOW)
    assert claimed.rectified_at == NOW
    reopened = domain.transition(claimed, A.REOPEN, NOW)
    assert reopened.rectify_by == DEADLINE  # the deadline stands


def test_order_needs_a_deadline() -> None:
    with pytest.raises(ValueError):
        domain.transition(HazardClock(S.OPEN), A.ORDER_RECTIFICATION, NOW)


def test_overdue_only_past_the_deadline() -> None:
    hazard = HazardClock(S.RECTIFYING, rectify_by=NOW + timedelta(seconds=1))
    with pytest.raises(FailedPrecondition):
        domain.transition(hazard, A.MARK_OVERDUE, NOW)
    overdue = domain.transition(hazard, A.MARK_OVERDUE, NOW + timedelta(seconds=1))
    assert overdue.overdue_at == NOW + timedelta(seconds=1)
    # A second overdue spell keeps the first overdue time (statistics count it once).
    again = domain.transition(HazardClock(S.RECTIFYING, rectify_by=NOW, overdue_at=DEADLINE), A.MARK_OVERDUE, NOW)
    assert again.overdue_at == DEADLINE


@pytest.mark.parametrize(("grace", "days_past", "allowed"), [
    (7, 6, False), (7, 7, True), (7, 8, True), (3, 3, True), (3, 2, False), (0, 0, True),
])
def test_hand_over_after_the_grace_period(grace: int, days_past: int, allowed: bool) -> None:
    hazard = HazardClock(S.OVERDUE, rectify_by=NOW - timedelta(days=days_past))
    if allowed:
        assert domain.transition(hazard, A.HAND_OVER, NOW, grace_days=grace).handed_over_at == NOW
    else:
        with pytest.raises(FailedPrecondition):
            domain.transition(hazard, A.HAND_OVER, NOW, grace_days=grace)


def test_default_grace_is_seven_days() -> None:
    assert domain.DEFAULT_GRACE_DAYS == 7
    assert domain.handover_due_at(NOW) == NOW + timedelta(days=7)


@pytest.mark.parametrize(("now", "days", "expected_local_day"), [
    # Friday 27 Nov 2026 10:00 Beijing: immediate is the end of that day.
    (NOW, 0, date(2026, 11, 27)),
    # 3 working days from a Friday skip the weekend: Wednesday.
    (NOW, 3, date(2026, 12, 2)),
    (NOW, 1, date(2026, 11, 30)),
    # Late on Friday evening in Beijing is already Friday there, though Friday 15:30 in UTC.
    (datetime(2026, 11, 27, 15, 30, tzinfo=UTC), 0, date(2026, 11, 27)),
    # 30 Sep 2026 (Wednesday): National Day holidays push 1 working day past 1-7 October.
    (datetime(2026, 9, 30, 2, 0, tzinfo=UTC), 1, date(2026, 10, 8)),
])
def test_rectification_deadline(now: datetime, days: int, expected_local_day: date) -> None:
    deadline = domain.rectification_deadline(now, days, calendar.add_working_days)
    assert deadline == domain.end_of_local_day(expected_local_day)
    assert domain.deadline_day(deadline) == expected_local_day
    assert deadline.tzinfo is not None
    # The end of a Beijing day is 16:00 UTC on that day.
    assert (deadline.hour, deadline.date()) == (16, expected_local_day)


def test_rectification_deadline_rejects_negative_days() -> None:
    with pytest.raises(ValueError):
        domain.rectification_deadline(NOW, -1, calendar.add_working_days)


def test_catalogue_covers_the_glossary() -> None:
    codes = {spec.code for spec in catalogue.DEFAULT_CATALOGUE}
    assert {"no_extinguisher", "extinguisher_broken", "exit_locked", "escape_route_blocked",
            "live_work_storage_mixed", "hazardous_goods_in_dwelling", "shop_kitchen_no_fire_door",
            "small_venue_sleeping", "illegal_wiring", "clutter", "facility_damaged"} <= codes
    rural = {s.code for s in catalogue.DEFAULT_CATALOGUE if s.category is HazardCategory.RURAL_HOUSEHOLD}
    assert rural == {"rural_fire_use", "rural_gas_use", "rural_oil_use", "rural_electricity_use", "rural_heating"}
    by_code = {spec.code: spec for spec in catalogue.DEFAULT_CATALOGUE}
    assert by_code["exit_locked"].rectify_days == 0
    assert by_code["no_extinguisher"].rectify_days > 0
    assert catalogue.report_immediately(by_code["exit_locked"].severity)
    assert not catalogue.report_immediately(by_code["clutter"].severity)


# ---- due dates per grid level ---------------------------------------------------------------------

CREATED = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("place_type", "level", "interval"), [
    (PlaceType.KEY_UNIT, GridLevel.BIG, 30),
    (PlaceType.FACTORY, GridLevel.MEDIUM, 7),
    (PlaceType.WAREHOUSE, GridLevel.MEDIUM, 7),
    (PlaceType.PUBLIC_VENUE, GridLevel.MEDIUM, 7),
    (PlaceType.SMALL_SHOP, GridLevel.SMALL, 1),
    (PlaceType.SMALL_WORKSHOP, GridLevel.SMALL, 1),
    (PlaceType.SMALL_ENTERTAINMENT, GridLevel.SMALL, 1),
    (PlaceType.LIVE_WORK_STORAGE, GridLevel.SMALL, 1),
    (PlaceType.RENTAL_HOUSING, GridLevel.SMALL, 1),
    (PlaceType.RURAL_HOUSEHOLD, GridLevel.SMALL, 1),
])
def test_default_plan_and_due_date_per_grid_level(place_type: PlaceType, level: GridLevel, interval: int) -> None:
    rule = domain.DEFAULT_PLANS[place_type]
    assert (rule.grid_level, rule.interval_days) == (level, interval)
    inspected = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 21 Nov, 00:30 in Beijing
    due = domain.next_due_on(inspected, CREATED, rule.interval_days)
    assert due == date(2026, 11, 21) + timedelta(days=interval)
    assert not domain.is_due(due, due - timedelta(days=1))
    assert domain.is_due(due, due) and not domain.is_overdue(due, due)
    assert domain.is_overdue(due, due + timedelta(days=1))


def test_a_new_place_is_due_the_day_it_is_registered() -> None:
    assert domain.next_due_on(None, CREATED, 30) == date(2026, 11, 1)


@pytest.mark.parametrize(("level", "expected"), [
    (GridLevel.BIG, "110108001"), (GridLevel.MEDIUM, "110108001002"), (GridLevel.SMALL, "110108001002003"),
])
def test_inspection_scope_per_grid_level(level: GridLevel, expected: str) -> None:
    assert domain.inspection_scope("110108001002003", level) == expected


# ---- places ---------------------------------------------------------------------------------------

GOOD = PlaceDraft(PlaceType.SMALL_SHOP, "便民超市", "万寿路1号", "110108001001001", "张三", "13812345289",
                  "", "", RiskLevel.LOW)


def test_a_good_place_has_no_problems() -> None:
    assert domain.place_problems(GOOD) == []


@pytest.mark.parametrize(("change", "field"), [
    ({"type": None}, "place.type"),
    ({"name": " "}, "place.name"),
    ({"name": "x" * 129}, "place.name"),
    ({"address": ""}, "place.address"),
    ({"jurisdiction_code": "110108001001"}, "place.jurisdiction_code"),
    ({"jurisdiction_code": "110108001001000"}, "place.jurisdiction_code"),
    ({"jurisdiction_code": "11010800100100x"}, "place.jurisdiction_code"),
    ({"owner_name": ""}, "place.owner_name"),
    ({"owner_phone": "12345"}, "place.owner_phone"),
    ({"contact_phone": "99"}, "place.contact_phone"),
    ({"risk_level": None}, "place.risk_level"),
    ({"organization_id": "o", "household_id": "h"}, "place.household_id"),
])
def test_place_problems_name_the_field(change: dict[str, object], field: str) -> None:
    from dataclasses import replace

    problems = domain.place_problems(replace(GOOD, **change))  # type: ignore[arg-type]
    assert [p.field for p in problems] == [field]


def test_every_place_problem_is_reported_at_once() -> None:
    bad = PlaceDraft(None, "", "", "1", "", "1", "", "", None)
    fields = {p.field for p in domain.place_problems(bad, prefix="rows[3]")}
    assert fields == {"rows[3].type", "rows[3].name", "rows[3].address", "rows[3].jurisdiction_code",
                      "rows[3].owner_name", "rows[3].owner_phone", "rows[3].risk_level"}



# ---- checklists -----------------------------------------------------------------------------------

CATALOGUE = {s.code: s.category for s in catalogue.DEFAULT_CATALOGUE}


def test_a_good_checklist() -> None:
    items = [CheckItem("exit_locked", CheckResult.HAZARD_FOUND, ("photo-1",), fixed_on_spot=True),
             CheckItem("clutter", CheckResult.PASSED), CheckItem("no_extinguisher", CheckResult.NOT_INSPECTED)]
    assert catalogue.checklist_problems(items, CATALOGUE, PlaceType.SMALL_SHOP) == []
    assert [i.hazard_type_code for i in catalogue.found_items(items)] == ["exit_locked"]


@pytest.mark.parametrize(("item", "place_type", "field"), [
    (CheckItem("nope", CheckResult.PASSED), PlaceType.SMALL_SHOP, "items[0].hazard_type_code"),
    (CheckItem("rural_gas_use", CheckResult.PASSED), PlaceType.SMALL_SHOP, "items[0].hazard_type_code"),
    (CheckItem("clutter", None), PlaceType.SMALL_SHOP, "items[0].result"),
    (CheckItem("clutter", CheckResult.HAZARD_FOUND), PlaceType.SMALL_SHOP, "items[0].evidence"),
    (CheckItem("clutter", CheckResult.PASSED, fixed_on_spot=True), PlaceType.SMALL_SHOP, "items[0].fixed_on_spot"),
    (CheckItem("clutter", CheckResult.HAZARD_FOUND, (" ",)), PlaceType.SMALL_SHOP, "items[0].evidence"),
])
def test_checklist_problems(item: CheckItem, place_type: PlaceType, field: str) -> None:
    assert [p.field for p in catalogue.checklist_problems([item], CATALOGUE, place_type)] == [field]


def test_rural_checks_apply_to_rural_households() -> None:
    items = [CheckItem("rural_gas_use", CheckResult.PASSED)]
    assert catalogue.checklist_problems(items, CATALOGUE, PlaceType.RURAL_HOUSEHOLD) == []


def test_duplicate_checklist_lines() -> None:
    items = [CheckItem("clutter", CheckResult.PASSED), CheckItem("clutter", CheckResult.PASSED)]
    assert [p.field for p in catalogue.checklist_problems(items, CATALOGUE, PlaceType.SMALL_SHOP)] == [
        "items[1].hazard_type_code"]


@pytest.mark.parametrize("state", list(domain.InspectionState))
def test_only_a_draft_inspection_changes(state: domain.InspectionState) -> None:
    if state is domain.InspectionState.DRAFT:
        domain.require_draft(state, "record_checklist")
    else:
        with pytest.raises(IllegalTransition) as raised:
            domain.require_draft(state, "record_checklist")
        assert raised.value.state == "finalized" and raised.value.allowed == ()


@pytest.mark.parametrize(("found", "closed", "rate"), [(0, 0, 0.0), (4, 3, 0.75), (3, 1, 0.3333)])
def test_rectification_rate(found: int, closed: int, rate: float) -> None:
    assert domain.rectification_rate(found, closed) == rate


# (found_by, verifier, four eyes on) -> may verify
VERIFICATION = [
    ("inspector-1", "inspector-1", True, False),
    ("inspector-1", "inspector-2", True, True),
    ("inspector-1", "inspector-1", False, True),
    ("inspector-1", "inspector-2", False, True),
    ("", "inspector-1", True, True),  # nobody on record as the finder
]


@pytest.mark.parametrize(("found_by", "verifier", "four_eyes", "allowed"), VERIFICATION)
def test_four_eyes_verification(found_by: str, verifier: str, four_eyes: bool, allowed: bool) -> None:
    why = domain.verification_refusal(found_by, verifier, four_eyes)
    assert (why is None) is allowed
    if not allowed:
        assert why is not None and "four-eyes" in why and verifier in why


# The results on a draft's checklist -> may it be finalised
R = CheckResult
FINALIZE = [
    ((), False),
    ((R.NOT_INSPECTED,), False),
    ((None,), False),
    ((R.NOT_INSPECTED, R.NOT_INSPECTED), False),
    ((R.PASSED,), True),
    ((R.HAZARD_FOUND,), True),
    ((R.NOT_INSPECTED, R.PASSED), True),
]


@pytest.mark.parametrize(("results", "allowed"), FINALIZE)
def test_finalizing_needs_a_checked_item(results: tuple[CheckResult | None, ...], allowed: bool) -> None:
    problem = domain.finalize_problem(results)
    assert (problem is None) is allowed
    if not allowed:
        assert problem is not None and "checklist" in problem
