"""The inspection plugin's mutations, one per action, and their inputs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import strawberry
from google.protobuf import timestamp_pb2
from strawberry.types import Info

from gateway.context import RequestContext, Resource
from gateway.landing import Landing, authorize_landing, land
from gateway.media.evidence import checked_evidence
from gateway.plugin_types import GraphQLNames, IdempotencyKey, checked_key, decode_base64, invalid
from gridgov.common.v1 import geo_pb2
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.graphql import SERVICE, _ctx, _located_source
from services.inspection.graphql_types import (
    ControlLevel,
    DustControl,
    GridHead,
    LedgerFormat,
    Patrol,
    PeriodUnit,
    Pollutant,
    PollutionSourceType,
    Rules,
    Source,
    Violation,
    ViolationType,
)


def _timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return value


@strawberry.input(name="PollutionChecklistEntryInput", description="A checklist item and whether it is in place.")
class ChecklistEntryInput:
    item: str
    in_place: bool


@strawberry.input(description="The editable fields of a pollution source.")
class PollutionSourceInput:
    source_type: PollutionSourceType  # type: ignore[valid-type]
    name: str
    address: str
    responsible_unit: str
    jurisdiction_code: str = strawberry.field(
        default="", description="The grid (15 digits). May be left out when latitude and longitude are given: the "
                                "source lands in the grid its location falls in.")
    contact_name: str = ""
    contact_phone: str = ""
    latitude: float | None = None
    longitude: float | None = None
    area_m2: float | None = None
    dust_controls: list[DustControl] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    checklist: list[ChecklistEntryInput] = strawberry.field(default_factory=list)
    fume_purifier_installed: bool | None = None
    control_level: ControlLevel | None = None  # type: ignore[valid-type]
    permit_number: str = ""

    def landed(self, ctx: RequestContext) -> Landing:
        """Where the source lands (gateway.landing), named as the mutations' ``input`` argument."""
        return land(ctx, self.jurisdiction_code, self.longitude, self.latitude, code_field="input.jurisdictionCode",
                    location_field="input")

    def to_proto(self, landed: Landing | None = None) -> pb.SourceInput:
        message = pb.SourceInput(
            source_type=int(self.source_type), name=self.name,
            jurisdiction_code=landed.code if landed else self.jurisdiction_code,
            located_grid=landed.located_grid if landed else "",
            address=self.address, responsible_unit=self.responsible_unit, contact_name=self.contact_name,
            contact_phone=self.contact_phone, dust_controls=[int(d) for d in self.dust_controls],
            checklist=[pb.ChecklistEntry(item=e.item, in_place=e.in_place) for e in self.checklist],
            control_level=int(self.control_level) if self.control_level else 0, permit_number=self.permit_number)
        if self.latitude is not None or self.longitude is not None:
            # A half-given location reaches the service, which names the missing half.
            message.location.CopyFrom(geo_pb2.GeoPoint(latitude=self.latitude or 0.0,
                                                       longitude=self.longitude or 0.0))
        if self.area_m2 is not None:
            message.area_m2 = self.area_m2
        if self.fume_purifier_installed is not None:
            message.fume_purifier_installed = self.fume_purifier_installed
        return message


@strawberry.input(description="A grid head to assign.")
class GridHeadInput:
    subject_id: str
    name: str
    jurisdiction_code: str
    phone: str = ""
    assigned_on: str = strawberry.field(default="", description="YYYY-MM-DD; empty for today.")


@strawberry.input(name="PatrolSourceCheckInput", description="A source checked on a patrol.")
class SourceCheckInput:
    source_id: str
    finding: str = ""
    compliant: bool = True


@strawberry.input(description="A patrol to record; the patroller defaults to the caller.")
class PatrolInput:
    patroller: str = ""
    patrolled_at: datetime | None = None
    checks: list[SourceCheckInput] = strawberry.field(default_factory=list)
    findings: str = ""


@strawberry.input(name="PollutionViolationInput", description="A violation found at a source.")
class ViolationInput:
    source_id: str
    violation_type: str
    description: str
    evidence: list[str]
    checklist_item: str = ""
    patrol_id: str = ""
    urgent: bool = False


@strawberry.input(name="AirQualityStationReadingInput", description="One station reading.")
class StationReadingInput:
    station_code: str
    jurisdiction_code: str
    observed_at: datetime
    pollutant: Pollutant  # type: ignore[valid-type]
    value: float


@strawberry.input(name="AirQualityReferenceReadingInput", description="One reference (city) reading.")
class ReferenceReadingInput:
    area: str
    observed_at: datetime
    pollutant: Pollutant  # type: ignore[valid-type]
    value: float


@strawberry.input(name="PollutionChecklistItemInput", description="A checklist item of the rules.")
class ChecklistItemInput:
    code: str
    name: str


@strawberry.input(description="The patrol frequency of one grid level.")
class LevelFrequencyInput:
    level: int
    times: int
    unit: PeriodUnit  # type: ignore[valid-type]


@strawberry.input(description="The supervision frequency of one control level.")
class ControlFrequencyInput:
    control_level: ControlLevel  # type: ignore[valid-type]
    times: int
    unit: PeriodUnit  # type: ignore[valid-type]


@strawberry.input(description="The configurable rules, complete.")
class PollutionRulesInput:
    checklist: list[ChecklistItemInput]
    patrol_frequencies: list[LevelFrequencyInput]
    supervision_frequencies: list[ControlFrequencyInput]

    def to_proto(self) -> pb.Rules:
        return pb.Rules(
            checklist=[pb.ChecklistItem(code=i.code, name=i.name) for i in self.checklist],
            patrol_frequencies=[pb.PatrolFrequency(level=f.level, frequency=pb.Frequency(times=f.times,
                                                                                         unit=int(f.unit)))
                                for f in self.patrol_frequencies],
            supervision_frequencies=[pb.SupervisionFrequency(control_level=int(f.control_level), frequency=pb.Frequency(
                times=f.times, unit=int(f.unit))) for f in self.supervision_frequencies],
        )


@strawberry.input(name="PollutionViolationTypeInput", description="A violation catalogue entry.")
class ViolationTypeInput:
    code: str
    name: str
    rectify_working_days: int
    source_types: list[PollutionSourceType] = strawberry.field(default_factory=list)  # type: ignore[valid-type]



async def _patrol_decision(ctx: RequestContext, patroller: str) -> tuple[Any, Resource]:
    """Authorizes recording ``patroller``'s patrols at the head's own scope, learnt through the locator (the policy
    lets a head record only their own, the environment bureau on a head's behalf)."""
    located = await ctx.locate(SERVICE, "GetGridHead", pb.GetGridHeadRequest(subject_id=patroller))
    resource = Resource("patrol", "", located.grid_head.jurisdiction_code, {"patroller": patroller})
    return await ctx.authorize("patrol.record", resource), resource


def _patrol_request(patroller: str, patrol: PatrolInput) -> pb.RecordPatrolRequest:
    request = pb.RecordPatrolRequest(
        patroller=patroller, findings=patrol.findings,
        checks=[pb.SourceCheck(source_id=c.source_id, finding=c.finding, compliant=c.compliant)
                for c in patrol.checks])
    if patrol.patrolled_at is not None:
        request.patrolled_at.CopyFrom(_timestamp(patrol.patrolled_at))
    return request


@strawberry.type(description="How many survey rows were imported.")
class PollutionImportResult:
    imported: int


@strawberry.type(description="How many air-quality readings were stored.")
class AirQualityIngestResult:
    readings: int
    references: int


# The request messages that wrap an input object, and the mutation that performs each action.
SOURCE_INPUT = GraphQLNames({"source": "input"})
WHOLE_INPUT = GraphQLNames({"": "input"})
ON_SOURCE = GraphQLNames(actions={"rectify": "rectifyPollutionSource", "resume": "resumePollutionSource",
                                  "close": "closePollutionSource", "relocate": "relocatePollutionSource",
                                  "reopen": "reopenPollutionSource"})
# A violation closes with its case only.
ON_VIOLATION = GraphQLNames(actions={"add_evidence": "addPollutionViolationEvidence", "close": ""})


async def _source_verb(info: Info, verb: str, method: str, request_type: Any, source_id: str, reason: str) -> Any:
    ctx = _ctx(info)
    decision, resource = await _located_source(ctx, f"pollution_source.{verb}", source_id)
    response = await ctx.call(SERVICE, method, request_type(id=source_id, reason=reason), decision, resource=resource,
                              names=ON_SOURCE)
    return response.source


@strawberry.type
class InspectionMutation:
    @strawberry.mutation(description="Adds a pollution source to the inventory.")
    async def create_pollution_source(self, info: Info, input: PollutionSourceInput,
                                      idempotency_key: IdempotencyKey = None) -> Source:
        ctx = _ctx(info)
        landed = input.landed(ctx)
        resource = Resource("pollution_source", "", landed.code)
        decision = await authorize_landing(ctx, "pollution_source.create", landed,
                                           lambda code: Resource("pollution_source", "", code))
        request = pb.CreateSourceRequest(source=input.to_proto(landed), idempotency_key=checked_key(idempotency_key))
        response = await ctx.call(SERVICE, "CreateSource", request, decision, resource=resource, names=SOURCE_INPUT)
        return response.source  # type: ignore[no-any-return]

    @strawberry.mutation(description="Replaces a source's fields and attributes (never its status).")
    async def update_pollution_source(self, info: Info, id: strawberry.ID, input: PollutionSourceInput) -> Source:
        ctx = _ctx(info)
        landed = input.landed(ctx)
        decision, resource = await _located_source(ctx, "pollution_source.update", str(id))
        scope: Resource | None = resource
        if landed.code != resource.jurisdiction_code or landed.located_grid:
            # Moving a source to another grid needs the right there as well; the service checks both grids,
            # so the call carries both.
            await authorize_landing(ctx, "pollution_source.update", landed,
                                    lambda code: Resource("pollution_source", str(id), code))
            decision = await ctx.authorize("pollution_source.update", resource)
            decision = dataclasses.replace(decision, scopes=(resource.jurisdiction_code, landed.code))
            scope = None
        response = await ctx.call(SERVICE, "UpdateSource", pb.UpdateSourceRequest(
            id=str(id), source=input.to_proto(landed)), decision, resource=scope, names=SOURCE_INPUT)
        return response.source  # type: ignore[no-any-return]

    @strawberry.mutation(description="Puts an active source under rectification.")
    async def rectify_pollution_source(self, info: Info, id: strawberry.ID, reason: str = "") -> Source:
        return await _source_verb(info, "rectify", "RectifySource", pb.RectifySourceRequest, str(id), reason)

    @strawberry.mutation(description="Returns a rectified source to active.")
    async def resume_pollution_source(self, info: Info, id: strawberry.ID, reason: str = "") -> Source:
        return await _source_verb(info, "resume", "ResumeSource", pb.ResumeSourceRequest, str(id), reason)

    @strawberry.mutation(description="Marks a source closed down.")
    async def close_pollution_source(self, info: Info, id: strawberry.ID, reason: str = "") -> Source:
        return await _source_verb(info, "close", "CloseSource", pb.CloseSourceRequest, str(id), reason)

    @strawberry.mutation(description="Marks a source moved away.")
    async def relocate_pollution_source(self, info: Info, id: strawberry.ID, reason: str = "") -> Source:
        return await _source_verb(info, "relocate", "RelocateSource", pb.RelocateSourceRequest, str(id), reason)

    @strawberry.mutation(description="Returns a closed source to active.")
    async def reopen_pollution_source(self, info: Info, id: strawberry.ID, reason: str = "") -> Source:
        return await _source_verb(info, "reopen", "ReopenSource", pb.ReopenSourceRequest, str(id), reason)

    @strawberry.mutation(description="Imports the survey ledger (base64 CSV or XLSX): every row or none.")
    async def import_pollution_sources(self, info: Info, format: LedgerFormat,  # type: ignore[valid-type]
                                       data: str, idempotency_key: IdempotencyKey = None) -> PollutionImportResult:
        ctx = _ctx(info)
        raw = decode_base64(data, "data")
        decision = await ctx.authorize("pollution_source.import", Resource("pollution_source"))
        response = await ctx.call(SERVICE, "ImportSources", pb.ImportSourcesRequest(
            format=int(format), data=raw, idempotency_key=checked_key(idempotency_key)), decision,
            names=GraphQLNames(files={"rows": "data"}))
        return PollutionImportResult(imported=response.imported)

    @strawberry.mutation(description="Assigns a person as grid head of a scope (level from the code's length).")
    async def assign_grid_head(self, info: Info, input: GridHeadInput) -> GridHead:
        ctx = _ctx(info)
        resource = Resource("grid_head", input.subject_id, input.jurisdiction_code)
        decision = await ctx.authorize("grid_head.assign", resource)
        response = await ctx.call(SERVICE, "AssignGridHead", pb.AssignGridHeadRequest(grid_head=pb.GridHead(
            subject_id=input.subject_id, name=input.name, jurisdiction_code=input.jurisdiction_code,
            phone=input.phone, assigned_on=input.assigned_on)), decision, resource=resource,
            names=GraphQLNames({"grid_head": "input"}))
        return response.grid_head  # type: ignore[no-any-return]

    @strawberry.mutation(description="Records a patrol of a grid head (the caller by default).")
    async def record_patrol(self, info: Info, input: PatrolInput, idempotency_key: IdempotencyKey = None) -> Patrol:
        ctx = _ctx(info)
        patroller = input.patroller or ctx.subject.id
        decision, resource = await _patrol_decision(ctx, patroller)
        request = _patrol_request(patroller, input)
        request.idempotency_key = checked_key(idempotency_key)
        response = await ctx.call(SERVICE, "RecordPatrol", request, decision, resource=resource, names=WHOLE_INPUT)
        return response.patrol  # type: ignore[no-any-return]

    @strawberry.mutation(description="Records one grid head's patrols synced from a patrol app: all or none.")
    async def record_patrols(self, info: Info, patrols: list[PatrolInput], patroller: str = "",
                             idempotency_key: IdempotencyKey = None) -> list[Patrol]:
        ctx = _ctx(info)
        patroller = patroller or ctx.subject.id
        if any(p.patroller and p.patroller != patroller for p in patrols):
            raise invalid("patrols", "one batch is one grid head's")
        decision, resource = await _patrol_decision(ctx, patroller)
        response = await ctx.call(SERVICE, "RecordPatrols", pb.RecordPatrolsRequest(
            patrols=[_patrol_request(patroller, p) for p in patrols], idempotency_key=checked_key(idempotency_key)),
            decision, resource=resource)
        return list(response.patrols)

    @strawberry.mutation(description="Reports a violation at a source; its case is raised exactly once.")
    async def report_pollution_violation(self, info: Info, input: ViolationInput,
                                         idempotency_key: IdempotencyKey = None) -> Violation:
        ctx = _ctx(info)
        located = await ctx.locate(SERVICE, "GetSource", pb.GetSourceRequest(id=input.source_id))
        resource = Resource("violation", "", located.source.jurisdiction_code)
        decision = await ctx.authorize("violation.report", resource)
        evidence = await checked_evidence(ctx, input.evidence, "input.evidence")
        response = await ctx.call(SERVICE, "ReportViolation", pb.ReportViolationRequest(
            source_id=input.source_id, violation_type=input.violation_type, checklist_item=input.checklist_item,
            description=input.description, evidence=evidence, patrol_id=input.patrol_id,
            urgent=input.urgent, idempotency_key=checked_key(idempotency_key)), decision, resource=resource,
            names=WHOLE_INPUT)
        return response.violation  # type: ignore[no-any-return]

    @strawberry.mutation(description="Adds evidence to an open violation.")
    async def add_pollution_violation_evidence(self, info: Info, id: strawberry.ID, evidence: list[str],
                                               idempotency_key: IdempotencyKey = None) -> Violation:
        ctx = _ctx(info)
        located = await ctx.locate(SERVICE, "GetViolation", pb.GetViolationRequest(id=str(id)))
        resource = Resource("violation", str(id), located.violation.jurisdiction_code)
        decision = await ctx.authorize("violation.add_evidence", resource)
        evidence = await checked_evidence(ctx, evidence, "evidence")
        response = await ctx.call(SERVICE, "AddViolationEvidence", pb.AddViolationEvidenceRequest(
            id=str(id), evidence=evidence, idempotency_key=checked_key(idempotency_key)), decision, resource=resource,
            names=ON_VIOLATION)
        return response.violation  # type: ignore[no-any-return]

    @strawberry.mutation(description="Stores station readings and the reference readings supplied with them.")
    async def ingest_air_quality(self, info: Info, readings: list[StationReadingInput],
                                 references: list[ReferenceReadingInput]) -> AirQualityIngestResult:
        ctx = _ctx(info)
        decision = await ctx.authorize("air_quality.ingest", Resource("air_quality"))
        response = await ctx.call(SERVICE, "IngestAirQuality", pb.IngestAirQualityRequest(
            readings=[pb.StationReading(station_code=r.station_code, jurisdiction_code=r.jurisdiction_code,
                                        observed_at=_timestamp(r.observed_at), pollutant=int(r.pollutant),
                                        value=r.value) for r in readings],
            references=[pb.ReferenceReading(area=r.area, observed_at=_timestamp(r.observed_at),
                                            pollutant=int(r.pollutant), value=r.value) for r in references]),
            decision)
        return AirQualityIngestResult(readings=response.readings, references=response.references)

    @strawberry.mutation(description="Replaces the rules (district-wide).")
    async def set_pollution_rules(self, info: Info, input: PollutionRulesInput) -> Rules:
        ctx = _ctx(info)
        decision = await ctx.authorize("inspection_rules.set", Resource("inspection_rules"))
        response = await ctx.call(SERVICE, "SetRules", pb.SetRulesRequest(rules=input.to_proto()), decision,
                                  names=GraphQLNames({"rules": "input"}))
        return response.rules  # type: ignore[no-any-return]

    @strawberry.mutation(description="Adds or replaces a violation type of the catalogue (district-wide).")
    async def define_pollution_violation_type(self, info: Info, input: ViolationTypeInput) -> ViolationType:
        ctx = _ctx(info)
        decision = await ctx.authorize("inspection_rules.set", Resource("inspection_rules"))
        response = await ctx.call(SERVICE, "DefineViolationType", pb.DefineViolationTypeRequest(
            violation_type=pb.ViolationType(code=input.code, name=input.name,
                                            rectify_working_days=input.rectify_working_days,
                                            source_types=[int(t) for t in input.source_types])), decision,
            names=GraphQLNames({"violation_type": "input"}))
        return response.violation_type  # type: ignore[no-any-return]
