"""Loads the demo district into each enabled service through its own gRPC API."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from services.kit.actor import ActorSigner
from services.kit.client import open_channel
from services.kit.demo import DISTRICT_CODE
from services.kit.plugin import DemoContext, Plugin
from services.kit.tls import TLSConfig

log = logging.getLogger(__name__)

# The registry holds the jurisdiction tree the other services' demo data refers to; cases comes after fire and
# inspection, so it can take some of the cases their demo data requested through to closed.
LOAD_ORDER = ("registry", "fire", "inspection", "cases")


def ordered(plugins: Mapping[str, Plugin]) -> list[Plugin]:
    rank = {name: i for i, name in enumerate(LOAD_ORDER)}
    return sorted(plugins.values(), key=lambda p: (rank.get(p.name, len(rank)), p.name))


async def load_demo_data(
    plugins: Mapping[str, Plugin],
    addresses: Mapping[str, str],
    signer: ActorSigner,
    marker_dir: Path | None = None,
    tls: TLSConfig | None = None,
) -> list[str]:
    """Loads each plugin's demo data once; returns the names loaded this time.

    With ``marker_dir``, a marker file per service records that its demo data is in place, so a
    second `make run` does not load it twice.
    """
    loaded = []
    before: list[str] = []
    for plugin in ordered(plugins):
        if plugin.demo_data is None:
            continue
        marker = marker_dir / f"demo-loaded.{plugin.name}" if marker_dir else None
        if marker is not None and marker.exists():
            before.append(plugin.name)
            continue
        # Deadlines are generous: demo loads are batches of thousands of rows.
        async with open_channel(addresses[plugin.name], deadline=300.0, tls=tls) as channel:
            metadata = signer.system_metadata(read_scopes=(DISTRICT_CODE,))
            await plugin.demo_data(DemoContext(channel=channel, metadata=metadata, loaded_before=tuple(before)))
        before.append(plugin.name)
        if marker is not None:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text("loaded\n")
        log.info("demo data loaded into %s", plugin.name)
        loaded.append(plugin.name)
    return loaded
