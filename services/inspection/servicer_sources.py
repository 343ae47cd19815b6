"""The inventory RPCs: sources and their status verbs, the survey import and export, rules and catalogue."""

from __future__ import annotations

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.convert import (
    draft_from,
    from_proto,
    rules_from,
    rules_message,
    source_message,
    violation_type_message,
)
from services.inspection.domain import (
    InspectionRules,
    SourceAction,
    SourceStatus,
    SourceType,
    ViolationType,
    source_transition,
    validate_rules,
    validate_source,
    validate_violation_type,
)
from services.inspection.models import SourceRow
from services.inspection.servicer_base import ServicerBase, scopes_within
from services.inspection.store import RulesStore, SourceStore, draft_of
from services.inspection.survey import COLUMNS, EXPORT_COLUMNS, REQUIRED, export_values, parse_row
from services.kit import actor
from services.kit.errors import FieldViolation, InvalidArgument, PermissionDenied
from services.kit.jurisdiction import within_any
from services.kit.masking import mask_phone
from services.kit.pagination import page_from
from services.kit.placer import located_grid
from services.kit.tabular import FileFormat, read_table, write_table

FORMATS = {pb.FILE_FORMAT_CSV: FileFormat.CSV, pb.FILE_FORMAT_XLSX: FileFormat.XLSX}
# A survey larger than this is split by grid: one transaction must stay short.
MAX_IMPORT_ROWS = 5000


def _format(number: int, field: str = "format") -> FileFormat:
    if number not in FORMATS:
        raise InvalidArgument.field(field, "must be CSV or XLSX")
    return FORMATS[number]


def _message(row: SourceRow, rules: InspectionRules) -> pb.Source:
    return source_message(row, rules.checklist, draft_of(row))


class SourceRpcs(ServicerBase):
    async def CreateSource(self, request: pb.CreateSourceRequest, context: grpc.aio.ServicerContext
                           ) -> pb.CreateSourceResponse:
        draft = draft_from(request.source)

        async def work(session: AsyncSession) -> pb.CreateSourceResponse:
            rules = await RulesStore(session).load()
            validate_source(draft, rules.checklist).raise_if_any()
            actor.require_in_scope(draft.jurisdiction_code)
            row = await SourceStore(session).add(draft, self.now())
            return pb.CreateSourceResponse(source=_message(row, rules))

        return await self.write_once(request, pb.CreateSourceResponse, work)

    async def GetSource(self, request: pb.GetSourceRequest, context: grpc.aio.ServicerContext
                        ) -> pb.GetSourceResponse:
        async with self.database.read() as session:
            row = await SourceStore(session).get(request.id)
            actor.require_in_scope(row.jurisdiction_code)
            rules = await RulesStore(session).load()
        return pb.GetSourceResponse(source=_message(row, rules))

    async def ListSources(self, request: pb.ListSourcesRequest, context: grpc.aio.ServicerContext
                          ) -> pb.ListSourcesResponse:
        scopes = scopes_within(request.jurisdiction_code)
        source_type = from_proto(SourceType, request.source_type, "source_type", required=False)
        status = from_proto(SourceStatus, request.status, "status", required=False)
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "type": source_type, "status": status})
        async with self.database.read() as session:
            rows, more = await SourceStore(session).list(scopes, page, source_type=source_type, status=status)
            rules = await RulesStore(session).load()
        last = (rows[-1].jurisdiction_code, rows[-1].id) if rows else None
        return pb.ListSourcesResponse(sources=[_message(r, rules) for r in rows],
                                      page={"next_page_token": page.next_token(last, more)})

    async def UpdateSource(self, request: pb.UpdateSourceRequest, context: grpc.aio.ServicerContext
                           ) -> pb.UpdateSourceResponse:
        draft = draft_from(request.source)
        async with self.database.transaction() as session:
            store = SourceStore(session)
            row = await store.get(request.id, for_update=True)
            actor.require_in_scope(row.jurisdiction_code)
            rules = await RulesStore(session).load()
            problems = validate_source(draft, rules.checklist)
            if draft.source_type is not row.source_type:
                problems.add("source.source_type", f"cannot change: the source is a {row.source_type.value}")
            problems.raise_if_any()
            actor.require_in_scope(draft.jurisdiction_code)
            row = await store.update(row, draft, self.now())
        return pb.UpdateSourceResponse(source=_message(row, rules))

    async def _act(self, source_id: str, action: SourceAction) -> pb.Source:
        async with self.database.transaction() as session:
            store = SourceStore(session)
            row = await store.get(source_id, for_update=True)
            actor.require_in_scope(row.jurisdiction_code)
            row.status = source_transition(row.status, action)
            row.updated_at = self.now()
            await session.flush()
            rules = await RulesStore(session).load()
        return _message(row, rules)

    async def RectifySource(self, request: pb.RectifySourceRequest, context: grpc.aio.ServicerContext
                            ) -> pb.RectifySourceResponse:
        return pb.RectifySourceResponse(source=await self._act(request.id, SourceAction.RECTIFY))

    async def ResumeSource(self, request: pb.ResumeSourceRequest, context: grpc.aio.ServicerContext
                           ) -> pb.ResumeSourceResponse:
        return pb.ResumeSourceResponse(source=await self._act(request.id, SourceAction.RESUME))

    async def CloseSource(self, request: pb.CloseSourceRequest, context: grpc.aio.ServicerContext
                          ) -> pb.CloseSourceResponse:
        return pb.CloseSourceResponse(source=await self._act(request.id, SourceAction.CLOSE))

    async def RelocateSource(self, request: pb.RelocateSourceRequest, context: grpc.aio.ServicerContext
                             ) -> pb.RelocateSourceResponse:
        return pb.RelocateSourceResponse(source=await self._act(request.id, SourceAction.RELOCATE))

    async def ReopenSource(self, request: pb.ReopenSourceRequest, context: grpc.aio.ServicerContext
                           ) -> pb.ReopenSourceResponse:
        return pb.ReopenSourceResponse(source=await self._act(request.id, SourceAction.REOPEN))

    async def ImportSources(self, request: pb.ImportSourcesRequest, context: grpc.aio.ServicerContext
                            ) -> pb.ImportSourcesResponse:
        """Every row valid, inside the caller's scope and new, or InvalidArgument naming each bad row."""
        file_format = _format(request.format)
        rows = read_table(request.data, file_format, COLUMNS, REQUIRED)
        if not rows:
            raise InvalidArgument.field("data", "has a header but no rows")
        if len(rows) > MAX_IMPORT_ROWS:
            raise InvalidArgument.field("data", f"has {len(rows)} rows; import at most {MAX_IMPORT_ROWS} at a time")
        scopes = actor.read_scopes()
        locate = located_grid(self.runtime)

        async def work(session: AsyncSession) -> pb.ImportSourcesResponse:
            rules = await RulesStore(session).load()
            store = SourceStore(session)
            problems: list[FieldViolation] = []
            drafts = []
            seen: dict[tuple[str, str, str], int] = {}
            for row in rows:
                draft, row_problems = parse_row(row, rules.checklist, locate)
                problems.extend(row_problems)
                if draft is None:
                    continue
                if not within_any(draft.jurisdiction_code, scopes):
                    problems.append(FieldViolation(f"rows[{row.line}].jurisdiction_code",
                                                   f"{draft.jurisdiction_code} is outside your jurisdiction"))
                    continue
                key = (draft.jurisdiction_code, draft.name.strip(), draft.address.strip())
                if key in seen:
                    problems.append(FieldViolation(f"rows[{row.line}].name",
                                                   f"repeats the source of line {seen[key]}"))
                    continue
                seen[key] = row.line
                drafts.append((row.line, key, draft))
            present = await store.existing_keys([key for _, key, _ in drafts])
            for line, key, _ in drafts:
                if key in present:
                    problems.append(FieldViolation(f"rows[{line}].name",
                                                   "is already in the inventory at this grid and address"))
            if problems:
                raise InvalidArgument(sorted(problems, key=_line_order))
            now = self.now()
            for _, _, draft in drafts:
                await store.add(draft, now)
            return pb.ImportSourcesResponse(imported=len(drafts))

        return await self.write_once(request, pb.ImportSourcesResponse, work)

    async def ExportSources(self, request: pb.ExportSourcesRequest, context: grpc.aio.ServicerContext
                            ) -> pb.ExportSourcesResponse:
        file_format = _format(request.format)
        scopes = scopes_within(request.jurisdiction_code)
        masked = actor.masks("contact_phone")
        async with self.database.read() as session:
            rows = await SourceStore(session).all_in(scopes)
            rules = await RulesStore(session).load()
        values = [export_values(draft_of(r), r.id, r.status.value,
                                mask_phone(r.contact_phone) if masked and r.contact_phone else r.contact_phone,
                                rules.checklist) for r in rows]
        return pb.ExportSourcesResponse(data=write_table(values, file_format, EXPORT_COLUMNS), rows=len(values))

    async def GetRules(self, request: pb.GetRulesRequest, context: grpc.aio.ServicerContext) -> pb.GetRulesResponse:
        actor.read_scopes()
        async with self.database.read() as session:
            rules = await RulesStore(session).load()
        return pb.GetRulesResponse(rules=rules_message(rules))

    async def SetRules(self, request: pb.SetRulesRequest, context: grpc.aio.ServicerContext) -> pb.SetRulesResponse:
        rules = rules_from(request.rules)
        validate_rules(rules, "rules.")
        _require_district_wide()
        async with self.database.transaction() as session:
            await RulesStore(session).save(rules)
        return pb.SetRulesResponse(rules=rules_message(rules))

    async def DefineViolationType(self, request: pb.DefineViolationTypeRequest,
                                  context: grpc.aio.ServicerContext) -> pb.DefineViolationTypeResponse:
        message = request.violation_type
        types = []
        for i, number in enumerate(message.source_types):
            member = from_proto(SourceType, number, f"violation_type.source_types[{i}]")
            assert member is not None
            types.append(member)
        vt = ViolationType(message.code.strip(), message.name, message.rectify_working_days, frozenset(types))
        validate_violation_type(vt)
        _require_district_wide()
        async with self.database.transaction() as session:
            await RulesStore(session).define_violation_type(vt)
        return pb.DefineViolationTypeResponse(violation_type=violation_type_message(vt))

    async def ListViolationTypes(self, request: pb.ListViolationTypesRequest,
                                 context: grpc.aio.ServicerContext) -> pb.ListViolationTypesResponse:
        actor.read_scopes()
        async with self.database.read() as session:
            types = await RulesStore(session).violation_types()
        return pb.ListViolationTypesResponse(violation_types=[violation_type_message(t) for t in types])


def _require_district_wide() -> None:
    """Rules and the catalogue apply to every grid: only a district-wide request may change them."""
    if not any(len(scope) <= 6 for scope in actor.read_scopes()):
        raise PermissionDenied("rules and the violation catalogue are changed district-wide only")


def _line_order(violation: FieldViolation) -> tuple[int, str]:
    inside = violation.field[len("rows["):].split("]", 1)[0]
    return (int(inside) if inside.isdigit() else 0, violation.field)
