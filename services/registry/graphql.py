"""The registry's part of the gateway schema: its queries, and the composition with its mutations."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types
from strawberry.types import Info

from gateway.context import Resource
from gateway.plugin_types import encode_base64
from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.plugin import GraphQLContribution
from services.registry.graphql_boundaries import BoundaryMutation, BoundaryQuery
from services.registry.graphql_calls import SERVICE, context, household_code, list_page, one_call
from services.registry.graphql_mutations import RegistryMutation
from services.registry.graphql_types import (
    BuildingConnection,
    Household,
    HouseholdConnection,
    HouseholdFilterInput,
    Jurisdiction,
    JurisdictionConnection,
    JurisdictionLevel,
    LedgerExport,
    OrganizationConnection,
    PopulationType,
    RegistryFileFormat,
    Resident,
    ResidentConnection,
    VisitConnection,
    to_proto,
)


@strawberry.type
class RegistryQuery:
    @strawberry.field(description="Households in the caller's scope, by grid.")
    async def households(self, info: Info, filter: HouseholdFilterInput | None = None, first: int = 50,
                         after: str | None = None) -> HouseholdConnection:
        where = filter.to_proto() if filter else pb.HouseholdFilter()
        return await list_page(info, "household", "ListHouseholds", lambda page: pb.ListHouseholdsRequest(
            filter=where, page=page), "households", first, after)

    @strawberry.field(description="One household with its members.")
    async def household(self, info: Info, id: strawberry.ID) -> Household:
        code = await household_code(info, id)
        response = await one_call(info, "household.read", "household", id, code, "GetHousehold",
                              pb.GetHouseholdRequest(id=id))
        return response.household  # type: ignore[no-any-return]

    @strawberry.field(description="Residents in the caller's scope.")
    async def residents(self, info: Info, jurisdiction_prefix: str = "", household_id: str = "", name: str = "",
                        population_type: PopulationType | None = None,  # type: ignore[valid-type]
                        first: int = 50, after: str | None = None) -> ResidentConnection:
        return await list_page(info, "resident", "ListResidents", lambda page: pb.ListResidentsRequest(
            jurisdiction_prefix=jurisdiction_prefix, household_id=household_id, name=name,
            population_type=to_proto(population_type), page=page), "residents", first, after)

    @strawberry.field(description="One resident.")
    async def resident(self, info: Info, id: strawberry.ID) -> Resident:
        located = await context(info).locate(SERVICE, "GetResident", pb.GetResidentRequest(id=id))
        response = await one_call(info, "resident.read", "resident", id, located.resident.jurisdiction_code,
                              "GetResident", pb.GetResidentRequest(id=id))
        return response.resident  # type: ignore[no-any-return]

    @strawberry.field(description="The resident registered under a national ID number.")
    async def resident_by_id_number(self, info: Info, id_number: str) -> Resident:
        request = pb.FindResidentByIdNumberRequest(id_number=id_number)
        located = await context(info).locate(SERVICE, "FindResidentByIdNumber", request)
        response = await one_call(info, "resident.read", "resident", located.resident.id,
                              located.resident.jurisdiction_code, "FindResidentByIdNumber", request)
        return response.resident  # type: ignore[no-any-return]

    @strawberry.field(description="Jurisdiction nodes by parent, tier or code prefix.")
    async def jurisdictions(self, info: Info, parent_code: str = "",
                            level: JurisdictionLevel | None = None,  # type: ignore[valid-type]
                            jurisdiction_prefix: str = "", first: int = 50,
                            after: str | None = None) -> JurisdictionConnection:
        return await list_page(info, "jurisdiction", "ListJurisdictions", lambda page: pb.ListJurisdictionsRequest(
            parent_code=parent_code, level=to_proto(level), jurisdiction_prefix=jurisdiction_prefix, page=page),
            "jurisdictions", first, after)

    @strawberry.field(description="One jurisdiction node.")
    async def jurisdiction(self, info: Info, code: str) -> Jurisdiction:
        response = await one_call(info, "jurisdiction.read", "jurisdiction", code, code, "GetJurisdiction",
                              pb.GetJurisdictionRequest(code=code))
        return response.jurisdiction  # type: ignore[no-any-return]

    @strawberry.field(description="Buildings in the caller's scope.")
    async def buildings(self, info: Info, jurisdiction_prefix: str = "", address: str = "", first: int = 50,
                        after: str | None = None) -> BuildingConnection:
        return await list_page(info, "building", "ListBuildings", lambda page: pb.ListBuildingsRequest(
            jurisdiction_prefix=jurisdiction_prefix, address=address, page=page), "buildings", first, after)

    @strawberry.field(description="Organizations in the caller's scope.")
    async def organizations(self, info: Info, jurisdiction_prefix: str = "", name: str = "", first: int = 50,
                            after: str | None = None) -> OrganizationConnection:
        return await list_page(info, "organization", "ListOrganizations", lambda page: pb.ListOrganizationsRequest(
            jurisdiction_prefix=jurisdiction_prefix, name=name, page=page), "organizations", first, after)

    @strawberry.field(description="Visits in the caller's scope, newest first.")
    async def visits(self, info: Info, household_id: str = "", jurisdiction_prefix: str = "", first: int = 50,
                     after: str | None = None) -> VisitConnection:
        return await list_page(info, "visit", "ListVisits", lambda page: pb.ListVisitsRequest(
            household_id=household_id, jurisdiction_prefix=jurisdiction_prefix, page=page), "visits", first, after)

    @strawberry.field(description="Exports the households in the caller's scope as a ledger file (base64).")
    async def household_export(self, info: Info, format: RegistryFileFormat,
                               jurisdiction_prefix: str = "") -> LedgerExport:
        ctx = context(info)
        decision = await ctx.authorize("household.export", Resource("household"))
        exported = await ctx.call(SERVICE, "ExportHouseholds", pb.ExportHouseholdsRequest(
            format=to_proto(format), jurisdiction_prefix=jurisdiction_prefix), decision, timeout=120)
        return LedgerExport(content_base64=encode_base64(exported.content),
                            content_type=exported.content_type, filename=exported.filename,
                            households=exported.households, residents=exported.residents)


def contribution() -> GraphQLContribution:
    return GraphQLContribution(query=merge_types("RegistryQuery", (RegistryQuery, BoundaryQuery)),
                               mutation=merge_types("RegistryMutation", (RegistryMutation, BoundaryMutation)),
                               uploads=frozenset({"importHouseholds", "importBoundaries"}))
