"""The fire service's part of the gateway schema: queries and one mutation per action, over the gRPC stub."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.tools import merge_types
from strawberry.types import Info

from gateway.connection import Connection, check_first, listed, service_page
from gateway.context import RequestContext, Resource
from gateway.landing import authorize_landing, land
from gateway.media.evidence import checked_evidence
from gateway.plugin_types import (
    GraphQLNames,
    IdempotencyKey,
    checked_key,
    decode_base64,
    encode_base64,
    stamp,
    takes_input,
)
from gridgov.fire.v1 import fire_pb2
from services.fire.graphql_map import FireMapQuery
from services.fire.graphql_types import (
    ClaimFireHazardFixInput,
    FireChecklistItemInput,
    FireDistrictSettings,
    FireDueStatus,
    FireFileFormat,
    FireGridLevel,
    FireHazard,
    FireHazardCategory,
    FireHazardConnection,
    FireHazardState,
    FireHazardType,
    FireHazardTypeConnection,
    FireInspection,
    FireInspectionConnection,
    FireInspectionPlanConnection,
    FireLedgerFile,
    FireLedgerSection,
    FireLedgerStatistics,
    FirePlace,
    FirePlaceConnection,
    FirePlaceInput,
    FirePlaceType,
    FirePlanChange,
    FireRiskLevel,
    OrderFireRectificationInput,
    SetFireInspectionPlanInput,
    UpdateFireHazardTypeInput,
    to_proto,
)
from services.fire.offers import verify_resource
from services.kit.plugin import GraphQLContribution

SERVICE = "fire"

# The mutation that performs each action on a hazard; the deadline job and the case's close act by themselves.
ON_RECORD = GraphQLNames(actions={
    "order_rectification": "orderFireRectification", "claim_fix": "claimFireHazardFix",
    "verify": "verifyFireHazardFix", "reopen": "reopenFireHazard", "finalize": "finalizeFireInspection",
    "record_checklist": "recordFireChecklist",
    "fix_on_spot": "", "mark_overdue": "", "hand_over": "", "close_case": ""})
ON_RECORD_INPUT = ON_RECORD.inside("input")


def _context(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


async def _paged(info: Info, action: str, method: str, request: Callable[[dict[str, Any]], Any], rows: str,
                 first: int, after: str | None) -> Connection[Any]:
    ctx = _context(info)
    decision = await ctx.authorize(action, Resource(action.split(".")[0]))
    return await service_page(ctx, SERVICE, method, request, rows, decision, first, after)


async def _located(ctx: RequestContext, kind: str, record_id: str) -> Resource:
    """Learns where a place, inspection or hazard lies, as the resource the policy decides on."""
    if kind == "fire_place":
        found = (await ctx.locate(SERVICE, "GetPlace", fire_pb2.GetPlaceRequest(id=record_id))).place
    elif kind == "fire_inspection":
        found = (await ctx.locate(SERVICE, "GetInspection", fire_pb2.GetInspectionRequest(id=record_id))).inspection
    else:
        found = (await ctx.locate(SERVICE, "GetHazard", fire_pb2.GetHazardRequest(id=record_id))).hazard
    return Resource(kind, record_id, found.jurisdiction_code)


async def _on_record(info: Info, action: str, record_id: str, method: str, request: Any) -> Any:
    """Locate, authorize ``action`` on the record, then call ``method`` scoped to it."""
    ctx = _context(info)
    resource = await _located(ctx, action.split(".")[0], record_id)
    decision = await ctx.authorize(action, resource)
    names = ON_RECORD_INPUT if takes_input(info) else ON_RECORD
    return await ctx.call(SERVICE, method, request, decision, resource=resource, names=names)


async def _listing(info: Info, action: str, method: str, request: Any, code: str = "", *,
                   names: GraphQLNames = GraphQLNames()) -> Any:
    ctx = _context(info)
    resource_type = action.split(".")[0]
    decision = await ctx.authorize(action, Resource(resource_type, "", code))
    return await ctx.call(SERVICE, method, request, decision, names=names)


@strawberry.type
class FireQuery:
    @strawberry.field(description="Places in the caller's scope, by name.")
    async def fire_places(self, info: Info, jurisdiction_code: str = "", type: FirePlaceType | None = None,  # type: ignore[valid-type]
                          risk_level: FireRiskLevel | None = None, first: int = 50,  # type: ignore[valid-type]
                          after: str | None = None) -> FirePlaceConnection:
        return await _paged(info, "fire_place.list", "ListPlaces", lambda page: fire_pb2.ListPlacesRequest(
            jurisdiction_code=jurisdiction_code, type=to_proto(type), risk_level=to_proto(risk_level), page=page),
            "places", first, after)

    @strawberry.field(description="One place.")
    async def fire_place(self, info: Info, id: strawberry.ID) -> FirePlace:
        response = await _on_record(info, "fire_place.read", id, "GetPlace", fire_pb2.GetPlaceRequest(id=id))
        return response.place  # type: ignore[no-any-return]

    @strawberry.field(description="Places the grid level of a street, community or grid must inspect by a day.")
    async def fire_due_inspections(self, info: Info, jurisdiction_code: str,
                                   status: FireDueStatus = FireDueStatus.DUE, as_of: datetime.date | None = None,
                                   first: int = 50, after: str | None = None) -> FirePlaceConnection:
        return await _paged(info, "fire_place.due", "ListDueInspections",
                            lambda page: fire_pb2.ListDueInspectionsRequest(
                                jurisdiction_code=jurisdiction_code, status=to_proto(status),
                                as_of=as_of.isoformat() if as_of else "", page=page), "places", first, after)

    @strawberry.field(description="Inspections in the caller's scope, newest first.")
    async def fire_inspections(self, info: Info, jurisdiction_code: str = "", place_id: str = "", first: int = 50,
                               after: str | None = None) -> FireInspectionConnection:
        return await _paged(info, "fire_inspection.list", "ListInspections",
                            lambda page: fire_pb2.ListInspectionsRequest(
                                jurisdiction_code=jurisdiction_code, place_id=place_id, page=page),
                            "inspections", first, after)

    @strawberry.field(description="One inspection.")
    async def fire_inspection(self, info: Info, id: strawberry.ID) -> FireInspection:
        response = await _on_record(info, "fire_inspection.read", id, "GetInspection",
                                    fire_pb2.GetInspectionRequest(id=id))
        return response.inspection  # type: ignore[no-any-return]

    @strawberry.field(description="Hazards in the caller's scope, newest first.")
    async def fire_hazards(self, info: Info, jurisdiction_code: str = "",
                           states: list[FireHazardState] | None = None,  # type: ignore[valid-type]
                           hazard_type_code: str = "", place_id: str = "", report_immediately_only: bool = False,
                           first: int = 50, after: str | None = None) -> FireHazardConnection:
        return await _paged(info, "fire_hazard.list", "ListHazards", lambda page: fire_pb2.ListHazardsRequest(
            jurisdiction_code=jurisdiction_code, states=[to_proto(s) for s in states or ()],
            hazard_type_code=hazard_type_code, place_id=place_id, report_immediately_only=report_immediately_only,
            page=page), "hazards", first, after)

    @strawberry.field(description="How the fire service works in a district: four-eyes verification.")
    async def fire_district_settings(self, info: Info, district_code: str) -> FireDistrictSettings:
        ctx = _context(info)
        resource = Resource("fire_settings", district_code, district_code)
        decision = await ctx.authorize("fire_settings.read", resource)
        response = await ctx.call(SERVICE, "GetDistrictSettings", fire_pb2.GetDistrictSettingsRequest(
            district_code=district_code), decision)
        return response.settings  # type: ignore[no-any-return]

    @strawberry.field(description="One hazard with its history.")
    async def fire_hazard(self, info: Info, id: strawberry.ID) -> FireHazard:
        response = await _on_record(info, "fire_hazard.read", id, "GetHazard", fire_pb2.GetHazardRequest(id=id))
        return response.hazard  # type: ignore[no-any-return]

    @strawberry.field(description="The hazard catalogue, current versions.")
    async def fire_hazard_types(self, info: Info,
                                category: FireHazardCategory | None = None,  # type: ignore[valid-type]
                                first: int = 50, after: str | None = None) -> FireHazardTypeConnection:
        check_first(first)
        response = await _listing(info, "fire_hazard_type.list", "ListHazardTypes",
                                  fire_pb2.ListHazardTypesRequest(category=to_proto(category)))
        return listed(FireHazardTypeConnection, response.hazard_types, first, after)

    @strawberry.field(description="Which grid level inspects each place type, how often.")
    async def fire_inspection_plans(self, info: Info, first: int = 50,
                                    after: str | None = None) -> FireInspectionPlanConnection:
        check_first(first)
        response = await _listing(info, "fire_inspection_plan.list", "ListInspectionPlans",
                                  fire_pb2.ListInspectionPlansRequest())
        return listed(FireInspectionPlanConnection, response.plans, first, after)

    @strawberry.field(description="Found, rectified on time, overdue, handed over and rate, by hazard type and grid.")
    async def fire_ledger_statistics(self, info: Info, jurisdiction_code: str = "",
                                     found_from: datetime.datetime | None = None,
                                     found_to: datetime.datetime | None = None) -> FireLedgerStatistics:
        request = fire_pb2.GetLedgerStatisticsRequest(jurisdiction_code=jurisdiction_code,
                                                      found_from=stamp(found_from, "foundFrom"),
                                                      found_to=stamp(found_to, "foundTo"))
        response = await _listing(info, "fire_ledger.statistics", "GetLedgerStatistics", request, jurisdiction_code)
        return FireLedgerStatistics(rows=response.rows, total=response.total)  # type: ignore[arg-type]

    @strawberry.field(description="One section of the ledger of a street, community or grid, as a file.")
    async def fire_ledger_export(self, info: Info, jurisdiction_code: str, section: FireLedgerSection,  # type: ignore[valid-type]
                                 format: FireFileFormat) -> FireLedgerFile:
        ctx = _context(info)
        resource = Resource("fire_ledger", "", jurisdiction_code)
        decision = await ctx.authorize("fire_ledger.export", resource)
        response = await ctx.call(SERVICE, "ExportLedger", fire_pb2.ExportLedgerRequest(
            jurisdiction_code=jurisdiction_code, section=to_proto(section), format=to_proto(format)), decision)
        return FireLedgerFile(file_name=response.file_name, content_type=response.content_type,
                              content_base64=encode_base64(response.content))


@strawberry.type
class FireMutation:
    @strawberry.mutation(description="Registers a place in a grid.")
    async def create_fire_place(self, info: Info, place: FirePlaceInput,
                                idempotency_key: IdempotencyKey = None) -> FirePlace:
        ctx = _context(info)
        point = place.location
        landed = land(ctx, place.jurisdiction_code, point.longitude if point else None,
                      point.latitude if point else None, code_field="place.jurisdictionCode",
                      location_field="place.location")
        resource = Resource("fire_place", "", landed.code)
        decision = await authorize_landing(ctx, "fire_place.create", landed,
                                           lambda code: Resource("fire_place", "", code))
        request = fire_pb2.CreatePlaceRequest(located_grid=landed.located_grid, place=fire_pb2.PlaceInput(
            type=to_proto(place.type), name=place.name, address=place.address,
            jurisdiction_code=landed.code, owner_name=place.owner_name, owner_phone=place.owner_phone,
            contact_name=place.contact_name, contact_phone=place.contact_phone, risk_level=to_proto(place.risk_level),
            organization_id=place.organization_id, household_id=place.household_id,
            location=place.location.to_proto() if place.location else None),
            idempotency_key=checked_key(idempotency_key))
        return (await ctx.call(SERVICE, "CreatePlace", request, decision, resource=resource)).place  # type: ignore[no-any-return]

    @strawberry.mutation(description="Imports places from a base64 CSV or XLSX file; all rows or none.")
    async def import_fire_places(self, info: Info, content_base64: str, format: FireFileFormat,
                                 idempotency_key: IdempotencyKey = None) -> int:
        content = decode_base64(content_base64, "contentBase64")
        response = await _listing(info, "fire_place.import", "ImportPlaces",
                                  fire_pb2.ImportPlacesRequest(content=content, format=to_proto(format),
                                                              idempotency_key=checked_key(idempotency_key)),
                                  names=GraphQLNames({"content": "contentBase64"},
                                                     files={"rows": "contentBase64", "file": "contentBase64"}))
        return response.imported  # type: ignore[no-any-return]

    @strawberry.mutation(description="Starts an inspection of a place.")
    async def start_fire_inspection(self, info: Info, place_id: strawberry.ID,
                                    grid_level: FireGridLevel,  # type: ignore[valid-type]
                                    idempotency_key: IdempotencyKey = None) -> FireInspection:
        ctx = _context(info)
        place = await _located(ctx, "fire_place", place_id)
        resource = Resource("fire_inspection", "", place.jurisdiction_code)
        decision = await ctx.authorize("fire_inspection.start", resource)
        request = fire_pb2.StartInspectionRequest(place_id=place_id, grid_level=to_proto(grid_level),
                                                  idempotency_key=checked_key(idempotency_key))
        return (await ctx.call(SERVICE, "StartInspection", request, decision, resource=resource)).inspection  # type: ignore[no-any-return]

    @strawberry.mutation(description="Records the whole checklist of a draft inspection.")
    async def record_fire_checklist(self, info: Info, inspection_id: strawberry.ID,
                                    items: list[FireChecklistItemInput]) -> FireInspection:
        ctx = _context(info)
        evidence = [await checked_evidence(ctx, i.evidence, f"items[{n}].evidence") for n, i in enumerate(items)]
        request = fire_pb2.RecordChecklistRequest(inspection_id=inspection_id, items=[
            fire_pb2.ChecklistItem(hazard_type_code=i.hazard_type_code, result=to_proto(i.result),
                                   evidence=e, fixed_on_spot=i.fixed_on_spot, note=i.note)
            for i, e in zip(items, evidence, strict=True)])
        response = await _on_record(info, "fire_inspection.record", inspection_id, "RecordChecklist", request)
        return response.inspection  # type: ignore[no-any-return]

    @strawberry.mutation(description="Locks an inspection and raises its hazards.")
    async def finalize_fire_inspection(self, info: Info, inspection_id: strawberry.ID) -> FireInspection:
        response = await _on_record(info, "fire_inspection.finalize", inspection_id, "FinalizeInspection",
                                    fire_pb2.FinalizeInspectionRequest(inspection_id=inspection_id))
        return response.inspection  # type: ignore[no-any-return]

    @strawberry.mutation(description="Orders the owner to fix a hazard by a deadline (default: the catalogue's).")
    async def order_fire_rectification(self, info: Info, input: OrderFireRectificationInput) -> FireHazard:
        request = fire_pb2.OrderRectificationRequest(id=input.id, rectify_by=stamp(input.rectify_by, "input.rectifyBy"),
                                                     note=input.note)
        response = await _on_record(info, "fire_hazard.order_rectification", input.id, "OrderRectification", request)
        return response.hazard  # type: ignore[no-any-return]

    @strawberry.mutation(description="Records the owner's claim that a hazard is fixed.")
    async def claim_fire_hazard_fix(self, info: Info, input: ClaimFireHazardFixInput) -> FireHazard:
        evidence = await checked_evidence(_context(info), input.evidence, "input.evidence")
        request = fire_pb2.ClaimFixRequest(id=input.id, note=input.note, evidence=evidence)
        return (await _on_record(info, "fire_hazard.claim_fix", input.id, "ClaimFix", request)).hazard  # type: ignore[no-any-return]

    @strawberry.mutation(description="A re-inspection verifies the fix: the hazard closes.")
    async def verify_fire_hazard_fix(self, info: Info, id: strawberry.ID, note: str = "") -> FireHazard:
        ctx = _context(info)
        hazard = (await ctx.locate(SERVICE, "GetHazard", fire_pb2.GetHazardRequest(id=id))).hazard
        resource = await verify_resource(ctx, hazard)
        decision = await ctx.authorize("fire_hazard.verify", resource)
        response = await ctx.call(SERVICE, "VerifyFix", fire_pb2.VerifyFixRequest(id=id, note=note), decision,
                                  resource=resource, names=ON_RECORD)
        return response.hazard  # type: ignore[no-any-return]

    @strawberry.mutation(description="Turns a district's four-eyes verification on or off (fire department or "
                                     "district administrator of the district).")
    async def set_fire_district_settings(self, info: Info, district_code: str,
                                         four_eyes_verification: bool) -> FireDistrictSettings:
        ctx = _context(info)
        resource = Resource("fire_settings", district_code, district_code)
        decision = await ctx.authorize("fire_settings.update", resource)
        response = await ctx.call(SERVICE, "SetDistrictSettings", fire_pb2.SetDistrictSettingsRequest(
            district_code=district_code, four_eyes_verification=four_eyes_verification), decision, resource=resource)
        return response.settings  # type: ignore[no-any-return]

    @strawberry.mutation(description="A re-inspection finds the fix does not hold: back to rectifying.")
    async def reopen_fire_hazard(self, info: Info, id: strawberry.ID, reason: str) -> FireHazard:
        request = fire_pb2.ReopenHazardRequest(id=id, reason=reason)
        return (await _on_record(info, "fire_hazard.reopen", id, "ReopenHazard", request)).hazard  # type: ignore[no-any-return]

    @strawberry.mutation(description="Edits a catalogue entry, creating its next version.")
    async def update_fire_hazard_type(self, info: Info, input: UpdateFireHazardTypeInput) -> FireHazardType:
        request = fire_pb2.UpdateHazardTypeRequest(code=input.code, name=input.name, severity=to_proto(input.severity),
                                                   rectify_days=input.rectify_days,
                                                   expected_version=input.expected_version)
        response = await _listing(info, "fire_hazard_type.update", "UpdateHazardType", request,
                                  names=GraphQLNames({"": "input"}))
        return response.hazard_type  # type: ignore[no-any-return]

    @strawberry.mutation(description="Sets which grid level inspects a place type and how often.")
    async def set_fire_inspection_plan(self, info: Info, input: SetFireInspectionPlanInput) -> FirePlanChange:
        request = fire_pb2.SetInspectionPlanRequest(plan=fire_pb2.InspectionPlan(
            place_type=to_proto(input.place_type), grid_level=to_proto(input.grid_level),
            interval_days=input.interval_days))
        response = await _listing(info, "fire_inspection_plan.update", "SetInspectionPlan", request,
                                  names=GraphQLNames({"plan": "input"}))  # the plan's fields are the input's
        return FirePlanChange(plan=response.plan, places_rescheduled=response.places_rescheduled)


def contribution() -> GraphQLContribution:
    return GraphQLContribution(query=merge_types("FireQuery", (FireQuery, FireMapQuery)), mutation=FireMutation,
                               uploads=frozenset({"importFirePlaces"}))
