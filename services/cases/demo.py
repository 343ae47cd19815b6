"""Demo cases for the demo district, loaded through the service's own gRPC API (deterministic by seed)."""

from __future__ import annotations

from services.kit.plugin import DemoContext


async def load(ctx: DemoContext) -> None:
    raise NotImplementedError("demo cases: not written yet")
