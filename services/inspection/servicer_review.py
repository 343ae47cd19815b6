"""The review RPCs: air-quality ingestion and comparison, and the grid assessment."""

from __future__ import annotations

import math

import grpc

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.convert import from_proto, moment, to_proto
from services.inspection.records import AirQualityStore, PatrolStore, ViolationStore, head_patrols
from services.inspection.schedule import (
    AssessmentUnit,
    Pollutant,
    ViolationOutcome,
    assess,
    compare_air_quality,
)
from services.inspection.servicer_base import ServicerBase, period_bounds, scopes_within
from services.inspection.store import GridHeadStore, RulesStore
from services.kit import actor
from services.kit.clock import as_utc
from services.kit.errors import Violations
from services.kit.jurisdiction import problem

MAX_READINGS = 10_000


def _value_problem(value: float) -> str | None:
    if not math.isfinite(value) or value < 0:
        return "must be a finite concentration, not negative"
    return None


class ReviewRpcs(ServicerBase):
    async def IngestAirQuality(self, request: pb.IngestAirQualityRequest, context: grpc.aio.ServicerContext
                               ) -> pb.IngestAirQualityResponse:
        """Every reading valid and in scope, or InvalidArgument naming each bad one; nothing half-stored."""
        problems = Violations()
        if len(request.readings) + len(request.references) > MAX_READINGS:
            problems.add("readings", f"send at most {MAX_READINGS} readings at a time")
            problems.raise_if_any()
        scopes = actor.read_scopes()
        readings = []
        for i, r in enumerate(request.readings):
            field = f"readings[{i}]"
            if not r.station_code.strip():
                problems.add(f"{field}.station_code", "must not be empty")
            if reason := problem(r.jurisdiction_code):
                problems.add(f"{field}.jurisdiction_code", reason)
            elif not any(r.jurisdiction_code.startswith(s) for s in scopes):
                problems.add(f"{field}.jurisdiction_code", "is outside your jurisdiction")
            if not r.HasField("observed_at"):
                problems.add(f"{field}.observed_at", "must be set")
            if r.pollutant not in pb.Pollutant.values() or r.pollutant == 0:
                problems.add(f"{field}.pollutant", "must be one of the six pollutants")
            if reason := _value_problem(r.value):
                problems.add(f"{field}.value", reason)
            readings.append(r)
        for i, ref in enumerate(request.references):
            field = f"references[{i}]"
            if not ref.area.strip():
                problems.add(f"{field}.area", "must name the reference area")
            if not ref.HasField("observed_at"):
                problems.add(f"{field}.observed_at", "must be set")
            if ref.pollutant not in pb.Pollutant.values() or ref.pollutant == 0:
                problems.add(f"{field}.pollutant", "must be one of the six pollutants")
            if reason := _value_problem(ref.value):
                problems.add(f"{field}.value", reason)
        problems.raise_if_any()
        station_rows = []
        for r in readings:
            pollutant = from_proto(Pollutant, r.pollutant, "pollutant")
            assert pollutant is not None
            station_rows.append((r.station_code.strip(), r.jurisdiction_code, moment(r.observed_at), pollutant,
                                 r.value))
        reference_rows = []
        for ref in request.references:
            pollutant = from_proto(Pollutant, ref.pollutant, "pollutant")
            assert pollutant is not None
            reference_rows.append((ref.area.strip(), moment(ref.observed_at), pollutant, ref.value))
        async with self.database.transaction() as session:
            store = AirQualityStore(session)
            await store.put_readings(station_rows)
            await store.put_references(reference_rows)
        return pb.IngestAirQualityResponse(readings=len(readings), references=len(request.references))

    async def CompareAirQuality(self, request: pb.CompareAirQualityRequest, context: grpc.aio.ServicerContext
                                ) -> pb.CompareAirQualityResponse:
        _, _, lower, upper = period_bounds(request.period.start, request.period.end)
        scopes = scopes_within(request.jurisdiction_code)
        async with self.database.read() as session:
            store = AirQualityStore(session)
            readings = await store.readings(scopes, lower, upper)
            reference = await store.references(request.reference_area.strip(), lower, upper)
        rows = []
        for c in compare_air_quality(readings, reference):
            row = pb.PollutantComparison(pollutant=to_proto(c.pollutant), samples=c.samples)
            for name in ("average", "reference_average", "difference", "percent_of_reference"):
                value = getattr(c, name)
                if value is not None:
                    setattr(row, name, value)
            rows.append(row)
        return pb.CompareAirQualityResponse(pollutants=rows)

    async def GetAssessment(self, request: pb.GetAssessmentRequest, context: grpc.aio.ServicerContext
                            ) -> pb.GetAssessmentResponse:
        first, last, lower, upper = period_bounds(request.period.start, request.period.end)
        unit = from_proto(AssessmentUnit, request.unit, "unit")
        assert unit is not None
        scopes = scopes_within(request.jurisdiction_code)
        async with self.database.read() as session:
            heads = await GridHeadStore(session).all_in(scopes)
            dates = await PatrolStore(session).dates_by_patroller([h.subject_id for h in heads], lower, upper)
            violations = await ViolationStore(session).found_between(scopes, lower, upper)
            rules = await RulesStore(session).load()
        patrols = [head_patrols(h, dates) for h in heads]
        outcomes = [ViolationOutcome(v.jurisdiction_code, v.reporter, v.closed_at is not None,
                                     v.closed_at is not None and as_utc(v.closed_at) <= as_utc(v.deadline))
                    for v in violations]
        rows = assess(unit, patrols, outcomes, rules.patrol, first, last, self.today())
        return pb.GetAssessmentResponse(rows=[pb.AssessmentRow(
            unit=to_proto(r.unit), key=r.key, patrols_required=r.compliance.required,
            patrols_fulfilled=r.compliance.fulfilled, windows_missed=r.compliance.missed_windows,
            compliance_rate=r.compliance.rate, violations_found=r.violations_found,
            violations_closed=r.violations_closed, violations_closed_on_time=r.violations_closed_on_time)
            for r in rows])
