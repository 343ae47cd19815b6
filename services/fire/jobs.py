"""The deadline job: marks rectifying hazards overdue and hands the still-overdue ones over to the police."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass
class DeadlineRun:
    """What one run changed (for logs and tests)."""

    marked_overdue: int = 0
    handed_over: int = 0


class DeadlineJob:
    """Idempotent: each change is one transaction guarded by the hazard's state and version, so a
    second run (or a second replica racing past the lease) finds nothing left to do."""

    def __init__(self, runtime: ServiceRuntime, grace_days: int = domain.DEFAULT_GRACE_DAYS) -> None:
        self.runtime = runtime
        self.grace_days = grace_days

    async def run(self) -> DeadlineRun:
        result = DeadlineRun()
        now = self.runtime.clock()
        async with self.runtime.database.read() as session:
            late = await HazardStore(session).past_deadline(now)
        for hazard_id in late:
            result.marked_overdue += await self._apply(hazard_id, HazardState.RECTIFYING, HazardAction.MARK_OVERDUE)
        async with self.runtime.database.read() as session:
            past_grace = await HazardStore(session).past_grace(now, self.grace_days)
        for hazard_id in past_grace:
            result.handed_over += await self._apply(hazard_id, HazardState.OVERDUE, HazardAction.HAND_OVER)
        if result.marked_overdue or result.handed_over:
            log.info("fire deadlines: %d hazards overdue, %d handed over", result.marked_overdue, result.handed_over)
        return result

    async def _apply(self, hazard_id: str, expected: HazardState, action: HazardAction) -> int:
        try:
            async with self.runtime.database.transaction() as session:
                store = HazardStore(session)
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
