"""The README's query for each role runs against a gateway over the four services holding the demo district."""

from __future__ import annotations

import re
from contextlib import AsyncExitStack
from pathlib import Path

from launcher.demo import load_demo_data
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.database import Database
from services.kit.plugin import load_plugins
from tests.gateway.harness import gateway_settings, running_gateway, token
from tests.support.services import free_port, running_service

README = Path(__file__).parents[2] / "README.md"
BLOCK = re.compile(r"```graphql\n# (\w+)@(\d+)(?: department=(\w+))?[^\n]*\n(.*?)```", re.S)
SERVICES = ("registry", "cases", "fire", "inspection")
# Who consumes whose events: cases takes fire's and inspection's requests, they take its CaseClosed.
PEERS = {"registry": (), "cases": ("fire", "inspection"), "fire": ("cases",), "inspection": ("cases",)}


def examples() -> list[tuple[str, str, str, str]]:
    """(role, scope, department, document) of every example in the README."""
    return [(role, scope, department or "", document) for role, scope, department, document
            in BLOCK.findall(README.read_text(encoding="utf-8"))]


def test_the_readme_has_a_query_for_every_role() -> None:
    roles = {role for role, *_ in examples()}
    table = README.read_text(encoding="utf-8").split("| role | reach |", 1)[1].split("\n\n", 1)[0]
    listed = {name for row in table.splitlines()[2:] for name in re.findall(r"`(\w+)`", row.split("|")[1])}
    assert listed and roles == listed


async def test_the_readme_queries_run_against_the_demo_district(tmp_path: Path) -> None:
    ports = {name: free_port() for name in SERVICES}
    addresses = {name: f"127.0.0.1:{port}" for name, port in ports.items()}
    async with AsyncExitStack() as stack:
        for name in SERVICES:
            database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / (name + '.db')}")
            stack.push_async_callback(database.dispose)
            await stack.enter_async_context(running_service(
                name, database, peers={peer: addresses[peer] for peer in PEERS[name]}, background=True,
                port=ports[name]))
        plugins = load_plugins(list(SERVICES))
        await load_demo_data(plugins, addresses, ActorSigner(DEV_ACTOR_KEY.encode(), "launcher"))
        settings = gateway_settings(tmp_path, services=addresses)
        gateway = await stack.enter_async_context(running_gateway(settings, plugins))
        for role, scope, department, document in examples():
            bearer = token(settings, f"readme-{role}", [(role, scope)], department=department)
            body = await gateway.data(document, bearer)
            assert "errors" not in body, (role, body["errors"])
            assert all(value is not None for value in body["data"].values()), (role, body["data"])
