"""The violation RPCs: report (raising the case), read, list, add evidence."""

from __future__ import annotations

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.convert import from_proto, violation_message
from services.inspection.domain import ViolationState, check_violation
from services.inspection.records import PatrolStore, ViolationStore
from services.inspection.servicer_base import ServicerBase, scopes_within
from services.inspection.store import RulesStore, SourceStore
from services.kit import actor
from services.kit.errors import InvalidArgument, NotFound, Violations
from services.kit.pagination import page_from


class ViolationRpcs(ServicerBase):
    async def ReportViolation(self, request: pb.ReportViolationRequest, context: grpc.aio.ServicerContext
                              ) -> pb.ReportViolationResponse:
        """Stores the violation and its CaseRequested together: one case per violation, even if cases is down."""

        async def work(session: AsyncSession) -> pb.ReportViolationResponse:
            try:
                source = await SourceStore(session).get(request.source_id)
            except NotFound:
                raise InvalidArgument.field("source_id", f"no pollution source {request.source_id!r}") from None
            actor.require_in_scope(source.jurisdiction_code)
            rules_store = RulesStore(session)
            vt = await rules_store.violation_type(request.violation_type.strip())
            if vt is None:
                raise InvalidArgument.field("violation_type", f"{request.violation_type!r} is not in the catalogue")
            rules = await rules_store.load()
            check_violation(vt, source.source_type, source.status, request.checklist_item.strip(), rules.checklist,
                            request.description, list(request.evidence))
            if request.patrol_id:
                patrol = await PatrolStore(session).get(request.patrol_id)
                if patrol is None or not source.jurisdiction_code.startswith(patrol.jurisdiction_code):
                    problems = Violations()
                    problems.add("patrol_id", "names no patrol of this source's area")
                    problems.raise_if_any()
            row = await ViolationStore(session).report(
                source=source, vt=vt, checklist_item=request.checklist_item.strip(), description=request.description,
                evidence=list(request.evidence), reporter=actor.current().subject, patrol_id=request.patrol_id,
                urgent=request.urgent, now=self.now())
            return pb.ReportViolationResponse(violation=violation_message(row))

        return await self.write_once(request, pb.ReportViolationResponse, work)

    async def GetViolation(self, request: pb.GetViolationRequest, context: grpc.aio.ServicerContext
                           ) -> pb.GetViolationResponse:
        async with self.database.read() as session:
            row = await ViolationStore(session).get(request.id)
        actor.require_in_scope(row.jurisdiction_code)
        return pb.GetViolationResponse(violation=violation_message(row))

    async def ListViolations(self, request: pb.ListViolationsRequest, context: grpc.aio.ServicerContext
                             ) -> pb.ListViolationsResponse:
        scopes = scopes_within(request.jurisdiction_code)
        state = from_proto(ViolationState, request.state, "state", required=False)
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "state": state, "source": request.source_id})
        async with self.database.read() as session:
            rows, more = await ViolationStore(session).list(scopes, page, state=state, source_id=request.source_id)
        last = (rows[-1].id,) if rows else None
        return pb.ListViolationsResponse(violations=[violation_message(r) for r in rows],
                                         page={"next_page_token": page.next_token(last, more)})

    async def AddViolationEvidence(self, request: pb.AddViolationEvidenceRequest,
                                   context: grpc.aio.ServicerContext) -> pb.AddViolationEvidenceResponse:
        problems = Violations()
        if not request.evidence:
            problems.add("evidence", "must name at least one reference")
        for i, item in enumerate(request.evidence):
            if not item.strip() or len(item) > 500:
                problems.add(f"evidence[{i}]", "must be a reference of 1 to 500 characters")
        problems.raise_if_any()

        async def work(session: AsyncSession) -> pb.AddViolationEvidenceResponse:
            store = ViolationStore(session)
            row = await store.get(request.id, for_update=True)
            actor.require_in_scope(row.jurisdiction_code)
            row = await store.add_evidence(row, list(request.evidence))
            return pb.AddViolationEvidenceResponse(violation=violation_message(row))

        # Evidence is appended: a retried upload would list its photos twice.
        return await self.write_once(request, pb.AddViolationEvidenceResponse, work)
