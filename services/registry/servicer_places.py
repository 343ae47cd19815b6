"""RPCs of the jurisdiction tree, buildings and organizations."""

from __future__ import annotations

from dataclasses import replace

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.actor import read_scopes, require_in_scope
from services.kit.errors import AlreadyExists, InvalidArgument, NotFound, Violations
from services.kit.ids import new_id
from services.kit.pagination import page_from
from services.kit.validation import coordinate_problems
from services.registry import convert, domain
from services.registry.servicer_base import ServicerBase, check_prefix, require_grid, require_id
from services.registry.store import BuildingStore, OrganizationStore, TreeStore


def _staff_problems(member: pb.GridStaffMember, field: str, violations: Violations) -> None:
    if not member.subject.strip():
        violations.add(f"{field}.subject", "is required")
    if not member.name.strip():
        violations.add(f"{field}.name", "is required")
    problem = domain.phone_problem(member.phone.strip())
    if problem:
        violations.add(f"{field}.phone", problem)


def _staff(member: pb.GridStaffMember) -> domain.StaffMember:
    return domain.StaffMember(member.subject.strip(), member.name.strip(), member.phone.strip())


def _location(request: pb.CreateBuildingRequest | pb.UpdateBuildingRequest,
              violations: Violations) -> tuple[float | None, float | None]:
    if not request.HasField("location"):
        return None, None
    latitude, longitude = request.location.latitude, request.location.longitude
    violations.extend(coordinate_problems(latitude, longitude))
    return latitude, longitude


def _organization(request: pb.CreateOrganizationRequest | pb.UpdateOrganizationRequest, organization_id: str,
                  jurisdiction_code: str) -> domain.Organization:
    violations = Violations()
    if not request.name.strip():
        violations.add("name", "is required")
    credit_code = request.credit_code.strip().upper()
    problem = domain.credit_code_problem(credit_code)
    if problem:
        violations.add("credit_code", problem)
    if not request.address.strip():
        violations.add("address", "is required")
    problem = domain.phone_problem(request.contact_phone.strip())
    if problem:
        violations.add("contact_phone", problem)
    violations.raise_if_any()
    return domain.Organization(organization_id, request.name.strip(), credit_code, request.address.strip(),
                               jurisdiction_code, request.contact_phone.strip())


def _located_grid(request: pb.CreateBuildingRequest | pb.UpdateBuildingRequest, violations: Violations) -> str:
    """The request's located_grid: empty, or a grid code (the gateway sets it when the location disagrees)."""
    located = request.located_grid.strip()
    if located and (problem := domain.code_problem(located, domain.JurisdictionLevel.GRID)):
        violations.add("located_grid", problem)
    return located


class PlaceRpcs(ServicerBase):
    # --- jurisdiction tree ---------------------------------------------------------------

    async def CreateJurisdiction(self, request: pb.CreateJurisdictionRequest,
                                 context: grpc.aio.ServicerContext) -> pb.CreateJurisdictionResponse:
        violations = Violations()
        code = request.code.strip()
        problem = domain.code_problem(code)
        if problem:
            raise InvalidArgument.field("code", problem)
        level = domain.level_of_code(code)
        if not request.name.strip():
            violations.add("name", "is required")
        grid_type = convert.GRID_TYPES.optional(request.grid_type, "grid_type")
        if level is domain.JurisdictionLevel.GRID and grid_type is None:
            violations.add("grid_type", "is required for a grid: urban or rural")
        if level is not domain.JurisdictionLevel.GRID and grid_type is not None:
            violations.add("grid_type", "only a grid has a grid type")
        violations.raise_if_any()
        require_in_scope(code)
        assert level is not None
        node = domain.Jurisdiction(code, request.name.strip(), level, domain.parent_code(code), grid_type)

        async def work(session: AsyncSession) -> pb.CreateJurisdictionResponse:
            tree = TreeStore(session)
            if await tree.get(code) is not None:
                raise AlreadyExists(f"jurisdiction {code} exists already")
            if node.parent_code and await tree.get(node.parent_code) is None:
                raise InvalidArgument.field("code", f"its parent {node.parent_code} is not in the tree")
            await tree.add(node, self.now())
            return pb.CreateJurisdictionResponse(jurisdiction=convert.jurisdiction(node))

        return await self.write_once(request, pb.CreateJurisdictionResponse, work)

    async def GetJurisdiction(self, request: pb.GetJurisdictionRequest,
                              context: grpc.aio.ServicerContext) -> pb.GetJurisdictionResponse:
        code = require_id(request.code, "code")
        async with self.database.read() as session:
            tree = TreeStore(session)
            node = await tree.get(code)
            if node is None:
                raise NotFound("jurisdiction", code)
            require_in_scope(code)
            children = await tree.children(code, read_scopes())
        return pb.GetJurisdictionResponse(jurisdiction=convert.jurisdiction(node),
                                          children=[convert.jurisdiction(c) for c in children])

    async def ListJurisdictions(self, request: pb.ListJurisdictionsRequest,
                                context: grpc.aio.ServicerContext) -> pb.ListJurisdictionsResponse:
        scopes = read_scopes()
        prefix = check_prefix(request.jurisdiction_prefix)
        parent = check_prefix(request.parent_code, "parent_code")
        level = convert.LEVELS.optional(request.level, "level")
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "prefix": prefix, "parent": parent, "level": level})
        async with self.database.read() as session:
            nodes, token = await TreeStore(session).list(scopes, page, parent_code=parent, level=level, prefix=prefix)
        return pb.ListJurisdictionsResponse(jurisdictions=[convert.jurisdiction(n) for n in nodes],
                                            page={"next_page_token": token})

    async def AssignGridWorkers(self, request: pb.AssignGridWorkersRequest,
                                context: grpc.aio.ServicerContext) -> pb.AssignGridWorkersResponse:
        code = require_id(request.code, "code")
        violations = Violations()
        if request.HasField("leader"):
            _staff_problems(request.leader, "leader", violations)
        subjects: set[str] = set()
        for index, worker in enumerate(request.workers):
            _staff_problems(worker, f"workers[{index}]", violations)
            if worker.subject.strip() in subjects:
                violations.add(f"workers[{index}].subject", "is listed twice")
            subjects.add(worker.subject.strip())
        violations.raise_if_any()
        require_in_scope(code)
        async with self.write() as session:
            await require_grid(session, code, "code")
            tree = TreeStore(session)
            await tree.set_staff(code, _staff(request.leader) if request.HasField("leader") else None,
                                 [_staff(w) for w in request.workers])
            node = await tree.get(code)
        assert node is not None
        return pb.AssignGridWorkersResponse(jurisdiction=convert.jurisdiction(node))

    # --- buildings -----------------------------------------------------------------------

    async def CreateBuilding(self, request: pb.CreateBuildingRequest,
                             context: grpc.aio.ServicerContext) -> pb.CreateBuildingResponse:
        violations = Violations()
        if not request.address.strip():
            violations.add("address", "is required")
        latitude, longitude = _location(request, violations)
        located = _located_grid(request, violations)
        violations.raise_if_any()
        code = request.jurisdiction_code.strip()
        require_in_scope(code)
        building = domain.Building(new_id(), code, request.address.strip(), request.name.strip(), latitude, longitude,
                                   located)

        async def work(session: AsyncSession) -> pb.CreateBuildingResponse:
            await require_grid(session, code)
            store = BuildingStore(session)
            if await store.find(code, building.address) is not None:
                raise AlreadyExists(f"grid {code} has a building at {building.address} already")
            await store.add(building, self.now())
            return pb.CreateBuildingResponse(building=convert.building(building))

        return await self.write_once(request, pb.CreateBuildingResponse, work)

    async def UpdateBuilding(self, request: pb.UpdateBuildingRequest,
                             context: grpc.aio.ServicerContext) -> pb.UpdateBuildingResponse:
        building_id = require_id(request.id)
        violations = Violations()
        if not request.address.strip():
            violations.add("address", "is required")
        latitude, longitude = _location(request, violations)
        located = _located_grid(request, violations)
        violations.raise_if_any()
        async with self.write() as session:
            store = BuildingStore(session)
            current = await store.get(building_id)
            if current is None:
                raise NotFound("building", building_id)
            require_in_scope(current.jurisdiction_code)
            building = replace(current, address=request.address.strip(), name=request.name.strip(),
                               latitude=latitude, longitude=longitude, located_grid=located)
            other = await store.find(building.jurisdiction_code, building.address)
            if other is not None and other.id != building_id:
                raise AlreadyExists(f"grid {building.jurisdiction_code} has a building at {building.address} already")
            await store.update(building)
        return pb.UpdateBuildingResponse(building=convert.building(building))

    async def GetBuilding(self, request: pb.GetBuildingRequest,
                          context: grpc.aio.ServicerContext) -> pb.GetBuildingResponse:
        building_id = require_id(request.id)
        async with self.database.read() as session:
            building = await BuildingStore(session).get(building_id)
        if building is None:
            raise NotFound("building", building_id)
        require_in_scope(building.jurisdiction_code)
        return pb.GetBuildingResponse(building=convert.building(building))

    async def ListBuildings(self, request: pb.ListBuildingsRequest,
                            context: grpc.aio.ServicerContext) -> pb.ListBuildingsResponse:
        scopes = read_scopes()
        prefix = check_prefix(request.jurisdiction_prefix)
        address = request.address.strip()
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "prefix": prefix, "address": address})
        async with self.database.read() as session:
            buildings, token = await BuildingStore(session).list(scopes, page, prefix=prefix, address=address)
        return pb.ListBuildingsResponse(buildings=[convert.building(b) for b in buildings],
                                        page={"next_page_token": token})

    # --- organizations -------------------------------------------------------------------

    async def CreateOrganization(self, request: pb.CreateOrganizationRequest,
                                 context: grpc.aio.ServicerContext) -> pb.CreateOrganizationResponse:
        code = request.jurisdiction_code.strip()
        organization = _organization(request, new_id(), code)
        require_in_scope(code)

        async def work(session: AsyncSession) -> pb.CreateOrganizationResponse:
            await require_grid(session, code)
            store = OrganizationStore(session)
            existing = await store.by_credit_code(organization.credit_code)
            if existing is not None:
                raise AlreadyExists(f"credit code {organization.credit_code} is registered to organization "
                                    f"{existing.name} ({existing.id})")
            await store.add(organization, self.now())
            return pb.CreateOrganizationResponse(organization=convert.organization(organization))

        return await self.write_once(request, pb.CreateOrganizationResponse, work)

    async def UpdateOrganization(self, request: pb.UpdateOrganizationRequest,
                                 context: grpc.aio.ServicerContext) -> pb.UpdateOrganizationResponse:
        organization_id = require_id(request.id)
        async with self.write() as session:
            store = OrganizationStore(session)
            current = await store.get(organization_id)
            if current is None:
                raise NotFound("organization", organization_id)
            require_in_scope(current.jurisdiction_code)
            organization = _organization(request, organization_id, current.jurisdiction_code)
            existing = await store.by_credit_code(organization.credit_code)
            if existing is not None and existing.id != organization_id:
                raise AlreadyExists(f"credit code {organization.credit_code} is registered to organization "
                                    f"{existing.name} ({existing.id})")
            await store.update(organization)
        return pb.UpdateOrganizationResponse(organization=convert.organization(organization))

    async def GetOrganization(self, request: pb.GetOrganizationRequest,
                              context: grpc.aio.ServicerContext) -> pb.GetOrganizationResponse:
        organization_id = require_id(request.id)
        async with self.database.read() as session:
            organization = await OrganizationStore(session).get(organization_id)
        if organization is None:
            raise NotFound("organization", organization_id)
        require_in_scope(organization.jurisdiction_code)
        return pb.GetOrganizationResponse(organization=convert.organization(organization))

    async def ListOrganizations(self, request: pb.ListOrganizationsRequest,
                                context: grpc.aio.ServicerContext) -> pb.ListOrganizationsResponse:
        scopes = read_scopes()
        prefix = check_prefix(request.jurisdiction_prefix)
        name = request.name.strip()
        page = page_from(request.page.page_size, request.page.page_token,
                         {"scopes": scopes, "prefix": prefix, "name": name})
        async with self.database.read() as session:
            organizations, token = await OrganizationStore(session).list(scopes, page, prefix=prefix, name=name)
        return pb.ListOrganizationsResponse(organizations=[convert.organization(o) for o in organizations],
                                            page={"next_page_token": token})
