"""The fire service's GraphQL types: protobuf messages resolved directly, enums and timestamps converted."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from gateway.connection import Connection, CountedConnection
from gateway.offers import viewer_actions
from gateway.plugin_types import GeoPoint, GeoPointInput, LocatedRecord, ProtoEnums, graphql_enum, moment, present
from gridgov.fire.v1 import fire_pb2
from services.fire import domain
from services.fire.offers import hazard_offers
from services.kit.calendar import working_days_left as working_days_until

FirePlaceType = graphql_enum(domain.PlaceType, "FirePlaceType")
FireRiskLevel = graphql_enum(domain.RiskLevel, "FireRiskLevel")
FireGridLevel = graphql_enum(domain.GridLevel, "FireGridLevel")
FireSeverity = graphql_enum(domain.Severity, "FireSeverity")
FireHazardCategory = graphql_enum(domain.HazardCategory, "FireHazardCategory")
FireCheckResult = graphql_enum(domain.CheckResult, "FireCheckResult")
FireInspectionState = graphql_enum(domain.InspectionState, "FireInspectionState")
FireHazardState = graphql_enum(domain.HazardState, "FireHazardState")
FireClosure = graphql_enum(domain.Closure, "FireClosure")
FireLedgerSection = graphql_enum(domain.LedgerSection, "FireLedgerSection")


@strawberry.enum
class FireDueStatus(Enum):
    DUE = "due"
    OVERDUE = "overdue"


@strawberry.enum
class FireFileFormat(Enum):
    CSV = "csv"
    XLSX = "xlsx"


# GraphQL enum -> (proto enum wrapper, value prefix).
PROTO_ENUMS = ProtoEnums({
    FirePlaceType: (fire_pb2.PlaceType, "PLACE_TYPE"), FireRiskLevel: (fire_pb2.RiskLevel, "RISK_LEVEL"),
    FireGridLevel: (fire_pb2.GridLevel, "GRID_LEVEL"), FireSeverity: (fire_pb2.Severity, "SEVERITY"),
    FireHazardCategory: (fire_pb2.HazardCategory, "HAZARD_CATEGORY"),
    FireCheckResult: (fire_pb2.CheckResult, "CHECK_RESULT"),
    FireInspectionState: (fire_pb2.InspectionState, "INSPECTION_STATE"),
    FireHazardState: (fire_pb2.HazardState, "HAZARD_STATE"), FireClosure: (fire_pb2.Closure, "CLOSURE"),
    FireLedgerSection: (fire_pb2.LedgerSection, "LEDGER_SECTION"), FireDueStatus: (fire_pb2.DueStatus, "DUE_STATUS"),
    FireFileFormat: (fire_pb2.FileFormat, "FILE_FORMAT"),
})
to_proto = PROTO_ENUMS.to_proto
from_proto = PROTO_ENUMS.from_proto


# Resolvers below take the protobuf message as ``self`` (Strawberry passes the parent value).


@strawberry.type
class FirePlace(LocatedRecord):
    id: strawberry.ID
    name: str
    address: str
    jurisdiction_code: str
    owner_name: str
    owner_phone: str
    contact_name: str
    contact_phone: str
    organization_id: str
    household_id: str
    interval_days: int
    next_due_on: str  # YYYY-MM-DD, Beijing

    @strawberry.field
    def type(self) -> FirePlaceType:  # type: ignore[valid-type]
        return from_proto(FirePlaceType, self.type)  # type: ignore[arg-type]

    @strawberry.field
    def risk_level(self) -> FireRiskLevel:  # type: ignore[valid-type]
        return from_proto(FireRiskLevel, self.risk_level)  # type: ignore[arg-type]

    @strawberry.field
    def inspected_by(self) -> FireGridLevel:  # type: ignore[valid-type]
        return from_proto(FireGridLevel, self.inspected_by)  # type: ignore[arg-type]

    @strawberry.field
    def last_inspected_at(self) -> datetime.datetime | None:
        return moment(self, "last_inspected_at")

    @strawberry.field
    def created_at(self) -> datetime.datetime | None:
        return moment(self, "created_at")

    @strawberry.field(description="Where the place is; null for a place registered by address only.")
    def location(self) -> GeoPoint | None:
        return present(self, "location")  # type: ignore[no-any-return]


@strawberry.type
class FireChecklistItem:
    hazard_type_code: str
    evidence: list[str]
    fixed_on_spot: bool
    note: str

    @strawberry.field
    def result(self) -> FireCheckResult:  # type: ignore[valid-type]
        return from_proto(FireCheckResult, self.result)  # type: ignore[arg-type]


@strawberry.type
class FireInspection:
    id: strawberry.ID
    place_id: str
    jurisdiction_code: str
    inspector: str
    items: list[FireChecklistItem]
    hazard_ids: list[str]

    @strawberry.field
    def grid_level(self) -> FireGridLevel:  # type: ignore[valid-type]
        return from_proto(FireGridLevel, self.grid_level)  # type: ignore[arg-type]

    @strawberry.field
    def state(self) -> FireInspectionState:  # type: ignore[valid-type]
        return from_proto(FireInspectionState, self.state)  # type: ignore[arg-type]

    @strawberry.field
    def inspected_at(self) -> datetime.datetime | None:
        return moment(self, "inspected_at")

    @strawberry.field
    def finalized_at(self) -> datetime.datetime | None:
        return moment(self, "finalized_at")


@strawberry.type
class FireHazardChange:
    action: str
    actor: str
    note: str

    @strawberry.field
    def from_state(self) -> FireHazardState | None:  # type: ignore[valid-type]
        return from_proto(FireHazardState, self.from_state)  # type: ignore[arg-type]

    @strawberry.field
    def to_state(self) -> FireHazardState:  # type: ignore[valid-type]
        return from_proto(FireHazardState, self.to_state)  # type: ignore[arg-type]

    @strawberry.field
    def at(self) -> datetime.datetime | None:
        return moment(self, "at")


@strawberry.type
class FireHazard:
    id: strawberry.ID
    place_id: str
    place_name: str
    address: str
    jurisdiction_code: str
    inspection_id: str
    hazard_type_code: str
    hazard_type_version: int
    report_immediately: bool
    evidence: list[str]
    note: str
    found_by: str
    case_id: str = strawberry.field(description="The case the hand-over became, filled when that case closes; "
                                                "while it is open, the case field gives it.")
    case_number: str = strawberry.field(description="That case's number, filled when it closes (as caseId).")
    history: list[FireHazardChange]

    @strawberry.field
    def severity(self) -> FireSeverity:  # type: ignore[valid-type]
        return from_proto(FireSeverity, self.severity)  # type: ignore[arg-type]

    @strawberry.field(description="The mutations the signed-in viewer may perform on this hazard now: those its "
                      "state allows people to take, less what the policy denies the viewer (four-eyes "
                      "verification included). Meant for one hazard's page.")
    async def viewer_actions(self, info: Info) -> list[str]:
        return await viewer_actions(info.context, await hazard_offers(info.context, self))  # type: ignore[arg-type]

    @strawberry.field
    def state(self) -> FireHazardState:  # type: ignore[valid-type]
        return from_proto(FireHazardState, self.state)  # type: ignore[arg-type]

    @strawberry.field
    def closure(self) -> FireClosure | None:  # type: ignore[valid-type]
        return from_proto(FireClosure, self.closure)  # type: ignore[arg-type]

    @strawberry.field
    def found_at(self) -> datetime.datetime | None:
        return moment(self, "found_at")

    @strawberry.field
    def rectify_by(self) -> datetime.datetime | None:
        return moment(self, "rectify_by")

    @strawberry.field(description="The rectification countdown in working days (Beijing): 0 on the deadline's day, "
                                  "negative once it has passed; null without a deadline. Computed here, not by "
                                  "the portal.")
    def rectify_working_days_left(self, info: Info) -> int | None:
        deadline = moment(self, "rectify_by")
        return None if deadline is None else working_days_until(deadline, info.context.runtime.clock())

    @strawberry.field
    def rectified_at(self) -> datetime.datetime | None:
        return moment(self, "rectified_at")

    @strawberry.field
    def overdue_at(self) -> datetime.datetime | None:
        return moment(self, "overdue_at")

    @strawberry.field
    def handed_over_at(self) -> datetime.datetime | None:
        return moment(self, "handed_over_at")

    @strawberry.field
    def closed_at(self) -> datetime.datetime | None:
        return moment(self, "closed_at")


@strawberry.type
class FireHazardType:
    code: str
    name: str
    rectify_days: int
    version: int
    updated_by: str

    @strawberry.field
    def category(self) -> FireHazardCategory:  # type: ignore[valid-type]
        return from_proto(FireHazardCategory, self.category)  # type: ignore[arg-type]

    @strawberry.field
    def severity(self) -> FireSeverity:  # type: ignore[valid-type]
        return from_proto(FireSeverity, self.severity)  # type: ignore[arg-type]


@strawberry.type
class FireInspectionPlan:
    interval_days: int

    @strawberry.field
    def place_type(self) -> FirePlaceType:  # type: ignore[valid-type]
        return from_proto(FirePlaceType, self.place_type)  # type: ignore[arg-type]

    @strawberry.field
    def grid_level(self) -> FireGridLevel:  # type: ignore[valid-type]
        return from_proto(FireGridLevel, self.grid_level)  # type: ignore[arg-type]


@strawberry.type
class FireLedgerStatistic:
    hazard_type_code: str
    jurisdiction_code: str
    found: int
    rectified_on_time: int
    overdue: int
    handed_over: int
    rectification_rate: float


@strawberry.type
class FireLedgerStatistics:
    rows: list[FireLedgerStatistic]
    total: FireLedgerStatistic


@strawberry.type
class FireLedgerFile:
    file_name: str
    content_type: str
    content_base64: str


FirePlaceConnection = Connection[FirePlace]
FireInspectionConnection = Connection[FireInspection]
FireHazardConnection = Connection[FireHazard]


@strawberry.type
class FirePlanChange:
    plan: FireInspectionPlan
    places_rescheduled: int


@strawberry.input
class FirePlaceInput:
    type: FirePlaceType  # type: ignore[valid-type]
    name: str
    address: str
    owner_name: str
    owner_phone: str
    risk_level: FireRiskLevel  # type: ignore[valid-type]
    jurisdiction_code: str = strawberry.field(
        default="", description="The grid (15 digits). May be left out when location is given: the place lands in "
                                "the grid its location falls in.")
    contact_name: str = ""
    contact_phone: str = ""
    organization_id: str = ""
    household_id: str = ""
    location: GeoPointInput | None = None


@strawberry.input
class FireChecklistItemInput:
    hazard_type_code: str
    result: FireCheckResult  # type: ignore[valid-type]
    evidence: list[str] = strawberry.field(default_factory=list)
    fixed_on_spot: bool = False
    note: str = ""


@strawberry.type(description="How the fire service works in one district.")
class FireDistrictSettings:
    district_code: str
    four_eyes_verification: bool = strawberry.field(description="A fix is verified by someone other than the "
                                                                "inspector who found the hazard (default true).")
    updated_by: str

    @strawberry.field(description="When the settings were last changed; null while they are the defaults.")
    def updated_at(self) -> datetime.datetime | None:
        return moment(self, "updated_at")


@strawberry.type(description="The hazard catalogue, current versions.")
class FireHazardTypeConnection(CountedConnection[FireHazardType]):
    pass


@strawberry.type(description="Inspection plans, one per place type.")
class FireInspectionPlanConnection(CountedConnection[FireInspectionPlan]):
    pass


@strawberry.input(description="The arguments of orderFireRectification.")
class OrderFireRectificationInput:
    id: strawberry.ID
    rectify_by: datetime.datetime | None = None
    note: str = ""


@strawberry.input(description="The arguments of claimFireHazardFix.")
class ClaimFireHazardFixInput:
    id: strawberry.ID
    note: str = ""
    evidence: list[str] | None = None


@strawberry.input(description="The arguments of updateFireHazardType.")
class UpdateFireHazardTypeInput:
    code: str
    severity: FireSeverity  # type: ignore[valid-type]
    rectify_days: int
    name: str = ""
    expected_version: int = 0


@strawberry.input(description="The arguments of setFireInspectionPlan.")
class SetFireInspectionPlanInput:
    place_type: FirePlaceType  # type: ignore[valid-type]
    grid_level: FireGridLevel  # type: ignore[valid-type]
    interval_days: int
