"""The missed-window job: raises each patrol or supervision window that closed with patrols lacking, once.

Idempotent by its table: a raised (head or source, window) is recorded under a unique key in the same
transaction as its event, so a second run, or a replica racing past the kit's lease, raises nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.inspection.domain import GridLevel, InspectionRules, PeriodUnit
from services.inspection.models import GridHeadRow, SourceRow
from services.inspection.records import PatrolStore, head_patrols, local_date
from services.inspection.reminders import Missed, ReminderStore
from services.inspection.schedule import MissedKind, missed_windows, settled_span
from services.inspection.store import GridHeadStore, RulesStore, SourceStore
from services.kit.calendar import BEIJING
from services.kit.config import ConfigError, Env
from services.kit.pagination import Page
from services.kit.plugin import Job
from services.kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)

LOOKBACK_VARIABLE = "GRIDGOV_INSPECTION_MISSED_LOOKBACK_DAYS"
DEFAULT_LOOKBACK_DAYS = 14
# A year back is the most a deployment may ask to be reminded of.
MAX_LOOKBACK_DAYS = 366
# Heads or sources read per query and raised per transaction; a run keeps going until none are left.
BATCH = 500
# Windows raised per transaction: SQLite has one writer, so a first run's backlog (every window of the look-back)
# goes in short transactions (about 0.2 s each) rather than one that holds back every command for seconds.
RAISE_PER_TRANSACTION = 200
# Windows close at local midnight, and a backdated assignment or a rules change settles on the next run:
# every five minutes is prompt enough for a reminder and spares the database a full pass every 30 seconds.
INTERVAL_SECONDS = 300.0
EVERYWHERE = ("",)


@dataclass
class MissedRun:
    """What one run raised (for logs and tests)."""

    patrols: int = 0
    supervision: int = 0


class MissedWindowJob:
    """Finds, at the runtime's clock, every window that ended within the look-back with patrols lacking, by
    the read path's arithmetic (schedule.missed_windows over whole windows), and raises the new ones."""

    def __init__(self, runtime: ServiceRuntime, lookback_days: int = DEFAULT_LOOKBACK_DAYS) -> None:
        self.runtime = runtime
        self.lookback_days = lookback_days

    async def run(self) -> MissedRun:
        now = self.runtime.clock()
        today = now.astimezone(BEIJING).date()
        # A window that ended before this day is history a fresh deployment must not flood the notifier with.
        earliest_end = today - timedelta(days=self.lookback_days)
        async with self.runtime.database.read() as session:
            rules = await RulesStore(session).load()
        result = MissedRun()
        after: tuple[str, str] | None = None
        while True:
            async with self.runtime.database.read() as session:
                heads, more = await GridHeadStore(session).list(EVERYWHERE, Page(BATCH, after, ""))
                found = await self._heads(session, heads, rules, earliest_end, today)
            result.patrols += await self._raise(found, now)
            if not more:
                break
            after = heads[-1].jurisdiction_code, heads[-1].subject_id
        after = None
        while True:
            async with self.runtime.database.read() as session:
                sources, more = await SourceStore(session).key_sources(EVERYWHERE, Page(BATCH, after, ""))
                found = await self._sources(session, sources, rules, earliest_end, today)
            result.supervision += await self._raise(found, now)
            if not more:
                break
            after = sources[-1].jurisdiction_code, sources[-1].id
        if result.patrols or result.supervision:
            log.info("missed windows raised: %d of grid heads' patrols, %d of key sources' supervision checks",
                     result.patrols, result.supervision)
        return result

    async def _heads(self, session: AsyncSession, heads: Sequence[GridHeadRow], rules: InspectionRules,
                     earliest_end: date, today: date) -> list[Missed]:
        if not heads:
            return []
        ids = [head.subject_id for head in heads]
        lower, upper = _instants({rules.patrol[GridLevel(h.level)].unit for h in heads}, earliest_end, today)
        dates = await PatrolStore(session).dates_by_patroller(ids, lower, upper)
        raised = await ReminderStore(session).raised(MissedKind.PATROL, ids, earliest_end)
        found = []
        for head in heads:
            patrols = head_patrols(head, dates)
            for window in missed_windows(patrols.since, rules.patrol[patrols.level], patrols.patrol_dates,
                                         earliest_end, today):
                missed = Missed(MissedKind.PATROL, head.subject_id, head.name, head.jurisdiction_code, window,
                                level=patrols.level)
                if missed.key not in raised:
                    found.append(missed)
        return found

    async def _sources(self, session: AsyncSession, sources: Sequence[SourceRow], rules: InspectionRules,
                       earliest_end: date, today: date) -> list[Missed]:
        if not sources:
            return []
        ids = [source.id for source in sources]
        levels = [source.control_level for source in sources if source.control_level is not None]
        lower, upper = _instants({rules.supervision[level].unit for level in levels}, earliest_end, today)
        dates = await PatrolStore(session).check_dates_by_source(ids, lower, upper)
        raised = await ReminderStore(session).raised(MissedKind.SUPERVISION, ids, earliest_end)
        found = []
        for source in sources:
            assert source.control_level is not None  # key_sources() lists only sources with one
            # Checks are owed from the day the source entered the inventory, as on the read path.
            for window in missed_windows(local_date(source.created_at), rules.supervision[source.control_level],
                                         dates.get(source.id, ()), earliest_end, today):
                missed = Missed(MissedKind.SUPERVISION, source.id, source.name, source.jurisdiction_code, window,
                                control_level=source.control_level)
                if missed.key not in raised:
                    found.append(missed)
        return found

    async def _raise(self, found: list[Missed], now: datetime) -> int:
        count = 0
        for start in range(0, len(found), RAISE_PER_TRANSACTION):
            async with self.runtime.database.transaction() as session:
                count += len(await ReminderStore(session).raise_new(found[start:start + RAISE_PER_TRANSACTION], now))
        return count


def _instants(units: set[PeriodUnit], earliest_end: date, today: date) -> tuple[datetime, datetime]:
    """The UTC instants [first day 00:00, day after the last 00:00) Beijing covering the whole windows of every
    unit in ``units``, the patrol dates the arithmetic needs."""
    spans = [settled_span(unit, earliest_end, today) for unit in units]
    first, last = min(start for start, _ in spans), max(end for _, end in spans)
    return datetime.combine(first, time(0), BEIJING), datetime.combine(last + timedelta(days=1), time(0), BEIJING)


def lookback_days(env: Env | None = None) -> int:
    """GRIDGOV_INSPECTION_MISSED_LOOKBACK_DAYS, 1 to 366 (default 14); raises ConfigError naming it otherwise."""
    days = (env or Env()).integer(LOOKBACK_VARIABLE, DEFAULT_LOOKBACK_DAYS, minimum=1)
    if days > MAX_LOOKBACK_DAYS:
        raise ConfigError(f"{LOOKBACK_VARIABLE} must be at most {MAX_LOOKBACK_DAYS}, got {days}")
    return days


def jobs(runtime: ServiceRuntime) -> Sequence[Job]:
    job = MissedWindowJob(runtime, lookback_days())

    async def run() -> None:
        await job.run()

    return (Job("inspection.missed_windows", run, interval=INTERVAL_SECONDS),)
