"""The registry's GraphQL types: protobuf messages resolved directly; enums, times and options converted."""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.connection import Connection, service_page
from gateway.context import Resource
from gateway.plugin_types import LocatedRecord, ProtoEnums, graphql_enum, present
from gridgov.registry.v1 import registry_pb2 as pb
from services.registry import domain
from services.registry.graphql_calls import SERVICE, context, list_page

JurisdictionLevel = graphql_enum(domain.JurisdictionLevel, "JurisdictionLevel")
GridType = graphql_enum(domain.GridType, "GridType")
CareLevel = graphql_enum(domain.CareLevel, "CareLevel")
VulnerableTag = graphql_enum(domain.VulnerableTag, "VulnerableTag")
Gender = graphql_enum(domain.Gender, "Gender")
PopulationType = graphql_enum(domain.PopulationType, "PopulationType")
Relationship = graphql_enum(domain.Relationship, "Relationship")


@strawberry.enum
class RegistryFileFormat(Enum):
    CSV = "csv"
    XLSX = "xlsx"


# GraphQL enum -> (proto enum wrapper, value prefix).
PROTO_ENUMS = ProtoEnums({
    JurisdictionLevel: (pb.JurisdictionLevel, "JURISDICTION_LEVEL"), GridType: (pb.GridType, "GRID_TYPE"),
    CareLevel: (pb.CareLevel, "CARE_LEVEL"), VulnerableTag: (pb.VulnerableTag, "VULNERABLE_TAG"),
    Gender: (pb.Gender, "GENDER"), PopulationType: (pb.PopulationType, "POPULATION_TYPE"),
    Relationship: (pb.Relationship, "RELATIONSHIP"), RegistryFileFormat: (pb.FileFormat, "FILE_FORMAT"),
})
to_proto = PROTO_ENUMS.to_proto
from_proto = PROTO_ENUMS.from_proto


def _time(stamp: Any) -> datetime.datetime:
    return stamp.ToDatetime(tzinfo=datetime.UTC)  # type: ignore[no-any-return]


# The types below are resolved from protobuf messages: `self` is the message, whose field names match.

@strawberry.type
class GridStaffMember:
    """A grid leader or worker."""

    subject: str
    name: str
    phone: str


@strawberry.type
class JurisdictionBoundary:
    """The area a jurisdiction covers."""

    geojson: str = strawberry.field(description="A GeoJSON Polygon or MultiPolygon, longitude/latitude on CGCS2000 "
                                                "(WGS 84).")
    area_m2: float = strawberry.field(description="Area in square metres, on an equal-area projection.")


@strawberry.type
class Jurisdiction:
    """A district, street, community or grid; a child's code extends its parent's."""

    code: str
    name: str
    parent_code: str
    workers: list[GridStaffMember]

    @strawberry.field
    def level(self) -> JurisdictionLevel:  # type: ignore[valid-type]
        return from_proto(JurisdictionLevel, self.level)  # type: ignore[arg-type]

    @strawberry.field
    def grid_type(self) -> GridType | None:  # type: ignore[valid-type]
        return from_proto(GridType, self.grid_type)  # type: ignore[arg-type]

    @strawberry.field
    def leader(self) -> GridStaffMember | None:
        return present(self, "leader")  # type: ignore[no-any-return]

    @strawberry.field(description="The node's boundary; null when none was imported. Read by jurisdiction(code) "
                                  "only (null in lists); boundaryExport gives a subtree's.")
    def boundary(self) -> JurisdictionBoundary | None:
        return present(self, "boundary")  # type: ignore[no-any-return]

    @strawberry.field(description="The direct children of this node in the caller's scope, by code.")
    async def children(self, info: Info, first: int = 50, after: str | None = None) -> JurisdictionConnection:
        message: Any = self
        return await list_page(info, "jurisdiction", "ListJurisdictions", lambda page: pb.ListJurisdictionsRequest(
            parent_code=message.code, page=page), "jurisdictions", first, after)


@strawberry.type
class Building(LocatedRecord):
    """A building in a grid."""

    id: str
    jurisdiction_code: str
    address: str
    name: str

    @strawberry.field
    def latitude(self) -> float | None:
        message: Any = self
        return message.location.latitude if message.HasField("location") else None

    @strawberry.field
    def longitude(self) -> float | None:
        message: Any = self
        return message.location.longitude if message.HasField("location") else None


@strawberry.type
class CareHelper:
    """The helper paired with a close_contact household."""

    name: str
    phone: str


@strawberry.type
class Resident:
    """A person registered in a household; id_number and phone come masked unless the policy allows."""

    id: str
    household_id: str
    jurisdiction_code: str
    name: str
    id_number: str
    birth_date: str
    phone: str

    @strawberry.field
    def gender(self) -> Gender:  # type: ignore[valid-type]
        return from_proto(Gender, self.gender)  # type: ignore[arg-type]

    @strawberry.field
    def population_type(self) -> PopulationType:  # type: ignore[valid-type]
        return from_proto(PopulationType, self.population_type)  # type: ignore[arg-type]

    @strawberry.field
    def relationship(self) -> Relationship:  # type: ignore[valid-type]
        return from_proto(Relationship, self.relationship)  # type: ignore[arg-type]


@strawberry.type
class Visit:
    """A grid worker's visit to a household."""

    id: str
    household_id: str
    jurisdiction_code: str
    worker: str
    notes: str

    @strawberry.field
    def visited_at(self) -> datetime.datetime:
        return _time(self.visited_at)


@strawberry.type
class Organization:
    """A business or institution in a grid."""

    id: str
    name: str
    credit_code: str
    address: str
    jurisdiction_code: str
    contact_phone: str


@strawberry.type
class ImportRowError:
    """One bad row of an imported ledger."""

    line: int
    field: str
    reason: str


@strawberry.type
class ImportReport:
    """What an import did; when errors is not empty, nothing was stored."""

    errors: list[ImportRowError]
    households: int
    residents: int
    buildings: int
    nothing_stored: bool


@strawberry.type
class LedgerExport:
    """An exported ledger file."""

    content_base64: str
    content_type: str
    filename: str
    households: int
    residents: int


@strawberry.input
class HouseholdFilterInput:
    jurisdiction_prefix: str = ""
    care_level: CareLevel | None = None  # type: ignore[valid-type]
    tags: list[VulnerableTag] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    name: str = ""

    def to_proto(self) -> pb.HouseholdFilter:
        return pb.HouseholdFilter(jurisdiction_prefix=self.jurisdiction_prefix, care_level=to_proto(self.care_level),
                                  tags=[to_proto(t) for t in self.tags], name=self.name)


@strawberry.input
class ResidentInput:
    name: str
    id_number: str
    gender: Gender  # type: ignore[valid-type]
    birth_date: str
    population_type: PopulationType  # type: ignore[valid-type]
    relationship: Relationship  # type: ignore[valid-type]
    phone: str = ""

    def to_proto(self) -> pb.ResidentInput:
        return pb.ResidentInput(name=self.name, id_number=self.id_number, gender=to_proto(self.gender),
                                birth_date=self.birth_date, phone=self.phone,
                                population_type=to_proto(self.population_type),
                                relationship=to_proto(self.relationship))


@strawberry.input
class HelperInput:
    name: str
    phone: str


@strawberry.input
class GridStaffMemberInput:
    subject: str
    name: str
    phone: str = ""

    def to_proto(self) -> pb.GridStaffMember:
        return pb.GridStaffMember(subject=self.subject, name=self.name, phone=self.phone)


@strawberry.input
class CreateHouseholdInput:
    building_id: str
    care_level: CareLevel  # type: ignore[valid-type]
    members: list[ResidentInput]
    number: str = ""
    dwelling: str = ""
    care_reason: str = ""
    helper: HelperInput | None = None
    tags: list[VulnerableTag] = strawberry.field(default_factory=list)  # type: ignore[valid-type]


@strawberry.input
class OrganizationInput:
    name: str
    credit_code: str
    address: str
    contact_phone: str = ""


@strawberry.type
class Household:
    """A household; in lists, members are empty (use household(id) for them)."""

    id: str
    number: str
    jurisdiction_code: str
    building_id: str
    address: str
    care_reason: str
    head_name: str
    member_count: int
    members: list[Resident]

    @strawberry.field
    def care_level(self) -> CareLevel:  # type: ignore[valid-type]
        return from_proto(CareLevel, self.care_level)  # type: ignore[arg-type]

    @strawberry.field
    def tags(self) -> list[VulnerableTag]:  # type: ignore[valid-type]
        return [from_proto(VulnerableTag, t) for t in self.tags]  # type: ignore[attr-defined]

    @strawberry.field
    def helper(self) -> CareHelper | None:
        return present(self, "helper")  # type: ignore[no-any-return]

    @strawberry.field
    def created_at(self) -> datetime.datetime:
        return self.created_at.ToDatetime(tzinfo=datetime.UTC)  # type: ignore[attr-defined, no-any-return]

    @strawberry.field
    def updated_at(self) -> datetime.datetime:
        return self.updated_at.ToDatetime(tzinfo=datetime.UTC)  # type: ignore[attr-defined, no-any-return]

    @strawberry.field(description="Visits to this household, newest first.")
    async def visits(self, info: Info, first: int = 20, after: str | None = None) -> VisitConnection:
        message: Any = self
        ctx = context(info)
        resource = Resource("visit", "", message.jurisdiction_code)
        decision = await ctx.authorize("visit.list", resource)
        return await service_page(ctx, SERVICE, "ListVisits", lambda page: pb.ListVisitsRequest(
            household_id=message.id, page=page), "visits", decision, first, after, resource=resource)
HouseholdConnection = Connection[Household]
ResidentConnection = Connection[Resident]
JurisdictionConnection = Connection[Jurisdiction]
BuildingConnection = Connection[Building]
OrganizationConnection = Connection[Organization]
VisitConnection = Connection[Visit]
