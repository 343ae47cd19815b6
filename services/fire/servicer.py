"""The FireService gRPC servicer: places, the hazard catalogue, inspection plans and due lists."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.fire.v1 import fire_pb2, fire_pb2_grpc
from services.fire import catalogue, convert, domain
from services.fire.convert import GRID_LEVEL, HAZARD_CATEGORY, PLACE_TYPE, RISK_LEVEL, SEVERITY
from services.fire.place_import import parse_places
from services.fire.servicer_hazards import HazardRpcs
from services.fire.settings import SettingsRpcs
from services.fire.store import CatalogueStore, PlaceStore, code_filter
from services.kit import actor, jurisdiction
from services.kit.errors import FieldViolation, InvalidArgument, PermissionDenied
from services.kit.pagination import page_from
from services.kit.placer import located_grid
from services.kit.runtime import ServiceRuntime
from services.kit.tabular import FileFormat

FILE_FORMATS = {fire_pb2.FILE_FORMAT_CSV: FileFormat.CSV, fire_pb2.FILE_FORMAT_XLSX: FileFormat.XLSX}


def file_format(value: int, field: str = "format") -> FileFormat:
    if value not in FILE_FORMATS:
        raise InvalidArgument.field(field, "must be CSV or XLSX")
    return FILE_FORMATS[value]


def place_draft(message: fire_pb2.PlaceInput, problems: list[FieldViolation]) -> domain.PlaceDraft:
    return domain.PlaceDraft(
        type=PLACE_TYPE.member(message.type), name=message.name, address=message.address,
        jurisdiction_code=message.jurisdiction_code, owner_name=message.owner_name, owner_phone=message.owner_phone,
        contact_name=message.contact_name, contact_phone=message.contact_phone,
        risk_level=RISK_LEVEL.member(message.risk_level), organization_id=message.organization_id,
        household_id=message.household_id,
        latitude=message.location.latitude if message.HasField("location") else None,
        longitude=message.location.longitude if message.HasField("location") else None,
    )


def require_district_wide() -> None:
    """Catalogue and plan edits apply district-wide: the call must read at district level."""
    if not any(len(scope) <= 6 for scope in actor.read_scopes()):
        raise PermissionDenied("editing the catalogue or the plans needs a district-wide scope")


class FireServicer(HazardRpcs, SettingsRpcs, fire_pb2_grpc.FireServiceServicer):
    """Places, catalogue, plans and due lists here; inspections, hazards and the ledger in HazardRpcs."""

    async def CreatePlace(self, request: fire_pb2.CreatePlaceRequest, context: Any) -> fire_pb2.CreatePlaceResponse:
        draft = dataclasses.replace(place_draft(request.place, []), located_grid=request.located_grid.strip())
        problems = domain.place_problems(draft)
        located_problem = draft.located_grid and jurisdiction.problem(draft.located_grid, level=jurisdiction.Level.GRID)
        if located_problem:
            problems.append(FieldViolation("located_grid", located_problem))
        if problems:
            raise InvalidArgument(problems)
        actor.require_in_scope(draft.jurisdiction_code)

        async def work(session: AsyncSession) -> fire_pb2.CreatePlaceResponse:
            row = await PlaceStore(session).add(draft, self.runtime.clock())
            return fire_pb2.CreatePlaceResponse(place=convert.place_message(row, actor.masks))

        return await self.write_once(request, fire_pb2.CreatePlaceResponse, work)

    async def GetPlace(self, request: fire_pb2.GetPlaceRequest, context: Any) -> fire_pb2.GetPlaceResponse:
        async with self.database.read() as session:
            row = await PlaceStore(session).get(request.id)
        actor.require_in_scope(row.jurisdiction_code)
        return fire_pb2.GetPlaceResponse(place=convert.place_message(row, actor.masks))

    async def ListPlaces(self, request: fire_pb2.ListPlacesRequest, context: Any) -> fire_pb2.ListPlacesResponse:
        code_filter("jurisdiction_code", request.jurisdiction_code)
        scopes = actor.read_scopes()
        page = page_from(request.page.page_size, request.page.page_token, {
            "list": "places", "code": request.jurisdiction_code, "type": request.type,
            "risk": request.risk_level, "scopes": scopes})
        async with self.database.read() as session:
            rows, more = await PlaceStore(session).list(
                scopes, request.jurisdiction_code, PLACE_TYPE.member(request.type),
                RISK_LEVEL.member(request.risk_level), page)
        token = page.next_token((rows[-1].name, rows[-1].id) if rows else None, more)
        return fire_pb2.ListPlacesResponse(places=[convert.place_message(r, actor.masks) for r in rows],
                                           page={"next_page_token": token})

    async def ImportPlaces(self, request: fire_pb2.ImportPlacesRequest,
                           context: Any) -> fire_pb2.ImportPlacesResponse:
        drafts = parse_places(request.content, file_format(request.format), located_grid(self.runtime))
        scopes = actor.read_scopes()
        outside = [f"rows[{line}].jurisdiction_code {d.jurisdiction_code}" for line, d in drafts
                   if not jurisdiction.within_any(d.jurisdiction_code, scopes)]
        if outside:
            raise PermissionDenied("outside this request's scope: " + "; ".join(outside))

        async def work(session: AsyncSession) -> fire_pb2.ImportPlacesResponse:
            await PlaceStore(session).add_many([draft for _, draft in drafts], self.runtime.clock())
            return fire_pb2.ImportPlacesResponse(imported=len(drafts))

        return await self.write_once(request, fire_pb2.ImportPlacesResponse, work)

    async def ListHazardTypes(self, request: fire_pb2.ListHazardTypesRequest,
                              context: Any) -> fire_pb2.ListHazardTypesResponse:
        async with self.database.read() as session:
            rows = await CatalogueStore(session).list(HAZARD_CATEGORY.member(request.category))
        return fire_pb2.ListHazardTypesResponse(hazard_types=[convert.hazard_type_message(r) for r in rows])

    async def UpdateHazardType(self, request: fire_pb2.UpdateHazardTypeRequest,
                               context: Any) -> fire_pb2.UpdateHazardTypeResponse:
        problems = catalogue.hazard_type_problems(request.name, request.rectify_days)
        severity = SEVERITY.collect(request.severity, "severity", problems)
        if problems:
            raise InvalidArgument(problems)
        require_district_wide()
        async with self.database.transaction() as session:
            row = await CatalogueStore(session).update(
                request.code, request.name.strip(), severity, request.rectify_days, request.expected_version,
                actor.current().subject, self.runtime.clock())
        return fire_pb2.UpdateHazardTypeResponse(hazard_type=convert.hazard_type_message(row))

    async def ListHazardTypeVersions(self, request: fire_pb2.ListHazardTypeVersionsRequest,
                                     context: Any) -> fire_pb2.ListHazardTypeVersionsResponse:
        async with self.database.read() as session:
            rows = await CatalogueStore(session).versions(request.code)
        return fire_pb2.ListHazardTypeVersionsResponse(versions=[convert.hazard_type_message(r) for r in rows])

    async def ListInspectionPlans(self, request: fire_pb2.ListInspectionPlansRequest,
                                  context: Any) -> fire_pb2.ListInspectionPlansResponse:
        async with self.database.read() as session:
            rows = await PlaceStore(session).plans()
        return fire_pb2.ListInspectionPlansResponse(plans=[
            fire_pb2.InspectionPlan(place_type=PLACE_TYPE.to_proto(r.place_type),
                                    grid_level=GRID_LEVEL.to_proto(r.grid_level), interval_days=r.interval_days)
            for r in rows])

    async def SetInspectionPlan(self, request: fire_pb2.SetInspectionPlanRequest,
                                context: Any) -> fire_pb2.SetInspectionPlanResponse:
        problems: list[FieldViolation] = []
        place_type = PLACE_TYPE.collect(request.plan.place_type, "plan.place_type", problems)
        level = GRID_LEVEL.collect(request.plan.grid_level, "plan.grid_level", problems)
        if not 1 <= request.plan.interval_days <= domain.MAX_INTERVAL_DAYS:
            problems.append(FieldViolation("plan.interval_days", f"must be 1 to {domain.MAX_INTERVAL_DAYS}"))
        if problems:
            raise InvalidArgument(problems)
        require_district_wide()
        async with self.database.transaction() as session:
            plan, moved = await PlaceStore(session).set_plan(
                place_type, level, request.plan.interval_days, actor.current().subject, self.runtime.clock())
        return fire_pb2.SetInspectionPlanResponse(
            plan=fire_pb2.InspectionPlan(place_type=PLACE_TYPE.to_proto(plan.place_type),
                                         grid_level=GRID_LEVEL.to_proto(plan.grid_level),
                                         interval_days=plan.interval_days),
            places_rescheduled=moved)

    async def ListDueInspections(self, request: fire_pb2.ListDueInspectionsRequest,
                                 context: Any) -> fire_pb2.ListDueInspectionsResponse:
        problems: list[FieldViolation] = []
        if not request.jurisdiction_code:
            problems.append(FieldViolation("jurisdiction_code", "must be set"))
        if request.status not in (fire_pb2.DUE_STATUS_DUE, fire_pb2.DUE_STATUS_OVERDUE):
            problems.append(FieldViolation("status", "must be DUE or OVERDUE"))
        as_of = domain.local_day(self.runtime.clock())
        if request.as_of:
            try:
                as_of = date.fromisoformat(request.as_of)
            except ValueError:
                problems.append(FieldViolation("as_of", "must be a date as YYYY-MM-DD"))
        if problems:
            raise InvalidArgument(problems)
        code_filter("jurisdiction_code", request.jurisdiction_code)
        scopes = actor.read_scopes()
        overdue = request.status == fire_pb2.DUE_STATUS_OVERDUE
        page = page_from(request.page.page_size, request.page.page_token, {
            "list": "due", "code": request.jurisdiction_code, "overdue": overdue, "as_of": as_of.isoformat(),
            "scopes": scopes})
        async with self.database.read() as session:
            rows, more = await PlaceStore(session).due(scopes, request.jurisdiction_code, as_of, overdue, page)
        token = page.next_token((rows[-1].next_due_on.isoformat(), rows[-1].id) if rows else None, more)
        return fire_pb2.ListDueInspectionsResponse(places=[convert.place_message(r, actor.masks) for r in rows],
                                                   page={"next_page_token": token})


def register(server: grpc.aio.Server, runtime: ServiceRuntime) -> None:
    fire_pb2_grpc.add_FireServiceServicer_to_server(FireServicer(runtime), server)
