"""Gateway settings: defaults for the embedded default, loud failures naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.documents import DocumentLimits
from gateway.settings import GatewaySettings
from services.kit.config import ConfigError, Mode


def test_embedded_defaults(tmp_path: Path) -> None:
    settings = GatewaySettings.from_env({"GRIDGOV_DATA_DIR": str(tmp_path)})
    assert settings.mode is Mode.DEV and settings.listen == "127.0.0.1:8000"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    assert (settings.policy_engine, settings.jwks_url, settings.migrate_on_start) == ("embedded", None, True)
    assert settings.services["registry"] == "127.0.0.1:50061"
    assert (settings.max_body_bytes, settings.max_upload_bytes) == (2 * 1024 * 1024, 32 * 1024 * 1024)
    assert (settings.document.max_bytes, settings.document.max_tokens, settings.max_token_lifetime) == (
        32 * 1024, 4000, 24 * 3600)


def test_request_limits_are_read(tmp_path: Path) -> None:
    settings = GatewaySettings.from_env({
        "GRIDGOV_DATA_DIR": str(tmp_path), "GRIDGOV_MAX_BODY_BYTES": "100000", "GRIDGOV_MAX_UPLOAD_BYTES": "900000",
        "GRIDGOV_MAX_DOCUMENT_BYTES": "5000", "GRIDGOV_MAX_DOCUMENT_TOKENS": "300", "GRIDGOV_MAX_SELECTIONS": "40",
        "GRIDGOV_MAX_FRAGMENTS": "5", "GRIDGOV_MAX_DIRECTIVES": "2", "GRIDGOV_MAX_FIELD_REPEATS": "1",
        "GRIDGOV_MAX_QUERY_DEPTH": "6", "GRIDGOV_JWT_MAX_LIFETIME": "3600", "GRIDGOV_JWT_MAX_BYTES": "2048"})
    assert (settings.max_body_bytes, settings.max_upload_bytes) == (100000, 900000)
    assert settings.document == DocumentLimits(max_bytes=5000, max_tokens=300, max_selections=40, max_fragments=5,
                                               max_directives=2, max_spread_depth=6, max_repeats=1)
    assert (settings.max_token_lifetime, settings.max_token_bytes) == (3600, 2048)


PRODUCTION = {"GRIDGOV_MODE": "production", "GRIDGOV_ACTOR_KEY": "k" * 40,
              "GRIDGOV_GATEWAY_DATABASE_URL": "postgresql+asyncpg://u:p@db/gateway",
              "GRIDGOV_OPA_URL": "http://opa:8181", "GRIDGOV_JWKS_URL": "https://idp/jwks",
              "GRIDGOV_JWT_ISSUER": "https://idp", "GRIDGOV_TLS_CERT": "/tls/gateway.crt",
              "GRIDGOV_TLS_KEY": "/tls/gateway.key", "GRIDGOV_TLS_CA": "/tls/ca.crt"}


def test_production_reads_everything_it_needs() -> None:
    settings = GatewaySettings.from_env(PRODUCTION)
    assert (settings.policy_engine, settings.opa_url, settings.migrate_on_start) == ("opa", "http://opa:8181", False)
    assert settings.tls is not None and str(settings.tls.ca) == "/tls/ca.crt"


@pytest.mark.parametrize(("missing", "named"), [
    ("GRIDGOV_JWKS_URL", "GRIDGOV_JWKS_URL must be set"),
    ("GRIDGOV_JWT_ISSUER", "GRIDGOV_JWT_ISSUER must be set"),
    ("GRIDGOV_OPA_URL", "GRIDGOV_OPA_URL must be set"),
    ("GRIDGOV_GATEWAY_DATABASE_URL", "GRIDGOV_GATEWAY_DATABASE_URL must be set"),
    ("GRIDGOV_TLS_KEY", "GRIDGOV_TLS_KEY must be set too"),
])
def test_production_names_what_is_missing(missing: str, named: str) -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigError, match=named):
        GatewaySettings.from_env(environ)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("GRIDGOV_POLICY_ENGINE", "wasm", "GRIDGOV_POLICY_ENGINE must be embedded or opa"),
    ("GRIDGOV_GATEWAY_LISTEN", "8000", "GRIDGOV_GATEWAY_LISTEN must be host:port"),
    ("GRIDGOV_GATEWAY_DATABASE_URL", "mysql://x", "must start with sqlite"),
    ("GRIDGOV_MAX_QUERY_DEPTH", "deep", "must be a whole number"),
    ("GRIDGOV_MAX_UPLOAD_BYTES", "1024", r"GRIDGOV_MAX_UPLOAD_BYTES \(1024\) must not be smaller than "
                                         r"GRIDGOV_MAX_BODY_BYTES \(2097152\)"),
    ("GRIDGOV_MAX_DOCUMENT_BYTES", str(4 * 1024 * 1024), "must not be larger than GRIDGOV_MAX_BODY_BYTES"),
    ("GRIDGOV_MAX_DOCUMENT_TOKENS", "3", "GRIDGOV_MAX_DOCUMENT_TOKENS must be at least 16"),
    ("GRIDGOV_JWT_MAX_LIFETIME", "10", "GRIDGOV_JWT_MAX_LIFETIME must be at least 60"),
])
def test_bad_values_are_named(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        GatewaySettings.from_env({"GRIDGOV_DATA_DIR": str(tmp_path), name: value})
