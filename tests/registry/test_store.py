"""The registry's store on SQLite and PostgreSQL: keyset pages, scopes, filters, summaries, constraints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.kit.database import Database
from services.kit.ids import new_id
from services.kit.migrations import upgrade
from services.kit.pagination import page_from
from services.registry import domain
from services.registry.bulk import bulk_load, ensure_demo_tree
from services.registry.household_store import HouseholdFilter, HouseholdStore, ResidentStore, with_summary
from services.registry.models import HouseholdRow, ResidentRow
from services.registry.plugin import plugin
from services.registry.store import BuildingStore, TreeStore, VisitStore

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
GRIDS = ("110108001001001", "110108001001002", "110108002001001")


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    await upgrade(database, plugin.migrations)
    async with database.transaction() as session:
        tree = TreeStore(session)
        await tree.add(domain.Jurisdiction("110108", "区", domain.JurisdictionLevel.DISTRICT, None), NOW)
        for street in ("110108001", "110108002"):
            await tree.add(domain.Jurisdiction(street, "街", domain.JurisdictionLevel.STREET, "110108"), NOW)
            await tree.add(domain.Jurisdiction(street + "001", "社区", domain.JurisdictionLevel.COMMUNITY, street),
                           NOW)
        for grid in GRIDS:
            await tree.add(domain.Jurisdiction(grid, "网格", domain.JurisdictionLevel.GRID, grid[:12],
                                               domain.GridType.URBAN), NOW)
    yield database


def person(n: int, household_id: str, grid: str, relationship: domain.Relationship) -> domain.Resident:
    first17 = f"110108{date(1970, 1, 1) + timedelta(days=n):%Y%m%d}{(n % 500) * 2 + 1:03d}"
    return domain.Resident(new_id(), household_id, grid, f"居民{n}", first17 + domain.id_check_character(first17),
                           domain.Gender.MALE, date(1970, 1, 1) + timedelta(days=n), "",
                           domain.PopulationType.REGISTERED, relationship)


async def add_households(database: Database, count: int, grid: str, start: int = 0,
                         care: domain.CareLevel = domain.CareLevel.ASSURED,
                         tags: tuple[domain.VulnerableTag, ...] = ()) -> list[domain.Household]:
    households = []
    async with database.transaction() as session:
        place = domain.Building(new_id(), grid, f"{grid}-{start}号楼", "", None, None)
        await BuildingStore(session).add(place, NOW)
        for n in range(start, start + count):
            household = domain.Household(new_id(), f"H{n}", grid, place.id, place.address, care, "", None, tags, "",
                                         0, NOW, NOW)
            members = [person(n * 3, household.id, grid, domain.Relationship.HEAD),
                       person(n * 3 + 1, household.id, grid, domain.Relationship.SPOUSE)]
            households.append(with_summary(household, members))
        await HouseholdStore(session).add_many(households, NOW)
    return households


async def all_pages(database: Database, scopes: list[str], where: HouseholdFilter, size: int) -> list[str]:
    seen, token = [], ""
    while True:
        page = page_from(size, token, {"scopes": scopes, "where": repr(where)})
        async with database.read() as session:
            rows, token = await HouseholdStore(session).list(scopes, page, where)
        seen += [h.number for h in rows]
        if not token:
            return seen


async def test_keyset_pages_cover_every_household_once_in_grid_order(db: Database) -> None:
    await add_households(db, 7, GRIDS[1])
    await add_households(db, 5, GRIDS[0], start=100)
    numbers = await all_pages(db, [""], HouseholdFilter(), 3)
    assert numbers == [f"H{n}" for n in range(100, 105)] + [f"H{n}" for n in range(7)]


async def test_scopes_and_prefixes_are_range_filters(db: Database) -> None:
    await add_households(db, 2, GRIDS[0])
    await add_households(db, 2, GRIDS[2], start=10)
    assert await all_pages(db, ["110108002"], HouseholdFilter(), 50) == ["H10", "H11"]
    assert await all_pages(db, ["110108001001001", "110108002"], HouseholdFilter(), 1) == ["H0", "H1", "H10", "H11"]
    assert await all_pages(db, ["110108"], HouseholdFilter(prefix="110108001"), 50) == ["H0", "H1"]
    assert await all_pages(db, ["110108002"], HouseholdFilter(prefix="110108001"), 50) == []


async def test_care_level_tag_and_name_filters(db: Database) -> None:
    await add_households(db, 2, GRIDS[0])
    await add_households(db, 1, GRIDS[0], start=20, care=domain.CareLevel.ATTENTION,
                         tags=(domain.VulnerableTag.DISABLED, domain.VulnerableTag.LOW_INCOME))
    assert await all_pages(db, [""], HouseholdFilter(care_level=domain.CareLevel.ATTENTION), 50) == ["H20"]
    assert await all_pages(db, [""], HouseholdFilter(tags=(domain.VulnerableTag.LOW_INCOME,)), 50) == ["H20"]
    assert await all_pages(db, [""], HouseholdFilter(tags=(domain.VulnerableTag.LOW_INCOME,
                                                           domain.VulnerableTag.HAZARD_AREA)), 50) == []
    assert await all_pages(db, [""], HouseholdFilter(name="居民3"), 50) == ["H1"]  # head of H1 is 居民3
    assert await all_pages(db, [""], HouseholdFilter(name="%"), 50) == []  # LIKE wildcards are escaped


async def test_member_changes_keep_head_name_and_count_current(db: Database) -> None:
    [household] = await add_households(db, 1, GRIDS[0])
    extra = person(99, household.id, GRIDS[0], domain.Relationship.SON)
    async with db.transaction() as session:
        await ResidentStore(session).add(extra, NOW)
        await HouseholdStore(session).refresh_summary(household.id, NOW)
    async with db.read() as session:
        stored = await HouseholdStore(session).get(household.id)
    assert stored is not None and (stored.member_count, stored.head_name) == (3, "居民0")
    assert stored.members[0].relationship is domain.Relationship.HEAD
    async with db.transaction() as session:
        await ResidentStore(session).remove(extra.id)
        await HouseholdStore(session).refresh_summary(household.id, NOW)
    async with db.read() as session:
        row = await session.get(HouseholdRow, household.id)
    assert row is not None and row.member_count == 2


async def test_registered_ids_name_their_household(db: Database) -> None:
    [household] = await add_households(db, 1, GRIDS[0])
    head = household.members[0]
    async with db.read() as session:
        found = await HouseholdStore(session).registered_id_numbers([head.id_number, "110108197403062913"])
    assert found == {head.id_number: "H0"}


async def test_the_database_refuses_a_second_holder_of_an_id_or_a_helper(db: Database) -> None:
    [first] = await add_households(db, 1, GRIDS[0])
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await ResidentStore(session).add(
                domain.Resident(**{**first.members[1].__dict__, "id": new_id()}), NOW)
    [second] = await add_households(db, 1, GRIDS[0], start=5)
    helper = domain.Helper("甲", "13900000001")
    async with db.transaction() as session:
        await HouseholdStore(session).set_care(first.id, domain.CareLevel.CLOSE_CONTACT, "独居", helper, NOW)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await HouseholdStore(session).set_care(second.id, domain.CareLevel.CLOSE_CONTACT, "独居", helper, NOW)
    async with db.read() as session:
        assert (await HouseholdStore(session).paired_helpers(["13900000001"])) == {"13900000001": (first.id, "H0")}


async def test_moving_a_household_moves_its_residents(db: Database) -> None:
    [household] = await add_households(db, 1, GRIDS[0])
    target = domain.Building(new_id(), GRIDS[2], "新楼", "", 39.9, 116.3)
    async with db.transaction() as session:
        await BuildingStore(session).add(target, NOW)
        await HouseholdStore(session).move(household.id, target, "新楼1室", NOW)
    async with db.read() as session:
        codes = set((await session.execute(select(ResidentRow.jurisdiction_code)
                                           .where(ResidentRow.household_id == household.id))).scalars())
        moved = await HouseholdStore(session).get(household.id)
    assert codes == {GRIDS[2]} and moved is not None and moved.address == "新楼1室"


async def test_visits_page_newest_first_across_equal_times(db: Database) -> None:
    [household] = await add_households(db, 1, GRIDS[0])
    async with db.transaction() as session:
        for n in range(5):
            await VisitStore(session).add(domain.Visit(new_id(), household.id, GRIDS[0], "w",
                                                       NOW - timedelta(hours=n // 2), f"v{n}"))
    seen, token = [], ""
    while True:
        page = page_from(2, token, {"v": 1})
        async with db.read() as session:
            visits, token = await VisitStore(session).list([""], page, household_id=household.id)
        seen += [(v.visited_at, v.notes) for v in visits]
        if not token:
            break
    assert [n for _, n in seen] == ["v1", "v0", "v3", "v2", "v4"]  # by time desc, then id desc
    assert all(t.tzinfo is not None for t, _ in seen)


async def test_tree_lists_children_and_grids_in_code_order(db: Database) -> None:
    async with db.transaction() as session:
        await TreeStore(session).set_staff(GRIDS[0], domain.StaffMember("l", "长", ""),
                                           [domain.StaffMember("w", "员", "13800000000")])
    async with db.read() as session:
        tree = TreeStore(session)
        page = page_from(10, "", {})
        grids, _ = await tree.list([""], page, level=domain.JurisdictionLevel.GRID)
        assert [g.code for g in grids] == list(GRIDS)
        assert grids[0].leader == domain.StaffMember("l", "长", "") and len(grids[0].workers) == 1
        assert [c.code for c in await tree.children("110108", ["110108002"])] == ["110108002"]
        assert await tree.existing_grids([*GRIDS, "110108001001", "110108009009009"]) == set(GRIDS)


async def test_bulk_load_fills_the_demo_tree_quickly_and_consistently(database: Database) -> None:
    residents = await bulk_load(database, households=600, seed=3)
    grids = await ensure_demo_tree(database)
    assert len(grids) == 40
    async with database.read() as session:
        counts = (await session.execute(select(HouseholdRow.member_count))).scalars().all()
        stored = len((await session.execute(select(ResidentRow.id))).scalars().all())
    assert len(counts) == 600 and sum(counts) == residents == stored


async def test_a_node_read_after_a_list_in_the_same_session_still_has_its_boundary(db: Database) -> None:
    from services.kit import geometry
    from services.registry.boundaries import PlannedBoundary
    from services.registry.boundary_store import BoundaryStore

    ring = [[116.3, 39.96], [116.301, 39.96], [116.301, 39.961], [116.3, 39.961], [116.3, 39.96]]
    shape = geometry.parse_boundary({"type": "Polygon", "coordinates": [ring]})
    geojson = '{"type":"Polygon","coordinates":[' + str(ring) + "]}"
    async with db.transaction() as session:
        await BoundaryStore(session).store([PlannedBoundary("110108001", shape, geojson, 9480.0, shape.bounds)])
    async with db.read() as session:
        tree = TreeStore(session)
        listed, _ = await tree.list([""], page_from(50, "", {}))
        assert [n.boundary for n in listed] == [None] * len(listed)  # lists leave the shapes out
        node = await tree.get("110108001")
    assert node is not None and node.boundary == domain.Boundary(geojson, 9480.0)
