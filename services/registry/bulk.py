"""Bulk loading straight through the store, for demo-scale and benchmark data only (no policy, no gRPC).

`bulk_load(database, households=100_000, seed=1)` migrates the database, creates the demo district's
tree if missing and inserts synthetic households in large transactions.
"""

from __future__ import annotations

from pathlib import Path

from services.kit import demo
from services.kit.clock import utcnow
from services.kit.database import Database
from services.kit.ids import new_id
from services.kit.migrations import upgrade
from services.registry import domain
from services.registry.household_store import HouseholdStore, with_summary
from services.registry.store import BuildingStore, TreeStore
from services.registry.synthetic import Synthesizer

MIGRATIONS = Path(__file__).parent / "migrations"
HOUSEHOLDS_PER_TRANSACTION = 5000


async def ensure_demo_tree(database: Database) -> list[tuple[str, str, str]]:
    """Creates the demo district's nodes that are missing; returns (grid, street name, community name)."""
    now = utcnow()
    grids = []
    async with database.transaction() as session:
        tree = TreeStore(session)
        nodes = [domain.Jurisdiction(demo.DISTRICT_CODE, demo.DISTRICT_NAME, domain.JurisdictionLevel.DISTRICT, None)]
        for street in demo.streets():
            nodes.append(domain.Jurisdiction(street.code, street.name, domain.JurisdictionLevel.STREET,
                                             demo.DISTRICT_CODE))
            for community in street.communities:
                nodes.append(domain.Jurisdiction(community.code, community.name, domain.JurisdictionLevel.COMMUNITY,
                                                 street.code))
                for number, grid in enumerate(community.grids, start=1):
                    nodes.append(domain.Jurisdiction(grid, f"{community.name}第{number}网格",
                                                     domain.JurisdictionLevel.GRID, community.code,
                                                     domain.GridType.URBAN))
                    grids.append((grid, street.name, community.name))
        for node in nodes:
            if await tree.get(node.code) is None:
                await tree.add(node, now)
    return grids


async def bulk_load(database: Database, households: int, seed: int) -> int:
    """Inserts ``households`` synthetic households (about 2.5 residents each); returns residents inserted."""
    await upgrade(database, MIGRATIONS)
    grids = await ensure_demo_tree(database)
    synth = Synthesizer(seed)
    # A different number range per seed keeps repeated loads into one database from colliding.
    synth.count = seed * 10_000_000
    async with database.read() as session:
        buildings = await BuildingStore(session).in_grids(grid for grid, _, _ in grids)
    residents = 0
    done = 0
    while done < households:
        batch = min(HOUSEHOLDS_PER_TRANSACTION, households - done)
        now = utcnow()
        new_buildings: list[domain.Building] = []
        rows = []
        for i in range(batch):
            grid, street_name, community_name = grids[(done + i) % len(grids)]
            planned = synth.household(grid, street_name, community_name)
            building = buildings.get((grid, planned.address))
            if building is None:
                building = domain.Building(new_id(), grid, planned.address, "", None, None)
                buildings[(grid, planned.address)] = building
                new_buildings.append(building)
            household = domain.Household(new_id(), planned.number, grid, building.id, planned.address,
                                         planned.care_level, planned.care_reason, planned.helper, planned.tags,
                                         "", 0, now, now)
            members = [domain.admit_resident(d, household.id, grid, new_id()) for d in planned.members]
            rows.append(with_summary(household, members))
        async with database.transaction() as session:
            await BuildingStore(session).add_many(new_buildings, now)
            await HouseholdStore(session).add_many(rows, now)
        residents += sum(h.member_count for h in rows)
        done += batch
    return residents
