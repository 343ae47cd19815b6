"""The inspection gRPC service: the RPC parts composed into one servicer, and its registration."""

from __future__ import annotations

import grpc

from gridgov.inspection.v1 import inspection_pb2_grpc
from services.inspection.servicer_map import MapRpcs
from services.inspection.servicer_patrols import PatrolRpcs
from services.inspection.servicer_review import ReviewRpcs
from services.inspection.servicer_sources import SourceRpcs
from services.inspection.servicer_violations import ViolationRpcs
from services.kit.runtime import ServiceRuntime


class InspectionServicer(SourceRpcs, PatrolRpcs, ViolationRpcs, ReviewRpcs, MapRpcs,
                         inspection_pb2_grpc.InspectionServiceServicer):
    """Every RPC of gridgov.inspection.v1.InspectionService; each part lives in its servicer_* module."""


def register(server: grpc.aio.Server, runtime: ServiceRuntime) -> None:
    inspection_pb2_grpc.add_InspectionServiceServicer_to_server(InspectionServicer(runtime), server)
