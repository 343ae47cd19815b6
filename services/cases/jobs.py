"""The overdue sweep: due_soon and overdue marking, supervision (督办), escalation at 150%.

Idempotent by construction: it reads only cases whose stored next_check_at has come, and each
case's next_check_at moves on (or clears) with the change, so a second run finds nothing to do.
Lease-guarded by the kit so one replica runs it at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.cases.convert import STATES
from services.cases.events import publish, reminders, state_change
from services.cases.store import CaseStore
from services.cases.supervision import SWEEPER, sweep
from services.kit.plugin import Job
from services.kit.runtime import ServiceRuntime

BATCH = 500


@dataclass
class SweepReport:
    examined: int = 0
    changed: int = 0


async def run_sweep(runtime: ServiceRuntime, batch: int = BATCH) -> SweepReport:
    """Sweeps every case due for a check at the runtime's now, a batch per transaction."""
    now = runtime.clock()
    report = SweepReport()

    def sweep_batch(session: Session) -> int:
        store = CaseStore(session)
        loaded = store.due_for_sweep(now, batch)
        results = [(item, sweep(item.case, now)) for item in loaded]
        report.examined += len(loaded)
        # save_many() recomputes next_check_at, so even an unchanged case leaves the due set.
        store.save_many([(item, result.case if result else item.case, result.history if result else ())
                         for item, result in results], now)
        events = []
        for item, result in results:
            if result is None:
                continue
            report.changed += 1
            events += reminders(result.case, result.reminders)
            if result.case.supervised and not item.case.supervised:
                events.append(state_change(result.case, "supervise", STATES.to_proto(item.case.state), SWEEPER))
        publish(session, events)
        return len(loaded)

    while await runtime.database.run_write(sweep_batch) == batch:
        pass
    return report


def jobs(runtime: ServiceRuntime) -> list[Job]:
    async def sweep_job() -> None:
        await run_sweep(runtime)

    return [Job("cases.overdue_sweep", sweep_job)]
