"""Benchmark: what anchoring the decision log's head outside its database adds per decision (prints numbers).

    .venv/bin/python -m bench.decision_log_anchor [--decisions 4000] [--clients 16] [--rounds 3]
                                                  [--data-dir DIR] [--postgres postgresql+asyncpg://...]

1. One anchor write on its own (append a line, fdatasync; the file's occasional compaction included), in µs.
2. The decision log as the gateway drives it: ``--clients`` concurrent callers, each recording decisions one after
   another (every caller waits until its record is durable), ``--decisions`` in all; then one caller alone, where
   every decision is its own group commit. Each case runs without an anchor, with the file anchor as the gateway
   keeps it (paced: at most one write per 20 ms), and with an anchor write after every group commit, in turn,
   ``--rounds`` times; the medians are printed, with the added cost per decision (µs of wall time and of the
   process's CPU time per decision) and at each caller's median latency.

SQLite files and anchors in ``--data-dir`` (default: a temporary directory under var/bench, on the project's disk,
removed afterwards); with ``--postgres``, also a fresh schema on that server per run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from gateway.decision_log.anchor import AnchoredHead, FileAnchor
from gateway.decision_log.writer import DecisionLog
from gateway.migrate import migrate_database
from gateway.policy.bundle import PERSONAL_FIELDS
from gateway.policy.engine import Decision
from services.kit.database import Database, create_engine

ROOT = Path(__file__).resolve().parent.parent
Databases = Callable[[], AbstractAsyncContextManager[Database]]
ALLOWED = Decision(True, ("staff reads households in scope",), ("phone",), ())
POLICY_INPUT = {
    "subject": {"id": "bench", "roles": [{"role": "community_staff", "scope": "110108001001"}], "department": ""},
    "action": "household.read",
    "resource": {"type": "household", "id": "h1", "jurisdiction_code": "110108001001001", "attributes": {}},
    "context": {"portal": "community_portal", "operation": "Q", "request_id": "r1", "time": "2026-11-27T08:00:00Z"},
}


@dataclass(frozen=True)
class Run:
    seconds: float
    # CPU time of the whole process (every thread) over the run.
    cpu_seconds: float
    latencies: list[float]
    batches: int
    anchor_writes: int

    def per_decision_us(self) -> float:
        return self.seconds / len(self.latencies) * 1e6

    def cpu_per_decision_us(self) -> float:
        return self.cpu_seconds / len(self.latencies) * 1e6

    def latency_ms(self, quantile: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] * 1e3


def anchor_write_cost(directory: Path, writes: int) -> float:
    anchor = FileAnchor(directory / "cost.anchor")
    started = time.perf_counter()
    for sequence in range(1, writes + 1):
        anchor.write_now(AnchoredHead(sequence, f"{sequence:064x}", datetime.now(UTC)))
    return (time.perf_counter() - started) / writes * 1e6


async def drive(database: Database, anchor: FileAnchor | None, paced: bool, decisions: int, clients: int) -> Run:
    log = DecisionLog(database, PERSONAL_FIELDS, anchor=anchor)
    if log.keeper is not None and not paced:
        log.keeper.min_interval = 0.0
    await log.start()
    latencies: list[float] = []

    async def caller(count: int) -> None:
        for _ in range(count):
            started = time.perf_counter()
            await log.record(POLICY_INPUT, ALLOWED, timestamp=datetime.now(UTC), revision="bench",
                             requested_by="127.0.0.1:1", request_id="r1")
            latencies.append(time.perf_counter() - started)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(caller(decisions // clients) for _ in range(clients)))
    if log.keeper is not None:
        await log.keeper.settle()  # the anchor's work counts, though no caller waited for it
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    await log.close()
    writes = log.keeper.writes if log.keeper is not None else 0
    return Run(seconds, cpu, latencies, log.batches, writes)


@asynccontextmanager
async def sqlite(directory: Path) -> AsyncIterator[Databases]:
    @asynccontextmanager
    async def fresh() -> AsyncIterator[Database]:
        path = directory / f"{uuid.uuid4().hex[:8]}.db"
        database = Database.from_url(f"sqlite+aiosqlite:///{path}")
        await migrate_database(database)
        try:
            yield database
        finally:
            await database.dispose()

    yield fresh


@asynccontextmanager
async def postgres(url: str) -> AsyncIterator[Databases]:
    admin = create_engine(url, pool_size=1)

    @asynccontextmanager
    async def fresh() -> AsyncIterator[Database]:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        async with admin.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        database = Database(create_engine(url, connect_args={"server_settings": {"search_path": schema}}))
        try:
            await migrate_database(database)
            yield database
        finally:
            await database.dispose()
            async with admin.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    try:
        yield fresh
    finally:
        await admin.dispose()


# (label, anchored, paced)
VARIANTS = (("no anchor", False, False), ("anchored", True, True), ("every commit", True, False))


async def compare(name: str, databases: Databases, directory: Path, decisions: int, clients: int,
                  rounds: int) -> None:
    results: dict[str, list[Run]] = {label: [] for label, _, _ in VARIANTS}
    for round_ in range(rounds):
        for label, anchored, paced in VARIANTS[round_ % 3:] + VARIANTS[: round_ % 3]:
            async with databases() as database:
                anchor = FileAnchor(directory / f"{uuid.uuid4().hex[:8]}.anchor") if anchored else None
                results[label].append(await drive(database, anchor, paced, decisions, clients))

    def median(label: str, measure: Callable[[Run], float]) -> float:
        return statistics.median(measure(run) for run in results[label])

    print(f"\n{name}: {decisions:,} decisions, {clients} concurrent caller(s), median of {rounds} rounds")
    print(f"  {'':<14}{'µs/decision':>12}{'CPU µs/dec.':>12}{'decisions/s':>13}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'batches':>9}{'anchor writes':>15}")
    for label, _, _ in VARIANTS:
        per = median(label, Run.per_decision_us)
        print(f"  {label:<14}{per:>12.1f}{median(label, Run.cpu_per_decision_us):>12.1f}{1e6 / per:>13,.0f}"
              f"{median(label, lambda run: run.latency_ms(0.5)):>9.2f}"
              f"{median(label, lambda run: run.latency_ms(0.99)):>9.2f}"
              f"{median(label, lambda run: run.batches):>9,.0f}"
              f"{median(label, lambda run: run.anchor_writes):>15,.0f}")
    for label, anchored, _ in VARIANTS:
        if not anchored:
            continue
        added = median(label, Run.per_decision_us) - median("no anchor", Run.per_decision_us)
        added_cpu = median(label, Run.cpu_per_decision_us) - median("no anchor", Run.cpu_per_decision_us)
        added_p50 = (median(label, lambda run: run.latency_ms(0.5))
                     - median("no anchor", lambda run: run.latency_ms(0.5)))
        print(f"  {label}: {added:+.1f} µs wall, {added_cpu:+.1f} µs CPU per decision, "
              f"{added_p50 * 1e3:+.0f} µs at a caller's p50")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--postgres", default=None, help="postgresql+asyncpg://user:password@host:5432/database")
    args = parser.parse_args()
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="decision-log-anchor-", dir=ROOT / "var" / "bench") as temporary:
        directory = args.data_dir or Path(temporary)
        directory.mkdir(parents=True, exist_ok=True)
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work skews every figure)")
        print(f"one anchor write (append, fdatasync) in {directory}: {anchor_write_cost(directory, 500):.0f} µs")
        targets = [("SQLite", sqlite(directory))]
        if args.postgres:
            targets.append(("PostgreSQL", postgres(args.postgres)))
        for name, target in targets:
            async with target as databases:
                await compare(name, databases, directory, args.decisions, args.clients, args.rounds)
                solo = max(args.decisions // 8, 100)
                await compare(name, databases, directory, solo, 1, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
