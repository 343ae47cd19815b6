"""The gateway reaches a service that requires mutual TLS with its own certificate; without one it cannot."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from services.kit.database import Database
from tests.gateway.harness import gateway_settings, running_gateway, token
from tests.registry.conftest import build_tree
from tests.support.services import running_service
from tests.support.tls import CertificateAuthority

QUERY = '{ jurisdiction(code: "110108001") { name children { nodes { code } } } }'


async def test_the_gateway_calls_a_service_over_mutual_tls(tmp_path: Path) -> None:
    authority = CertificateAuthority(tmp_path / "ca")
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    try:
        async with running_service("registry", database, tls=authority.issue("registry")) as registry:
            await build_tree(registry.stub)
            plain = gateway_settings(tmp_path / "plain", services={"registry": registry.address})
            secured = dataclasses.replace(plain, tls=authority.issue("gateway"))
            async with running_gateway(secured, {"registry": registry.plugin}) as gateway:
                street = token(secured, "s1", [("street_staff", "110108001")])
                body = await gateway.data(QUERY, street)
                assert "errors" not in body, body
                assert body["data"]["jurisdiction"]["name"] == "某街道"
            async with running_gateway(plain, {"registry": registry.plugin}) as gateway:
                body = await gateway.data(QUERY, token(plain, "s1", [("street_staff", "110108001")]))
                assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    finally:
        await database.dispose()
