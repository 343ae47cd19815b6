"""The fire plugin through the gateway over real HTTP: from inspection to hand-over, scopes and masking."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.fire.jobs import DeadlineJob
from services.kit.calendar import working_days_left
from services.kit.database import Database
from services.kit.plugin import load_plugins
from tests.fire.support import GRID, OTHER_GRID, Clock
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import RunningService, running_service

PLACE = """mutation($place: FirePlaceInput!) { createFirePlace(place: $place) {
  id name ownerPhone contactPhone type riskLevel inspectedBy intervalDays nextDueOn
  location { longitude latitude } } }"""
START = """mutation($id: ID!) { startFireInspection(placeId: $id, gridLevel: SMALL) { id state } }"""
RECORD = """mutation($id: ID!, $items: [FireChecklistItemInput!]!) {
  recordFireChecklist(inspectionId: $id, items: $items) { id items { hazardTypeCode result evidence } } }"""
FINALIZE = """mutation($id: ID!) { finalizeFireInspection(inspectionId: $id) { id state hazardIds } }"""
ORDER = """mutation($id: ID!) { orderFireRectification(input: {id: $id, note: "电话通知"}) {
  id state rectifyBy rectifyWorkingDaysLeft } }"""
VERIFY = """mutation($id: ID!) { verifyFireHazardFix(id: $id) { id state } }"""
HAZARD = """query($id: ID!) { fireHazard(id: $id) { id state closure severity reportImmediately caseNumber
  history { action fromState toState actor } } }"""
OFFERS = """query($id: ID!) { fireHazard(id: $id) { viewerActions } }"""
HAZARDS = """query($states: [FireHazardState!]) { fireHazards(states: $states) { nodes { id state }
  pageInfo { endCursor } } }"""


@dataclass
class Stack:
    fire: RunningService
    gateway: RunningGateway
    admin: str
    inspector: str
    worker: str
    department: str

    async def ok(self, query: str, bearer: str, **variables: Any) -> dict[str, Any]:
        return await self.gateway.ok(query, bearer, variables)

    async def error(self, query: str, bearer: str, **variables: Any) -> dict[str, Any]:
        return await self.gateway.first_error(query, bearer, variables)


@pytest.fixture
async def stack(database: Database, tmp_path: Path) -> AsyncIterator[Stack]:
    async with running_service("fire", database) as fire:
        fire.runtime.clock = Clock()
        settings = gateway_settings(tmp_path, services={"fire": fire.address})
        async with running_gateway(settings, load_plugins(["fire"])) as gateway:
            yield Stack(
                fire, gateway,
                admin=token(settings, "admin", (("district_admin", "110108"),)),
                inspector=token(settings, "inspector", (("fire_inspector", GRID[:9]),)),
                worker=token(settings, "worker", (("grid_worker", GRID),)),
                department=token(settings, "119", (("fire_department", "110108"),), department="fire_department"),
            )


def place_variables(**change: Any) -> dict[str, Any]:
    place = {"type": "SMALL_SHOP", "name": "便民超市", "address": "万寿路1号", "jurisdictionCode": GRID,
             "ownerName": "张三", "ownerPhone": "13812345289", "contactPhone": "13900001111",
             "riskLevel": "MEDIUM"}
    place.update(change)
    return place


async def inspect(stack: Stack, bearer: str, place_id: str, code: str = "exit_locked") -> str:
    inspection = (await stack.ok(START, bearer, id=place_id))["startFireInspection"]
    assert inspection["state"] == "DRAFT"
    photo = await stack.gateway.upload(bearer, GRID)
    recorded = await stack.ok(RECORD, bearer, id=inspection["id"], items=[
        {"hazardTypeCode": code, "result": "HAZARD_FOUND", "evidence": [photo]},
        {"hazardTypeCode": "clutter", "result": "PASSED"}])
    assert recorded["recordFireChecklist"]["items"][0]["result"] == "HAZARD_FOUND"
    final = (await stack.ok(FINALIZE, bearer, id=inspection["id"]))["finalizeFireInspection"]
    assert final["state"] == "FINALIZED"
    (hazard_id,) = final["hazardIds"]
    return hazard_id  # type: ignore[no-any-return]


async def test_inspection_to_hand_over(stack: Stack) -> None:
    place = (await stack.ok(PLACE, stack.inspector, place=place_variables()))["createFirePlace"]
    assert (place["type"], place["inspectedBy"], place["intervalDays"]) == ("SMALL_SHOP", "SMALL", 1)
    assert place["location"] is None
    assert place["ownerPhone"] == "13812345289"  # a fire inspector covering the place sees it whole
    hazard_id = await inspect(stack, stack.inspector, place["id"])
    ordered = (await stack.ok(ORDER, stack.inspector, id=hazard_id))["orderFireRectification"]
    assert ordered["state"] == "RECTIFYING" and ordered["rectifyBy"].startswith("2026-11-23T16:00:00")
    # The countdown the portal shows, by the gateway's clock (this test's service clock is its own).
    rectify_by = datetime.fromisoformat(ordered["rectifyBy"])
    assert ordered["rectifyWorkingDaysLeft"] == working_days_left(rectify_by, datetime.now(UTC)) < 0
    illegal = await stack.error(VERIFY, stack.inspector, id=hazard_id)
    assert illegal["extensions"]["code"] == "ILLEGAL_TRANSITION"
    assert illegal["extensions"]["currentState"] == "RECTIFYING"  # the FireHazardState value
    # What may be done next, as the mutations that do it (the deadline job's own actions are not offered).
    assert illegal["extensions"]["allowedActions"] == ["claimFireHazardFix"]
    clock: Clock = stack.fire.runtime.clock  # type: ignore[assignment]
    clock.advance(days=9)
    await DeadlineJob(stack.fire.runtime).run()
    hazard = (await stack.ok(HAZARD, stack.department, id=hazard_id))["fireHazard"]
    assert (hazard["state"], hazard["severity"], hazard["reportImmediately"]) == ("HANDED_OVER", "MAJOR", True)
    assert [(h["action"], h["toState"]) for h in hazard["history"]] == [
        ("found", "OPEN"), ("order_rectification", "RECTIFYING"), ("mark_overdue", "OVERDUE"),
        ("hand_over", "HANDED_OVER")]
    listed = (await stack.ok(HAZARDS, stack.worker, states=["HANDED_OVER"]))["fireHazards"]
    assert [h["id"] for h in listed["nodes"]] == [hazard_id]


async def test_scope_and_masking(stack: Stack) -> None:
    place = (await stack.ok(PLACE, stack.admin, place=place_variables()))["createFirePlace"]
    outside = (await stack.ok(PLACE, stack.admin, place=place_variables(jurisdictionCode=OTHER_GRID)))
    denied = await stack.error(PLACE, stack.worker, place=place_variables(jurisdictionCode=OTHER_GRID))
    assert denied["extensions"]["code"] == "PERMISSION_DENIED"
    read = """query($id: ID!) { firePlace(id: $id) { ownerPhone contactPhone ownerName } }"""
    assert (await stack.ok(read, stack.worker, id=place["id"]))["firePlace"] == {
        "ownerPhone": "138****5289", "contactPhone": "139****1111", "ownerName": "张三"}
    assert (await stack.ok(read, stack.department, id=place["id"]))["firePlace"]["ownerPhone"] == "138****5289"
    refused = await stack.error(read, stack.worker, id=outside["createFirePlace"]["id"])
    assert refused["extensions"]["code"] == "PERMISSION_DENIED"
    places = """{ firePlaces { nodes { name jurisdictionCode ownerPhone } pageInfo { endCursor } } }"""
    assert [p["jurisdictionCode"] for p in (await stack.ok(places, stack.worker))["firePlaces"]["nodes"]] == [GRID]
    assert len((await stack.ok(places, stack.department))["firePlaces"]["nodes"]) == 2
    # The fire department reads district-wide but changes nothing.
    hazard_id = await inspect(stack, stack.admin, place["id"], "no_extinguisher")
    assert (await stack.error(ORDER, stack.department, id=hazard_id))["extensions"]["code"] == "PERMISSION_DENIED"


async def test_a_place_with_a_location(stack: Stack) -> None:
    located = place_variables(location={"longitude": 116.2902, "latitude": 39.9101})
    place = (await stack.ok(PLACE, stack.admin, place=located))["createFirePlace"]
    assert place["location"] == {"longitude": 116.2902, "latitude": 39.9101}
    read = """query($id: ID!) { firePlace(id: $id) { location { longitude latitude } } }"""
    assert (await stack.ok(read, stack.admin, id=place["id"]))["firePlace"]["location"] == place["location"]
    swapped = await stack.error(PLACE, stack.admin, place=place_variables(location={"longitude": 39.9,
                                                                                    "latitude": 116.29}))
    assert swapped["extensions"]["field"] == "place.location.latitude"


async def test_bad_input_names_the_field(stack: Stack) -> None:
    bad = await stack.error(PLACE, stack.admin, place=place_variables(ownerPhone="123", name=""))
    assert bad["extensions"]["code"] == "INVALID_ARGUMENT"
    assert {v["field"] for v in bad["extensions"]["fieldViolations"]} == {"place.ownerPhone", "place.name"}
    assert bad["extensions"]["field"] in {"place.ownerPhone", "place.name"}
    assert "owner_phone" not in bad["message"]
    place = (await stack.ok(PLACE, stack.admin, place=place_variables()))["createFirePlace"]
    hazard_id = await inspect(stack, stack.admin, place["id"], "illegal_wiring")
    naive = await stack.error("""mutation($id: ID!) { orderFireRectification(input: {id: $id,
      rectifyBy: "2026-12-01T18:00:00"}) { id } }""", stack.admin, id=hazard_id)
    assert [v["field"] for v in naive["extensions"]["fieldViolations"]] == ["input.rectifyBy"]
    past = await stack.error("""mutation($id: ID!) { orderFireRectification(input: {id: $id,
      rectifyBy: "2026-11-01T18:00:00+08:00"}) { id } }""", stack.admin, id=hazard_id)
    assert [v["field"] for v in past["extensions"]["fieldViolations"]] == ["input.rectifyBy"]
    assert past["extensions"]["field"] == "input.rectifyBy" and past["message"].startswith("input.rectifyBy: ")
    garbled = await stack.error('mutation { importFirePlaces(contentBase64: "%%%", format: CSV) }', stack.admin)
    assert [v["field"] for v in garbled["extensions"]["fieldViolations"]] == ["contentBase64"]
    rows = await stack.error('mutation($c: String!) { importFirePlaces(contentBase64: $c, format: CSV) }', stack.admin,
                             c=base64.b64encode("类型,名称\n小商店,\n".encode()).decode())
    assert rows["extensions"]["code"] == "INVALID_ARGUMENT"
    # A bad row is in the file the argument carries: the argument is the field, the row opens the description.
    assert rows["extensions"]["field"] == "contentBase64"
    assert rows["extensions"]["fieldViolations"][0]["description"].startswith("file: lacks the column(s) 地址")
    bad_plan = await stack.error("""mutation { setFireInspectionPlan(input: {placeType: SMALL_SHOP, gridLevel: SMALL,
      intervalDays: 0}) { placesRescheduled } }""", stack.admin)
    assert bad_plan["extensions"]["field"] == "input.intervalDays"
    too_many = await stack.error("{ fireHazards(first: 1000) { pageInfo { hasNextPage } } }", stack.admin)
    assert too_many["extensions"]["field"] == "first"


async def test_due_lists_catalogue_plans_statistics_and_export(stack: Stack) -> None:
    await stack.ok(PLACE, stack.admin, place=place_variables())
    due = """query($code: String!) { fireDueInspections(jurisdictionCode: $code, asOf: "2026-11-23") {
      nodes { name nextDueOn } } }"""
    assert (await stack.ok(due, stack.worker, code=GRID))["fireDueInspections"]["nodes"] == [
        {"name": "便民超市", "nextDueOn": "2026-11-23"}]
    types = (await stack.ok("{ fireHazardTypes(category: RURAL_HOUSEHOLD) { totalCount nodes { code severity } } }",
                            stack.worker))
    assert types["fireHazardTypes"]["totalCount"] == len(types["fireHazardTypes"]["nodes"]) == 5
    update = """mutation { updateFireHazardType(input: {code: "clutter", severity: GENERAL, rectifyDays: 5}) {
      version rectifyDays } }"""
    assert (await stack.ok(update, stack.admin))["updateFireHazardType"] == {"version": 2, "rectifyDays": 5}
    assert (await stack.error(update, stack.inspector))["extensions"]["code"] == "PERMISSION_DENIED"
    plan = """mutation { setFireInspectionPlan(input: {placeType: SMALL_SHOP, gridLevel: SMALL, intervalDays: 2}) {
      placesRescheduled plan { placeType intervalDays } } }"""
    assert (await stack.ok(plan, stack.admin))["setFireInspectionPlan"] == {
        "placesRescheduled": 1, "plan": {"placeType": "SMALL_SHOP", "intervalDays": 2}}
    stats = """{ fireLedgerStatistics { total { found } } }"""
    assert (await stack.ok(stats, stack.department))["fireLedgerStatistics"]["total"]["found"] == 0
    export = """query($code: String!) { fireLedgerExport(jurisdictionCode: $code, section: PLACES, format: CSV) {
      fileName contentBase64 } }"""
    exported = (await stack.ok(export, stack.worker, code=GRID))["fireLedgerExport"]
    text = base64.b64decode(exported["contentBase64"]).decode("utf-8-sig")
    assert "便民超市" in text and "138****5289" in text and "13812345289" not in text
    assert (await stack.error(export, stack.worker, code=OTHER_GRID))["extensions"]["code"] == "PERMISSION_DENIED"


async def test_four_eyes_verification_and_a_checklist_before_finalizing(stack: Stack) -> None:
    place = (await stack.ok(PLACE, stack.inspector, place=place_variables()))["createFirePlace"]
    # An inspection of nothing is not finalised: the error names what is missing and what to do next.
    draft = (await stack.ok(START, stack.inspector, id=place["id"]))["startFireInspection"]
    empty = await stack.error(FINALIZE, stack.inspector, id=draft["id"])
    assert empty["extensions"]["code"] == "FAILED_PRECONDITION" and "checklist item" in empty["message"]
    assert (empty["extensions"]["currentState"], empty["extensions"]["allowedActions"]) == (
        "DRAFT", ["recordFireChecklist"])
    hazard_id = await inspect(stack, stack.inspector, place["id"], "no_extinguisher")

    async def offered(bearer: str) -> list[str]:
        return (await stack.ok(OFFERS, bearer, id=hazard_id))["fireHazard"]["viewerActions"]  # type: ignore[no-any-return]

    assert await offered(stack.inspector) == ["orderFireRectification"]
    assert await offered(stack.department) == []  # the fire department reads hazards and changes none
    await stack.ok(ORDER, stack.inspector, id=hazard_id)
    assert await offered(stack.inspector) == ["claimFireHazardFix"]
    await stack.ok("""mutation($id: ID!) { claimFireHazardFix(input: {id: $id}) { id } }""", stack.inspector,
                   id=hazard_id)
    # Four eyes: the one who found the hazard is not offered its verification; the grid's worker is.
    assert await offered(stack.inspector) == ["reopenFireHazard"]
    assert await offered(stack.worker) == ["reopenFireHazard", "verifyFireHazardFix"]
    settings = """query { fireDistrictSettings(districtCode: "110108") { fourEyesVerification updatedBy } }"""
    assert (await stack.ok(settings, stack.inspector))["fireDistrictSettings"] == {
        "fourEyesVerification": True, "updatedBy": ""}
    refused = await stack.error(VERIFY, stack.inspector, id=hazard_id)
    assert refused["extensions"]["code"] == "PERMISSION_DENIED"
    assert "inspector found this hazard, so someone else verifies its fix" in refused["message"]
    change = """mutation($on: Boolean!) { setFireDistrictSettings(districtCode: "110108", fourEyesVerification: $on) {
      districtCode fourEyesVerification updatedBy updatedAt } }"""
    assert (await stack.error(change, stack.inspector, on=False))["extensions"]["code"] == "PERMISSION_DENIED"
    off = (await stack.ok(change, stack.department, on=False))["setFireDistrictSettings"]
    assert (off["fourEyesVerification"], off["updatedBy"]) == (False, "119") and off["updatedAt"]
    assert await offered(stack.inspector) == ["reopenFireHazard", "verifyFireHazardFix"]
    assert (await stack.ok(VERIFY, stack.inspector, id=hazard_id))["verifyFireHazardFix"]["state"] == "CLOSED"
    assert await offered(stack.inspector) == []


async def test_creating_mutations_forward_their_idempotency_key(stack: Stack) -> None:
    keyed = """mutation($place: FirePlaceInput!, $key: String) {
      createFirePlace(place: $place, idempotencyKey: $key) { id } }"""
    first = (await stack.ok(keyed, stack.admin, place=place_variables(), key="p-1"))["createFirePlace"]
    assert (await stack.ok(keyed, stack.admin, place=place_variables(), key="p-1"))["createFirePlace"] == first
    start = """mutation($id: ID!, $key: String) {
      startFireInspection(placeId: $id, gridLevel: SMALL, idempotencyKey: $key) { id } }"""
    inspection = (await stack.ok(start, stack.admin, id=first["id"], key="i-1"))["startFireInspection"]
    assert (await stack.ok(start, stack.admin, id=first["id"], key="i-1"))["startFireInspection"] == inspection
    refused = await stack.error(keyed, stack.admin, place=place_variables(name="别家"), key="p-1")
    assert refused["extensions"]["code"] == "FAILED_PRECONDITION"
