"""Bulk loading of synthetic cases straight through SQLAlchemy core, for benchmarks only.

No policy, no gRPC, no history rows and no events: `bulk_load(database, cases=1_000_000, seed=1)` migrates
the database and inserts cases in every stage of the loop, spread over the three years before ``now``, with
deadlines and due statuses consistent with ``now`` (so the sweep and the dashboards see realistic data),
then rebuilds the dashboard tallies from the rows.
"""

from __future__ import annotations

import asyncio
import json
import random
from datetime import datetime, timedelta
from enum import Enum, IntEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, text

from services.cases import deadlines, domain
from services.cases.catalogue import seed as catalogue_seed
from services.cases.deadlines import Clockwork, Limit
from services.cases.models import CaseRow, CaseUnitRow, ReportedDayRow, TallyRow
from services.cases.store import row_values
from services.kit import demo
from services.kit.clock import as_utc
from services.kit.database import Database
from services.kit.ids import new_id
from services.kit.migrations import upgrade

MIGRATIONS = Path(__file__).parent / "migrations"
BATCH = 10_000
S = domain.CaseState
# Share of cases in each state (the rest archived): three years of a large district's cases, about 900 a
# day, of which some 30,000 are still open (reported within the last 20 days).
STATE_SHARES = ((S.REPORTED, 0.002), (S.REJECTED, 0.01), (S.REGISTERED, 0.002), (S.DISPATCHED, 0.006),
                (S.ACCEPTED, 0.012), (S.HANDLED, 0.004), (S.CLOSED, 0.004))
OPEN_WINDOW = timedelta(days=20)
HISTORY = timedelta(days=3 * 365)
SOURCES = (domain.SourceChannel.GRID_WORKER,) * 6 + (
    domain.SourceChannel.RESIDENT, domain.SourceChannel.HOTLINE, domain.SourceChannel.SUPERVISOR_PATROL)

SATISFACTIONS = (domain.Satisfaction.SATISFIED,) * 7 + (domain.Satisfaction.BASICALLY_SATISFIED,) * 2 + (
    domain.Satisfaction.UNSATISFIED,)


@lru_cache(maxsize=200_000)
def _clockwork(start: datetime, limit: Limit) -> Clockwork:
    # Dispatch times are rounded to the hour, so a year of dispatches needs a few thousand calendar walks.
    return deadlines.start(start, limit)


def _state(rng: random.Random) -> domain.CaseState:
    draw = rng.random()
    for state, share in STATE_SHARES:
        if draw < share:
            return state
        draw -= share
    return S.ARCHIVED


def synthetic_case(rng: random.Random, n: int, now: datetime, grids: list[str],
                   categories: list[tuple[str, Limit, domain.Tier, str]]) -> domain.Case:
    """One synthetic case, consistent with ``now`` (built in one go: a case has fifty fields)."""
    state = _state(rng)
    category, limit, tier, unit = rng.choice(categories)
    window = OPEN_WINDOW if state not in (S.ARCHIVED, S.REJECTED) else HISTORY
    reported = now - timedelta(seconds=rng.uniform(0, window.total_seconds()))
    grid = grids[n % len(grids)]
    f: dict[str, Any] = dict(
        id=new_id(), number=f"{grid[:6]}-B{n:09d}", category_code=category, category_version=1,
        description="批量基准案件", jurisdiction_code=grid, source=rng.choice(SOURCES),
        reporter=f"bench-worker-{n % 400}", reported_at=reported, tier=tier, state=state, address=f"基准路{n}号",
        latitude=39.9 + rng.uniform(-0.05, 0.05), longitude=116.3 + rng.uniform(-0.05, 0.05),
    )
    if state in (S.REPORTED, S.REJECTED):
        return domain.Case(**f)
    registered = reported + timedelta(minutes=rng.uniform(5, 120))
    f["registered_at"] = registered
    if state is S.REGISTERED:
        return domain.Case(**f)
    # Dispatched at one of four office hours (UTC 01, 03, 06, 08 = Beijing 09, 11, 14, 16) of a day after
    # registration: few distinct starts, so the calendar walks are cached.
    day = registered + timedelta(hours=rng.uniform(0.5, 20))
    dispatched = day.replace(hour=rng.choice((1, 3, 6, 8)), minute=0, second=0, microsecond=0)
    if dispatched < registered:
        dispatched += timedelta(days=1)
    work = _clockwork(dispatched, limit)
    accepted = dispatched + timedelta(hours=rng.uniform(0.2, 30))
    f.update(handling_unit=unit, answerable_unit=unit, limit=limit, dispatched_at=dispatched,
             accept_by=dispatched + deadlines.ACCEPT_WITHIN, work=work,
             participants=(domain.Participant(unit, True, accepted if state is not S.DISPATCHED else None),),
             accepted_on_time=None if state is S.DISPATCHED else accepted <= dispatched + deadlines.ACCEPT_WITHIN)
    if state in (S.DISPATCHED, S.ACCEPTED):
        due = deadlines.due_status(work, now)
        overdue = due is deadlines.DueStatus.OVERDUE
        f.update(due_status=due, supervised=overdue)
        if overdue and now >= work.escalate_at:
            f["supervision_tier"] = domain.next_tier(tier) or domain.Tier.DISTRICT
        return domain.Case(**f)
    handled = min(dispatched + timedelta(hours=rng.uniform(1, 24 * 6)), now)
    # Working hours between dispatch and handling, estimated (a calendar walk per row would dominate the load).
    f.update(handled_at=handled, handled_on_time=handled <= work.deadline,
             handling_hours=round((handled - dispatched).total_seconds() / 3600 / 3, 2),
             rework_count=1 if rng.random() < 0.06 else 0, resolution="已处置")
    if state is S.HANDLED:
        return domain.Case(**f)
    closed = min(handled + timedelta(hours=rng.uniform(1, 30)), now)
    f.update(closed_at=closed, closed_on_time=closed <= work.deadline)
    if state is S.CLOSED:
        return domain.Case(**f)
    f["satisfaction"] = rng.choice(SATISFACTIONS)
    return domain.Case(**f)


async def bulk_load(database: Database, cases: int, seed: int, now: datetime) -> None:
    """Inserts ``cases`` synthetic cases in transactions of BATCH rows, then rebuilds the tallies.

    On SQLite the rows go through a synchronous pysqlite engine on the same file (executemany in one
    call per batch, in a worker thread): aiosqlite's per-statement thread hop would make a million rows
    take tens of minutes. PostgreSQL takes the batches through the service's own async engine.
    """
    await upgrade(database, MIGRATIONS)
    rng = random.Random(seed)
    grids = demo.grid_codes()
    categories = [(c.code, c.limit, c.lowest_tier, c.default_unit) for c in catalogue_seed()]
    cases_table = CaseRow.__table__
    sync_engine = None
    if database.engine.dialect.name == "sqlite":
        sync_engine = create_engine(database.engine.url.set(drivername="sqlite"))
        event.listen(sync_engine, "connect", _bulk_pragmas)
        # Building each index once from sorted keys beats a million random inserts into ten of them.
        await asyncio.to_thread(_drop_indexes, sync_engine)
    try:
        done = 0
        pending: asyncio.Future[None] | None = None
        while done < cases:
            rows = [row_values(synthetic_case(rng, n + seed * 10_000_000, now, grids, categories), now)
                    for n in range(done, min(done + BATCH, cases))]
            if sync_engine is not None:
                # SQLite works in its thread (without the GIL) while the next batch is generated.
                if pending is not None:
                    await pending
                pending = asyncio.ensure_future(asyncio.to_thread(_insert_sync, sync_engine, rows))
            else:
                async with database.transaction() as session:
                    await session.execute(cases_table.insert(), rows)  # type: ignore[attr-defined]
                    await session.execute(CaseUnitRow.__table__.insert(), unit_rows(rows))  # type: ignore[attr-defined]
            done += len(rows)
        if pending is not None:
            await pending
        if sync_engine is not None:
            await asyncio.to_thread(_create_indexes, sync_engine)
    finally:
        if sync_engine is not None:
            sync_engine.dispose()
    await rebuild_tallies(database)


def _bulk_pragmas(connection: Any, _record: Any) -> None:
    # A benchmark load may be lost on a power cut; it is rerun, not recovered. A large page cache keeps
    # the eleven indexes' random inserts in memory.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA cache_size=-400000")
    cursor.close()


def _drop_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for index in CaseRow.__table__.indexes:  # type: ignore[attr-defined]
            index.drop(connection, checkfirst=True)


def _create_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for index in CaseRow.__table__.indexes:  # type: ignore[attr-defined]
            index.create(connection, checkfirst=True)
        connection.exec_driver_sql("ANALYZE")


def _sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy's SQLite types store it (enums by their stored word, naive UTC timestamps)."""
    if isinstance(value, Enum):
        return value.name.lower() if isinstance(value, IntEnum) else value.value
    if isinstance(value, datetime):
        return as_utc(value).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return json.dumps(value)
    return value


def _raw_insert(table: Any, rows: list[dict[str, Any]]) -> tuple[str, list[tuple[Any, ...]]]:
    names = [c.name for c in table.columns]
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    return sql, [tuple(_sqlite_value(row[n]) for n in names) for row in rows]


def _insert_sync(engine: Engine, rows: list[dict[str, Any]]) -> None:
    # The driver's executemany with values converted here: SQLAlchemy's per-value bind processing
    # would cost as much as generating the rows.
    with engine.begin() as connection:
        for table, table_rows in ((CaseRow.__table__, rows), (CaseUnitRow.__table__, unit_rows(rows))):
            sql, values = _raw_insert(table, table_rows)
            connection.exec_driver_sql(sql, values)


def unit_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The case_unit rows of case rows: one per participant."""
    return [{"case_id": row["id"], "unit": part["unit"], "lead": part["lead"]}
            for row in rows for part in row["participants"]]


# The reported counts per grid and Beijing day, as the migration that made the table fills it.
REPORTED_DAYS = {
    "sqlite": """INSERT INTO case_reported_day (jurisdiction_code, day, count)
                 SELECT jurisdiction_code, date(reported_at, '+8 hours'), count(*) FROM case_record
                 GROUP BY jurisdiction_code, date(reported_at, '+8 hours')""",
    "postgresql": """INSERT INTO case_reported_day (jurisdiction_code, day, count)
                     SELECT jurisdiction_code, (reported_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
                     FROM case_record
                     GROUP BY jurisdiction_code, (reported_at AT TIME ZONE 'Asia/Shanghai')::date""",
}


async def rebuild_tallies(database: Database) -> None:
    """The dashboard tallies and the reported counts per day recounted from the case rows (a scan each)."""
    c = CaseRow
    async with database.transaction() as session:
        dialect = session.get_bind().dialect.name
        await session.execute(delete(ReportedDayRow))
        await session.execute(text(REPORTED_DAYS[dialect]))
        await session.execute(delete(TallyRow))
        await session.execute(insert(TallyRow).from_select(
            ["jurisdiction_code", "state", "due_status", "supervised", "count"],
            select(c.jurisdiction_code, c.state, c.due_status, c.supervised, func.count())
            .group_by(c.jurisdiction_code, c.state, c.due_status, c.supervised)))
