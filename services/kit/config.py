"""Configuration from the environment; a bad or missing value stops start-up naming the variable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.kit.tls import TLSConfig


class ConfigError(Exception):
    """A configuration variable is missing or has a value that cannot be used."""


class Mode(StrEnum):
    DEV = "dev"
    PRODUCTION = "production"


# Default ports of the embedded stack; compose.yaml uses the same ones inside containers.
DEFAULT_PORTS: Mapping[str, int] = {
    "registry": 50061,
    "cases": 50062,
    "fire": 50063,
    "inspection": 50064,
}
DEFAULT_GATEWAY_PORT = 8000
# Shared secret the gateway signs actor metadata with in the embedded default only.
DEV_ACTOR_KEY = "gridgov-dev-actor-key-not-for-production"


class Env:
    """Typed reads of environment variables."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def text(self, name: str, default: str | None = None) -> str:
        value = self.environ.get(name)
        if value is None or value == "":
            if default is None:
                raise ConfigError(f"{name} must be set")
            return default
        return value

    def integer(self, name: str, default: int | None = None, *, minimum: int | None = None) -> int:
        raw = self.environ.get(name)
        if raw is None or raw == "":
            if default is None:
                raise ConfigError(f"{name} must be set")
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if minimum is not None and value < minimum:
            raise ConfigError(f"{name} must be at least {minimum}, got {value}")
        return value

    def number(self, name: str, default: float) -> float:
        raw = self.environ.get(name)
        if raw is None or raw == "":
            return default
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a number, got {raw!r}") from None

    def flag(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None or raw == "":
            return default
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, got {raw!r}")

    def names(self, name: str, default: list[str]) -> list[str]:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def mode(self) -> Mode:
        raw = self.text("GRIDGOV_MODE", Mode.DEV.value)
        try:
            return Mode(raw)
        except ValueError:
            raise ConfigError(f"GRIDGOV_MODE must be dev or production, got {raw!r}") from None


def data_dir(env: Env) -> Path:
    """Where the embedded default keeps its SQLite files (GRIDGOV_DATA_DIR, default ./var)."""
    return Path(env.text("GRIDGOV_DATA_DIR", "var")).resolve()


@dataclass(frozen=True)
class ServiceSettings:
    """What one service process needs to start."""

    name: str
    mode: Mode
    listen: str
    database_url: str
    actor_key: bytes
    migrate_on_start: bool
    # Addresses of the other services this one consumes events from, by service name.
    peers: Mapping[str, str]
    # How often background jobs (deadline marking, due lists) run, in seconds.
    job_interval: float
    # Mutual TLS for this service's port and its channels to other services; None: plain (dev, or a mesh).
    tls: TLSConfig | None = None
    # How long an idempotency key's first answer is kept (it must outlast the portals' offline queue), in days.
    idempotency_ttl_days: int = 7
    # Where a service that places points keeps its last copy of the registry's boundaries.
    boundary_cache_file: Path = Path("var") / "boundaries.json"
    # How long the map's counts per grid are kept for the next requests (dropped at once by this process's
    # writes), in seconds; 0 computes every answer.
    map_cache_seconds: float = 2.0

    @classmethod
    def from_env(cls, name: str, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        """Reads GRIDGOV_<NAME>_* variables; raises ConfigError on a missing or bad value."""
        from services.kit.tls import tls_config  # tls builds on this module

        env = Env(environ)
        mode = env.mode()
        upper = name.upper()
        port = DEFAULT_PORTS.get(name, 50070)
        listen = env.text(f"GRIDGOV_{upper}_LISTEN", f"127.0.0.1:{port}")
        if ":" not in listen:
            raise ConfigError(f"GRIDGOV_{upper}_LISTEN must be host:port, got {listen!r}")
        default_db = None
        if mode is Mode.DEV:
            default_db = f"sqlite+aiosqlite:///{data_dir(env) / (name + '.db')}"
        database_url = env.text(f"GRIDGOV_{upper}_DATABASE_URL", default_db)
        if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ConfigError(
                f"GRIDGOV_{upper}_DATABASE_URL must start with sqlite+aiosqlite:// or "
                f"postgresql+asyncpg://, got {database_url!r}"
            )
        return cls(
            name=name,
            mode=mode,
            listen=listen,
            database_url=database_url,
            actor_key=actor_key(env, mode),
            migrate_on_start=env.flag("GRIDGOV_MIGRATE_ON_START", mode is Mode.DEV),
            peers=service_addresses(env),
            job_interval=env.number("GRIDGOV_JOB_INTERVAL", 30.0),
            tls=tls_config(env, mode),
            idempotency_ttl_days=env.integer("GRIDGOV_IDEMPOTENCY_TTL_DAYS", 7, minimum=1),
            boundary_cache_file=Path(env.text(f"GRIDGOV_{upper}_BOUNDARY_CACHE_FILE",
                                              str(data_dir(env) / f"{name}-boundaries.json"))),
            map_cache_seconds=map_cache_seconds(env),
        )


def map_cache_seconds(env: Env) -> float:
    seconds = env.number("GRIDGOV_MAP_CACHE_SECONDS", 2.0)
    if not 0 <= seconds <= 300:
        raise ConfigError(f"GRIDGOV_MAP_CACHE_SECONDS must be between 0 and 300, got {seconds}")
    return seconds


def actor_key(env: Env, mode: Mode) -> bytes:
    """The actor-signing secret; production refuses to start without a real one."""
    if mode is Mode.PRODUCTION:
        key = env.text("GRIDGOV_ACTOR_KEY")
        if len(key) < 32:
            raise ConfigError("GRIDGOV_ACTOR_KEY must be at least 32 characters in production")
        return key.encode()
    return env.text("GRIDGOV_ACTOR_KEY", DEV_ACTOR_KEY).encode()


def service_addresses(env: Env) -> dict[str, str]:
    """Address of every enabled service (GRIDGOV_SERVICES, GRIDGOV_<NAME>_ADDRESS)."""
    enabled = env.names("GRIDGOV_SERVICES", list(DEFAULT_PORTS))
    addresses = {}
    for name in enabled:
        default = f"127.0.0.1:{DEFAULT_PORTS[name]}" if name in DEFAULT_PORTS else None
        addresses[name] = env.text(f"GRIDGOV_{name.upper()}_ADDRESS", default)
    return addresses
