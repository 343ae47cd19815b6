"""FireService RPCs for inspections, hazards and the ledger."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import geo_pb2
from gridgov.fire.v1 import fire_pb2
from services.fire import convert, domain, ledger, map_layers
from services.fire.convert import GRID_LEVEL, HAZARD_STATE
from services.fire.domain import HazardAction, LedgerSection
from services.fire.hazard_store import HazardStore
from services.fire.inspection_store import InspectionStore
from services.fire.models import HazardRow, HazardTypeRow
from services.fire.settings import SettingsStore
from services.fire.store import PlaceStore, code_filter
from services.kit import actor, calendar
from services.kit.errors import FieldViolation, InvalidArgument, PermissionDenied
from services.kit.map_box import Box, point_limit
from services.kit.pagination import page_from
from services.kit.servicer import ServicerBase
from services.kit.tabular import CONTENT_TYPES, FileFormat

SECTIONS = {fire_pb2.LEDGER_SECTION_PLACES: LedgerSection.PLACES,
            fire_pb2.LEDGER_SECTION_INSPECTIONS: LedgerSection.INSPECTIONS,
            fire_pb2.LEDGER_SECTION_HAZARDS: LedgerSection.HAZARDS,
            fire_pb2.LEDGER_SECTION_STATISTICS: LedgerSection.STATISTICS}
class HazardRpcs(ServicerBase):
    """The base of FireServicer."""

    # ---- inspections ------------------------------------------------------------------------------

    async def StartInspection(self, request: fire_pb2.StartInspectionRequest,
                              context: Any) -> fire_pb2.StartInspectionResponse:
        problems: list[FieldViolation] = []
        if not request.place_id:
            problems.append(FieldViolation("place_id", "must be set"))
        level = GRID_LEVEL.collect(request.grid_level, "grid_level", problems)
        if problems:
            raise InvalidArgument(problems)

        async def work(session: AsyncSession) -> fire_pb2.StartInspectionResponse:
            place = await PlaceStore(session).get(request.place_id)
            actor.require_in_scope(place.jurisdiction_code)
            row = await InspectionStore(session).start(place, level, actor.current().subject, self.runtime.clock())
            return fire_pb2.StartInspectionResponse(inspection=convert.inspection_message(row))

        return await self.write_once(request, fire_pb2.StartInspectionResponse, work)

    async def RecordChecklist(self, request: fire_pb2.RecordChecklistRequest,
                              context: Any) -> fire_pb2.RecordChecklistResponse:
        items = [convert.check_item(item) for item in request.items]
        async with self.database.transaction() as session:
            store = InspectionStore(session)
            row = await store.get(request.inspection_id)
            actor.require_in_scope(row.jurisdiction_code)
            await store.record(row, items)
        return fire_pb2.RecordChecklistResponse(inspection=convert.inspection_message(row))

    async def FinalizeInspection(self, request: fire_pb2.FinalizeInspectionRequest,
                                 context: Any) -> fire_pb2.FinalizeInspectionResponse:
        async with self.database.transaction() as session:
            store = InspectionStore(session)
            row = await store.get(request.inspection_id)
            actor.require_in_scope(row.jurisdiction_code)
            hazards = await store.finalize(row, actor.current().subject, self.runtime.clock())
        return fire_pb2.FinalizeInspectionResponse(inspection=convert.inspection_message(row),
                                                   hazards=[convert.hazard_message(h) for h in hazards])

    async def GetInspection(self, request: fire_pb2.GetInspectionRequest,
                            context: Any) -> fire_pb2.GetInspectionResponse:
        async with self.database.read() as session:
            row = await InspectionStore(session).get(request.id)
        actor.require_in_scope(row.jurisdiction_code)
        return fire_pb2.GetInspectionResponse(inspection=convert.inspection_message(row))

    async def ListInspections(self, request: fire_pb2.ListInspectionsRequest,
                              context: Any) -> fire_pb2.ListInspectionsResponse:
        code_filter("jurisdiction_code", request.jurisdiction_code)
        scopes = actor.read_scopes()
        page = page_from(request.page.page_size, request.page.page_token, {
            "list": "inspections", "code": request.jurisdiction_code, "place": request.place_id, "scopes": scopes})
        async with self.database.read() as session:
            rows, more = await InspectionStore(session).list(scopes, request.jurisdiction_code, request.place_id, page)
        token = page.next_token((str(rows[-1].inspected_at), rows[-1].id) if rows else None, more)
        return fire_pb2.ListInspectionsResponse(inspections=[convert.inspection_message(r) for r in rows],
                                                page={"next_page_token": token})

    # ---- hazards ----------------------------------------------------------------------------------

    async def GetHazard(self, request: fire_pb2.GetHazardRequest, context: Any) -> fire_pb2.GetHazardResponse:
        async with self.database.read() as session:
            store = HazardStore(session)
            row = await store.get(request.id)
            actor.require_in_scope(row.jurisdiction_code)
            history = await store.history(row.id)
        return fire_pb2.GetHazardResponse(hazard=convert.hazard_message(row, history))

    async def ListHazards(self, request: fire_pb2.ListHazardsRequest, context: Any) -> fire_pb2.ListHazardsResponse:
        code_filter("jurisdiction_code", request.jurisdiction_code)
        problems: list[FieldViolation] = []
        states = [HAZARD_STATE.collect(s, f"states[{i}]", problems) for i, s in enumerate(request.states)]
        if problems:
            raise InvalidArgument(problems)
        scopes = actor.read_scopes()
        page = page_from(request.page.page_size, request.page.page_token, {
            "list": "hazards", "code": request.jurisdiction_code, "states": sorted(s.value for s in states),
            "type": request.hazard_type_code, "place": request.place_id,
            "major": request.report_immediately_only, "scopes": scopes})
        async with self.database.read() as session:
            rows, more = await HazardStore(session).list(
                scopes, jurisdiction_code=request.jurisdiction_code, states=states,
                hazard_type_code=request.hazard_type_code, place_id=request.place_id,
                report_immediately_only=request.report_immediately_only, page=page)
        token = page.next_token((str(rows[-1].found_at), rows[-1].id) if rows else None, more)
        return fire_pb2.ListHazardsResponse(hazards=[convert.hazard_message(r) for r in rows],
                                            page={"next_page_token": token})

    async def GetHazardGridCounts(self, request: fire_pb2.GetHazardGridCountsRequest,
                                  context: Any) -> fire_pb2.GetHazardGridCountsResponse:
        prefix = request.jurisdiction_prefix.strip()
        if prefix:
            code_filter("jurisdiction_prefix", prefix)
        scopes = actor.read_scopes()

        async def count() -> list[map_layers.HazardCount]:
            async with self.database.read() as session:
                return await map_layers.hazard_counts(session, prefix, scopes)

        counts = await self.runtime.map_counts.get(("fire hazards", prefix, tuple(scopes)), count)
        return fire_pb2.GetHazardGridCountsResponse(grids=[
            fire_pb2.HazardGridCount(jurisdiction_code=c.code, open=c.open, overdue=c.overdue) for c in counts])

    async def ListPlacesInBox(self, request: fire_pb2.ListPlacesInBoxRequest,
                              context: Any) -> fire_pb2.ListPlacesInBoxResponse:
        box = Box.of(request.box, request.HasField("box"))
        limit = point_limit(request.limit)
        async with self.database.read() as session:
            rows, truncated = await map_layers.places_in_box(session, box, limit, actor.read_scopes())
        return fire_pb2.ListPlacesInBoxResponse(truncated=truncated, places=[fire_pb2.PlacePoint(
            id=r.id, name=r.name, type=convert.PLACE_TYPE.to_proto(r.type),
            risk_level=convert.RISK_LEVEL.to_proto(r.risk_level), jurisdiction_code=r.jurisdiction_code,
            location=geo_pb2.GeoPoint(latitude=r.latitude, longitude=r.longitude),
            next_due_on=r.next_due_on.isoformat()) for r in rows])

    async def _act(self, hazard_id: str, action: HazardAction, **options: Any) -> HazardRow:
        async with self.database.transaction() as session:
            store = HazardStore(session)
            row = await store.get(hazard_id)
            actor.require_in_scope(row.jurisdiction_code)
            now = self.runtime.clock()
            caller = actor.current()
            if action is HazardAction.VERIFY and (row.state, action) in domain.TRANSITIONS and \
                    not actor.is_system(caller):
                # The state first (its error names the allowed actions). The demo loader (a system actor)
                # verifies what it found; a person does not, unless the district turned four eyes off.
                four_eyes = await SettingsStore(session).four_eyes(row.jurisdiction_code)
                why = domain.verification_refusal(row.found_by, caller.subject, four_eyes)
                if why:
                    raise PermissionDenied(why)
            if action is HazardAction.ORDER_RECTIFICATION and options.get("rectify_by") is None:
                hazard_type = await session.get(HazardTypeRow, row.hazard_type_code)
                days = hazard_type.rectify_days if hazard_type else 0
                options["rectify_by"] = domain.rectification_deadline(now, days, calendar.add_working_days)
            return await store.apply(row, action, caller.subject, now, **options)

    async def OrderRectification(self, request: fire_pb2.OrderRectificationRequest,
                                 context: Any) -> fire_pb2.OrderRectificationResponse:
        rectify_by = convert.from_timestamp(request, "rectify_by")
        # A trusted loader (system actor) records orders given earlier, as a paper ledger's history or the demo
        # district has them; their past deadlines reach the deadline job like any other. People order ahead.
        if rectify_by is not None and rectify_by <= self.runtime.clock() and not actor.is_system(actor.current()):
            raise InvalidArgument.field("rectify_by", "must be in the future")
        row = await self._act(request.id, HazardAction.ORDER_RECTIFICATION, rectify_by=rectify_by, note=request.note)
        return fire_pb2.OrderRectificationResponse(hazard=convert.hazard_message(row))

    async def ClaimFix(self, request: fire_pb2.ClaimFixRequest, context: Any) -> fire_pb2.ClaimFixResponse:
        row = await self._act(request.id, HazardAction.CLAIM_FIX, note=request.note, evidence=list(request.evidence))
        return fire_pb2.ClaimFixResponse(hazard=convert.hazard_message(row))

    async def VerifyFix(self, request: fire_pb2.VerifyFixRequest, context: Any) -> fire_pb2.VerifyFixResponse:
        row = await self._act(request.id, HazardAction.VERIFY, note=request.note)
        return fire_pb2.VerifyFixResponse(hazard=convert.hazard_message(row))

    async def ReopenHazard(self, request: fire_pb2.ReopenHazardRequest,
                           context: Any) -> fire_pb2.ReopenHazardResponse:
        if not request.reason.strip():
            raise InvalidArgument.field("reason", "must say why the fix does not hold")
        row = await self._act(request.id, HazardAction.REOPEN, note=request.reason)
        return fire_pb2.ReopenHazardResponse(hazard=convert.hazard_message(row))

    # ---- the ledger -------------------------------------------------------------------------------

    async def GetLedgerStatistics(self, request: fire_pb2.GetLedgerStatisticsRequest,
                                  context: Any) -> fire_pb2.GetLedgerStatisticsResponse:
        code_filter("jurisdiction_code", request.jurisdiction_code)
        async with self.database.read() as session:
            rows, total = await ledger.statistics(
                session, actor.read_scopes(), request.jurisdiction_code,
                convert.from_timestamp(request, "found_from"), convert.from_timestamp(request, "found_to"))

        def message(stat: ledger.Statistic) -> fire_pb2.LedgerStatistic:
            return fire_pb2.LedgerStatistic(
                hazard_type_code=stat.hazard_type_code, jurisdiction_code=stat.jurisdiction_code, found=stat.found,
                rectified_on_time=stat.rectified_on_time, overdue=stat.overdue, handed_over=stat.handed_over,
                rectification_rate=stat.rectification_rate)

        return fire_pb2.GetLedgerStatisticsResponse(rows=[message(r) for r in rows], total=message(total))

    async def ExportLedger(self, request: fire_pb2.ExportLedgerRequest,
                           context: Any) -> fire_pb2.ExportLedgerResponse:
        problems: list[FieldViolation] = []
        if not request.jurisdiction_code:
            problems.append(FieldViolation("jurisdiction_code", "must be set"))
        section = SECTIONS.get(request.section)
        if section is None:
            problems.append(FieldViolation("section", "must be PLACES, INSPECTIONS, HAZARDS or STATISTICS"))
        formats = {fire_pb2.FILE_FORMAT_CSV: FileFormat.CSV, fire_pb2.FILE_FORMAT_XLSX: FileFormat.XLSX}
        file_format = formats.get(request.format)
        if file_format is None:
            problems.append(FieldViolation("format", "must be CSV or XLSX"))
        if problems:
            raise InvalidArgument(problems)
        assert section is not None and file_format is not None
        code_filter("jurisdiction_code", request.jurisdiction_code)
        actor.require_in_scope(request.jurisdiction_code)
        async with self.database.read() as session:
            content = await ledger.export(session, section, file_format, actor.read_scopes(),
                                          request.jurisdiction_code, actor.masks)
        return fire_pb2.ExportLedgerResponse(
            content=content, file_name=f"fire-ledger-{section.value}-{request.jurisdiction_code}.{file_format.value}",
            content_type=CONTENT_TYPES[file_format])
