"""What a running gateway holds: settings, policy engine, decision log, authenticator, one channel per service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc

from gateway.auth import Authenticator, load_or_create_private_key
from gateway.decision_log.anchor import FileAnchor
from gateway.decision_log.writer import DecisionLog
from gateway.media.links import MediaLinks
from gateway.migrate import migrate_database
from gateway.placement import gateway_placer
from gateway.policy.bundle import PERSONAL_FIELDS, load_bundle
from gateway.policy.cache import CachedEngine, context_free
from gateway.policy.engine import OpaEngine, PolicyEngine, RegorusEngine
from gateway.settings import GatewaySettings
from services.kit.actor import ActorSigner
from services.kit.client import open_channel
from services.kit.clock import Clock, utcnow
from services.kit.database import Database
from services.kit.media import MediaSettings, MediaStore
from services.kit.placer import Placer
from services.kit.plugin import Plugin

log = logging.getLogger(__name__)


@dataclass
class GatewayRuntime:
    settings: GatewaySettings
    plugins: Mapping[str, Plugin]
    engine: PolicyEngine
    database: Database
    decision_log: DecisionLog
    authenticator: Authenticator
    signer: ActorSigner
    personal_fields: frozenset[str] = PERSONAL_FIELDS
    clock: Clock = utcnow
    channels: dict[str, grpc.aio.Channel] = field(default_factory=dict)
    stubs: dict[str, Any] = field(default_factory=dict)
    # The grids' spatial index, when the registry is enabled on this gateway.
    placer: Placer | None = None
    # Evidence media: where their bytes are, and the links that read them.
    media: MediaStore = field(default_factory=lambda: MediaSettings().open())
    media_links: MediaLinks = field(default_factory=lambda: MediaLinks(b"unset"))

    @property
    def call_timeout(self) -> float:
        return self.settings.call_timeout

    async def start(self) -> None:
        """Migrates (when configured), checks the decision log against its anchor, uploads the bundle to OPA, opens
        one channel per enabled service.

        Runs inside the serving loop: grpc.aio channels belong to the loop that made them. A decision log that lost
        anchored records is logged as an error and reported by decisionLogVerification; the gateway still serves.
        """
        if self.settings.migrate_on_start:
            await migrate_database(self.database)
        await self.decision_log.start()
        if isinstance(self.engine, OpaEngine):
            await asyncio.to_thread(self.engine.upload)
        for name, address in self.settings.services.items():
            channel = open_channel(address, deadline=self.settings.call_timeout, tls=self.settings.tls)
            self.channels[name] = channel
            self.stubs[name] = self.plugins[name].stub(channel)
        if "registry" in self.stubs:
            self.placer = gateway_placer(self.settings.placement, self.stubs["registry"], self.signer.metadata)
            await self.placer.start()

    async def close(self) -> None:
        if self.placer is not None:
            await self.placer.close()
            self.placer = None
        await self.decision_log.close()
        for channel in self.channels.values():
            await channel.close()
        self.channels.clear()
        self.stubs.clear()
        if isinstance(self.engine, OpaEngine):
            await self.engine.aclose()
        await self.database.dispose()


def open_database(url: str) -> Database:
    """The gateway's database: migrations and auditors' reads (decisions are appended by the log's sink)."""
    return Database.from_url(url)


def build_engine(settings: GatewaySettings, plugins: Mapping[str, Plugin]) -> PolicyEngine:
    bundle = load_bundle([path for plugin in plugins.values() for path in plugin.policies])
    if settings.policy_engine == "opa":
        assert settings.opa_url is not None
        return OpaEngine(settings.opa_url, bundle, timeout=settings.opa_timeout)
    engine = RegorusEngine(bundle)
    if not engine.compiled:
        log.warning("policy evaluated by regorus's interpreter: each decision costs several times more")
    if context_free(bundle):
        return CachedEngine(engine)
    log.info("a policy reads input.context: every decision is evaluated afresh")
    return engine


def build_authenticator(settings: GatewaySettings) -> Authenticator:
    public_key = None if settings.jwks_url else load_or_create_private_key(settings.jwt_key_file).public_key()
    return Authenticator(issuer=settings.jwt_issuer, audience=settings.jwt_audience, public_key=public_key,
                         jwks_url=settings.jwks_url or None, max_lifetime=settings.max_token_lifetime,
                         max_bytes=settings.max_token_bytes)


def build_runtime(settings: GatewaySettings, plugins: Mapping[str, Plugin], *,
                  engine: PolicyEngine | None = None, clock: Clock = utcnow) -> GatewayRuntime:
    """Everything but the channels (``start`` opens those inside the serving loop)."""
    database = open_database(settings.database_url)
    return GatewayRuntime(
        settings=settings,
        plugins=plugins,
        engine=engine or build_engine(settings, plugins),
        database=database,
        decision_log=DecisionLog(database, PERSONAL_FIELDS, anchor=FileAnchor(settings.decision_log_anchor),
                                 clock=clock, wait=settings.decision_log_wait),
        authenticator=build_authenticator(settings),
        signer=ActorSigner(settings.actor_key, "gateway"),
        clock=clock,
        media=settings.media.open(),
        media_links=MediaLinks(settings.actor_key),
    )
