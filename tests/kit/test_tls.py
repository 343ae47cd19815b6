"""Mutual TLS between gridgov processes: configuration, and a real service refusing what its CA did not sign."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.kit.client import open_channel
from services.kit.config import ConfigError, Env, Mode, ServiceSettings
from services.kit.database import Database
from services.kit.tls import TLSConfig, tls_config
from tests.support.services import running_service
from tests.support.tls import CertificateAuthority

FILES = {"GRIDGOV_TLS_CERT": "/etc/gridgov/tls/tls.crt", "GRIDGOV_TLS_KEY": "/etc/gridgov/tls/tls.key",
         "GRIDGOV_TLS_CA": "/etc/gridgov/tls/ca.crt"}


def test_tls_is_optional_in_dev_and_required_in_production() -> None:
    assert tls_config(Env({}), Mode.DEV) is None
    with pytest.raises(ConfigError, match="GRIDGOV_TLS_CERT, GRIDGOV_TLS_KEY and GRIDGOV_TLS_CA are required"):
        tls_config(Env({}), Mode.PRODUCTION)
    assert tls_config(Env({"GRIDGOV_TLS_BY_MESH": "1"}), Mode.PRODUCTION) is None
    with pytest.raises(ConfigError, match="GRIDGOV_TLS_BY_MESH must be true or false"):
        tls_config(Env({"GRIDGOV_TLS_BY_MESH": "istio"}), Mode.PRODUCTION)
    assert tls_config(Env(FILES), Mode.PRODUCTION) == TLSConfig(
        Path("/etc/gridgov/tls/tls.crt"), Path("/etc/gridgov/tls/tls.key"), Path("/etc/gridgov/tls/ca.crt"))


def test_all_three_files_or_none() -> None:
    partial = {k: v for k, v in FILES.items() if k != "GRIDGOV_TLS_CA"}
    with pytest.raises(ConfigError, match="GRIDGOV_TLS_CA must be set too"):
        tls_config(Env(partial), Mode.DEV)


def test_an_unreadable_file_is_named_with_its_variable(tmp_path: Path) -> None:
    config = CertificateAuthority(tmp_path).issue("registry")
    missing = dataclasses.replace(config, key=tmp_path / "nowhere.key")
    with pytest.raises(ConfigError, match=r"GRIDGOV_TLS_KEY: cannot read .*nowhere\.key"):
        missing.server_credentials()


def test_service_settings_read_the_tls_files() -> None:
    environ = {"GRIDGOV_MODE": "production", "GRIDGOV_REGISTRY_DATABASE_URL": "postgresql+asyncpg://h/db",
               "GRIDGOV_ACTOR_KEY": "k" * 40, **FILES}
    assert ServiceSettings.from_env("registry", environ).tls == tls_config(Env(FILES), Mode.PRODUCTION)


async def _health(channel: grpc.aio.Channel) -> int:
    response = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=3)
    return int(response.status)


async def test_a_service_over_mutual_tls_answers_only_clients_its_ca_signed(tmp_path: Path) -> None:
    authority = CertificateAuthority(tmp_path / "ca")
    server, client = authority.issue("registry"), authority.issue("gateway")
    outsider = CertificateAuthority(tmp_path / "other", "another CA").issue("gateway")
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}")
    try:
        async with running_service("registry", database, tls=server) as service:
            async with open_channel(service.address, tls=client) as channel:
                assert await _health(channel) == health_pb2.HealthCheckResponse.SERVING
            refused: list[grpc.aio.Channel] = [
                grpc.aio.insecure_channel(service.address),  # plain text
                open_channel(service.address, tls=outsider),  # a certificate another CA signed
                # the right CA, but no client certificate of its own
                grpc.aio.secure_channel(service.address, grpc.ssl_channel_credentials(client.ca.read_bytes())),
            ]
            for channel in refused:
                async with channel:
                    with pytest.raises(grpc.aio.AioRpcError) as raised:
                        await _health(channel)
                    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await database.dispose()
