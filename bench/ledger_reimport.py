"""Benchmark: the error report of re-importing a ledger that is loaded already, against a valid dry run.

Loads about 20,000 residents into a registry (SQLite, or PostgreSQL with --postgres), exports them as a
CSV ledger through ExportHouseholds, then times ImportHouseholds (dry run) of that file twice: into the
same registry, where every row's national ID and household number is registered already (the error
report), and into a registry holding only the jurisdiction tree (valid). A benchmark prints numbers; it
asserts nothing.

    python -m bench.ledger_reimport [--households 8000] [--runs 3]
                                    [--postgres postgresql+asyncpg://user:password@host:5432]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.postgres import postgres_database
from gridgov.registry.v1 import registry_pb2 as pb
from services.kit import demo
from services.kit.database import Database
from services.registry.bulk import bulk_load, ensure_demo_tree
from tests.support.actors import actor_metadata
from tests.support.services import running_service

ADMIN = actor_metadata("admin", (("district_admin", demo.DISTRICT_CODE),))


@asynccontextmanager
async def registry_database(name: str, data_dir: Path, postgres: str | None) -> AsyncIterator[Database]:
    url = (await postgres_database(postgres, f"gridgov_bench_{name}", fresh=True) if postgres
           else f"sqlite+aiosqlite:///{data_dir / (name + '.db')}")
    database = Database.from_url(url)
    try:
        yield database
    finally:
        await database.dispose()


async def timed_dry_runs(database: Database, content: bytes, runs: int) -> tuple[list[float], int, int]:
    """Seconds of each dry run, and the errors and households of the last report."""
    seconds = []
    async with running_service("registry", database) as registry:
        for _ in range(runs):
            started = time.perf_counter()
            report = await registry.stub.ImportHouseholds(
                pb.ImportHouseholdsRequest(content=content, format=pb.FILE_FORMAT_CSV, dry_run=True),
                metadata=ADMIN, timeout=600)
            seconds.append(time.perf_counter() - started)
    return seconds, len(report.errors), report.households


async def main(households: int, runs: int, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        async with registry_database("ledger_loaded", data_dir, postgres) as loaded:
            residents = await bulk_load(loaded, households, seed=1)
            async with running_service("registry", loaded) as registry:
                exported = await registry.stub.ExportHouseholds(
                    pb.ExportHouseholdsRequest(format=pb.FILE_FORMAT_CSV), metadata=ADMIN, timeout=600)
            content = exported.content
            print(f"ledger: {households:,} households, {residents:,} residents, {len(content) / 1e6:.1f} MB CSV")
            again, errors, _ = await timed_dry_runs(loaded, content, runs)
        async with registry_database("ledger_empty", data_dir, postgres) as empty:
            async with running_service("registry", empty):
                pass  # migrates it
            await ensure_demo_tree(empty)
            valid, valid_errors, planned = await timed_dry_runs(empty, content, runs)
    print(f"re-import of the loaded ledger (dry run): median {statistics.median(again):.2f} s "
          f"over {runs} runs, {errors:,} row errors")
    print(f"valid dry run of the same ledger:        median {statistics.median(valid):.2f} s "
          f"over {runs} runs, {valid_errors:,} row errors, {planned:,} households")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=8000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL server URL instead of SQLite files")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.households, arguments.runs, arguments.postgres))
