"""A real gateway on a free port for tests: uvicorn in the test's loop, settings in a tmp dir, tokens."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from gateway.app import create_app
from gateway.auth import load_or_create_private_key, mint_token
from gateway.runtime import GatewayRuntime, build_runtime
from gateway.settings import GatewaySettings
from services.kit.plugin import Plugin
from tests.support.services import free_port


def gateway_settings(tmp_path: Path, *, services: Mapping[str, str] | None = None, database_url: str | None = None,
                     **overrides: Any) -> GatewaySettings:
    environ = {"GRIDGOV_DATA_DIR": str(tmp_path), "GRIDGOV_GATEWAY_LISTEN": f"127.0.0.1:{free_port()}"}
    if database_url:
        environ["GRIDGOV_GATEWAY_DATABASE_URL"] = database_url
    settings = GatewaySettings.from_env(environ)
    return dataclasses.replace(settings, services=dict(services or {}), **overrides)


def token(settings: GatewaySettings, subject: str = "alice",
          roles: Sequence[tuple[str, str]] = (("auditor", "110108"),), department: str = "",
          ttl: int = 600, **kwargs: Any) -> str:
    key = load_or_create_private_key(settings.jwt_key_file)
    return mint_token(key, subject, roles, department, ttl, issuer=settings.jwt_issuer,
                      audience=settings.jwt_audience, **kwargs)


@dataclass
class RunningGateway:
    url: str
    settings: GatewaySettings
    runtime: GatewayRuntime
    client: httpx.AsyncClient
    _uploads: list[str] = field(default_factory=list)

    async def graphql(self, query: str, bearer: str | None,
                      variables: Mapping[str, Any] | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        return await self.client.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}},
                                      headers=headers)

    async def data(self, query: str, bearer: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        response = await self.graphql(query, bearer, variables)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def upload(self, bearer: str, jurisdiction: str, body: bytes | None = None) -> str:
        """The id of a photo uploaded as evidence for ``jurisdiction`` (POST /media); a fresh photo by default."""
        from tests.kit.test_media import jpeg

        answer = await self.client.post(f"{self.url}/media", params={"jurisdiction": jurisdiction},
                                        content=body if body is not None else jpeg(8 + len(self._uploads), 8),
                                        headers={"Authorization": f"Bearer {bearer}"})
        assert answer.status_code in (200, 201), answer.text
        self._uploads.append(answer.json()["id"])
        return str(answer.json()["id"])

    async def ok(self, query: str, bearer: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The data of a query that must succeed (fails the test with the errors otherwise)."""
        body = await self.data(query, bearer, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]

    async def first_error(self, query: str, bearer: str,
                          variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The first error of a query that must fail."""
        body = await self.data(query, bearer, variables)
        assert body.get("errors"), body
        return body["errors"][0]  # type: ignore[no-any-return]


@asynccontextmanager
async def running_gateway(settings: GatewaySettings, plugins: Mapping[str, Plugin] | None = None, *,
                          runtime: GatewayRuntime | None = None) -> AsyncIterator[RunningGateway]:
    """Serves the gateway over real HTTP until the block ends."""
    plugins = plugins or {}
    runtime = runtime or build_runtime(settings, plugins)
    app = create_app(settings, plugins=plugins, runtime=runtime)
    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port, loop="none",
                                           http="httptools", lifespan="on", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the gateway did not start")
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            yield RunningGateway(f"http://{settings.listen}", settings, runtime, client)
    finally:
        server.should_exit = True
        await task
