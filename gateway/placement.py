"""Placing a point in its grid at the gateway, before a located write is authorised: the kit's ``Placer``
(``services/kit/placer.py``) fed by the registry, with the gateway's settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridgov.common.v1 import actor_pb2
from services.kit.boundary_source import Metadata
from services.kit.config import Env, data_dir
from services.kit.placer import Placer

PLACER_SUBJECT = "system:gateway-placer"
CACHE_FILE_NAME = "gateway-boundaries.json"


@dataclass(frozen=True)
class PlacementSettings:
    # The last boundaries seen, for a start while the registry is unreachable.
    cache_file: Path = Path("var") / CACHE_FILE_NAME
    # How often the registry is asked whether the boundaries changed.
    refresh_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: Env) -> PlacementSettings:
        return cls(
            cache_file=Path(env.text("GRIDGOV_BOUNDARY_CACHE_FILE", str(data_dir(env) / CACHE_FILE_NAME))),
            refresh_seconds=float(env.integer("GRIDGOV_BOUNDARY_REFRESH_SECONDS", 30, minimum=1)),
        )


def gateway_placer(settings: PlacementSettings, stub: Any, metadata: Callable[[actor_pb2.Actor], Metadata]) -> Placer:
    return Placer(settings.cache_file, settings.refresh_seconds, stub, metadata, PLACER_SUBJECT)
