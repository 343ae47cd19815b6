"""Real in-process gRPC servers of gridgov services, for service and integration tests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import grpc

from gridgov.common.v1 import error_pb2
from services.kit.actor import ActorSigner
from services.kit.client import open_channel
from services.kit.config import DEV_ACTOR_KEY, Mode, ServiceSettings
from services.kit.database import Database
from services.kit.migrations import upgrade
from services.kit.plugin import Plugin, load_plugins
from services.kit.runtime import ServiceRuntime
from services.kit.server import ERROR_DETAIL_KEY, create_server, plugin_tables, start_background
from services.kit.tls import TLSConfig


@dataclass
class RunningService:
    plugin: Plugin
    address: str
    channel: grpc.aio.Channel
    stub: Any
    runtime: ServiceRuntime
    server: grpc.aio.Server


def service_settings(name: str, database: Database, peers: Mapping[str, str] | None = None,
                  job_interval: float = 3600.0, tls: TLSConfig | None = None) -> ServiceSettings:
    return ServiceSettings(
        name=name,
        mode=Mode.DEV,
        listen="127.0.0.1:0",
        database_url=database.url,
        actor_key=DEV_ACTOR_KEY.encode(),
        migrate_on_start=True,
        peers=dict(peers or {}),
        job_interval=job_interval,
        tls=tls,
    )


@asynccontextmanager
async def running_service(
    name: str,
    database: Database,
    *,
    peers: Mapping[str, str] | None = None,
    background: bool = False,
    port: int = 0,
    tls: TLSConfig | None = None,
) -> AsyncIterator[RunningService]:
    """Migrates ``database``, serves service ``name`` on a free port, and stops it afterwards.

    ``background`` also starts its jobs and event consumers, as the real process does.
    """
    plugin = load_plugins([name])[name]
    runtime = ServiceRuntime(
        service_settings(name, database, peers, tls=tls), database, plugin_tables(plugin),
        ActorSigner(DEV_ACTOR_KEY.encode(), name),
    )
    await upgrade(database, plugin.migrations)
    server, bound = await create_server(plugin, runtime, f"127.0.0.1:{port}")
    await server.start()
    tasks = start_background(plugin, runtime) if background else []
    address = f"127.0.0.1:{bound}"
    channel = grpc.aio.insecure_channel(address) if tls is None else open_channel(address, tls=tls)
    try:
        yield RunningService(plugin, address, channel, plugin.stub(channel), runtime, server)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await channel.close()
        await server.stop(grace=None)


def free_port() -> int:
    """A TCP port nobody listens on now, for a server a test starts (or restarts) at a known address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until(probe: Callable[[], Awaitable[Any]], seconds: float = 15.0, interval: float = 0.05) -> Any:
    """Polls ``probe`` until it returns something truthy, and returns that; fails after ``seconds``."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not (value := await probe()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {seconds}s")
        await asyncio.sleep(interval)
    return value


def error_detail(error: grpc.aio.AioRpcError) -> error_pb2.ErrorDetail:
    """The ErrorDetail a service put in an error's trailing metadata; fails the test if there is none."""
    for key, value in error.trailing_metadata() or ():
        if key == ERROR_DETAIL_KEY:
            return error_pb2.ErrorDetail.FromString(value)
    raise AssertionError(f"no error detail on {error.code()}: {error.details()}")
