"""The demo district's fire data, loaded through the fire service's own gRPC API."""

from __future__ import annotations

from services.kit.plugin import DemoContext


async def load_demo_data(ctx: DemoContext) -> None:
    raise NotImplementedError("fire demo data is not written yet")
