"""RPCs of households, their care levels and moves, and grid workers' visits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit import actor
from services.kit.actor import read_scopes, require_in_scope
from services.kit.clock import as_utc
from services.kit.errors import AlreadyExists, InvalidArgument, NotFound, Violations
from services.kit.ids import new_id
from services.kit.masking import mask_id_number
from services.kit.pagination import page_from
from services.registry import convert, domain
from services.registry.household_list import list_households
from services.registry.household_store import HouseholdFilter, HouseholdStore, with_summary
from services.registry.servicer_base import ServicerBase, check_prefix, require_id
from services.registry.store import BuildingStore, VisitStore

# A visit may be recorded with a clock slightly ahead of ours, not from the future.
VISIT_CLOCK_SKEW = timedelta(minutes=5)


def check_resident(details: domain.ResidentDetails, field: str, violations: Violations) -> None:
    for name, problem in domain.resident_problems(details):
        violations.add(f"{field}.{name}", problem)


async def reject_registered(session: AsyncSession, id_numbers: Sequence[str], *, field: str) -> None:
    """Raises AlreadyExists naming the household an ID number is registered in."""
    registered = await HouseholdStore(session).registered_id_numbers(id_numbers)
    if registered:
        number, household = next(iter(sorted(registered.items())))
        raise AlreadyExists(f"{field}: national ID {mask_id_number(number)} is already registered "
                            f"in household {household}")


async def reject_paired(session: AsyncSession, helper: domain.Helper | None, household_id: str) -> None:
    """Raises AlreadyExists when the helper is paired with another household (pairing is one-to-one)."""
    if helper is None:
        return
    paired = await HouseholdStore(session).paired_helpers([helper.phone])
    if helper.phone in paired and paired[helper.phone][0] != household_id:
        raise AlreadyExists(f"helper {helper.name} is already paired with household {paired[helper.phone][1]}")


def care_from(level: int, reason: str, helper: pb.Helper, has_helper: bool, *, level_field: str = "care_level",
              reason_field: str = "reason") -> tuple[domain.CareLevel, str, domain.Helper | None]:
    care_level = convert.CARE_LEVELS.required(level, level_field)
    care_helper = convert.helper(helper, has_helper)
    violations = Violations()
    for name, problem in domain.care_problems(care_level, reason, care_helper):
        violations.add(reason_field if name == "reason" else name, problem)
    violations.raise_if_any()
    return care_level, reason.strip(), care_helper


def tags_from(values: Sequence[int], field: str = "tags") -> tuple[domain.VulnerableTag, ...]:
    return tuple(dict.fromkeys(convert.TAGS.required(v, f"{field}[{i}]") for i, v in enumerate(values)))


class HouseholdRpcs(ServicerBase):
    async def _household_in_scope(self, session: AsyncSession, household_id: str,
                                  *, members: bool = True) -> domain.Household:
        household = await HouseholdStore(session).get(household_id, members=members)
        if household is None:
            raise NotFound("household", household_id)
        require_in_scope(household.jurisdiction_code)
        return household

    async def CreateHousehold(self, request: pb.CreateHouseholdRequest,
                              context: grpc.aio.ServicerContext) -> pb.CreateHouseholdResponse:
        building_id = require_id(request.building_id, "building_id")
        care_level, reason, helper = care_from(request.care_level, request.care_reason, request.helper,
                                               request.HasField("helper"), reason_field="care_reason")
        tags = tags_from(request.tags)
        violations = Violations()
        details = [convert.resident_details(m, f"members[{i}]") for i, m in enumerate(request.members)]
        for index, member in enumerate(details):
            check_resident(member, f"members[{index}]", violations)
        problem = domain.head_problem([m.relationship for m in details])
        if problem:
            violations.add("members", problem)
        seen: set[str] = set()
        for index, member in enumerate(details):
            if member.id_number in seen:
                violations.add(f"members[{index}].id_number", "is given for two members")
            seen.add(member.id_number)
        number = request.number.strip() or f"H{new_id().replace('-', '')[-12:].upper()}"
        if len(number) > 32:
            violations.add("number", "must be at most 32 characters")
        violations.raise_if_any()
        now = self.now()

        async def work(session: AsyncSession) -> pb.CreateHouseholdResponse:
            building = await BuildingStore(session).get(building_id)
            if building is None:
                raise InvalidArgument.field("building_id", f"no building {building_id}")
            require_in_scope(building.jurisdiction_code)
            store = HouseholdStore(session)
            if await store.taken_numbers([number]):
                raise AlreadyExists(f"household number {number} is taken")
            await reject_registered(session, [m.id_number for m in details], field="members")
            await reject_paired(session, helper, "")
            address = building.address + request.dwelling.strip()
            household = domain.Household(new_id(), number, building.jurisdiction_code, building.id, address,
                                         care_level, reason, helper, tags, "", 0, now, now)
            members = [domain.admit_resident(d, household.id, household.jurisdiction_code, new_id()) for d in details]
            household = with_summary(household, members)
            await store.add_many([household], now)
            return pb.CreateHouseholdResponse(household=convert.household(household))

        return await self.write_once(request, pb.CreateHouseholdResponse, work)

    async def UpdateHousehold(self, request: pb.UpdateHouseholdRequest,
                              context: grpc.aio.ServicerContext) -> pb.UpdateHouseholdResponse:
        household_id = require_id(request.id)
        number = request.number.strip()
        if not number or len(number) > 32:
            raise InvalidArgument.field("number", "is required, at most 32 characters")
        tags = tags_from(request.tags)
        async with self.write() as session:
            current = await self._household_in_scope(session, household_id, members=False)
            store = HouseholdStore(session)
            if number != current.number and await store.taken_numbers([number]):
                raise AlreadyExists(f"household number {number} is taken")
            await store.update_details(household_id, number, tags, self.now())
            household = await store.get(household_id)
        assert household is not None
        return pb.UpdateHouseholdResponse(household=convert.household(household))

    async def GetHousehold(self, request: pb.GetHouseholdRequest,
                           context: grpc.aio.ServicerContext) -> pb.GetHouseholdResponse:
        household_id = require_id(request.id)
        async with self.database.read() as session:
            household = await self._household_in_scope(session, household_id)
        return pb.GetHouseholdResponse(household=convert.household(household))

    async def ListHouseholds(self, request: pb.ListHouseholdsRequest,
                             context: grpc.aio.ServicerContext) -> pb.ListHouseholdsResponse:
        scopes = read_scopes()
        where = HouseholdFilter(
            prefix=check_prefix(request.filter.jurisdiction_prefix, "filter.jurisdiction_prefix"),
            care_level=convert.CARE_LEVELS.optional(request.filter.care_level, "filter.care_level"),
            tags=tags_from(request.filter.tags, "filter.tags"), name=request.filter.name.strip())
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "filter": [where.prefix, where.care_level, where.tags, where.name]})
        return await list_households(self.database, scopes, page, where)

    async def MoveHousehold(self, request: pb.MoveHouseholdRequest,
                            context: grpc.aio.ServicerContext) -> pb.MoveHouseholdResponse:
        household_id = require_id(request.household_id, "household_id")
        building_id = require_id(request.building_id, "building_id")
        async with self.write() as session:
            await self._household_in_scope(session, household_id, members=False)
            building = await BuildingStore(session).get(building_id)
            if building is None:
                raise InvalidArgument.field("building_id", f"no building {building_id}")
            require_in_scope(building.jurisdiction_code)
            store = HouseholdStore(session)
            await store.move(household_id, building, building.address + request.dwelling.strip(), self.now())
            household = await store.get(household_id)
        assert household is not None
        return pb.MoveHouseholdResponse(household=convert.household(household))

    async def SetCareLevel(self, request: pb.SetCareLevelRequest,
                           context: grpc.aio.ServicerContext) -> pb.SetCareLevelResponse:
        household_id = require_id(request.household_id, "household_id")
        care_level, reason, helper = care_from(request.care_level, request.reason, request.helper,
                                               request.HasField("helper"))
        async with self.write() as session:
            await self._household_in_scope(session, household_id, members=False)
            await reject_paired(session, helper, household_id)
            store = HouseholdStore(session)
            await store.set_care(household_id, care_level, reason, helper, self.now())
            household = await store.get(household_id)
        assert household is not None
        return pb.SetCareLevelResponse(household=convert.household(household))

    # --- visits --------------------------------------------------------------------------

    async def RecordVisit(self, request: pb.RecordVisitRequest,
                          context: grpc.aio.ServicerContext) -> pb.RecordVisitResponse:
        household_id = require_id(request.household_id, "household_id")
        now = self.now()
        visited_at = as_utc(request.visited_at.ToDatetime()) if request.HasField("visited_at") else now
        violations = Violations()
        if not request.notes.strip():
            violations.add("notes", "is required: what the worker found")
        if visited_at > now + VISIT_CLOCK_SKEW:
            violations.add("visited_at", "must not be in the future")
        violations.raise_if_any()

        async def work(session: AsyncSession) -> pb.RecordVisitResponse:
            household = await self._household_in_scope(session, household_id, members=False)
            visit = domain.Visit(new_id(), household_id, household.jurisdiction_code, actor.current().subject,
                                 visited_at, request.notes.strip())
            await VisitStore(session).add(visit)
            return pb.RecordVisitResponse(visit=convert.visit(visit))

        return await self.write_once(request, pb.RecordVisitResponse, work)

    async def ListVisits(self, request: pb.ListVisitsRequest,
                         context: grpc.aio.ServicerContext) -> pb.ListVisitsResponse:
        scopes = read_scopes()
        prefix = check_prefix(request.jurisdiction_prefix)
        household_id = request.household_id.strip()
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "prefix": prefix, "household": household_id})
        async with self.database.read() as session:
            visits, token = await VisitStore(session).list(scopes, page, household_id=household_id, prefix=prefix)
        return pb.ListVisitsResponse(visits=[convert.visit(v) for v in visits], page={"next_page_token": token})
