"""The registry's gRPC service: one servicer composed of its parts, and its registration."""

from __future__ import annotations

import grpc

from gridgov.registry.v1 import registry_pb2_grpc
from services.kit.runtime import ServiceRuntime
from services.registry.servicer_boundaries import BoundaryRpcs
from services.registry.servicer_households import HouseholdRpcs
from services.registry.servicer_ledger import LedgerRpcs
from services.registry.servicer_places import PlaceRpcs
from services.registry.servicer_residents import ResidentRpcs


class RegistryServicer(PlaceRpcs, HouseholdRpcs, ResidentRpcs, LedgerRpcs, BoundaryRpcs,
                       registry_pb2_grpc.RegistryServiceServicer):
    """RegistryService: places and the tree, households and visits, residents, ledger files, boundaries."""


def register(server: grpc.aio.Server, runtime: ServiceRuntime) -> None:
    registry_pb2_grpc.add_RegistryServiceServicer_to_server(RegistryServicer(runtime), server)
