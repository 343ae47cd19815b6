"""A service that stops and comes back on the same address: the gateway's fields follow its health within a second."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.kit.client import CHANNEL_OPTIONS
from services.kit.database import Database
from services.kit.plugin import load_plugins
from services.registry.bulk import bulk_load
from tests.gateway.harness import gateway_settings, running_gateway, token
from tests.support.services import free_port

HOUSEHOLDS = "{ households(first: 5) { nodes { id } } }"
# Down long enough that gRPC's default back-off (1 s, x1.6, up to 120 s) would wait seconds past the restart.
DOWN = 8.0


def start_registry(tmp_path: Path, address: str, url: str) -> subprocess.Popen[bytes]:
    environ = {**os.environ, "GRIDGOV_REGISTRY_LISTEN": address, "GRIDGOV_REGISTRY_DATABASE_URL": url,
               "GRIDGOV_DATA_DIR": str(tmp_path)}
    with (tmp_path / "registry.log").open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "services.registry"], env=environ, stdout=log,
                                stderr=subprocess.STDOUT)


async def healthy(address: str) -> bool:
    """Asked over a fresh channel, so its answer owes nothing to the gateway's channel's back-off."""
    async with grpc.aio.insecure_channel(address) as channel:
        try:
            answer = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=0.5)
        except grpc.aio.AioRpcError:
            return False
    return answer.status == health_pb2.HealthCheckResponse.SERVING


async def wait_healthy(address: str, popen: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not await healthy(address):
        assert popen.poll() is None, f"the registry exited with {popen.returncode}"
        assert time.monotonic() < deadline, "the registry did not become healthy"
        await asyncio.sleep(0.05)


def test_the_channels_reconnect_within_a_second() -> None:
    options = dict(CHANNEL_OPTIONS)
    assert options["grpc.max_reconnect_backoff_ms"] <= 1000
    assert options["grpc.initial_reconnect_backoff_ms"] <= options["grpc.max_reconnect_backoff_ms"]


async def test_the_gateway_serves_a_restarted_service_within_two_seconds_of_its_health(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
    database = Database.from_url(url)
    try:
        await bulk_load(database, households=3, seed=7)
    finally:
        await database.dispose()
    address = f"127.0.0.1:{free_port()}"
    popen = start_registry(tmp_path, address, url)
    try:
        await wait_healthy(address, popen)
        settings = gateway_settings(tmp_path / "gateway", services={"registry": address}, call_timeout=2.0)
        async with running_gateway(settings, load_plugins(["registry"])) as gateway:
            bearer = token(settings, "dave", [("district_admin", "110108")])
            assert len((await gateway.ok(HOUSEHOLDS, bearer))["households"]["nodes"]) == 3

            popen.terminate()
            popen.wait(timeout=10)
            # Callers keep asking while it is down: each failure lengthens an unbounded back-off.
            stopped = time.monotonic()
            while time.monotonic() - stopped < DOWN:
                body = await gateway.data(HOUSEHOLDS, bearer)
                assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                await asyncio.sleep(0.25)

            popen = start_registry(tmp_path, address, url)
            await wait_healthy(address, popen)
            back = time.monotonic()
            while True:
                body = await gateway.data(HOUSEHOLDS, bearer)
                if not body.get("errors"):
                    break
                assert time.monotonic() - back < 10, body["errors"]
                await asyncio.sleep(0.05)
            recovered = time.monotonic() - back
    finally:
        if popen.poll() is None:
            popen.terminate()
            popen.wait(timeout=10)
    assert len(body["data"]["households"]["nodes"]) == 3
    assert recovered < 2.0, f"the gateway failed its fields for {recovered:.1f} s after the service was healthy"
