"""The missed-window job and its store on SQLite and PostgreSQL: each closed, lacking window raised once with its
event, never a running one, never one before the look-back or the assignment, and once under racing replicas."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.domain import ControlLevel, GridLevel, SourceStatus, SourceType
from services.inspection.jobs import (
    DEFAULT_LOOKBACK_DAYS,
    LOOKBACK_VARIABLE,
    MissedRun,
    MissedWindowJob,
    lookback_days,
)
from services.inspection.models import KIT, MissedWindowRow
from services.inspection.plugin import plugin
from services.inspection.records import Check, PatrolStore
from services.inspection.reminders import Missed, ReminderStore
from services.inspection.schedule import MissedKind, Window, WindowStatus
from services.inspection.store import GridHeadStore, SourceStore
from services.kit import lease
from services.kit.actor import ActorSigner
from services.kit.calendar import BEIJING
from services.kit.config import DEV_ACTOR_KEY, ConfigError, Env
from services.kit.database import Database
from services.kit.migrations import upgrade
from services.kit.outbox import read_events
from services.kit.pagination import page_from
from services.kit.runtime import ServiceRuntime
from tests.inspection.fixtures import COMMUNITY, GRID, OTHER_GRID, STREET
from tests.inspection.test_domain import draft
from tests.support.services import service_settings

# 1 December 2026, 10:00 in Beijing, a Tuesday: 30 November (Monday) to 6 December is the running week.
NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)


def beijing(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def runtime_of(database: Database, now: datetime = NOW, replica: str = "a") -> ServiceRuntime:
    runtime = ServiceRuntime(service_settings("inspection", database), database, KIT,
                             ActorSigner(DEV_ACTOR_KEY.encode(), "inspection"), replica=replica)
    runtime.clock = lambda: now
    return runtime


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    await upgrade(database, plugin.migrations)
    yield database


async def assign(db: Database, subject: str, code: str, since: date) -> None:
    async with db.transaction() as session:
        await GridHeadStore(session).assign(subject, f"网格长{subject}", code, "13912345678", NOW, beijing(since, 0))


async def patrol(db: Database, subject: str, code: str, *days: date, checks: tuple[str, ...] = ()) -> None:
    async with db.transaction() as session:
        await PatrolStore(session).add_many([(subject, int(GridLevel.of_code(code)), code, beijing(day), "",
                                              [Check(source_id, "", True) for source_id in checks])
                                             for day in days], subject)


async def key_source(db: Database, name: str, level: ControlLevel, created: date,
                     status: SourceStatus = SourceStatus.ACTIVE) -> str:
    async with db.transaction() as session:
        row = await SourceStore(session).add(draft(SourceType.INDUSTRIAL_KEY_SOURCE, name=name, control_level=level),
                                             beijing(created))
        row.status = status
        await session.flush()
        return row.id


async def raised(db: Database) -> list[MissedWindowRow]:
    async with db.read() as session:
        rows = await session.execute(select(MissedWindowRow).order_by(
            MissedWindowRow.kind, MissedWindowRow.subject_id, MissedWindowRow.window_start))
        return list(rows.scalars())


async def events(db: Database) -> list[tuple[str, str, object]]:
    """The outbox as (type, jurisdiction code, unpacked message), in sequence order."""
    found = []
    for event in await read_events(db, KIT, "inspection", 0):
        message = pb.PatrolMissed() if event.type == "PatrolMissed" else pb.SupervisionMissed()
        assert event.payload.Unpack(message), event.type
        found.append((event.type, event.jurisdiction_code, message))
    return found


def day(n: int, month: int = 11) -> date:
    return date(2026, month, n)


async def test_job_raises_each_closed_lacking_window_once_with_its_event(db: Database) -> None:
    # A grid head owing daily patrols from 20 November, who missed the 22nd and everything from the 26th.
    await assign(db, "head-4", GRID, day(20))
    await patrol(db, "head-4", GRID, day(20), day(21), day(23), day(24), day(25))
    # A community head owing twice a week since October: the week of 9 November ended before the look-back.
    await assign(db, "head-3", COMMUNITY, day(1, 10))
    await patrol(db, "head-3", COMMUNITY, day(17), day(30))
    # A head who never missed, and key sources: national (monthly), city (quarterly, running), closed.
    await assign(db, "head-2", STREET, day(1, 10))
    await patrol(db, "head-2", STREET, day(10), day(17), day(24))
    national = await key_source(db, "热电厂", ControlLevel.NATIONAL, day(1, 10))
    checked = await key_source(db, "钢厂", ControlLevel.NATIONAL, day(1, 10))
    await key_source(db, "水泥厂", ControlLevel.CITY, day(1, 10))
    await key_source(db, "关停厂", ControlLevel.NATIONAL, day(1, 10), SourceStatus.CLOSED)
    await patrol(db, "head-2", STREET, day(5, 10), checks=(national,))  # checked in October, not in November
    await patrol(db, "head-2", STREET, day(5), checks=(checked,))
    job = MissedWindowJob(runtime_of(db))

    assert await job.run() == MissedRun(patrols=8, supervision=1)

    rows = await raised(db)
    assert [(r.kind, r.subject_id, r.window_start, r.window_end, r.required, r.done) for r in rows] == [
        (MissedKind.PATROL, "head-3", day(16), day(22), 2, 1),
        (MissedKind.PATROL, "head-3", day(23), day(29), 2, 0),
        *[(MissedKind.PATROL, "head-4", day(d), day(d), 1, 0) for d in (22, 26, 27, 28, 29, 30)],
        (MissedKind.SUPERVISION, national, day(1), day(30), 1, 0),
    ]
    assert all(r.raised_at is not None for r in rows)
    published = await events(db)
    assert len(published) == 9
    by_reminder = {message.reminder_id: (kind, code, message) for kind, code, message in published}  # type: ignore[attr-defined]
    assert set(by_reminder) == {r.id for r in rows}
    head_row = next(r for r in rows if r.subject_id == "head-3" and r.window_start == day(16))
    assert by_reminder[head_row.id] == ("PatrolMissed", COMMUNITY, pb.PatrolMissed(
        reminder_id=head_row.id, subject_id="head-3", jurisdiction_code=COMMUNITY, level=3,
        window_start="2026-11-16", window_end="2026-11-22", required=2, done=1))
    source_row = rows[-1]
    assert by_reminder[source_row.id] == ("SupervisionMissed", GRID, pb.SupervisionMissed(
        reminder_id=source_row.id, source_id=national, name="热电厂", jurisdiction_code=GRID,
        control_level=pb.CONTROL_LEVEL_NATIONAL, window_start="2026-11-01", window_end="2026-11-30", required=1))

    # A second run at the same moment raises nothing and publishes nothing.
    assert await job.run() == MissedRun()
    assert len(await raised(db)) == 9 and len(await events(db)) == 9
    # The next day, 1 December has closed without a patrol of head-4; the running week still is not missed.
    assert await MissedWindowJob(runtime_of(db, NOW + timedelta(days=1))).run() == MissedRun(patrols=1)
    newest = (await raised(db))[8]
    assert (newest.subject_id, newest.window_start, newest.window_end) == ("head-4", day(1, 12), day(1, 12))


async def test_a_window_still_running_is_not_reported(db: Database) -> None:
    await assign(db, "head-4", GRID, day(30))
    await assign(db, "head-3", COMMUNITY, day(30))  # nothing done all week, but the week runs until Sunday
    await patrol(db, "head-4", GRID, day(30))
    late = datetime(2026, 12, 1, 15, 59, tzinfo=UTC)  # 23:59 on 1 December in Beijing
    assert await MissedWindowJob(runtime_of(db, late)).run() == MissedRun()
    assert await raised(db) == []
    assert await MissedWindowJob(runtime_of(db, late + timedelta(minutes=1))).run() == MissedRun(patrols=1)
    assert [(r.subject_id, r.window_start) for r in await raised(db)] == [("head-4", day(1, 12))]


@pytest.mark.parametrize(("days", "expected"), [(1, 1), (3, 3), (DEFAULT_LOOKBACK_DAYS, 14)])
async def test_only_windows_ended_within_the_look_back_are_raised(db: Database, days: int, expected: int) -> None:
    """A fresh deployment over a head assigned a year ago who never patrolled: only the last days are raised."""
    await assign(db, "head-4", GRID, date(2025, 12, 1))
    await assign(db, "head-1", "110108", date(2025, 12, 1))  # twice a month: November ended within any look-back
    assert await MissedWindowJob(runtime_of(db), days).run() == MissedRun(patrols=expected + 1)
    daily = [r.window_start for r in await raised(db) if r.subject_id == "head-4"]
    assert daily == [day(30) - timedelta(days=n) for n in reversed(range(expected))]


async def test_no_window_before_the_assignment_is_missed(db: Database) -> None:
    await assign(db, "head-4", GRID, day(29))
    await assign(db, "head-3", COMMUNITY, day(26))  # a Thursday: that week is owed from then, its share rounded up
    assert await MissedWindowJob(runtime_of(db)).run() == MissedRun(patrols=3)
    assert [(r.subject_id, r.window_start, r.window_end, r.required) for r in await raised(db)] == [
        ("head-3", day(26), day(29), 2), ("head-4", day(29), day(29), 1), ("head-4", day(30), day(30), 1)]


async def test_racing_replicas_raise_each_window_once(db: Database) -> None:
    """Two replicas (their own Database objects and connections) run at once, past any lease: the unique index
    lets one record each window and publish its event; the other skips it."""
    for n in range(3):
        await assign(db, f"head-{n}", f"{GRID[:-3]}{n + 1:03d}", day(24))
    replicas = [MissedWindowJob(runtime_of(Database(db.engine), replica=name)) for name in "ab"]
    results = await asyncio.gather(*(job.run() for job in replicas))
    assert sum(r.patrols for r in results) == 3 * 7
    assert len(await raised(db)) == 21 and len(await events(db)) == 21


async def test_the_store_skips_windows_recorded_first_by_another_transaction(db: Database) -> None:
    found = [Missed(MissedKind.PATROL, "head-4", "王", GRID, Window(day(d), day(d), 1, 0, WindowStatus.MISSED),
                    level=GridLevel.GRID) for d in (26, 27)]

    async def raise_in(database: Database, batch: list[Missed]) -> list[Missed]:
        async with database.transaction() as session:
            return await ReminderStore(session).raise_new(batch, NOW)

    # Concurrently on two connections: the second insert waits for the first commit, then does nothing.
    outcomes = await asyncio.gather(raise_in(db, found), raise_in(Database(db.engine), list(reversed(found))))
    assert sorted(len(o) for o in outcomes) == [0, 2]
    # And after the fact: only the window nobody recorded yet is raised, with the one event.
    later = Missed(MissedKind.PATROL, "head-4", "王", GRID, Window(day(28), day(28), 1, 0, WindowStatus.MISSED),
                   level=GridLevel.GRID)
    assert await raise_in(db, [*found, later]) == [later]
    assert len(await raised(db)) == 3 and len(await events(db)) == 3
    # The same window under another kind or subject is another reminder.
    other = Missed(MissedKind.SUPERVISION, "head-4", "某源", GRID, later.window, control_level=ControlLevel.CITY)
    assert await raise_in(db, [other]) == [other]


async def test_reminder_list_by_scope_kind_subject_and_keyset_pages(db: Database) -> None:
    window = Window(day(30), day(30), 1, 0, WindowStatus.MISSED)
    found = [Missed(MissedKind.PATROL, f"h{n}", "王", code, window, level=GridLevel.GRID)
             for n, code in enumerate((GRID, GRID, OTHER_GRID, STREET + "002001"))]
    found.append(Missed(MissedKind.SUPERVISION, "s1", "热电厂", GRID, window, control_level=ControlLevel.DISTRICT))
    async with db.transaction() as session:
        assert len(await ReminderStore(session).raise_new(found, NOW)) == 5
    seen, token = [], ""
    async with db.read() as session:
        store = ReminderStore(session)
        while True:
            page = page_from(2, token, {"scopes": [STREET]})
            rows, more = await store.list([STREET], page)
            seen += rows
            token = page.next_token((rows[-1].id,) if rows else None, more)
            if not token:
                break
        assert [r.subject_id for r in seen] == ["s1", "h3", "h1", "h0"]  # newest first, inside the street only
        supervision = (await store.list([""], page_from(0, "", {}), kind=MissedKind.SUPERVISION))[0]
        assert [(r.kind, r.control_level, r.level) for r in supervision] == [
            (MissedKind.SUPERVISION, ControlLevel.DISTRICT, None)]
        assert [r.subject_id for r in (await store.list([""], page_from(0, "", {}), subject_id="h2"))[0]] == ["h2"]
        assert (await store.list([], page_from(0, "", {})))[0] == []  # no scope reads nothing
        stored = (await session.execute(text("SELECT DISTINCT kind FROM missed_window"))).scalars().all()
        assert sorted(stored) == ["patrol", "supervision"]  # the enum column stores every member as its word
        assert (await session.execute(select(func.count()).select_from(MissedWindowRow))).scalar_one() == 5


def test_look_back_days_from_the_environment() -> None:
    assert lookback_days(Env({})) == DEFAULT_LOOKBACK_DAYS == 14
    assert lookback_days(Env({LOOKBACK_VARIABLE: "30"})) == 30
    for bad in ("0", "-3", "two weeks", "367"):
        with pytest.raises(ConfigError, match=LOOKBACK_VARIABLE):
            lookback_days(Env({LOOKBACK_VARIABLE: bad}))


async def test_the_plugin_runs_it_as_a_leased_job(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOOKBACK_VARIABLE, "2")
    runtime = runtime_of(db)
    [job] = plugin.jobs(runtime)
    assert job.name == "inspection.missed_windows" and job.interval
    await assign(db, "head-4", GRID, day(1))
    await job.run()
    assert [r.window_start for r in await raised(db)] == [day(29), day(30)]  # the look-back read at start-up
    # One replica at a time: while "a" holds the job's lease, "b" does not run it.
    ttl = 3 * job.interval  # type: ignore[operator]
    assert await lease.acquire(db, KIT, job.name, "a", ttl) and not await lease.acquire(db, KIT, job.name, "b", ttl)
    assert await lease.acquire(db, KIT, job.name, "a", ttl)
    monkeypatch.setenv(LOOKBACK_VARIABLE, "soon")
    with pytest.raises(ConfigError, match=LOOKBACK_VARIABLE):
        plugin.jobs(runtime)
