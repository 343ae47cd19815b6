"""The inspection plugin's GraphQL types and enums, resolved straight from the service's protobuf messages."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

import strawberry
from strawberry.types import Info

from gateway.connection import Connection, CountedConnection
from gateway.offers import viewer_actions
from gateway.plugin_types import GeoPoint, LocatedRecord, moment, present
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.offers import violation_offers
from services.kit.calendar import working_days_left as working_days_until


def _enum(name: str, proto_enum: Any, prefix: str, description: str) -> Any:
    """A GraphQL enum whose values are the proto numbers, so proto fields resolve without translation."""
    members = {key[len(prefix):]: number for key, number in proto_enum.items() if number != 0}
    return strawberry.enum(IntEnum(name, members), name=name, description=description)  # type: ignore[misc]


PollutionSourceType = _enum("PollutionSourceType", pb.SourceType, "SOURCE_TYPE_", "Kinds of pollution source.")
PollutionSourceStatus = _enum("PollutionSourceStatus", pb.SourceStatus, "SOURCE_STATUS_", "Where a source stands.")
ControlLevel = _enum("ControlLevel", pb.ControlLevel, "CONTROL_LEVEL_", "Who controls an industrial key source.")
DustControl = _enum("DustControl", pb.DustControl, "DUST_CONTROL_", "Dust-control measures.")
ViolationState = _enum("PollutionViolationState", pb.ViolationState, "VIOLATION_STATE_", "Where a violation stands.")
PeriodUnit = _enum("PatrolPeriodUnit", pb.PeriodUnit, "PERIOD_UNIT_", "The window a frequency counts in.")
WindowStatus = _enum("PatrolWindowStatus", pb.WindowStatus, "WINDOW_STATUS_", "A frequency window's outcome.")
Pollutant = _enum("Pollutant", pb.Pollutant, "POLLUTANT_", "The six monitored pollutants.")
AssessmentUnit = _enum("PollutionAssessmentUnit", pb.AssessmentUnit, "ASSESSMENT_UNIT_",
                       "What an assessment is broken down by.")
MissedPatrolKind = _enum("MissedPatrolKind", pb.MissedKind, "MISSED_KIND_",
                         "Whose duty a missed window was: a grid head's patrols or a key source's supervision checks.")
LedgerFormat = _enum("PollutionLedgerFormat", pb.FileFormat, "FILE_FORMAT_", "Survey ledger file formats.")


@strawberry.type(name="PollutionChecklistEntry", description="A checklist item and whether it is in place.")
class ChecklistEntry:
    item: str
    in_place: bool


@strawberry.type(name="PollutionSource", description="A pollution source of the inventory.")
class Source(LocatedRecord):
    id: strawberry.ID
    source_type: PollutionSourceType  # type: ignore[valid-type]
    name: str
    jurisdiction_code: str
    address: str
    responsible_unit: str
    contact_name: str
    contact_phone: str  # masked unless the policy grants it
    dust_controls: list[DustControl]  # type: ignore[valid-type]
    checklist: list[ChecklistEntry]
    missing_checklist_items: list[str]
    permit_number: str
    status: PollutionSourceStatus  # type: ignore[valid-type]

    @strawberry.field
    def location(self) -> GeoPoint | None:
        return present(self, "location")  # type: ignore[arg-type]

    @strawberry.field(description="Area in m² (yards, sites, bare land).")
    def area_m2(self) -> float | None:
        return present(self, "area_m2")  # type: ignore[arg-type]

    @strawberry.field
    def fume_purifier_installed(self) -> bool | None:
        return present(self, "fume_purifier_installed")  # type: ignore[arg-type]

    @strawberry.field
    def control_level(self) -> ControlLevel | None:  # type: ignore[valid-type]
        return self.control_level or None  # type: ignore[attr-defined]

    @strawberry.field
    def created_at(self) -> datetime | None:
        return moment(self, "created_at")  # type: ignore[arg-type]


PollutionSourceConnection = Connection[Source]


@strawberry.type(description="A grid head: patrols one scope at the level its code gives (1 district .. 4 grid).")
class GridHead:
    subject_id: str
    name: str
    level: int
    jurisdiction_code: str
    phone: str
    assigned_on: str = strawberry.field(description="Local date patrols are owed from.")


GridHeadConnection = Connection[GridHead]


@strawberry.type(name="PatrolSourceCheck", description="A source checked on a patrol.")
class SourceCheck:
    source_id: str
    finding: str
    compliant: bool


@strawberry.type(description="A patrol record.")
class Patrol:
    id: strawberry.ID
    patroller: str
    level: int
    jurisdiction_code: str
    checks: list[SourceCheck]
    findings: str
    recorded_by: str = strawberry.field(description="Who entered the record: the patroller, or the environment "
                                                    "bureau on their behalf.")

    @strawberry.field
    def patrolled_at(self) -> datetime | None:
        return moment(self, "patrolled_at")  # type: ignore[arg-type]


PatrolConnection = Connection[Patrol]


@strawberry.type(name="PatrolFrequency", description="Times required per window.")
class Frequency:
    times: int
    unit: PeriodUnit  # type: ignore[valid-type]


@strawberry.type(name="PatrolDueWindow", description="One frequency window of a period.")
class DueWindow:
    start: str
    end: str
    required: int
    done: int
    status: WindowStatus  # type: ignore[valid-type]


@strawberry.type(description="Patrols due and missed of one grid head.")
class PatrolDue:
    grid_head: GridHead
    frequency: Frequency
    windows: list[DueWindow]
    missed: int
    due: int
    compliance_rate: float


@strawberry.type(description="Supervision checks due and missed of one industrial key source.")
class SupervisionDue:
    source_id: str
    name: str
    jurisdiction_code: str
    control_level: ControlLevel  # type: ignore[valid-type]
    frequency: Frequency
    windows: list[DueWindow]
    missed: int
    due: int


@strawberry.type(description="A window that closed with patrols or supervision checks lacking, raised once to the "
                             "notifier.")
class MissedPatrol:
    id: strawberry.ID
    kind: MissedPatrolKind  # type: ignore[valid-type]
    subject_id: str = strawberry.field(description="The grid head's subject id, or the key source's id.")
    name: str
    jurisdiction_code: str
    level: int = strawberry.field(description="The head's grid level 1..4; 0 for a key source.")
    window_start: str = strawberry.field(description="First local day of the window, YYYY-MM-DD.")
    window_end: str = strawberry.field(description="Last local day of the window, YYYY-MM-DD.")
    required: int
    done: int

    @strawberry.field(description="Control level of a key source; null for a grid head.")
    def control_level(self) -> ControlLevel | None:  # type: ignore[valid-type]
        return self.control_level or None  # type: ignore[attr-defined]

    @strawberry.field
    def raised_at(self) -> datetime | None:
        return moment(self, "raised_at")  # type: ignore[arg-type]


MissedPatrolConnection = Connection[MissedPatrol]


@strawberry.type(name="PollutionViolationType", description="A violation catalogue entry.")
class ViolationType:
    code: str
    name: str
    rectify_working_days: int
    source_types: list[PollutionSourceType]  # type: ignore[valid-type]


@strawberry.type(name="PollutionViolation", description="A violation found at a source; its case closes it.")
class Violation:
    id: strawberry.ID
    source_id: str
    violation_type: str
    checklist_item: str
    jurisdiction_code: str
    description: str
    evidence: list[str]
    reporter: str
    patrol_id: str
    state: ViolationState  # type: ignore[valid-type]
    case_id: str
    case_number: str
    resolution: str
    closed_on_time: bool
    urgent: bool

    @strawberry.field(description="The mutations the signed-in viewer may perform on this violation now: those "
                      "its state allows people to take, less what the policy denies the viewer.")
    async def viewer_actions(self, info: Info) -> list[str]:
        return await viewer_actions(info.context, violation_offers(self))  # type: ignore[arg-type]

    @strawberry.field
    def found_at(self) -> datetime | None:
        return moment(self, "found_at")  # type: ignore[arg-type]

    @strawberry.field
    def deadline(self) -> datetime | None:
        return moment(self, "deadline")  # type: ignore[arg-type]

    @strawberry.field(description="The countdown to the deadline in working days (Beijing): 0 on its day, negative "
                                  "once it has passed; null without a deadline. Computed here, not by the portal.")
    def working_days_left(self, info: Info) -> int | None:
        deadline = moment(self, "deadline")  # type: ignore[arg-type]
        return None if deadline is None else working_days_until(deadline, info.context.runtime.clock())

    @strawberry.field
    def closed_at(self) -> datetime | None:
        return moment(self, "closed_at")  # type: ignore[arg-type]


PollutionViolationConnection = Connection[Violation]


@strawberry.type(name="PollutionChecklistItem", description="A construction checklist item of the rules.")
class ChecklistItem:
    code: str
    name: str


@strawberry.type(name="PatrolLevelFrequency", description="The patrol frequency of one grid level.")
class LevelFrequency:
    level: int
    frequency: Frequency


@strawberry.type(name="SupervisionFrequency", description="The supervision frequency of one control level.")
class ControlFrequency:
    control_level: ControlLevel  # type: ignore[valid-type]
    frequency: Frequency


@strawberry.type(name="PollutionRules", description="The configurable rules: checklist and frequencies.")
class Rules:
    checklist: list[ChecklistItem]
    patrol_frequencies: list[LevelFrequency]
    supervision_frequencies: list[ControlFrequency]


@strawberry.type(description="A pollutant's period average against the reference (city) average.")
class PollutantComparison:
    pollutant: Pollutant  # type: ignore[valid-type]
    samples: int

    @strawberry.field
    def average(self) -> float | None:
        return present(self, "average")  # type: ignore[arg-type]

    @strawberry.field
    def reference_average(self) -> float | None:
        return present(self, "reference_average")  # type: ignore[arg-type]

    @strawberry.field
    def difference(self) -> float | None:
        return present(self, "difference")  # type: ignore[arg-type]

    @strawberry.field
    def percent_of_reference(self) -> float | None:
        return present(self, "percent_of_reference")  # type: ignore[arg-type]


@strawberry.type(name="PollutionAssessmentRow", description="One unit's figures for the accountability review.")
class AssessmentRow:
    unit: AssessmentUnit  # type: ignore[valid-type]
    key: str
    patrols_required: int
    patrols_fulfilled: int
    windows_missed: int
    compliance_rate: float
    violations_found: int
    violations_closed: int
    violations_closed_on_time: int


@strawberry.type(description="Patrols due per grid head over a period.")
class PatrolDueConnection(CountedConnection[PatrolDue]):
    pass


@strawberry.type(description="Supervision checks due per industrial key source over a period.")
class SupervisionDueConnection(CountedConnection[SupervisionDue]):
    pass


@strawberry.type(description="The violation catalogue.")
class PollutionViolationTypeConnection(CountedConnection[ViolationType]):
    pass


@strawberry.type(description="Rows of a pollution assessment.")
class PollutionAssessmentRowConnection(CountedConnection[AssessmentRow]):
    pass


@strawberry.type(description="Pollutants of an air-quality comparison.")
class PollutantComparisonConnection(CountedConnection[PollutantComparison]):
    pass


TYPES = (Source, GridHead, Patrol, Violation, PatrolDue, SupervisionDue, MissedPatrol, Rules, PollutantComparison,
         AssessmentRow)
