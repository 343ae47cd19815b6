"""Queries and transactions of the jurisdiction tree, buildings, organizations and visits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from services.kit.clock import as_utc
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.pagination import Page
from services.registry import domain
from services.registry.models import BuildingRow, GridWorker, JurisdictionNode, OrganizationRow, VisitRow
from services.registry.paging import keyset_page


def to_jurisdiction(row: JurisdictionNode, workers: Sequence[GridWorker] = (), *,
                    with_boundary: bool = False) -> domain.Jurisdiction:
    """A node; its boundary only ``with_boundary`` (one node's read: lists defer the column, since a page of
    detailed shapes would pass the message limit)."""
    leader = (domain.StaffMember(row.leader_subject, row.leader_name or "", row.leader_phone or "")
              if row.leader_subject else None)
    return domain.Jurisdiction(
        code=row.code, name=row.name, level=row.level, parent_code=row.parent_code, grid_type=row.grid_type,
        leader=leader, workers=tuple(domain.StaffMember(w.subject, w.name, w.phone) for w in workers),
        boundary=domain.Boundary(row.boundary, row.area_m2 or 0.0) if with_boundary and row.boundary else None,
    )


def to_building(row: BuildingRow) -> domain.Building:
    return domain.Building(row.id, row.jurisdiction_code, row.address, row.name, row.latitude, row.longitude,
                           row.located_grid or "")


def to_organization(row: OrganizationRow) -> domain.Organization:
    return domain.Organization(row.id, row.name, row.credit_code, row.address, row.jurisdiction_code,
                               row.contact_phone)


def to_visit(row: VisitRow) -> domain.Visit:
    return domain.Visit(row.id, row.household_id, row.jurisdiction_code, row.worker, as_utc(row.visited_at),
                        row.notes)


class TreeStore:
    """The jurisdiction tree and the staff of its grids."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str) -> domain.Jurisdiction | None:
        row = await self.session.get(JurisdictionNode, code)
        if row is None:
            return None
        if "boundary" in inspect(row).unloaded:  # the row came from a list in this session, which defers it
            await self.session.refresh(row, ["boundary"])
        workers = (await self.session.execute(
            select(GridWorker).where(GridWorker.grid_code == code).order_by(GridWorker.position))).scalars()
        return to_jurisdiction(row, list(workers), with_boundary=True)

    async def add(self, node: domain.Jurisdiction, now: datetime) -> None:
        self.session.add(JurisdictionNode(code=node.code, name=node.name, level=node.level,
                                          parent_code=node.parent_code, grid_type=node.grid_type, created_at=now))
        await self.session.flush()

    async def set_staff(self, code: str, leader: domain.StaffMember | None,
                        workers: Sequence[domain.StaffMember]) -> None:
        row = await self.session.get(JurisdictionNode, code)
        assert row is not None
        row.leader_subject = leader.subject if leader else None
        row.leader_name = leader.name if leader else None
        row.leader_phone = leader.phone if leader else None
        await self.session.execute(delete(GridWorker).where(GridWorker.grid_code == code))
        self.session.add_all(GridWorker(grid_code=code, subject=w.subject, name=w.name, phone=w.phone, position=i)
                             for i, w in enumerate(workers))
        await self.session.flush()

    async def children(self, code: str, scopes: Sequence[str]) -> list[domain.Jurisdiction]:
        rows = (await self.session.execute(
            select(JurisdictionNode).options(defer(JurisdictionNode.boundary))
            .where(JurisdictionNode.parent_code == code, scope_condition(JurisdictionNode.code, scopes))
            .order_by(JurisdictionNode.code))).scalars()
        return [to_jurisdiction(r) for r in rows]

    async def list(self, scopes: Sequence[str], page: Page, *, parent_code: str = "",
                   level: domain.JurisdictionLevel | None = None, prefix: str = "",
                   ) -> tuple[list[domain.Jurisdiction], str]:
        query = select(JurisdictionNode).options(defer(JurisdictionNode.boundary)).where(
            scope_condition(JurisdictionNode.code, scopes), prefix_condition(JurisdictionNode.code, prefix))
        if parent_code:
            query = query.where(JurisdictionNode.parent_code == parent_code)
        if level is not None:
            query = query.where(JurisdictionNode.level == level)
        rows, token = await keyset_page(self.session, query, [JurisdictionNode.code], page, lambda r: [r.code])
        workers = await self._workers_of([r.code for r in rows if r.level is domain.JurisdictionLevel.GRID])
        return [to_jurisdiction(r, workers.get(r.code, ())) for r in rows], token

    async def _workers_of(self, codes: Sequence[str]) -> dict[str, list[GridWorker]]:
        """The workers of several grids in one query (a page of grids, never one query per grid)."""
        found: dict[str, list[GridWorker]] = {}
        if not codes:
            return found
        rows = (await self.session.execute(
            select(GridWorker).where(GridWorker.grid_code.in_(codes)).order_by(GridWorker.position))).scalars()
        for row in rows:
            found.setdefault(row.grid_code, []).append(row)
        return found

    async def existing_grids(self, codes: Iterable[str]) -> set[str]:
        """Which of ``codes`` are grid nodes of the tree."""
        wanted = sorted(set(codes))
        if not wanted:
            return set()
        rows = await self.session.execute(
            select(JurisdictionNode.code).where(JurisdictionNode.code.in_(wanted),
                                                JurisdictionNode.level == domain.JurisdictionLevel.GRID))
        return set(rows.scalars())


class BuildingStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, building_id: str) -> domain.Building | None:
        row = await self.session.get(BuildingRow, building_id)
        return to_building(row) if row else None

    async def find(self, jurisdiction_code: str, address: str) -> domain.Building | None:
        row = (await self.session.execute(select(BuildingRow).where(
            BuildingRow.jurisdiction_code == jurisdiction_code, BuildingRow.address == address))).scalar()
        return to_building(row) if row else None

    async def add(self, building: domain.Building, now: datetime) -> None:
        self.session.add(BuildingRow(id=building.id, jurisdiction_code=building.jurisdiction_code,
                                     address=building.address, name=building.name, latitude=building.latitude,
                                     longitude=building.longitude, created_at=now,
                                     located_grid=building.located_grid or None))
        await self.session.flush()

    async def add_many(self, buildings: Sequence[domain.Building], now: datetime) -> None:
        """Inserts buildings in batches (imports, demo data, benchmarks)."""
        values = [{"id": b.id, "jurisdiction_code": b.jurisdiction_code, "address": b.address, "name": b.name,
                   "latitude": b.latitude, "longitude": b.longitude, "created_at": now} for b in buildings]
        for start in range(0, len(values), 2000):
            await self.session.execute(insert(BuildingRow), values[start:start + 2000])

    async def find_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], domain.Building]:
        """The buildings at several (grid, address) pairs, by pair."""
        wanted = set(keys)
        found = await self.in_grids({grid for grid, _ in wanted})
        return {key: building for key, building in found.items() if key in wanted}

    async def in_grids(self, grids: Iterable[str]) -> dict[tuple[str, str], domain.Building]:
        """Every building of the given grids, by (grid, address)."""
        codes = sorted(set(grids))
        if not codes:
            return {}
        rows = await self.session.execute(select(BuildingRow).where(BuildingRow.jurisdiction_code.in_(codes)))
        return {(row.jurisdiction_code, row.address): to_building(row) for row in rows.scalars()}

    async def update(self, building: domain.Building) -> None:
        row = await self.session.get(BuildingRow, building.id)
        assert row is not None
        row.address, row.name = building.address, building.name
        row.latitude, row.longitude = building.latitude, building.longitude
        row.located_grid = building.located_grid or None
        await self.session.flush()

    async def list(self, scopes: Sequence[str], page: Page, *, prefix: str = "", address: str = "",
                   ) -> tuple[list[domain.Building], str]:
        query = select(BuildingRow).where(scope_condition(BuildingRow.jurisdiction_code, scopes),
                                          prefix_condition(BuildingRow.jurisdiction_code, prefix))
        if address:
            query = query.where(BuildingRow.address.contains(address, autoescape=True))
        rows, token = await keyset_page(self.session, query, [BuildingRow.jurisdiction_code, BuildingRow.id], page,
                                        lambda r: [r.jurisdiction_code, r.id])
        return [to_building(r) for r in rows], token


class OrganizationStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, organization_id: str) -> domain.Organization | None:
        row = await self.session.get(OrganizationRow, organization_id)
        return to_organization(row) if row else None

    async def by_credit_code(self, credit_code: str) -> domain.Organization | None:
        row = (await self.session.execute(
            select(OrganizationRow).where(OrganizationRow.credit_code == credit_code))).scalar()
        return to_organization(row) if row else None

    async def add(self, organization: domain.Organization, now: datetime) -> None:
        self.session.add(OrganizationRow(created_at=now, **_organization_values(organization)))
        await self.session.flush()

    async def update(self, organization: domain.Organization) -> None:
        row = await self.session.get(OrganizationRow, organization.id)
        assert row is not None
        for name, value in _organization_values(organization).items():
            setattr(row, name, value)
        await self.session.flush()

    async def list(self, scopes: Sequence[str], page: Page, *, prefix: str = "", name: str = "",
                   ) -> tuple[list[domain.Organization], str]:
        query = select(OrganizationRow).where(scope_condition(OrganizationRow.jurisdiction_code, scopes),
                                              prefix_condition(OrganizationRow.jurisdiction_code, prefix))
        if name:
            query = query.where(OrganizationRow.name.contains(name, autoescape=True))
        rows, token = await keyset_page(
            self.session, query, [OrganizationRow.jurisdiction_code, OrganizationRow.id], page,
            lambda r: [r.jurisdiction_code, r.id])
        return [to_organization(r) for r in rows], token


def _organization_values(organization: domain.Organization) -> dict[str, str]:
    return {"id": organization.id, "name": organization.name, "credit_code": organization.credit_code,
            "address": organization.address, "jurisdiction_code": organization.jurisdiction_code,
            "contact_phone": organization.contact_phone}


class VisitStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, visit: domain.Visit) -> None:
        self.session.add(VisitRow(id=visit.id, household_id=visit.household_id,
                                  jurisdiction_code=visit.jurisdiction_code, worker=visit.worker,
                                  visited_at=visit.visited_at, notes=visit.notes))
        await self.session.flush()

    async def list(self, scopes: Sequence[str], page: Page, *, household_id: str = "", prefix: str = "",
                   ) -> tuple[list[domain.Visit], str]:
        """Visits newest first."""
        query = select(VisitRow).where(scope_condition(VisitRow.jurisdiction_code, scopes),
                                       prefix_condition(VisitRow.jurisdiction_code, prefix))
        if household_id:
            query = query.where(VisitRow.household_id == household_id)
        rows, token = await keyset_page(
            self.session, query, [VisitRow.visited_at, VisitRow.id], page,
            lambda r: [as_utc(r.visited_at).isoformat(), r.id], descending=True,
            decode=lambda key: (datetime.fromisoformat(str(key[0])), key[1]))
        return [to_visit(r) for r in rows], token
