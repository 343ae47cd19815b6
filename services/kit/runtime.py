"""What a running service holds: settings, database, kit tables, signer, clock."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from services.kit.actor import ActorSigner
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

    def __post_init__(self) -> None:
        self.database.on_publish.append(self.notifier.notify)
