"""What a running service holds: settings, database, kit tables, signer, clock."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any

from services.kit.actor import ActorSigner
from services.kit.answer_cache import AnswerCache
from services.kit.clock import Clock, utcnow
from services.kit.config import ServiceSettings
from services.kit.database import Database
from services.kit.outbox import OutboxNotifier
from services.kit.placer import Placer
from services.kit.tables import KitTables


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    database: Database
    tables: KitTables
    signer: ActorSigner
    notifier: OutboxNotifier = field(default_factory=OutboxNotifier)
    clock: Clock = utcnow
    # The grids' spatial index, for a plugin that places points (Plugin.places_points) where the registry runs.
    placer: Placer | None = None
    # This replica's name in job leases.
    replica: str = field(default_factory=lambda: f"{socket.gethostname()}-{id(object())}")
    # The map's counts per grid, shared by the requests that ask the same within a few seconds.
    map_counts: AnswerCache[Any] = field(init=False)

    def __post_init__(self) -> None:
        self.database.on_publish.append(self.notifier.notify)
        # On the runtime's clock: a test that moves it sees fresh answers.
        self.map_counts = AnswerCache(self.database, self.settings.map_cache_seconds,
                                      clock=lambda: self.clock().timestamp())
