"""The deadline job: marks rectifying hazards overdue and hands the still-overdue ones over to the police."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.fire import domain
from services.fire.domain import HazardAction, HazardState
from services.fire.hazard_store import HazardStore
from services.kit.config import Env
from services.kit.errors import DomainError
from services.kit.plugin import Job
from services.kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "system:fire"
GRACE_VARIABLE = "GRIDGOV_FIRE_HANDOVER_GRACE_DAYS"
# Hazards listed per query; a run keeps going until none are left.
BATCH = 500
# Hazards changed per transaction: one commit for many, while the write lock is held only briefly.
CHUNK = 50


@dataclass
class DeadlineRun:
    """What one run changed (for logs and tests)."""

    marked_overdue: int = 0
    handed_over: int = 0


class DeadlineJob:
    """Idempotent: each change is guarded by the hazard's state and version (in a savepoint of its own), so
    a second run (or a second replica racing past the lease) finds nothing left to do."""

    def __init__(self, runtime: ServiceRuntime, grace_days: int = domain.DEFAULT_GRACE_DAYS) -> None:
        self.runtime = runtime
        self.grace_days = grace_days

    async def run(self) -> DeadlineRun:
        result = DeadlineRun()
        now = self.runtime.clock()
        while late := await self._batch(lambda store: store.past_deadline(now, BATCH)):
            marked = await self._apply_all(late, HazardState.RECTIFYING, HazardAction.MARK_OVERDUE)
            result.marked_overdue += marked
            if len(late) < BATCH or not marked:
                break  # done, or only hazards another request holds: the next run looks again
        while due := await self._batch(lambda store: store.past_grace(now, self.grace_days, BATCH)):
            handed = await self._apply_all(due, HazardState.OVERDUE, HazardAction.HAND_OVER)
            result.handed_over += handed
            if len(due) < BATCH or not handed:
                break
        if result.marked_overdue or result.handed_over:
            log.info("fire deadlines: %d hazards overdue, %d handed over", result.marked_overdue, result.handed_over)
        return result

    async def _batch(self, query: Callable[[HazardStore], Awaitable[list[str]]]) -> list[str]:
        async with self.runtime.database.read() as session:
            return await query(HazardStore(session))

    async def _apply_all(self, hazard_ids: list[str], expected: HazardState, action: HazardAction) -> int:
        """Applies ``action`` to each hazard still in ``expected``, CHUNK hazards to a transaction (one commit
        each, not one per hazard), each hazard inside a savepoint of its own: a hazard that lost a race is
        rolled back alone and the others go on. Returns how many changed."""
        changed = 0
        for start in range(0, len(hazard_ids), CHUNK):
            async with self.runtime.database.transaction() as session:
                store = HazardStore(session)
                for hazard_id in hazard_ids[start:start + CHUNK]:
                    changed += await self._apply(session, store, hazard_id, expected, action)
        return changed

    async def _apply(self, session: AsyncSession, store: HazardStore, hazard_id: str, expected: HazardState,
                     action: HazardAction) -> int:
        try:
            async with session.begin_nested():
                row = await store.get(hazard_id)
                if row.state is not expected:
                    return 0  # changed since it was listed (fixed, or done by another run)
                await store.apply(row, action, SYSTEM_ACTOR, self.runtime.clock(), grace_days=self.grace_days,
                                  note="deadline passed" if action is HazardAction.MARK_OVERDUE
                                  else f"still overdue after {self.grace_days} days: handed over to the police")
            return 1
        except DomainError as error:  # lost a race with an owner's claim: the next run looks again
            log.info("fire hazard %s not %s: %s", hazard_id, action.value, error.message)
            return 0


def grace_days(environ: Env | None = None) -> int:
    return (environ or Env()).integer(GRACE_VARIABLE, domain.DEFAULT_GRACE_DAYS, minimum=0)


def jobs(runtime: ServiceRuntime) -> Sequence[Job]:
    job = DeadlineJob(runtime, grace_days())

    async def run() -> None:
        await job.run()

    return (Job("fire.deadlines", run),)
