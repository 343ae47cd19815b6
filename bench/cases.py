"""Benchmark of the cases service with a million cases (prints numbers; not a test).

    .venv/bin/python -m bench.cases [--cases 1000000] [--seconds 10] [--loops 300]
                                    [--postgres postgresql+asyncpg://user:password@host:5432]

1. Loads the cases (services.cases.bulk, the benchmark loader) into var/bench/cases.pristine.db, unless that
   file already holds that many, and copies it to var/bench/cases.db: every run starts from the same data
   (the loop adds cases and the sweep changes them, in the copy only).
   With --postgres, the cases and the gateway's decision log live on that PostgreSQL server instead (the
   production path): gridgov_bench_cases_pristine is loaded once, and each run serves gridgov_bench_cases, made
   afresh from it as a template.
2. Starts the cases service and the gateway as separate processes (embedded policy, decision log on).
3. Street dashboard, overdue list and the map's layers (the district's counts per grid, the open case points of
   a box) through the gateway with wrk (-t1, 16 connections, then 1: the
   latency of one request without queueing), p50/p99 from wrk's latency distribution, after 3 s of each
   under load to warm connection pools and caches.
4. Full-loop throughput through gRPC: report -> register -> dispatch -> accept -> handle -> verify ->
   callback (7 transitions per case), 8 loops at a time.
5. The overdue sweep over the million, in-process after the service stopped: four days later (real work),
   then again (the idempotent no-op).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import httpx
from sqlalchemy import func, select

from bench.postgres import postgres_database
from gateway.auth import load_or_create_private_key, mint_token
from gateway.settings import GatewaySettings
from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.cases.v1 import cases_pb2_grpc
from services.cases.bulk import MIGRATIONS, bulk_load
from services.cases.jobs import run_sweep
from services.cases.models import KIT, CaseRow
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY, Mode, ServiceSettings
from services.kit.database import Database
from services.kit.migrations import upgrade
from services.kit.runtime import ServiceRuntime

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench" / "cases.db"
PRISTINE = ROOT / "var" / "bench" / "cases.pristine.db"
STREET = "110108001"
DASHBOARD = """query { caseDashboard(jurisdictionPrefix: "110108001", overdueFirst: 20) {
  byState { state count } byDueStatus { dueStatus count } supervised
  overdue { id number deadline handlingUnit dueStatus }
  evaluation { key reported closed closureRate onTimeClosureRate reworkRate satisfactionRate } } }"""
COUNTS = """query { caseDashboard(jurisdictionPrefix: "110108001", overdueFirst: 1) {
  byState { state count } byDueStatus { dueStatus count } supervised } }"""
# The district dashboard's breakdown: per street, per category and per day of the month (reported, closed).
BREAKDOWN = """query { caseBreakdown(jurisdictionPrefix: "110108") {
  children { jurisdictionCode open dueSoon overdue reported } categories { categoryCode reported }
  days { day reported closed } } }"""
OVERDUE = """query { overdueCases(jurisdictionPrefix: "110108001", first: 20) {
  nodes { id number deadline handlingUnit dueStatus jurisdictionCode } pageInfo { endCursor } } }"""
# The map: the district's choropleth (every grid's open, due-soon, overdue and month's reported counts), and the
# open case points of a box of about 1 km² (the bench data scatter over 11 km × 11 km around the district).
GRID_COUNTS = """query { caseGridCounts { jurisdictionCode open dueSoon overdue reported } }"""
POINTS = """query { casePoints(box: {west: 116.300, south: 39.900, east: 116.312, north: 39.909}) {
  truncated points { id state dueStatus location { longitude latitude } } } }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def count_cases(database: Database) -> int:
    try:
        async with database.read() as session:
            return int((await session.execute(select(func.count()).select_from(CaseRow))).scalar_one())
    except Exception:
        return -1


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def load(cases: int) -> None:
    """The pristine database of ``cases`` cases (made once), copied to the working one."""
    database = Database.from_url(f"sqlite+aiosqlite:///{PRISTINE}")
    have = await count_cases(database)
    if have == cases:
        # Migrated here once, not in every working copy at the service's start.
        await upgrade(database, MIGRATIONS)
        await database.dispose()
        print(f"load: reusing {PRISTINE} ({have:,} cases, migrated)")
    else:
        await database.dispose()
        remove_database(PRISTINE)
        database = Database.from_url(f"sqlite+aiosqlite:///{PRISTINE}")
        started = time.perf_counter()
        await bulk_load(database, cases, seed=1, now=datetime.now(UTC))
        await database.dispose()
        print(f"load: {cases:,} cases in {time.perf_counter() - started:.0f} s")
    # A pristine file is closed (no WAL left beside it): copying the one file copies the database.
    remove_database(DB)
    shutil.copyfile(PRISTINE, DB)
    # Let the copy reach the disk first: gigabytes of writeback would stall every fsync the run makes.
    started = time.perf_counter()
    os.sync()
    print(f"load: copied to {DB} and synced in {time.perf_counter() - started:.0f} s")


POSTGRES_CASES = "gridgov_bench_cases"
POSTGRES_PRISTINE = "gridgov_bench_cases_pristine"
POSTGRES_GATEWAY = "gridgov_bench_cases_gateway"


async def load_postgres(server: str, cases: int) -> str:
    """The working PostgreSQL database of this run: a fresh copy of the pristine one (loaded once)."""
    pristine = await postgres_database(server, POSTGRES_PRISTINE, fresh=False)
    database = Database.from_url(pristine)
    have = await count_cases(database)
    if have == cases:
        print(f"load: reusing PostgreSQL {POSTGRES_PRISTINE} ({have:,} cases)")
    else:
        await database.dispose()
        pristine = await postgres_database(server, POSTGRES_PRISTINE, fresh=True)
        database = Database.from_url(pristine)
        started = time.perf_counter()
        await bulk_load(database, cases, seed=1, now=datetime.now(UTC))
        print(f"load: {cases:,} cases into PostgreSQL in {time.perf_counter() - started:.0f} s")
    await database.dispose()
    started = time.perf_counter()
    url = await postgres_database(server, POSTGRES_CASES, fresh=True, template=POSTGRES_PRISTINE)
    print(f"load: copied to {POSTGRES_CASES} in {time.perf_counter() - started:.0f} s")
    return url


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)


async def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def wrk(url: str, token: str, query: str, seconds: int, workdir: Path,
        connections: int = 16) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of POSTing ``query`` with wrk -t1 and ``connections`` connections."""
    script = workdir / "post.lua"
    body = json.dumps({"query": query})
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        "function response(status, headers, body)\n"
        '  if status ~= 200 or string.find(body, \'"errors"\') then error("bad response: " .. body) end\n'
        "end\n")
    run = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True)
    out = run.stdout
    if run.returncode != 0 or "bad response" in out or "Non-2xx" in out:
        raise RuntimeError(f"wrk failed:\n{out}\n{run.stderr}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return rate, ms("50"), ms("99")


async def loop_throughput(address: str, loops: int, concurrency: int = 8) -> float:
    """Transitions per second of whole loops through gRPC."""
    signer = ActorSigner(DEV_ACTOR_KEY.encode())
    from gridgov.common.v1 import actor_pb2

    def md(subject: str, role: str, scope: str, department: str = "") -> tuple[tuple[str, str | bytes], ...]:
        return signer.metadata(actor_pb2.Actor(subject=subject, roles=[actor_pb2.RoleGrant(role=role, scope=scope)],
                                               read_scopes=[scope], department=department))

    transitions = 0
    async with grpc.aio.insecure_channel(address) as channel:
        stub = cases_pb2_grpc.CasesServiceStub(channel)
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(loops):
            queue.put_nowait(n)

        async def worker() -> None:
            nonlocal transitions
            # Metadata is signed per worker (signatures stay valid for minutes).
            worker_md = md("bench-gw", "grid_worker", "110108001001001")
            centre = md("bench-community", "community_staff", "110108001001")
            unit = md("bench-unit", "handling_unit", "110108001001", "community_workstation")
            while not queue.empty():
                n = queue.get_nowait()
                case = (await stub.ReportCase(pb.ReportCaseRequest(
                    category_code="garbage_exposed", description=f"bench loop {n}", jurisdiction_code="110108001001001",
                    source=pb.SOURCE_CHANNEL_GRID_WORKER), metadata=worker_md)).case
                await stub.RegisterCase(pb.RegisterCaseRequest(case_id=case.id), metadata=centre)
                await stub.DispatchCase(pb.DispatchCaseRequest(case_id=case.id), metadata=centre)
                await stub.AcceptCase(pb.AcceptCaseRequest(case_id=case.id), metadata=unit)
                await stub.HandleCase(pb.HandleCaseRequest(case_id=case.id, resolution="done"), metadata=unit)
                await stub.VerifyCase(pb.VerifyCaseRequest(case_id=case.id, passed=True), metadata=centre)
                await stub.CallbackCase(pb.CallbackCaseRequest(case_id=case.id, satisfaction=pb.SATISFACTION_SATISFIED),
                                        metadata=centre)
                transitions += 7

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return transitions / (time.perf_counter() - started)


async def sweep_times(url: str) -> tuple[float, int, float]:
    database = Database.from_url(url)
    settings = ServiceSettings("cases", Mode.DEV, "127.0.0.1:0", database.url, DEV_ACTOR_KEY.encode(), False, {},
                               3600.0)
    runtime = ServiceRuntime(settings, database, KIT, ActorSigner(DEV_ACTOR_KEY.encode(), "cases"))
    later = datetime.now(UTC) + timedelta(days=4)
    runtime.clock = lambda: later
    started = time.perf_counter()
    first = await run_sweep(runtime)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = await run_sweep(runtime)
    second_seconds = time.perf_counter() - started
    assert second.changed == 0
    await database.dispose()
    return first_seconds, first.changed, second_seconds


async def main() -> None:
    global DB, PRISTINE
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--loops", type=int, default=300)
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL: serve the cases and the "
                        "gateway's decision log from it")
    parser.add_argument("--db", type=Path, default=None,
                        help="the SQLite file to serve (its pristine copy sits beside it, .pristine.db)")
    parser.add_argument("--only", default="", help="time only the queries whose name contains this (for example "
                        "'map' or 'choropleth'), and skip the loop and the sweep")
    options = parser.parse_args()
    if options.db is not None:
        DB, PRISTINE = options.db, options.db.with_suffix(".pristine.db")
    DB.parent.mkdir(parents=True, exist_ok=True)
    if options.postgres:
        database_url = await load_postgres(options.postgres, options.cases)
        gateway_url = await postgres_database(options.postgres, POSTGRES_GATEWAY, fresh=True)
    else:
        await load(options.cases)
        database_url, gateway_url = f"sqlite+aiosqlite:///{DB}", ""
    workdir = Path(tempfile.mkdtemp(prefix="gridgov-bench-"))
    service_port, gateway_port = free_port(), free_port()
    common = {"GRIDGOV_SERVICES": "cases", "GRIDGOV_DATA_DIR": str(workdir), "GRIDGOV_JOB_INTERVAL": "86400",
              "GRIDGOV_CASES_ADDRESS": f"127.0.0.1:{service_port}"}
    service = start(["-m", "services.cases"], {**common, "GRIDGOV_CASES_LISTEN": f"127.0.0.1:{service_port}",
                                               "GRIDGOV_CASES_DATABASE_URL": database_url},
                    workdir / "cases.log")
    gateway_env = {**common, "GRIDGOV_GATEWAY_LISTEN": f"127.0.0.1:{gateway_port}"}
    if gateway_url:
        gateway_env["GRIDGOV_GATEWAY_DATABASE_URL"] = gateway_url
    gateway = start(["-m", "gateway"], gateway_env, workdir / "gateway.log")
    try:
        # Ready: the gateway and the service behind it (which may be migrating a large database first).
        await wait_http(f"http://127.0.0.1:{gateway_port}/readyz", seconds=600)
        settings = GatewaySettings.from_env({**os.environ, **gateway_env})
        key = load_or_create_private_key(settings.jwt_key_file)
        token = mint_token(key, "bench-street", [("street_staff", STREET)], "", 3600,
                           issuer=settings.jwt_issuer, audience=settings.jwt_audience)
        district = mint_token(key, "bench-district", [("district_admin", STREET[:6])], "", 3600,
                              issuer=settings.jwt_issuer, audience=settings.jwt_audience)
        url = f"http://127.0.0.1:{gateway_port}/graphql"
        async with httpx.AsyncClient() as client:  # warm the service's caches and check the answers
            for query, who in ((DASHBOARD, token), (COUNTS, token), (OVERDUE, token), (GRID_COUNTS, district),
                               (POINTS, district), (BREAKDOWN, district)):
                body = (await client.post(url, json={"query": query},
                                          headers={"Authorization": f"Bearer {who}"})).json()
                assert "errors" not in body, body
        queries = (("street dashboard (counts, overdue 20, month's figures)", DASHBOARD, token),
                   ("street dashboard (counts only)", COUNTS, token), ("overdue list (20)", OVERDUE, token),
                   ("map: district choropleth (counts per grid)", GRID_COUNTS, district),
                   ("map: open case points of a 1 km² box", POINTS, district),
                   ("district dashboard breakdown (streets, categories, days of the month)", BREAKDOWN, district))
        queries = tuple(q for q in queries if options.only in q[0])
        # Steady state, not start-up: a few seconds of each under load first, so every pooled connection
        # (PostgreSQL: its prepared statements too) and every statement cache is warm.
        for _, query, who in queries:
            wrk(url, who, query, 3, workdir)
        for name, query, who in queries:
            for connections in (16, 1):
                rate, p50, p99 = wrk(url, who, query, options.seconds, workdir, connections)
                print(f"{name}, {connections} connection(s): {rate:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        if options.only:
            return
        rate = await loop_throughput(f"127.0.0.1:{service_port}", options.loops)
        print(f"full loop through gRPC: {rate:.0f} transitions/s ({options.loops} cases x 7 transitions, 8 at a time)")
    finally:
        for process in (gateway, service):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    first, changed, second = await sweep_times(database_url)
    print(f"overdue sweep four days later over {options.cases:,} cases: {first:.2f} s ({changed:,} cases changed); "
          f"run again: {second * 1000:.0f} ms (no changes)")


if __name__ == "__main__":
    asyncio.run(main())
