"""The cases service's GraphQL types: protobuf messages resolved directly, enums and timestamps converted."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from gateway.connection import Connection, CountedConnection
from gateway.offers import viewer_actions
from gateway.plugin_types import GeoPoint, LocatedRecord, ProtoEnums, graphql_enum, moment, present
from gridgov.cases.v1 import cases_pb2 as pb
from services.cases import catalogue, deadlines, domain
from services.cases.offers import offers


def _lowercase_name(member: Enum) -> str:
    """The cases plugin's enum values are the lowercase member names (policy attributes read them)."""
    return member.name.lower()


CaseState = graphql_enum(domain.CaseState, "CaseState", value=_lowercase_name)
CaseTier = graphql_enum(domain.Tier, "CaseTier", value=_lowercase_name)
CaseSource = graphql_enum(domain.SourceChannel, "CaseSource", value=_lowercase_name)
CaseDueStatus = graphql_enum(deadlines.DueStatus, "CaseDueStatus", value=_lowercase_name)
CaseSatisfaction = graphql_enum(domain.Satisfaction, "CaseSatisfaction", value=_lowercase_name)
CaseRequestKind = graphql_enum(domain.RequestKind, "CaseRequestKind", value=_lowercase_name)
CaseLimitUnit = graphql_enum(deadlines.LimitUnit, "CaseLimitUnit", value=_lowercase_name)
CaseCategoryKind = graphql_enum(catalogue.CategoryKind, "CaseCategoryKind", value=_lowercase_name)


@strawberry.enum
class CaseEvaluationSubject(Enum):
    UNIT = "unit"
    JURISDICTION = "jurisdiction"
    GRID_WORKER = "grid_worker"


@strawberry.enum
class CaseRankingDimension(Enum):
    STREET = "street"
    UNIT = "unit"


@strawberry.enum(description="The file a list is exported as.")
class CaseFileFormat(Enum):
    CSV = "csv"
    XLSX = "xlsx"


@strawberry.type(description="An exported file, its bytes in base64.")
class CaseFile:
    file_name: str
    content_type: str
    content_base64: str


# GraphQL enum -> (proto enum wrapper, value prefix).
PROTO_ENUMS = ProtoEnums({
    CaseState: (pb.CaseState, "CASE_STATE"), CaseTier: (pb.Tier, "TIER"),
    CaseSource: (pb.SourceChannel, "SOURCE_CHANNEL"), CaseDueStatus: (pb.DueStatus, "DUE_STATUS"),
    CaseSatisfaction: (pb.Satisfaction, "SATISFACTION"), CaseRequestKind: (pb.RequestKind, "REQUEST_KIND"),
    CaseLimitUnit: (pb.LimitUnit, "LIMIT_UNIT"), CaseCategoryKind: (pb.CategoryKind, "CATEGORY_KIND"),
    CaseEvaluationSubject: (pb.EvaluationSubject, "EVALUATION_SUBJECT"),
    CaseRankingDimension: (pb.RankingDimension, "RANKING_DIMENSION"),
})
to_proto = PROTO_ENUMS.to_proto
from_proto = PROTO_ENUMS.from_proto


# Resolvers below take the protobuf message as ``self`` (Strawberry passes the parent value).


@strawberry.type
class CaseParticipant:
    unit: str
    lead: bool
    report: str

    @strawberry.field
    def accepted_at(self) -> datetime.datetime | None:
        return moment(self, "accepted_at")

    @strawberry.field
    def handled_at(self) -> datetime.datetime | None:
        return moment(self, "handled_at")


@strawberry.type
class CaseHistoryEntry:
    id: strawberry.ID
    action: str
    actor: str
    comment: str
    evidence: list[str]
    unit: str

    @strawberry.field
    def at(self) -> datetime.datetime | None:
        return moment(self, "at")

    @strawberry.field
    def from_state(self) -> CaseState | None:  # type: ignore[valid-type]
        return from_proto(CaseState, self.from_state)  # type: ignore[arg-type]

    @strawberry.field
    def to_state(self) -> CaseState:  # type: ignore[valid-type]
        return from_proto(CaseState, self.to_state)  # type: ignore[arg-type]


@strawberry.type(name="Case")
class Case(LocatedRecord):
    id: strawberry.ID
    number: str
    category_code: str
    category_version: int
    description: str
    jurisdiction_code: str
    address: str
    reporter: str
    reporter_phone: str
    urgent: bool
    evidence_before: list[str]
    evidence_after: list[str]
    handling_unit: str
    answerable_unit: str
    participants: list[CaseParticipant]
    supervised: bool
    rework_count: int
    reopen_count: int
    extension_count: int
    escalation_count: int
    duplicate_of: str
    merged_into: str
    source_service: str
    source_reference: str
    resolution: str
    history: list[CaseHistoryEntry]

    @strawberry.field(description="The mutations the signed-in viewer may perform on this case now: those its "
                      "state allows, less what its guards refuse (no pending request, a part already accepted), "
                      "less what the policy denies the viewer. Meant for one case's page.")
    async def viewer_actions(self, info: Info) -> list[str]:
        found: pb.Case = self  # type: ignore[assignment]
        ctx = info.context
        return await viewer_actions(ctx, offers(found, ctx.subject.department))

    @strawberry.field
    def state(self) -> CaseState:  # type: ignore[valid-type]
        return from_proto(CaseState, self.state)  # type: ignore[arg-type]

    @strawberry.field
    def tier(self) -> CaseTier:  # type: ignore[valid-type]
        return from_proto(CaseTier, self.tier)  # type: ignore[arg-type]

    @strawberry.field
    def source(self) -> CaseSource:  # type: ignore[valid-type]
        return from_proto(CaseSource, self.source)  # type: ignore[arg-type]

    @strawberry.field
    def due_status(self) -> CaseDueStatus | None:  # type: ignore[valid-type]
        return from_proto(CaseDueStatus, self.due_status)  # type: ignore[arg-type]

    @strawberry.field
    def satisfaction(self) -> CaseSatisfaction | None:  # type: ignore[valid-type]
        return from_proto(CaseSatisfaction, self.satisfaction)  # type: ignore[arg-type]

    @strawberry.field
    def pending_request(self) -> CaseRequestKind | None:  # type: ignore[valid-type]
        return from_proto(CaseRequestKind, self.pending_request)  # type: ignore[arg-type]

    @strawberry.field
    def supervision_tier(self) -> CaseTier | None:  # type: ignore[valid-type]
        return from_proto(CaseTier, self.supervision_tier)  # type: ignore[arg-type]

    @strawberry.field
    def location(self) -> GeoPoint | None:
        return present(self, "location")  # type: ignore[no-any-return]

    @strawberry.field
    def reported_at(self) -> datetime.datetime | None:
        return moment(self, "reported_at")

    @strawberry.field
    def dispatched_at(self) -> datetime.datetime | None:
        return moment(self, "dispatched_at")

    @strawberry.field
    def accept_by(self) -> datetime.datetime | None:
        return moment(self, "accept_by")

    @strawberry.field
    def deadline(self) -> datetime.datetime | None:
        return moment(self, "deadline")

    @strawberry.field
    def closed_at(self) -> datetime.datetime | None:
        return moment(self, "closed_at")


CaseConnection = Connection[Case]


@strawberry.type
class CaseEvaluation:
    key: str
    reported: int
    registered: int
    voided: int
    dispatched: int
    accepted_on_time: int
    handled: int
    handled_on_time: int
    closed: int
    closed_on_time: int
    due_to_close: int
    rework: int
    overdue: int
    extensions: int
    public_reports: int
    callbacks: int
    ratings: int
    satisfaction_rate: float
    mean_handling_hours: float
    closure_rate: float
    on_time_closure_rate: float
    rework_rate: float
    on_time_handling_rate: float
    accurate_registration_rate: float
    missed_report_rate: float
    mean_rating: float


@strawberry.type
class CaseRankingEntry:
    rank: int
    score: float
    evaluation: CaseEvaluation


@strawberry.type
class CaseStateCount:
    count: int

    @strawberry.field
    def state(self) -> CaseState:  # type: ignore[valid-type]
        return from_proto(CaseState, self.state)  # type: ignore[arg-type]


@strawberry.type
class CaseDueCount:
    count: int

    @strawberry.field
    def due_status(self) -> CaseDueStatus:  # type: ignore[valid-type]
        return from_proto(CaseDueStatus, self.due_status)  # type: ignore[arg-type]


@strawberry.type
class CaseDashboard:
    """Counts, and the overdue list and the figures when the query selects them (one call to the service)."""

    by_state: list[CaseStateCount]
    by_due_status: list[CaseDueCount]
    supervised: int
    overdue: list[Case] = strawberry.field(description="Overdue open cases, most overdue first.")
    evaluation: CaseEvaluation | None = strawberry.field(
        description="The jurisdiction's evaluation figures for the period (default: this month, Beijing time).")


@strawberry.type(description="Open cases under a jurisdiction.")
class CaseOpenCount:
    open: int
    due_soon: int
    overdue: int
    supervised: int


@strawberry.type
class CaseCategory:
    code: str
    version: int
    major_class: str
    name: str
    limit: int
    closing_condition: str
    default_unit: str
    changed_by: str

    @strawberry.field
    def kind(self) -> CaseCategoryKind:  # type: ignore[valid-type]
        return from_proto(CaseCategoryKind, self.kind)  # type: ignore[arg-type]

    @strawberry.field
    def limit_unit(self) -> CaseLimitUnit:  # type: ignore[valid-type]
        return from_proto(CaseLimitUnit, self.limit_unit)  # type: ignore[arg-type]

    @strawberry.field
    def lowest_tier(self) -> CaseTier:  # type: ignore[valid-type]
        return from_proto(CaseTier, self.lowest_tier)  # type: ignore[arg-type]


@strawberry.type
class CaseDispatchRule:
    category_code: str
    jurisdiction_prefix: str
    unit: str


@strawberry.type
class CaseCallback:
    case: Case
    reporters: list[str]


@strawberry.input
class CaseReportInput:
    category_code: str
    description: str
    jurisdiction_code: str = strawberry.field(
        default="", description="The grid (15 digits). May be left out when latitude and longitude are given: the "
                                "case lands in the grid its location falls in.")
    source: CaseSource  # type: ignore[valid-type]
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    urgent: bool = False
    evidence: list[str] = strawberry.field(default_factory=list)
    reporter_phone: str = ""


@strawberry.input
class CaseCategoryInput:
    code: str
    kind: CaseCategoryKind  # type: ignore[valid-type]
    major_class: str
    name: str
    limit: int
    limit_unit: CaseLimitUnit  # type: ignore[valid-type]
    closing_condition: str
    default_unit: str
    lowest_tier: CaseTier  # type: ignore[valid-type]


@strawberry.type(description="The ranking's rows, best first.")
class CaseRankingEntryConnection(CountedConnection[CaseRankingEntry]):
    pass


@strawberry.type(description="Case categories, current versions.")
class CaseCategoryConnection(CountedConnection[CaseCategory]):
    pass


@strawberry.type(description="Rows of the dispatch table.")
class CaseDispatchRuleConnection(CountedConnection[CaseDispatchRule]):
    pass
