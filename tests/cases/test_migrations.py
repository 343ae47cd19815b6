"""The migrations build exactly the tables and indexes the models describe, and seed the catalogue."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from services.cases.catalogue import seed
from services.cases.catalogue_store import category_of
from services.cases.domain import CaseState, Participant
from services.cases.models import Base, CaseRow, CaseUnitRow, CategoryRow
from services.cases.plugin import plugin
from services.cases.store import row_values
from services.kit.database import Database
from services.kit.migrations import upgrade
from tests.cases.factory import CO, LEAD, T0, case_in


async def test_migrations_match_the_models(database: Database) -> None:
    await upgrade(database, plugin.migrations)
    async with database.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    assert diff == []
    async with database.read() as session:
        rows = (await session.scalars(select(CategoryRow).order_by(CategoryRow.code))).all()
    # The migration writes its seed out literally; it must be the catalogue module's version 1.
    assert [category_of(r) for r in rows] == sorted(seed(), key=lambda c: c.code)


# Columns later migrations add to case_record, absent from a database at 0001.
LATER_COLUMNS = {"located_grid": "0004", "location_cell": "0006"}


def at(revision: str, values: dict[str, Any]) -> dict[str, Any]:
    """A case row as a database at ``revision`` stores it: without the columns later migrations add."""
    return {k: v for k, v in values.items() if LATER_COLUMNS.get(k, "0000") <= revision}


def at_0001(values: dict[str, Any]) -> dict[str, Any]:
    return at("0001", values)


async def test_0002_fills_the_unit_rows_from_the_participants_cases_already_carry(database: Database) -> None:
    await upgrade(database, plugin.migrations, "0001")
    shared = replace(case_in(CaseState.DISPATCHED), participants=(Participant(LEAD, True), Participant(CO, False)))
    fresh = replace(case_in(CaseState.REPORTED), id="c2", number="110108-20261123-0002")
    async with database.transaction() as session:
        await session.execute(CaseRow.__table__.insert(), [at_0001(row_values(shared, T0)),
                                                           at_0001(row_values(fresh, T0))])
    await upgrade(database, plugin.migrations)
    async with database.read() as session:
        rows = (await session.execute(select(CaseUnitRow.case_id, CaseUnitRow.unit, CaseUnitRow.lead)
                                      .order_by(CaseUnitRow.unit))).all()
    assert sorted(tuple(r) for r in rows) == sorted([("c1", LEAD, True), ("c1", CO, False)])


async def test_0005_counts_the_cases_already_stored_by_grid_and_beijing_day(database: Database) -> None:
    from datetime import timedelta

    from services.cases.models import ReportedDayRow

    await upgrade(database, plugin.migrations, "0004")
    # T0 and an hour later fall on one Beijing day; sixteen hours later on the next.
    cases = [replace(case_in(CaseState.REPORTED), id=f"c{i}", number=f"110108-20261123-{i:04d}",
                     reported_at=T0 + timedelta(hours=hours)) for i, hours in enumerate((0, 1, 16))]
    async with database.transaction() as session:
        await session.execute(CaseRow.__table__.insert(), [at("0004", row_values(c, T0)) for c in cases])
    await upgrade(database, plugin.migrations)
    async with database.read() as session:
        rows = (await session.execute(select(ReportedDayRow.jurisdiction_code, ReportedDayRow.day,
                                             ReportedDayRow.count).order_by(ReportedDayRow.day))).all()
    from services.cases.store import beijing_day

    code = cases[0].jurisdiction_code
    assert [tuple(r) for r in rows] == [(code, beijing_day(T0), 2), (code, beijing_day(T0 + timedelta(hours=16)), 1)]


async def test_0006_fills_the_cell_of_every_located_case(database: Database) -> None:
    from services.kit.map_box import location_cell

    await upgrade(database, plugin.migrations, "0005")
    located = replace(case_in(CaseState.REPORTED), id="c1", latitude=39.9012, longitude=116.3077)
    unlocated = replace(case_in(CaseState.REPORTED), id="c2", number="110108-20261123-0002", latitude=None,
                        longitude=None)
    async with database.transaction() as session:
        await session.execute(CaseRow.__table__.insert(), [at("0005", row_values(c, T0)) for c in (located, unlocated)])
    await upgrade(database, plugin.migrations)
    rows = await database.fetch(select(CaseRow.id, CaseRow.location_cell).order_by(CaseRow.id))
    assert [tuple(r) for r in rows] == [("c1", location_cell(39.9012, 116.3077)), ("c2", None)]
