"""The plugin contract: one object per department's service, found through entry points."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from gridgov.common.v1 import event_pb2

if TYPE_CHECKING:
    from services.kit.runtime import ServiceRuntime

ENTRY_POINT_GROUP = "gridgov.plugins"


class PluginError(Exception):
    """A plugin failed to load or conflicts with another; start-up must stop."""


@dataclass(frozen=True)
class Job:
    """Background work run every ``interval`` seconds by one replica at a time (a lease)."""

    name: str
    run: Callable[[], Awaitable[None]]
    interval: float | None = None  # None: the service's GRIDGOV_JOB_INTERVAL


@dataclass(frozen=True)
class Subscription:
    """Events this service consumes from another: ``handle`` runs in the cursor's transaction."""

    source: str
    types: Sequence[str]
    handle: Callable[[AsyncSession, event_pb2.Event], Awaitable[None]]


@dataclass(frozen=True)
class DemoContext:
    """What a plugin's demo-data loader gets: its own service's channel, signed district metadata."""

    channel: grpc.aio.Channel
    metadata: tuple[tuple[str, str | bytes], ...]
    seed: int = 20261127
    # The enabled services whose demo data was put in place before this one's (this run or an earlier one):
    # a loader that follows up on another service's demo events (cases closing the cases fire and inspection
    # requested) knows whether to expect them.
    loaded_before: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypeExtension:
    """Fields one plugin adds to another plugin's GraphQL type, present only while both are enabled.

    ``fields`` is a Strawberry type whose fields join the type called ``type_name`` of plugin
    ``plugin``; their resolvers get that type's object as ``self`` (e.g. a registry Jurisdiction
    message). The fields are made nullable, so a service that is down fails only its own fields.
    """

    plugin: str
    type_name: str
    fields: type


@dataclass(frozen=True)
class GraphQLContribution:
    """A plugin's part of the gateway schema.

    ``query`` and ``mutation`` are Strawberry types whose fields join the root types (merged;
    a field name two plugins define stops start-up). ``types`` are extra types to register.
    ``extensions`` add fields to other plugins' types (dropped when that plugin is not enabled).
    ``uploads`` names the mutation fields that carry a file (an import): a request made only of them may
    be larger than other requests (the gateway's GRIDGOV_MAX_UPLOAD_BYTES).
    """

    query: type | None = None
    mutation: type | None = None
    types: tuple[type, ...] = ()
    extensions: tuple[TypeExtension, ...] = ()
    uploads: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Plugin:
    """Everything the platform needs to know about one service.

    ``graphql`` is a dotted path (``module:function``) so the service process never imports
    Strawberry and the gateway never imports the service's store.
    """

    name: str
    # Adds this service's servicers to the server; returns nothing.
    register: Callable[[grpc.aio.Server, ServiceRuntime], None]
    # The service's generated stub class, called with a channel.
    stub: Callable[[grpc.aio.Channel], Any]
    # Full names of the gRPC services it serves (for reflection), e.g. "gridgov.registry.v1.RegistryService".
    service_names: tuple[str, ...]
    # The Alembic script folder of this service.
    migrations: Path
    # The metadata of the service's tables (for migrations' autogenerate and checks).
    metadata: Any
    # The service's Rego files, added to the gateway's bundle when the service is enabled.
    policies: tuple[Path, ...]
    # "services.<name>.graphql:contribution", a function returning a GraphQLContribution.
    graphql: str | None = None
    # Loads the demo district's data for this service through its own gRPC API.
    demo_data: Callable[[DemoContext], Awaitable[None]] | None = None
    # Background jobs, built once the runtime exists.
    jobs: Callable[[ServiceRuntime], Sequence[Job]] = field(default=lambda runtime: ())
    # Event subscriptions, built once the runtime exists.
    subscriptions: Callable[[ServiceRuntime], Sequence[Subscription]] = field(default=lambda runtime: ())
    # True when the service places points in their grid itself (imports with coordinates and no grid): it then
    # keeps a spatial index of the registry's grids (ServiceRuntime.placer) where the registry is deployed.
    places_points: bool = False

    def load_graphql(self) -> GraphQLContribution | None:
        """Imports the GraphQL contribution; raises PluginError naming the plugin on failure."""
        if self.graphql is None:
            return None
        module_name, _, attribute = self.graphql.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attribute)
            contribution = factory()
        except Exception as error:
            raise PluginError(f"plugin {self.name!r}: its GraphQL part {self.graphql} failed: {error}") from error
        if not isinstance(contribution, GraphQLContribution):
            raise PluginError(f"plugin {self.name!r}: {self.graphql} did not return a GraphQLContribution")
        return contribution


def load_plugins(enabled: Sequence[str] | None = None) -> dict[str, Plugin]:
    """The installed plugins, or only ``enabled`` ones, by name.

    Raises PluginError when an enabled plugin is not installed, fails to import, or is not a Plugin.
    """
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    names = list(found) if enabled is None else list(enabled)
    plugins: dict[str, Plugin] = {}
    for name in names:
        if name not in found:
            raise PluginError(
                f"service {name!r} is enabled but no plugin of that name is installed "
                f"(installed: {', '.join(sorted(found)) or 'none'})"
            )
        try:
            plugin = found[name].load()
        except Exception as error:
            raise PluginError(f"plugin {name!r} failed to load: {error}") from error
        if not isinstance(plugin, Plugin):
            raise PluginError(f"entry point {name!r} is not a gridgov Plugin object")
        if plugin.name != name:
            raise PluginError(f"entry point {name!r} names a plugin called {plugin.name!r}")
        plugins[name] = plugin
    return plugins
