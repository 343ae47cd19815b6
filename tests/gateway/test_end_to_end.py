"""The registry in its own process, the gateway over real HTTP: scopes, denials on record, masking, tamper, outage."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import text

from services.kit.database import Database
from services.kit.plugin import load_plugins
from services.registry.bulk import bulk_load
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import free_port

COMMUNITY = "110108001001"
OTHER_COMMUNITY = "110108002001"
GRID = "110108001001001"

HOUSEHOLDS = """query Households($after: String! = "") {
  households(first: 200, after: $after) {
    nodes { id address careLevel headName memberCount jurisdictionCode }
    pageInfo { hasNextPage endCursor }
  }
}"""
MEMBERS = "query One($id: ID!) { household(id: $id) { id jurisdictionCode members { name idNumber phone } } }"


@dataclass
class RegistryProcess:
    address: str
    popen: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(timeout=10)


@pytest.fixture
def registry_process(tmp_path: Path) -> Iterator[RegistryProcess]:
    """python -m services.registry on a free port over a SQLite file holding 120 synthetic households."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"

    async def load() -> None:
        database = Database.from_url(url)
        try:
            await bulk_load(database, households=120, seed=7)
        finally:
            await database.dispose()

    asyncio.run(load())
    address = f"127.0.0.1:{free_port()}"
    environ = {**os.environ, "GRIDGOV_REGISTRY_LISTEN": address, "GRIDGOV_REGISTRY_DATABASE_URL": url,
               "GRIDGOV_DATA_DIR": str(tmp_path)}
    log = (tmp_path / "registry.log").open("wb")
    popen = subprocess.Popen([sys.executable, "-m", "services.registry"], env=environ, stdout=log,
                             stderr=subprocess.STDOUT)
    process = RegistryProcess(address, popen)
    try:
        asyncio.run(_wait_serving(address, popen))
        yield process
    finally:
        process.stop()
        log.close()


async def _wait_serving(address: str, popen: subprocess.Popen[bytes]) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for _ in range(200):
            if popen.poll() is not None:
                raise RuntimeError(f"the registry exited with {popen.returncode}")
            try:
                answer = await stub.Check(health_pb2.HealthCheckRequest(), timeout=0.5)
                if answer.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the registry did not start serving")


@pytest.fixture
async def gateway(tmp_path: Path, registry_process: RegistryProcess) -> AsyncIterator[RunningGateway]:
    settings = gateway_settings(tmp_path / "gateway", services={"registry": registry_process.address},
                                call_timeout=2.0)
    async with running_gateway(settings, load_plugins(["registry"])) as running:
        yield running


async def all_households(gateway: RunningGateway, bearer: str) -> list[dict[str, object]]:
    nodes: list[dict[str, object]] = []
    after = ""
    while True:
        body = await gateway.data(HOUSEHOLDS, bearer, {"after": after})
        assert "errors" not in body, body
        page = body["data"]["households"]
        nodes.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_the_gateway_over_a_real_registry(gateway: RunningGateway, registry_process: RegistryProcess) -> None:
    settings = gateway.settings
    community = token(settings, "carol", [("community_staff", COMMUNITY)])
    district = token(settings, "dave", [("district_admin", "110108")])
    worker = token(settings, "gina", [("grid_worker", GRID)])
    auditor = token(settings, "audrey", [("auditor", "110108")])

    # A community's token lists only that community's households.
    mine = await all_households(gateway, community)
    everything = await all_households(gateway, district)
    assert mine and all(str(h["jurisdictionCode"]).startswith(COMMUNITY) for h in mine)
    assert {h["id"] for h in mine} == {h["id"] for h in everything if str(h["jurisdictionCode"]).startswith(COMMUNITY)}
    assert len(everything) == 120
    assert {"address", "careLevel", "headName", "memberCount"} <= set(mine[0])

    # Reading another community's household is denied, and the denial is on record with its reason.
    foreign = next(h for h in everything if str(h["jurisdictionCode"]).startswith(OTHER_COMMUNITY))
    denied = await gateway.data(MEMBERS, community, {"id": foreign["id"]})
    assert denied["data"] == {"household": None}
    assert denied["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    log = await gateway.data(
        '{ accessDecisions(filter: {subject: "carol", allow: false}) '
        "{ nodes { action resourceType jurisdictionCode reasons allow } } }", auditor)
    records = log["data"]["accessDecisions"]["nodes"]
    assert records[0]["action"] == "household.read" and records[0]["jurisdictionCode"] == foreign["jurisdictionCode"]
    assert records[0]["reasons"] and records[0]["allow"] is False

    # A grid worker sees ID numbers masked; a role the policy grants sees them whole.
    in_grid = next(h for h in everything if h["jurisdictionCode"] == GRID)
    masked = await gateway.data(MEMBERS, worker, {"id": in_grid["id"]})
    whole = await gateway.data(MEMBERS, community, {"id": in_grid["id"]})
    masked_ids = [m["idNumber"] for m in masked["data"]["household"]["members"]]
    whole_ids = [m["idNumber"] for m in whole["data"]["household"]["members"]]
    assert all("*" in number for number in masked_ids)
    assert all(len(number) == 18 and "*" not in number for number in whole_ids)
    assert [n[-4:] for n in masked_ids] == [n[-4:] for n in whole_ids]
    unmasked = await gateway.data(
        '{ accessDecisions(filter: {subject: "carol", action: "household.read", allow: true}) '
        "{ nodes { result } } }", auditor)
    assert "id_number" not in unmasked["data"]["accessDecisions"]["nodes"][0]["result"]["mask"]

    # Tampering with a stored decision makes verification fail.
    verified = await gateway.data("{ decisionLogVerification { ok checked } }", auditor)
    assert verified["data"]["decisionLogVerification"]["ok"]
    async with gateway.runtime.database.transaction() as session:
        await session.execute(text("DROP TRIGGER access_decision_no_update"))
        await session.execute(text("UPDATE access_decision SET allow = 1 WHERE subject = 'carol' AND allow = 0"))
    verdict = (await gateway.data("{ decisionLogVerification { ok brokenSequence reason } }", auditor))["data"]
    assert verdict["decisionLogVerification"]["ok"] is False
    assert "altered" in verdict["decisionLogVerification"]["reason"]

    # With the registry stopped, its fields fail with SERVICE_UNAVAILABLE; the gateway's own still answer.
    registry_process.stop()
    body = await gateway.data("{ viewer { id } households(first: 5) { nodes { id } } }", community)
    assert body["data"]["viewer"] == {"id": "carol"}
    assert body["data"]["households"] is None
    assert body["errors"][0]["path"] == ["households"]
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
