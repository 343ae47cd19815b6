"""The registry's GraphQL mutations: one per verb RPC, each authorized for the record's jurisdiction."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from gateway.context import Resource
from gateway.landing import authorize_landing, land
from gateway.plugin_types import GeoPointInput, GraphQLNames, IdempotencyKey, checked_key, decode_base64, stamp
from gridgov.registry.v1 import registry_pb2 as pb
from services.registry.graphql_calls import SERVICE, context, household_code, one_call
from services.registry.graphql_inputs import (
    AssignGridWorkersInput,
    CreateBuildingInput,
    CreateJurisdictionInput,
    ImportHouseholdsInput,
    MoveHouseholdInput,
    RecordVisitInput,
    SetCareLevelInput,
    UpdateBuildingInput,
    UpdateHouseholdInput,
)
from services.registry.graphql_types import (
    Building,
    CreateHouseholdInput,
    HelperInput,
    Household,
    ImportReport,
    ImportRowError,
    Jurisdiction,
    Organization,
    OrganizationInput,
    Resident,
    ResidentInput,
    Visit,
    to_proto,
)

# The request's fields are the input object's.
WHOLE_INPUT = GraphQLNames({"": "input"})


async def _located(info: Info, method: str, request: Any, field: str) -> Any:
    """The record as the gateway's locator sees it (masked), to learn its jurisdiction."""
    return getattr(await context(info).locate(SERVICE, method, request), field)


def _helper(helper: HelperInput | None) -> pb.Helper | None:
    return pb.Helper(name=helper.name, phone=helper.phone) if helper else None


def _location(location: GeoPointInput | None) -> dict[str, float] | None:
    return {"latitude": location.latitude, "longitude": location.longitude} if location else None


@strawberry.type
class RegistryMutation:
    @strawberry.mutation(description="Adds a district, street, community or grid node.")
    async def create_jurisdiction(self, info: Info, input: CreateJurisdictionInput,
                                  idempotency_key: IdempotencyKey = None) -> Jurisdiction:
        request = pb.CreateJurisdictionRequest(code=input.code, name=input.name, grid_type=to_proto(input.grid_type),
                                               idempotency_key=checked_key(idempotency_key))
        response = await one_call(info, "jurisdiction.create", "jurisdiction", input.code, input.code,
                                  "CreateJurisdiction", request)
        return response.jurisdiction  # type: ignore[no-any-return]

    @strawberry.mutation(description="Sets a grid's leader and workers, replacing the previous ones.")
    async def assign_grid_workers(self, info: Info, input: AssignGridWorkersInput) -> Jurisdiction:
        request = pb.AssignGridWorkersRequest(code=input.code, workers=[w.to_proto() for w in input.workers],
                                              leader=input.leader.to_proto() if input.leader else None)
        response = await one_call(info, "jurisdiction.assign_workers", "jurisdiction", input.code, input.code,
                                  "AssignGridWorkers", request)
        return response.jurisdiction  # type: ignore[no-any-return]

    @strawberry.mutation(description="Adds a building to a grid.")
    async def create_building(self, info: Info, input: CreateBuildingInput,
                              idempotency_key: IdempotencyKey = None) -> Building:
        ctx = context(info)
        point = input.location
        landed = land(ctx, input.jurisdiction_code, point.longitude if point else None,
                      point.latitude if point else None, code_field="input.jurisdictionCode",
                      location_field="input.location")
        request = pb.CreateBuildingRequest(jurisdiction_code=landed.code, address=input.address,
                                           name=input.name, location=_location(input.location),
                                           idempotency_key=checked_key(idempotency_key),
                                           located_grid=landed.located_grid)
        resource = Resource("building", "", landed.code)
        decision = await authorize_landing(ctx, "building.create", landed, lambda code: Resource("building", "", code))
        response = await ctx.call(SERVICE, "CreateBuilding", request, decision, resource=resource,
                                  names=GraphQLNames({"": "input"}))
        return response.building  # type: ignore[no-any-return]

    @strawberry.mutation(description="Replaces a building's name, address and location.")
    async def update_building(self, info: Info, input: UpdateBuildingInput) -> Building:
        ctx = context(info)
        located = await _located(info, "GetBuilding", pb.GetBuildingRequest(id=input.id), "building")
        point = input.location
        # A building stays in its grid; a new location in another grid flags it (and needs the right there).
        landed = land(ctx, located.jurisdiction_code, point.longitude if point else None,
                      point.latitude if point else None, code_field="input.id", location_field="input.location")
        request = pb.UpdateBuildingRequest(id=input.id, address=input.address, name=input.name,
                                           location=_location(input.location), located_grid=landed.located_grid)
        resource = Resource("building", input.id, located.jurisdiction_code)
        decision = await authorize_landing(ctx, "building.update", landed,
                                           lambda code: Resource("building", input.id, code))
        response = await ctx.call(SERVICE, "UpdateBuilding", request, decision, resource=resource,
                                  names=GraphQLNames({"": "input"}))
        return response.building  # type: ignore[no-any-return]

    @strawberry.mutation(description="Registers a household with its members in a building.")
    async def create_household(self, info: Info, input: CreateHouseholdInput,
                               idempotency_key: IdempotencyKey = None) -> Household:
        located = await _located(info, "GetBuilding", pb.GetBuildingRequest(id=input.building_id), "building")
        request = pb.CreateHouseholdRequest(
            number=input.number, building_id=input.building_id, dwelling=input.dwelling,
            care_level=to_proto(input.care_level), care_reason=input.care_reason, helper=_helper(input.helper),
            tags=[to_proto(t) for t in input.tags], members=[m.to_proto() for m in input.members],
            idempotency_key=checked_key(idempotency_key))
        response = await one_call(info, "household.create", "household", "", located.jurisdiction_code,
                                  "CreateHousehold", request, names=WHOLE_INPUT)
        return response.household  # type: ignore[no-any-return]

    @strawberry.mutation(description="Replaces a household's number and vulnerable-group tags.")
    async def update_household(self, info: Info, input: UpdateHouseholdInput) -> Household:
        code = await household_code(info, input.id)
        response = await one_call(info, "household.update", "household", input.id, code, "UpdateHousehold",
                                  pb.UpdateHouseholdRequest(id=input.id, number=input.number,
                                                            tags=[to_proto(t) for t in input.tags]))
        return response.household  # type: ignore[no-any-return]

    @strawberry.mutation(description="Moves a household and its members to a building of another grid.")
    async def move_household(self, info: Info, input: MoveHouseholdInput) -> Household:
        ctx = context(info)
        source = await household_code(info, input.household_id)
        target = await _located(info, "GetBuilding", pb.GetBuildingRequest(id=input.building_id), "building")
        await ctx.authorize("household.move", Resource("household", input.household_id, source))
        decision = await ctx.authorize("household.move", Resource("household", input.household_id,
                                                                   target.jurisdiction_code))
        # Both ends are authorized; the service checks both against the scopes of the roles that may move.
        response = await ctx.call(SERVICE, "MoveHousehold", pb.MoveHouseholdRequest(
            household_id=input.household_id, building_id=input.building_id, dwelling=input.dwelling), decision,
            names=WHOLE_INPUT)
        return response.household  # type: ignore[no-any-return]

    @strawberry.mutation(description="Sets a household's care level; close_contact needs a reason and a helper.")
    async def set_care_level(self, info: Info, input: SetCareLevelInput) -> Household:
        code = await household_code(info, input.household_id)
        request = pb.SetCareLevelRequest(household_id=input.household_id, care_level=to_proto(input.care_level),
                                         reason=input.reason, helper=_helper(input.helper))
        response = await one_call(info, "household.set_care_level", "household", input.household_id, code,
                                  "SetCareLevel", request)
        return response.household  # type: ignore[no-any-return]

    @strawberry.mutation(description="Adds a resident to a household.")
    async def add_resident(self, info: Info, household_id: strawberry.ID, resident: ResidentInput,
                           idempotency_key: IdempotencyKey = None) -> Resident:
        code = await household_code(info, household_id)
        response = await one_call(info, "resident.add", "resident", "", code, "AddResident",
                                  pb.AddResidentRequest(household_id=household_id, resident=resident.to_proto(),
                                                       idempotency_key=checked_key(idempotency_key)))
        return response.resident  # type: ignore[no-any-return]

    @strawberry.mutation(description="Replaces a resident's personal details.")
    async def update_resident(self, info: Info, id: strawberry.ID, resident: ResidentInput) -> Resident:
        located = await _located(info, "GetResident", pb.GetResidentRequest(id=id), "resident")
        response = await one_call(info, "resident.update", "resident", id, located.jurisdiction_code,
                                  "UpdateResident", pb.UpdateResidentRequest(id=id, resident=resident.to_proto()))
        return response.resident  # type: ignore[no-any-return]

    @strawberry.mutation(description="Removes a resident who moved out; returns the household.")
    async def remove_resident(self, info: Info, id: strawberry.ID, reason: str = "") -> Household:
        located = await _located(info, "GetResident", pb.GetResidentRequest(id=id), "resident")
        response = await one_call(info, "resident.remove", "resident", id, located.jurisdiction_code,
                                  "RemoveResident", pb.RemoveResidentRequest(id=id, reason=reason))
        return response.household  # type: ignore[no-any-return]

    @strawberry.mutation(description="Registers an organization in a grid.")
    async def create_organization(self, info: Info, jurisdiction_code: str, input: OrganizationInput,
                                  idempotency_key: IdempotencyKey = None) -> Organization:
        request = pb.CreateOrganizationRequest(name=input.name, credit_code=input.credit_code,
                                               address=input.address, jurisdiction_code=jurisdiction_code,
                                               contact_phone=input.contact_phone,
                                               idempotency_key=checked_key(idempotency_key))
        response = await one_call(info, "organization.create", "organization", "", jurisdiction_code,
                                  "CreateOrganization", request,
                                  names=GraphQLNames({"": "input", "jurisdiction_code": "jurisdictionCode"}))
        return response.organization  # type: ignore[no-any-return]

    @strawberry.mutation(description="Replaces an organization's details.")
    async def update_organization(self, info: Info, id: strawberry.ID, input: OrganizationInput) -> Organization:
        located = await _located(info, "GetOrganization", pb.GetOrganizationRequest(id=id), "organization")
        request = pb.UpdateOrganizationRequest(id=id, name=input.name, credit_code=input.credit_code,
                                               address=input.address, contact_phone=input.contact_phone)
        response = await one_call(info, "organization.update", "organization", id, located.jurisdiction_code,
                                  "UpdateOrganization", request, names=GraphQLNames({"": "input", "id": "id"}))
        return response.organization  # type: ignore[no-any-return]

    @strawberry.mutation(description="Records the caller's visit to a household.")
    async def record_visit(self, info: Info, input: RecordVisitInput,
                           idempotency_key: IdempotencyKey = None) -> Visit:
        code = await household_code(info, input.household_id)
        visited = stamp(input.visited_at, "input.visitedAt")
        response = await one_call(info, "visit.record", "visit", "", code, "RecordVisit",
                                  pb.RecordVisitRequest(household_id=input.household_id, notes=input.notes,
                                                        visited_at=visited,
                                                        idempotency_key=checked_key(idempotency_key)))
        return response.visit  # type: ignore[no-any-return]

    @strawberry.mutation(description="Imports a household ledger (base64 file); nothing is stored unless every "
                                     "row is valid.")
    async def import_households(self, info: Info, input: ImportHouseholdsInput,
                                idempotency_key: IdempotencyKey = None) -> ImportReport:
        content = decode_base64(input.content_base64, "input.contentBase64")
        ctx = context(info)
        decision = await ctx.authorize("household.import", Resource("household"))
        report = await ctx.call(SERVICE, "ImportHouseholds", pb.ImportHouseholdsRequest(
            content=content, format=to_proto(input.format), dry_run=input.dry_run,
            idempotency_key=checked_key(idempotency_key)), decision, timeout=120)
        return ImportReport(
            errors=[ImportRowError(line=e.line, field=e.field, reason=e.reason) for e in report.errors],
            households=report.households, residents=report.residents, buildings=report.buildings,
            nothing_stored=report.nothing_stored)
