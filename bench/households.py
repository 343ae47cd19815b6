"""Benchmark: the households list through the gateway against the same page straight from the registry.

With 100,000 households loaded, 16 concurrent clients ask for one page of 50 households (id, address, care
level, head's name, member count, grid code), scope-filtered, policy and decision log on. The registry and
the gateway run as separate processes; the load comes from wrk (or an asyncio client when wrk is missing).
The same page fetched over gRPC by a Python client shows the gateway's overhead as a ratio. Also prints one
in-process policy decision's cost. A benchmark prints numbers; it asserts nothing.

    python -m bench.households [--households 100000] [--seconds 10] [--data-dir var/bench/households]
                               [--postgres postgresql+asyncpg://user:password@host:5432]

With --postgres, the registry and the gateway's decision log live on that PostgreSQL server instead (the
production path): databases gridgov_bench_registry (loaded once, then reused) and gridgov_bench_gateway
(made afresh each run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.postgres import postgres_database

CONCURRENCY = 16
PAGE = 50
STREET = "110108001"
QUERY = (f"query Households {{ households(first: {PAGE}) {{ nodes {{ id address careLevel headName memberCount "
         "jurisdictionCode } } }")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- data -----------------------------------------------------------------------------------------------

def load_households(data_dir: Path, households: int) -> str:
    """The registry's SQLite URL, holding ``households`` households (loaded once, then reused)."""
    url = f"sqlite+aiosqlite:///{data_dir / 'registry.db'}"
    marker = data_dir / f"loaded-{households}"
    if marker.exists():
        print(f"registry: reusing {households:,} households in {data_dir}")
        return url
    for stale in data_dir.glob("registry.db*"):
        stale.unlink()
    return _bulk(url, households, marker)


def _bulk(url: str, households: int, marker: Path) -> str:
    from services.kit.database import Database
    from services.registry.bulk import bulk_load

    async def load() -> int:
        database = Database.from_url(url)
        try:
            return await bulk_load(database, households=households, seed=1)
        finally:
            await database.dispose()

    started = time.perf_counter()
    residents = asyncio.run(load())
    print(f"registry: loaded {households:,} households, {residents:,} residents in "
          f"{time.perf_counter() - started:.0f} s (bulk path)")
    marker.touch()
    return url


POSTGRES_REGISTRY = "gridgov_bench_registry"
POSTGRES_GATEWAY = "gridgov_bench_gateway"


def load_households_postgres(data_dir: Path, server: str, households: int) -> str:
    """The registry's PostgreSQL URL, holding ``households`` households (loaded once, then reused)."""
    marker = data_dir / f"loaded-postgres-{households}"
    url = asyncio.run(postgres_database(server, POSTGRES_REGISTRY, fresh=not marker.exists()))
    if marker.exists():
        print(f"registry: reusing {households:,} households in PostgreSQL {POSTGRES_REGISTRY}")
        return url
    return _bulk(url, households, marker)


# --- processes ------------------------------------------------------------------------------------------

def start(module: str, environ: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen([sys.executable, "-m", module], env=environ, stdout=handle, stderr=subprocess.STDOUT)


def wait_grpc(address: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    deadline = time.monotonic() + seconds
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"registry exited with {process.returncode}")
            try:
                if stub.Check(health_pb2.HealthCheckRequest(), timeout=0.5).status == 1:
                    return
            except grpc.RpcError:
                time.sleep(0.2)
    raise SystemExit("registry did not become healthy")


def wait_http(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gateway exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200")


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User plus system CPU time the process has used (Linux /proc), robust to a busy machine."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


# --- load generators ------------------------------------------------------------------------------------

def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(durations: list[float], elapsed: float, errors: int) -> dict[str, float]:
    return {"requests_per_second": len(durations) / elapsed, "p50_ms": percentile(durations, 0.50) * 1000,
            "p99_ms": percentile(durations, 0.99) * 1000, "requests": len(durations), "errors": errors}


_WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)


def wrk(url: str, body: str, bearer: str, seconds: int) -> dict[str, float]:
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {bearer}"\n'
    )
    output = subprocess.run(["wrk", "-t1", f"-c{CONCURRENCY}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                            capture_output=True, text=True, check=True).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {p: float(v) * scale[u] for p, v, u in _WRK_LATENCY.findall(output)}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    return {"requests_per_second": rate, "p50_ms": latency["50"], "p99_ms": latency["99"],
            "requests": float(total.group(1)) if total else 0.0, "errors": float(bad.group(1)) if bad else 0.0}


async def httpx_load(url: str, body: str, bearer: str, seconds: int) -> dict[str, float]:
    import httpx

    durations: list[float] = []
    errors = 0
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=CONCURRENCY)) as client:
        end = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < end:
                began = time.perf_counter()
                response = await client.post(url, content=body, headers=headers)
                durations.append(time.perf_counter() - began)
                errors += response.status_code != 200

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return summary(durations, time.perf_counter() - began, errors)


async def grpc_load(address: str, seconds: int) -> dict[str, float]:
    """The same page straight from the registry: what a client of the service alone would pay."""
    from gridgov.common.v1 import actor_pb2
    from gridgov.registry.v1 import registry_pb2 as pb
    from gridgov.registry.v1 import registry_pb2_grpc
    from services.kit.actor import ActorSigner
    from services.kit.client import open_channel
    from services.kit.config import Env, actor_key

    env = Env()
    signer = ActorSigner(actor_key(env, env.mode()))
    channel = open_channel(address)
    stub = registry_pb2_grpc.RegistryServiceStub(channel)
    request = pb.ListHouseholdsRequest(filter=pb.HouseholdFilter(), page={"page_size": PAGE})
    durations: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < end:
            actor = actor_pb2.Actor(subject="bench", roles=[actor_pb2.RoleGrant(role="street_staff", scope=STREET)],
                                    read_scopes=[STREET], mask=["id_number", "phone", "contact_phone"])
            began = time.perf_counter()
            try:
                response = await stub.ListHouseholds(request, metadata=signer.metadata(actor))
                errors += len(response.households) != PAGE
            except Exception:
                errors += 1
            durations.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - began
    await channel.close()
    return summary(durations, elapsed, errors)


# --- policy ---------------------------------------------------------------------------------------------

def policy_decision_cost() -> tuple[float, float, bool]:
    """µs for one in-process decision (best of 7 runs of 2000) on the registry's bundle, evaluated and
    remembered (the gateway's CachedEngine, for a repeated question); and whether the VM path is in use."""
    from gateway.context import Resource, RoleGrant, Subject
    from gateway.policy.bundle import load_bundle
    from gateway.policy.cache import CachedEngine
    from gateway.policy.engine import PolicyInput, RegorusEngine
    from services.kit.plugin import load_plugins

    plugin = load_plugins(["registry"])["registry"]
    engine = RegorusEngine(load_bundle(plugin.policies))
    subject = Subject("bench", (RoleGrant("street_staff", STREET),))
    resource = Resource("household").policy_input()
    context = {"portal": "", "operation": "Households", "request_id": "bench", "time": "2026-11-27T08:00:00Z"}
    policy_input = PolicyInput(subject=subject.policy_input, action="household.list", resource=resource,
                               context=context)
    policy_input.text = json.dumps(dict(policy_input))
    assert engine.decide_sync(policy_input).allow
    policy_input.cache_key = subject.policy_json + "household.list" + json.dumps(resource)
    cached = CachedEngine(engine)

    def evaluated() -> None:
        engine.decide_sync(policy_input)

    def remembered() -> None:
        asyncio.run(_decide_many(cached, policy_input, 2000))

    return _best(evaluated, 2000), _best(remembered, 1, per=2000), engine.compiled


async def _decide_many(engine: Any, policy_input: Any, times: int) -> None:
    for _ in range(times):
        await engine.decide(policy_input)


def _best(call: Any, repeat: int, per: int = 1) -> float:
    best = float("inf")
    for _ in range(7):
        began = time.perf_counter()
        for _ in range(repeat):
            call()
        best = min(best, (time.perf_counter() - began) / (repeat * per))
    return best * 1e6


# --- the run --------------------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> None:
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if args.postgres:
        registry_url = load_households_postgres(data_dir, args.postgres, args.households)
        gateway_url = asyncio.run(postgres_database(args.postgres, POSTGRES_GATEWAY, fresh=True))
    else:
        registry_url = load_households(data_dir, args.households)
        for stale in data_dir.glob("gateway.db*"):
            stale.unlink()
        gateway_url = f"sqlite+aiosqlite:///{data_dir / 'gateway.db'}"
    registry_address = f"127.0.0.1:{free_port()}"
    gateway_listen = f"127.0.0.1:{free_port()}"
    environ = {
        **os.environ, "GRIDGOV_DATA_DIR": str(data_dir), "GRIDGOV_SERVICES": "registry",
        "GRIDGOV_REGISTRY_LISTEN": registry_address, "GRIDGOV_REGISTRY_ADDRESS": registry_address,
        "GRIDGOV_REGISTRY_DATABASE_URL": registry_url, "GRIDGOV_GATEWAY_LISTEN": gateway_listen,
        "GRIDGOV_GATEWAY_DATABASE_URL": gateway_url,
    }
    os.environ.update({k: v for k, v in environ.items() if k.startswith("GRIDGOV_")})
    registry = start("services.registry", environ, data_dir / "registry.log")
    gateway = None
    try:
        wait_grpc(registry_address, registry)
        gateway = start("gateway", environ, data_dir / "gateway.log")
        wait_http(f"http://{gateway_listen}/readyz", gateway)
        from gateway.auth import mint_demo_token

        bearer = mint_demo_token("bench-street", [("street_staff", STREET)])
        url = f"http://{gateway_listen}/graphql"
        body = json.dumps({"query": QUERY, "operationName": "Households"})
        import httpx

        check = httpx.post(url, content=body, headers={"Content-Type": "application/json",
                                                        "Authorization": f"Bearer {bearer}"}).json()
        rows = check["data"]["households"]["nodes"]
        assert "errors" not in check and len(rows) == PAGE, check
        assert all(r["jurisdictionCode"].startswith(STREET) for r in rows)
        # Warm both paths (caches, connections) before measuring.
        asyncio.run(grpc_load(registry_address, 1))
        asyncio.run(httpx_load(url, body, bearer, 1))
        tool = "wrk" if shutil.which("wrk") and not args.no_wrk else "httpx"
        before = cpu_seconds(gateway), cpu_seconds(registry)
        through_gateway = (wrk(url, body, bearer, args.seconds) if tool == "wrk"
                           else asyncio.run(httpx_load(url, body, bearer, args.seconds)))
        after = cpu_seconds(gateway), cpu_seconds(registry)
        through_gateway["gateway_cpu_ms"] = (after[0] - before[0]) * 1000 / through_gateway["requests"]
        through_gateway["registry_cpu_ms"] = (after[1] - before[1]) * 1000 / through_gateway["requests"]
        direct = asyncio.run(grpc_load(registry_address, args.seconds))
        direct["registry_cpu_ms"] = (cpu_seconds(registry) - after[1]) * 1000 / direct["requests"]
    finally:
        if gateway is not None:
            stop(gateway)
        stop(registry)
    evaluated_us, remembered_us, compiled = policy_decision_cost()
    report(args, tool, through_gateway, direct, evaluated_us, remembered_us, compiled)


def report(args: argparse.Namespace, tool: str, gateway: dict[str, float], direct: dict[str, float],
           evaluated_us: float, remembered_us: float, compiled: bool) -> None:
    cores = os.cpu_count()
    print()
    print(f"households list, {PAGE} per page, {args.households:,} households, street scope, {CONCURRENCY} clients, "
          f"{args.seconds} s, {cores} cores, {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(f"{'path':<34}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}{'errors':>8}")
    rows = ((f"gateway (GraphQL, policy, log; {tool})", gateway), ("registry direct (gRPC, Python)", direct))
    for label, figures in rows:
        print(f"{label:<34}{figures['requests_per_second']:>10.0f}{figures['p50_ms']:>10.1f}{figures['p99_ms']:>10.1f}"
              f"{figures['requests']:>10.0f}{figures['errors']:>8.0f}")
    print(f"gateway cost vs direct gRPC: p50 {gateway['p50_ms'] / direct['p50_ms']:.2f}x, "
          f"throughput {direct['requests_per_second'] / gateway['requests_per_second']:.2f}x")
    print(f"CPU per request: gateway {gateway['gateway_cpu_ms']:.2f} ms + registry {gateway['registry_cpu_ms']:.2f} ms "
          f"through the gateway; registry {direct['registry_cpu_ms']:.2f} ms direct "
          f"({(gateway['gateway_cpu_ms'] + gateway['registry_cpu_ms']) / direct['registry_cpu_ms']:.2f}x)")
    print("targets: >= 300 req/s, p99 < 100 ms, cost <= 1.5x")
    print(f"one in-process policy decision: {evaluated_us:.1f} µs evaluated "
          f"({'compiled VM' if compiled else 'interpreter'}), {remembered_us:.1f} µs remembered; aim < 50 µs")
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {cores} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--data-dir", default="var/bench/households")
    parser.add_argument("--no-wrk", action="store_true", help="use the asyncio httpx client even if wrk exists")
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL: serve the registry and the "
                        "decision log from it instead of SQLite files")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
