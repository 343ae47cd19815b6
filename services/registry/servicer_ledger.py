"""RPCs of ledger files: import households and residents all or nothing, export them."""

from __future__ import annotations

from datetime import datetime

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.actor import masks, read_scopes
from services.kit.errors import InvalidArgument
from services.kit.ids import new_id
from services.kit.jurisdiction import within_any
from services.kit.masking import coarsen_birth_date, mask_id_number, mask_phone
from services.kit.tabular import CONTENT_TYPES, FileFormat, read_table, write_table
from services.registry import domain, ledger
from services.registry.household_store import HouseholdStore, with_summary
from services.registry.servicer_base import ServicerBase, check_prefix
from services.registry.store import BuildingStore, TreeStore

FORMATS = {pb.FILE_FORMAT_CSV: FileFormat.CSV, pb.FILE_FORMAT_XLSX: FileFormat.XLSX}
def file_format(value: int) -> FileFormat:
    if value not in FORMATS:
        raise InvalidArgument.field("format", "is required: FILE_FORMAT_CSV or FILE_FORMAT_XLSX")
    return FORMATS[value]


async def store_planned(session: AsyncSession, planned: list[ledger.PlannedHousehold], now: datetime) -> int:
    """Stores checked households; an address not yet registered in its grid becomes a building.

    Returns how many buildings were created.
    """
    building_store = BuildingStore(session)
    keys = {(h.jurisdiction_code, h.address) for h in planned}
    buildings = await building_store.find_many(keys)
    new = [domain.Building(new_id(), grid, address, "", None, None) for grid, address in sorted(keys - set(buildings))]
    await building_store.add_many(new, now)
    buildings.update({(b.jurisdiction_code, b.address): b for b in new})
    households = []
    for plan in planned:
        building = buildings[(plan.jurisdiction_code, plan.address)]
        household = domain.Household(new_id(), plan.number, plan.jurisdiction_code, building.id, plan.address,
                                     plan.care_level, plan.care_reason, plan.helper, plan.tags, "", 0, now, now)
        members = [domain.admit_resident(d, household.id, household.jurisdiction_code, new_id()) for d in plan.members]
        households.append(with_summary(household, members))
    await HouseholdStore(session).add_many(households, now)
    return len(new)


class LedgerRpcs(ServicerBase):
    async def ImportHouseholds(self, request: pb.ImportHouseholdsRequest,
                               context: grpc.aio.ServicerContext) -> pb.ImportHouseholdsResponse:
        fmt = file_format(request.format)
        rows = read_table(request.content, fmt, ledger.COLUMNS, ledger.REQUIRED)
        scopes = read_scopes()
        now = self.now()

        # One write transaction for the checks and the inserts, so nothing registered meanwhile slips past.
        async def work(session: AsyncSession) -> pb.ImportHouseholdsResponse:
            households_store = HouseholdStore(session)
            ids = [r.values.get("id_number", "").strip().upper() for r in rows]
            phones = [r.values.get("helper_phone", "").strip() for r in rows]
            known = ledger.Known(
                grids=await TreeStore(session).existing_grids(r.values.get("jurisdiction_code", "").strip()
                                                             for r in rows),
                in_scope=lambda code: within_any(code, scopes),
                registered=await households_store.registered_id_numbers(i for i in ids if i),
                taken_numbers=await households_store.taken_numbers(
                    r.values.get("household_number", "").strip() for r in rows),
                paired_helpers={phone: number for phone, (_, number)
                                in (await households_store.paired_helpers(p for p in phones if p)).items()},
            )
            planned, errors = ledger.check_rows(rows, known)
            residents = sum(len(h.members) for h in planned)
            buildings = 0
            if not errors and not request.dry_run:
                buildings = await store_planned(session, planned, now)
            return pb.ImportHouseholdsResponse(
                errors=[pb.RowError(line=e.line, field=e.field, reason=e.reason) for e in errors],
                households=0 if errors else len(planned), residents=0 if errors else residents, buildings=buildings,
                nothing_stored=bool(errors) or request.dry_run)

        # A file refused row by row stored nothing: its key stays free for the corrected file's retry.
        return await self.write_once(request, pb.ImportHouseholdsResponse, work,
                                     remember=lambda answer: not answer.nothing_stored)

    async def ExportHouseholds(self, request: pb.ExportHouseholdsRequest,
                               context: grpc.aio.ServicerContext) -> pb.ExportHouseholdsResponse:
        fmt = file_format(request.format)
        prefix = check_prefix(request.jurisdiction_prefix)
        scopes = read_scopes()
        async with self.database.read() as session:
            households = await HouseholdStore(session).export_rows(scopes, prefix)
        mask_ids, mask_phones = masks("id_number"), masks("phone")
        rows = ledger.export_rows(
            households,
            id_number=mask_id_number if mask_ids else str,
            phone=mask_phone if mask_phones else str,
            # A masked ID's hidden digits are the birth date: the year alone goes with it.
            birth_date=coarsen_birth_date if mask_ids else str)
        content = write_table(rows, fmt, ledger.COLUMNS)
        return pb.ExportHouseholdsResponse(
            content=content, content_type=CONTENT_TYPES[fmt], filename=f"households-{prefix or 'all'}.{fmt.value}",
            households=len(households), residents=len(rows))
