"""The gateway's configuration, read from the environment; a missing or bad value stops start-up naming it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gateway.documents import DocumentLimits
from gateway.placement import PlacementSettings
from gateway.portal_config import PortalSettings
from services.kit.config import DEFAULT_GATEWAY_PORT, ConfigError, Env, Mode, actor_key, data_dir, service_addresses
from services.kit.media import MediaSettings, media_settings
from services.kit.tls import TLSConfig, tls_config

ENGINES = ("embedded", "opa")


@dataclass(frozen=True)
class GatewaySettings:
    mode: Mode
    listen: str
    database_url: str
    # Where the decision log's head is anchored, outside its database (a file; see decision_log/anchor.py).
    decision_log_anchor: Path
    migrate_on_start: bool
    # How long a request waits for its decision to be durable (a locked database) before it is refused, seconds.
    decision_log_wait: float
    # "embedded" (regorus, in-process) or "opa" (an OPA server at opa_url).
    policy_engine: str
    opa_url: str | None
    opa_timeout: float
    # Production verifies tokens against the identity provider's JWKS; the embedded default uses a local key.
    jwks_url: str | None
    jwt_key_file: Path
    jwt_issuer: str
    jwt_audience: str
    actor_key: bytes
    # Enabled services and their gRPC addresses.
    services: Mapping[str, str]
    call_timeout: float
    max_depth: int
    max_aliases: int
    # Mutual TLS on the channels to the services; None: plain (dev, or a service mesh provides it).
    tls: TLSConfig | None = None
    # What a GraphQL document may be before it is validated (bytes, tokens, selections, fragments, directives).
    document: DocumentLimits = field(default_factory=DocumentLimits)
    # A request body is refused (413) past this many bytes, while it is read; uploads get their own maximum.
    max_body_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 32 * 1024 * 1024
    # Tokens: the longest lifetime (exp - iat) accepted, in seconds, and the largest token, in bytes.
    max_token_lifetime: int = 24 * 3600
    max_token_bytes: int = 8192
    # The grids' spatial index: its copy on disk and how often the registry is asked for changes.
    placement: PlacementSettings = field(default_factory=PlacementSettings)
    # The portal's built files and the map settings it reads from /portal/config.json.
    portal: PortalSettings = field(default_factory=PortalSettings)
    # Where evidence media are kept (the filesystem, or S3-compatible storage).
    media: MediaSettings = field(default_factory=MediaSettings)

    @property
    def host(self) -> str:
        return self.listen.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.listen.rsplit(":", 1)[1])

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GatewaySettings:
        """Raises ConfigError naming the variable that is missing or wrong."""
        env = Env(environ)
        mode = env.mode()
        production = mode is Mode.PRODUCTION
        listen = env.text("GRIDGOV_GATEWAY_LISTEN", f"127.0.0.1:{DEFAULT_GATEWAY_PORT}")
        host, _, port = listen.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"GRIDGOV_GATEWAY_LISTEN must be host:port, got {listen!r}")
        default_db = None if production else f"sqlite+aiosqlite:///{data_dir(env) / 'gateway.db'}"
        database_url = env.text("GRIDGOV_GATEWAY_DATABASE_URL", default_db)
        if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ConfigError("GRIDGOV_GATEWAY_DATABASE_URL must start with sqlite+aiosqlite:// or "
                              f"postgresql+asyncpg://, got {database_url!r}")
        anchor = decision_log_anchor(env)
        engine = env.text("GRIDGOV_POLICY_ENGINE", "opa" if production else "embedded")
        if engine not in ENGINES:
            raise ConfigError(f"GRIDGOV_POLICY_ENGINE must be embedded or opa, got {engine!r}")
        opa_url = env.text("GRIDGOV_OPA_URL") if engine == "opa" else None
        if opa_url is not None and not opa_url.startswith(("http://", "https://")):
            raise ConfigError(f"GRIDGOV_OPA_URL must be an http(s) URL, got {opa_url!r}")
        jwks_url = env.text("GRIDGOV_JWKS_URL") if production else (env.environ.get("GRIDGOV_JWKS_URL") or None)
        key_file = env.environ.get("GRIDGOV_JWT_PRIVATE_KEY_FILE")
        max_depth = env.integer("GRIDGOV_MAX_QUERY_DEPTH", 10, minimum=1)
        max_body = env.integer("GRIDGOV_MAX_BODY_BYTES", 2 * 1024 * 1024, minimum=1024)
        max_upload = env.integer("GRIDGOV_MAX_UPLOAD_BYTES", 32 * 1024 * 1024, minimum=1024)
        if max_upload < max_body:
            raise ConfigError(f"GRIDGOV_MAX_UPLOAD_BYTES ({max_upload}) must not be smaller than "
                              f"GRIDGOV_MAX_BODY_BYTES ({max_body})")
        document = DocumentLimits(
            max_bytes=env.integer("GRIDGOV_MAX_DOCUMENT_BYTES", DocumentLimits.max_bytes, minimum=64),
            max_tokens=env.integer("GRIDGOV_MAX_DOCUMENT_TOKENS", DocumentLimits.max_tokens, minimum=16),
            max_selections=env.integer("GRIDGOV_MAX_SELECTIONS", DocumentLimits.max_selections, minimum=1),
            max_fragments=env.integer("GRIDGOV_MAX_FRAGMENTS", DocumentLimits.max_fragments, minimum=0),
            max_directives=env.integer("GRIDGOV_MAX_DIRECTIVES", DocumentLimits.max_directives, minimum=0),
            max_spread_depth=max_depth,
            max_repeats=env.integer("GRIDGOV_MAX_FIELD_REPEATS", DocumentLimits.max_repeats, minimum=1),
        )
        if document.max_bytes > max_body:
            raise ConfigError(f"GRIDGOV_MAX_DOCUMENT_BYTES ({document.max_bytes}) must not be larger than "
                              f"GRIDGOV_MAX_BODY_BYTES ({max_body}): the document travels in the body")
        return cls(
            mode=mode,
            listen=listen,
            database_url=database_url,
            decision_log_anchor=anchor,
            migrate_on_start=env.flag("GRIDGOV_MIGRATE_ON_START", not production),
            decision_log_wait=env.integer("GRIDGOV_DECISION_LOG_WAIT_MS", 2000, minimum=1) / 1000,
            policy_engine=engine,
            opa_url=opa_url,
            opa_timeout=env.number("GRIDGOV_OPA_TIMEOUT", 0.5),
            jwks_url=jwks_url,
            jwt_key_file=Path(key_file) if key_file else data_dir(env) / "gateway-jwt-key.pem",
            jwt_issuer=env.text("GRIDGOV_JWT_ISSUER", None if production else "gridgov"),
            jwt_audience=env.text("GRIDGOV_JWT_AUDIENCE", "gridgov"),
            actor_key=actor_key(env, mode),
            services=service_addresses(env),
            call_timeout=env.number("GRIDGOV_CALL_TIMEOUT", 5.0),
            max_depth=max_depth,
            max_aliases=env.integer("GRIDGOV_MAX_ALIASES", 15, minimum=1),
            tls=tls_config(env, mode),
            document=document,
            max_body_bytes=max_body,
            max_upload_bytes=max_upload,
            max_token_lifetime=env.integer("GRIDGOV_JWT_MAX_LIFETIME", 24 * 3600, minimum=60),
            max_token_bytes=env.integer("GRIDGOV_JWT_MAX_BYTES", 8192, minimum=256),
            placement=PlacementSettings.from_env(env),
            portal=PortalSettings.from_env(env),
            media=media_settings(env.environ, data_dir(env)),
        )


def decision_log_anchor(env: Env) -> Path:
    """GRIDGOV_DECISION_LOG_ANCHOR: the file the decision log's head is anchored in (default in the data dir)."""
    raw = env.text("GRIDGOV_DECISION_LOG_ANCHOR", str(data_dir(env) / "gateway-decision-log.anchor"))
    if "://" in raw:
        raise ConfigError(f"GRIDGOV_DECISION_LOG_ANCHOR must be a file path (the anchor is a file), got {raw!r}")
    path = Path(raw).resolve()
    if raw.endswith(("/", "\\")) or path.is_dir():
        raise ConfigError(f"GRIDGOV_DECISION_LOG_ANCHOR must name a file, not a directory, got {raw!r}")
    return path
