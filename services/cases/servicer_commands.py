"""The verb RPCs: each builds its domain command and lets perform() do the rest in one transaction."""

from __future__ import annotations

from typing import Any

import grpc
from sqlalchemy.orm import Session

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases import convert, domain, roles
from services.cases.catalogue_store import CatalogueStore
from services.cases.intake import NewCase, check, open_case
from services.cases.models import RatingRow
from services.cases.servicer_base import ServicerBase, current_actor, require_id
from services.cases.store import CaseStore
from services.kit import actor as actor_context
from services.kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied

A = domain.Action
Ctx = grpc.aio.ServicerContext


def _cmd(action: domain.Action, **fields: Any) -> Any:
    """A command builder: the acting subject, and for unit actions the subject's department as the unit."""
    def build(session: Session, case: domain.Case, actor: roles.Actor) -> domain.Command:
        unit = fields.get("unit", "")
        if action in roles.UNIT_ACTIONS:
            # A trusted system actor (the demo loader) acts for the lead unit.
            unit = actor.department or (case.handling_unit if actor.is_system else "")
        rest = {k: v for k, v in fields.items() if k != "unit"}
        return domain.Command(action, actor.subject, unit=unit, **rest)
    return build


class CommandServicer(ServicerBase):
    async def ReportCase(self, request: pb.ReportCaseRequest, context: Ctx) -> pb.ReportCaseResponse:
        actor = current_actor()
        located = request.HasField("location")
        new = NewCase(
            category_code=request.category_code.strip(), description=request.description,
            jurisdiction_code=request.jurisdiction_code.strip(),
            source=convert.SOURCES.optional(request.source, "source"),
            reporter="" if request.source == pb.SOURCE_CHANNEL_ANONYMOUS else actor.subject,
            address=request.address.strip(), latitude=request.location.latitude if located else None,
            longitude=request.location.longitude if located else None, urgent=request.urgent,
            evidence=tuple(request.evidence), reporter_phone=request.reporter_phone.strip(),
            located_grid=request.located_grid.strip(),
        )
        now = self.now()

        def work(session: Session) -> pb.ReportCaseResponse:
            category = check(session, new)
            actor_context.require_in_scope(new.jurisdiction_code)
            why = roles.report_refusal(actor, new.jurisdiction_code)
            if why:
                raise PermissionDenied(why)
            return pb.ReportCaseResponse(
                case=convert.case(open_case(session, new, category, actor.subject, now, self.duplicates)))

        return await self.run_write_once(request, pb.ReportCaseResponse, work)

    async def RegisterCase(self, request: pb.RegisterCaseRequest, context: Ctx) -> pb.RegisterCaseResponse:
        case, _ = await self.perform(request.case_id, A.REGISTER, _cmd(A.REGISTER, comment=request.comment))
        return pb.RegisterCaseResponse(case=case)

    async def RejectCase(self, request: pb.RejectCaseRequest, context: Ctx) -> pb.RejectCaseResponse:
        case, _ = await self.perform(request.case_id, A.REJECT, _cmd(A.REJECT, comment=request.reason))
        return pb.RejectCaseResponse(case=case)

    async def VoidCase(self, request: pb.VoidCaseRequest, context: Ctx) -> pb.VoidCaseResponse:
        case, _ = await self.perform(request.case_id, A.VOID, _cmd(A.VOID, comment=request.reason))
        return pb.VoidCaseResponse(case=case)

    async def MergeCase(self, request: pb.MergeCaseRequest, context: Ctx) -> pb.MergeCaseResponse:
        original_id = require_id(request.original_id, "original_id")
        original = await self.database.run_read(lambda session: CaseStore(session).get(original_id))
        if original is None:
            raise NotFound("case", original_id)
        actor_context.require_in_scope(original.case.jurisdiction_code)
        if original.case.state not in domain.OPEN_STATES:
            raise FailedPrecondition(f"case {original.case.number} is {original.case.state.value}: "
                                     "merge only into an open case")
        build = _cmd(A.MERGE, comment=request.comment, merged_into=original_id)
        case, _ = await self.perform(request.case_id, A.MERGE, build)
        return pb.MergeCaseResponse(case=case)

    async def DispatchCase(self, request: pb.DispatchCaseRequest, context: Ctx) -> pb.DispatchCaseResponse:
        co_units = tuple(u.strip() for u in request.co_units)

        def build(session: Session, case: domain.Case, actor: roles.Actor) -> domain.Command:
            catalogue = CatalogueStore(session)
            category = catalogue.current(case.category_code)
            if category is None:
                raise FailedPrecondition(f"category {case.category_code} is no longer in the catalogue")
            # The command centre's choice overrides the dispatch table.
            unit = request.unit.strip() or catalogue.route(category, case.jurisdiction_code)
            return _cmd(A.DISPATCH, unit=unit, co_units=co_units, limit=category.limit,
                        category_version=category.version, comment=request.comment)(session, case, actor)

        case, _ = await self.perform(request.case_id, A.DISPATCH, build)
        return pb.DispatchCaseResponse(case=case)

    async def AcceptCase(self, request: pb.AcceptCaseRequest, context: Ctx) -> pb.AcceptCaseResponse:
        case, _ = await self.perform(request.case_id, A.ACCEPT, _cmd(A.ACCEPT, comment=request.comment))
        return pb.AcceptCaseResponse(case=case)

    async def ReturnCase(self, request: pb.ReturnCaseRequest, context: Ctx) -> pb.ReturnCaseResponse:
        case, _ = await self.perform(request.case_id, A.RETURN, _cmd(A.RETURN, comment=request.reason))
        return pb.ReturnCaseResponse(case=case)

    async def HandleCase(self, request: pb.HandleCaseRequest, context: Ctx) -> pb.HandleCaseResponse:
        build = _cmd(A.HANDLE, comment=request.resolution, evidence=tuple(request.evidence))
        case, _ = await self.perform(request.case_id, A.HANDLE, build)
        return pb.HandleCaseResponse(case=case)

    async def VerifyCase(self, request: pb.VerifyCaseRequest, context: Ctx) -> pb.VerifyCaseResponse:
        action = A.CLOSE if request.passed else A.REWORK
        case, _ = await self.perform(request.case_id, action,
                                     _cmd(action, comment=request.comment, evidence=tuple(request.evidence)))
        return pb.VerifyCaseResponse(case=case)

    async def CallbackCase(self, request: pb.CallbackCaseRequest, context: Ctx) -> pb.CallbackCaseResponse:
        satisfaction = convert.SATISFACTION.required(request.satisfaction, "satisfaction")
        action = A.REOPEN if satisfaction is domain.Satisfaction.UNSATISFIED else A.CALLBACK
        reporters: list[str] = []

        def called_back(session: Session, outcome: domain.Outcome, actor: roles.Actor) -> None:
            # The reporters of every report merged into this case hear the same callback.
            merged = CaseStore(session).merged_reporters(outcome.case.id)
            reporters.extend(r for r in [outcome.case.reporter, *merged] if r)

        case, _ = await self.perform(request.case_id, action,
                                     _cmd(action, comment=request.comment, satisfaction=satisfaction),
                                     after=called_back)
        return pb.CallbackCaseResponse(case=case, reporters=reporters)

    async def ArchiveCase(self, request: pb.ArchiveCaseRequest, context: Ctx) -> pb.ArchiveCaseResponse:
        case, _ = await self.perform(request.case_id, A.ARCHIVE, _cmd(A.ARCHIVE, comment=request.comment))
        return pb.ArchiveCaseResponse(case=case)

    async def RequestExtension(self, request: pb.RequestExtensionRequest,
                               context: Ctx) -> pb.RequestExtensionResponse:
        build = _cmd(A.REQUEST_EXTENSION, comment=request.reason, amount=request.amount)
        case, _ = await self.perform(request.case_id, A.REQUEST_EXTENSION, build)
        return pb.RequestExtensionResponse(case=case)

    async def DecideExtension(self, request: pb.DecideExtensionRequest,
                              context: Ctx) -> pb.DecideExtensionResponse:
        action = A.APPROVE_EXTENSION if request.approve else A.REFUSE_EXTENSION
        case, _ = await self.perform(request.case_id, action, _cmd(action, comment=request.comment))
        return pb.DecideExtensionResponse(case=case)

    async def RequestHold(self, request: pb.RequestHoldRequest, context: Ctx) -> pb.RequestHoldResponse:
        case, _ = await self.perform(request.case_id, A.REQUEST_HOLD, _cmd(A.REQUEST_HOLD, comment=request.reason))
        return pb.RequestHoldResponse(case=case)

    async def DecideHold(self, request: pb.DecideHoldRequest, context: Ctx) -> pb.DecideHoldResponse:
        action = A.APPROVE_HOLD if request.approve else A.REFUSE_HOLD
        case, _ = await self.perform(request.case_id, action, _cmd(action, comment=request.comment))
        return pb.DecideHoldResponse(case=case)

    async def ResumeCase(self, request: pb.ResumeCaseRequest, context: Ctx) -> pb.ResumeCaseResponse:
        case, _ = await self.perform(request.case_id, A.RESUME, _cmd(A.RESUME, comment=request.comment))
        return pb.ResumeCaseResponse(case=case)

    async def EscalateCase(self, request: pb.EscalateCaseRequest, context: Ctx) -> pb.EscalateCaseResponse:
        case, _ = await self.perform(request.case_id, A.ESCALATE, _cmd(A.ESCALATE, comment=request.reason))
        return pb.EscalateCaseResponse(case=case)

    async def LinkEmergency(self, request: pb.LinkEmergencyRequest, context: Ctx) -> pb.LinkEmergencyResponse:
        build = _cmd(A.LINK_EMERGENCY, comment=request.comment)
        case, _ = await self.perform(request.case_id, A.LINK_EMERGENCY, build)
        return pb.LinkEmergencyResponse(case=case)

    async def SuperviseCase(self, request: pb.SuperviseCaseRequest, context: Ctx) -> pb.SuperviseCaseResponse:
        case, _ = await self.perform(request.case_id, A.SUPERVISE, _cmd(A.SUPERVISE, comment=request.reason))
        return pb.SuperviseCaseResponse(case=case)

    async def RateHandling(self, request: pb.RateHandlingRequest, context: Ctx) -> pb.RateHandlingResponse:
        if not 1 <= request.score <= 5:
            raise InvalidArgument.field("score", "must be 1 to 5")

        def rate(session: Session, outcome: domain.Outcome, actor: roles.Actor) -> None:
            case = outcome.case
            tier = max((roles.CENTRE_TIERS[r] for r, s in actor.roles
                        if r in roles.RATER_ROLES and case.jurisdiction_code.startswith(s)), default=None)
            assert tier is not None  # roles.refusal() checked it
            if session.get(RatingRow, (case.id, tier)) is not None:
                raise AlreadyExists(f"the {tier.name.lower()} tier has already rated case {case.number}")
            session.add(RatingRow(case_id=case.id, rater_tier=tier, rater=actor.subject, unit=case.answerable_unit,
                                  jurisdiction_code=case.jurisdiction_code, reported_at=case.reported_at,
                                  reporter=case.reporter, score=request.score, comment=request.comment,
                                  rated_at=self.now()))

        case, _ = await self.perform(request.case_id, A.RATE, _cmd(A.RATE, comment=request.comment), after=rate)
        return pb.RateHandlingResponse(case=case)
