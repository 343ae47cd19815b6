"""Queries and transactions of households and residents; keeps each household's head and count current."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, delete, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.clock import as_utc
from services.kit.jurisdiction import prefix_condition, scope_condition
from services.kit.pagination import Page
from services.registry import domain
from services.registry.models import HouseholdRow, HouseholdTag, ResidentRow
from services.registry.paging import keyset_page, keyset_query, page_of

# Rows per INSERT statement in bulk paths: large enough to be fast, small enough for SQLite's
# limit of 32,766 bound parameters (a resident row binds 12).
BATCH_ROWS = 2000


@dataclass(frozen=True)
class HouseholdFilter:
    prefix: str = ""
    care_level: domain.CareLevel | None = None
    tags: tuple[domain.VulnerableTag, ...] = ()
    name: str = ""


def to_resident(row: ResidentRow) -> domain.Resident:
    return domain.Resident(
        id=row.id, household_id=row.household_id, jurisdiction_code=row.jurisdiction_code, name=row.name,
        id_number=row.id_number, gender=row.gender, birth_date=row.birth_date, phone=row.phone,
        population_type=row.population_type, relationship=row.relationship,
    )


def tag_list(tags: Iterable[domain.VulnerableTag]) -> str:
    """The stored copy of a household's tags: distinct values in enum order."""
    chosen = set(tags)
    return ",".join(t.value for t in domain.VulnerableTag if t in chosen)


def to_household(row: Any, members: Sequence[domain.Resident] = ()) -> domain.Household:
    """A household from an ORM row or a Core row of the household table."""
    helper = domain.Helper(row.helper_name or "", row.helper_phone) if row.helper_phone else None
    return domain.Household(
        id=row.id, number=row.number, jurisdiction_code=row.jurisdiction_code, building_id=row.building_id,
        address=row.address, care_level=row.care_level, care_reason=row.care_reason, helper=helper,
        tags=tuple(domain.VulnerableTag(v) for v in row.tag_list.split(",") if v), head_name=row.head_name,
        member_count=row.member_count, created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at),
        members=tuple(members),
    )


def household_values(household: domain.Household) -> dict[str, Any]:
    return {
        "id": household.id, "number": household.number, "jurisdiction_code": household.jurisdiction_code,
        "building_id": household.building_id, "address": household.address, "care_level": household.care_level,
        "care_reason": household.care_reason, "helper_name": household.helper.name if household.helper else None,
        "helper_phone": household.helper.phone if household.helper else None,
        "head_name": household.head_name, "member_count": household.member_count,
        "tag_list": tag_list(household.tags), "created_at": household.created_at, "updated_at": household.updated_at,
    }


def resident_values(resident: domain.Resident, now: datetime) -> dict[str, Any]:
    return {
        "id": resident.id, "household_id": resident.household_id, "jurisdiction_code": resident.jurisdiction_code,
        "name": resident.name, "id_number": resident.id_number, "gender": resident.gender,
        "birth_date": resident.birth_date, "phone": resident.phone, "population_type": resident.population_type,
        "relationship": resident.relationship, "created_at": now,
    }


def list_query(scopes: Sequence[str], page: Page, where: HouseholdFilter) -> Select[Any]:
    """A page of households in ``scopes`` matching ``where``: a keyset range on (jurisdiction_code, id)."""
    return _list_query(tuple(scopes), page.size, page.after, where)


# Building the statement costs about a tenth of a list call; the same few first pages are asked for
# over and over. A statement holds no rows, only the SQL and its bound values, so sharing it is safe.
@lru_cache(maxsize=512)
def _list_query(scopes: tuple[str, ...], size: int, after: tuple[Any, ...] | None,
                where: HouseholdFilter) -> Select[Any]:
    page = Page(size, after, "")
    query = select(HouseholdRow.__table__).where(scope_condition(HouseholdRow.jurisdiction_code, scopes),
                                                 prefix_condition(HouseholdRow.jurisdiction_code, where.prefix))
    if where.care_level is not None:
        query = query.where(HouseholdRow.care_level == where.care_level)
    if where.name:
        query = query.where(HouseholdRow.head_name.contains(where.name, autoescape=True))
    for tag in where.tags:
        query = query.where(exists().where(HouseholdTag.household_id == HouseholdRow.id, HouseholdTag.tag == tag))
    return keyset_query(query, [HouseholdRow.jurisdiction_code, HouseholdRow.id], page)


def household_key(row: Any) -> list[str]:
    return [row.jurisdiction_code, row.id]


class HouseholdStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- reads ---------------------------------------------------------------------------

    async def get(self, household_id: str, *, members: bool = True) -> domain.Household | None:
        row = await self.session.get(HouseholdRow, household_id)
        if row is None:
            return None
        residents = await self.members(household_id) if members else []
        return to_household(row, residents)

    async def members(self, household_id: str) -> list[domain.Resident]:
        rows = (await self.session.execute(
            select(ResidentRow).where(ResidentRow.household_id == household_id)
            .order_by(ResidentRow.relationship != domain.Relationship.HEAD, ResidentRow.id))).scalars()
        return [to_resident(r) for r in rows]

    async def list(self, scopes: Sequence[str], page: Page, where: HouseholdFilter,
                   ) -> tuple[list[domain.Household], str]:
        """One keyset range query on (jurisdiction_code, id), read as Core rows (no ORM identity map)."""
        result = await (await self.session.connection()).execute(list_query(scopes, page, where))
        rows, token = page_of(result.all(), page, household_key)
        return [to_household(r) for r in rows], token

    async def registered_id_numbers(self, id_numbers: Iterable[str]) -> dict[str, str]:
        """Which of ``id_numbers`` are registered already, with the number of the household they are in."""
        wanted = sorted(set(id_numbers))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), BATCH_ROWS):
            rows = await self.session.execute(
                select(ResidentRow.id_number, HouseholdRow.number)
                .join(HouseholdRow, HouseholdRow.id == ResidentRow.household_id)
                .where(ResidentRow.id_number.in_(wanted[start:start + BATCH_ROWS])))
            found.update({id_number: number for id_number, number in rows.all()})
        return found

    async def taken_numbers(self, numbers: Iterable[str]) -> set[str]:
        wanted = sorted(set(numbers))
        taken: set[str] = set()
        for start in range(0, len(wanted), BATCH_ROWS):
            rows = await self.session.execute(
                select(HouseholdRow.number).where(HouseholdRow.number.in_(wanted[start:start + BATCH_ROWS])))
            taken.update(rows.scalars())
        return taken

    async def paired_helpers(self, phones: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Which helper phones are paired already, with the id and number of their household."""
        wanted = sorted(set(phones))
        if not wanted:
            return {}
        rows = await self.session.execute(select(HouseholdRow.helper_phone, HouseholdRow.id, HouseholdRow.number)
                                          .where(HouseholdRow.helper_phone.in_(wanted)))
        return {phone: (household_id, number) for phone, household_id, number in rows.all() if phone}

    async def export_rows(self, scopes: Sequence[str], prefix: str,
                          ) -> list[domain.Household]:
        """Every household in scope with its members, by grid and number (two queries, not one per household)."""
        condition = (scope_condition(HouseholdRow.jurisdiction_code, scopes)
                     & prefix_condition(HouseholdRow.jurisdiction_code, prefix))
        rows = list((await self.session.execute(
            select(HouseholdRow).where(condition).order_by(HouseholdRow.jurisdiction_code, HouseholdRow.number)
        )).scalars())
        members: dict[str, list[domain.Resident]] = {}
        resident_rows = await self.session.execute(
            select(ResidentRow).join(HouseholdRow, HouseholdRow.id == ResidentRow.household_id).where(condition)
            .order_by(ResidentRow.relationship != domain.Relationship.HEAD, ResidentRow.id))
        for resident in resident_rows.scalars():
            members.setdefault(resident.household_id, []).append(to_resident(resident))
        return [to_household(r, members.get(r.id, ())) for r in rows]

    # --- writes --------------------------------------------------------------------------

    async def add_many(self, households: Sequence[domain.Household], now: datetime) -> None:
        """Inserts households with their tags and members in large batches (imports, demo, benchmarks).

        Each household's head_name and member_count must already agree with its members.
        """
        rows = [household_values(h) for h in households]
        tags = [{"household_id": h.id, "tag": t} for h in households for t in h.tags]
        residents = [resident_values(r, now) for h in households for r in h.members]
        # Core inserts (executemany), not ORM bulk: no per-row ORM bookkeeping.
        for model, values in ((HouseholdRow, rows), (HouseholdTag, tags), (ResidentRow, residents)):
            for start in range(0, len(values), BATCH_ROWS):
                await self.session.execute(insert(model.__table__), values[start:start + BATCH_ROWS])

    async def update_details(self, household_id: str, number: str, tags: Sequence[domain.VulnerableTag],
                             now: datetime) -> None:
        await self.session.execute(update(HouseholdRow).where(HouseholdRow.id == household_id)
                                   .values(number=number, tag_list=tag_list(tags), updated_at=now))
        await self.session.execute(delete(HouseholdTag).where(HouseholdTag.household_id == household_id))
        if tags:
            await self.session.execute(insert(HouseholdTag), [{"household_id": household_id, "tag": t}
                                                              for t in dict.fromkeys(tags)])

    async def set_care(self, household_id: str, level: domain.CareLevel, reason: str,
                       helper: domain.Helper | None, now: datetime) -> None:
        await self.session.execute(update(HouseholdRow).where(HouseholdRow.id == household_id).values(
            care_level=level, care_reason=reason, helper_name=helper.name if helper else None,
            helper_phone=helper.phone if helper else None, updated_at=now))

    async def move(self, household_id: str, building: domain.Building, address: str, now: datetime) -> None:
        """Moves the household and its members to ``building``'s grid."""
        await self.session.execute(update(HouseholdRow).where(HouseholdRow.id == household_id).values(
            building_id=building.id, jurisdiction_code=building.jurisdiction_code, address=address, updated_at=now))
        await self.session.execute(update(ResidentRow).where(ResidentRow.household_id == household_id)
                                   .values(jurisdiction_code=building.jurisdiction_code))

    async def refresh_summary(self, household_id: str, now: datetime) -> None:
        """Recomputes head_name and member_count from the members, in the caller's transaction."""
        count = (await self.session.execute(
            select(func.count()).where(ResidentRow.household_id == household_id))).scalar_one()
        head = (await self.session.execute(select(ResidentRow.name).where(
            ResidentRow.household_id == household_id, ResidentRow.relationship == domain.Relationship.HEAD))).scalar()
        await self.session.execute(update(HouseholdRow).where(HouseholdRow.id == household_id).values(
            member_count=count, head_name=head or "", updated_at=now))


class ResidentStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, resident_id: str) -> domain.Resident | None:
        row = await self.session.get(ResidentRow, resident_id)
        return to_resident(row) if row else None

    async def by_id_number(self, id_number: str) -> domain.Resident | None:
        row = (await self.session.execute(select(ResidentRow).where(ResidentRow.id_number == id_number))).scalar()
        return to_resident(row) if row else None

    async def add(self, resident: domain.Resident, now: datetime) -> None:
        await self.session.execute(insert(ResidentRow), [resident_values(resident, now)])

    async def update(self, resident: domain.Resident) -> None:
        values = resident_values(resident, datetime.min)
        for key in ("id", "household_id", "jurisdiction_code", "created_at"):
            values.pop(key)
        await self.session.execute(update(ResidentRow).where(ResidentRow.id == resident.id).values(**values))

    async def remove(self, resident_id: str) -> None:
        await self.session.execute(delete(ResidentRow).where(ResidentRow.id == resident_id))

    async def list(self, scopes: Sequence[str], page: Page, *, prefix: str = "", household_id: str = "",
                   name: str = "", population_type: domain.PopulationType | None = None,
                   ) -> tuple[list[domain.Resident], str]:
        query = select(ResidentRow).where(scope_condition(ResidentRow.jurisdiction_code, scopes),
                                          prefix_condition(ResidentRow.jurisdiction_code, prefix))
        if household_id:
            query = query.where(ResidentRow.household_id == household_id)
        if name:
            query = query.where(ResidentRow.name.contains(name, autoescape=True))
        if population_type is not None:
            query = query.where(ResidentRow.population_type == population_type)
        rows, token = await keyset_page(self.session, query, [ResidentRow.jurisdiction_code, ResidentRow.id], page,
                                        lambda r: [r.jurisdiction_code, r.id])
        return [to_resident(r) for r in rows], token


def with_summary(household: domain.Household, members: Sequence[domain.Resident]) -> domain.Household:
    """``household`` with ``members`` and the head's name and member count they imply."""
    head = next((m.name for m in members if m.relationship is domain.Relationship.HEAD), "")
    return replace(household, members=tuple(members), head_name=head, member_count=len(members))
