"""RPCs of residents: add, update, move out, read, list and look up by national ID."""

from __future__ import annotations

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.actor import read_scopes, require_in_scope
from services.kit.errors import FailedPrecondition, InvalidArgument, NotFound, Violations
from services.kit.ids import new_id
from services.kit.jurisdiction import within_any
from services.kit.masking import mask_id_number
from services.kit.pagination import page_from
from services.registry import convert, domain
from services.registry.household_store import HouseholdStore, ResidentStore
from services.registry.servicer_base import ServicerBase, check_prefix, require_id
from services.registry.servicer_households import check_resident, reject_registered


def _details(message: pb.ResidentInput) -> domain.ResidentDetails:
    details = convert.resident_details(message, "resident")
    violations = Violations()
    check_resident(details, "resident", violations)
    violations.raise_if_any()
    return details


class ResidentRpcs(ServicerBase):
    async def AddResident(self, request: pb.AddResidentRequest,
                          context: grpc.aio.ServicerContext) -> pb.AddResidentResponse:
        household_id = require_id(request.household_id, "household_id")
        details = _details(request.resident)
        if details.relationship is domain.Relationship.HEAD:
            raise InvalidArgument.field("resident.relationship", "the household has a head already")
        now = self.now()

        async def work(session: AsyncSession) -> pb.AddResidentResponse:
            households = HouseholdStore(session)
            household = await households.get(household_id, members=False)
            if household is None:
                raise NotFound("household", household_id)
            require_in_scope(household.jurisdiction_code)
            await reject_registered(session, [details.id_number], field="resident.id_number")
            resident = domain.admit_resident(details, household.id, household.jurisdiction_code, new_id())
            await ResidentStore(session).add(resident, now)
            await households.refresh_summary(household_id, now)
            return pb.AddResidentResponse(resident=convert.resident(resident))

        return await self.write_once(request, pb.AddResidentResponse, work)

    async def UpdateResident(self, request: pb.UpdateResidentRequest,
                             context: grpc.aio.ServicerContext) -> pb.UpdateResidentResponse:
        resident_id = require_id(request.id)
        details = _details(request.resident)
        now = self.now()
        async with self.write() as session:
            store = ResidentStore(session)
            current = await store.get(resident_id)
            if current is None:
                raise NotFound("resident", resident_id)
            require_in_scope(current.jurisdiction_code)
            was_head = current.relationship is domain.Relationship.HEAD
            if was_head != (details.relationship is domain.Relationship.HEAD):
                raise InvalidArgument.field("resident.relationship",
                                            "cannot change to or from head: a household keeps exactly one head")
            if details.id_number != current.id_number:
                await reject_registered(session, [details.id_number], field="resident.id_number")
            households = HouseholdStore(session)
            household = await households.get(current.household_id, members=False)
            assert household is not None
            resident = domain.admit_resident(details, household.id, household.jurisdiction_code, resident_id)
            await store.update(resident)
            await households.refresh_summary(household.id, now)
        return pb.UpdateResidentResponse(resident=convert.resident(resident))

    async def RemoveResident(self, request: pb.RemoveResidentRequest,
                             context: grpc.aio.ServicerContext) -> pb.RemoveResidentResponse:
        resident_id = require_id(request.id)
        now = self.now()
        async with self.write() as session:
            store = ResidentStore(session)
            resident = await store.get(resident_id)
            if resident is None:
                raise NotFound("resident", resident_id)
            require_in_scope(resident.jurisdiction_code)
            if resident.relationship is domain.Relationship.HEAD:
                raise FailedPrecondition("the head of household cannot move out of it; the household keeps its head")
            await store.remove(resident_id)
            households = HouseholdStore(session)
            await households.refresh_summary(resident.household_id, now)
            household = await households.get(resident.household_id)
        assert household is not None
        return pb.RemoveResidentResponse(household=convert.household(household))

    async def GetResident(self, request: pb.GetResidentRequest,
                          context: grpc.aio.ServicerContext) -> pb.GetResidentResponse:
        resident_id = require_id(request.id)
        async with self.database.read() as session:
            resident = await ResidentStore(session).get(resident_id)
        if resident is None:
            raise NotFound("resident", resident_id)
        require_in_scope(resident.jurisdiction_code)
        return pb.GetResidentResponse(resident=convert.resident(resident))

    async def ListResidents(self, request: pb.ListResidentsRequest,
                            context: grpc.aio.ServicerContext) -> pb.ListResidentsResponse:
        scopes = read_scopes()
        prefix = check_prefix(request.jurisdiction_prefix)
        household_id, name = request.household_id.strip(), request.name.strip()
        population = convert.POPULATION_TYPES.optional(request.population_type, "population_type")
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "filter": [prefix, household_id, name, population]})
        async with self.database.read() as session:
            residents, token = await ResidentStore(session).list(
                scopes, page, prefix=prefix, household_id=household_id, name=name, population_type=population)
        return pb.ListResidentsResponse(residents=[convert.resident(r) for r in residents],
                                        page={"next_page_token": token})

    async def FindResidentByIdNumber(self, request: pb.FindResidentByIdNumberRequest,
                                     context: grpc.aio.ServicerContext) -> pb.FindResidentByIdNumberResponse:
        try:
            number = domain.parse_national_id(request.id_number).number
        except ValueError as error:
            raise InvalidArgument.field("id_number", str(error)) from None
        async with self.database.read() as session:
            resident = await ResidentStore(session).by_id_number(number)
        # Out of scope reads the same as absent, so the lookup cannot probe other jurisdictions.
        if resident is None or not _readable(resident.jurisdiction_code):
            raise NotFound("resident", mask_id_number(number))
        return pb.FindResidentByIdNumberResponse(resident=convert.resident(resident))


def _readable(code: str) -> bool:
    return within_any(code, read_scopes())
