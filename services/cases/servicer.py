"""The cases gRPC service: the verb RPCs and the reads, registered on a server."""

from __future__ import annotations

import grpc

from gridgov.cases.v1 import cases_pb2_grpc
from services.cases.intake import DuplicateRule
from services.cases.servicer_commands import CommandServicer
from services.cases.servicer_reads import ReadServicer
from services.kit.config import Env
from services.kit.runtime import ServiceRuntime


class CasesServicer(CommandServicer, ReadServicer, cases_pb2_grpc.CasesServiceServicer):
    """gridgov.cases.v1.CasesService."""


def duplicate_rule(env: Env | None = None) -> DuplicateRule:
    """GRIDGOV_CASES_DUPLICATE_METERS (default 50) and GRIDGOV_CASES_DUPLICATE_HOURS (default 72)."""
    env = env or Env()
    return DuplicateRule(meters=env.number("GRIDGOV_CASES_DUPLICATE_METERS", 50.0),
                         hours=env.number("GRIDGOV_CASES_DUPLICATE_HOURS", 72.0))


def figures_ttl(env: Env | None = None) -> float:
    """GRIDGOV_CASES_FIGURES_TTL: seconds evaluation figures are served from memory (default 60; 0 = never)."""
    return (env or Env()).number("GRIDGOV_CASES_FIGURES_TTL", 60.0)


def register(server: grpc.aio.Server, runtime: ServiceRuntime) -> None:
    servicer = CasesServicer(runtime, duplicate_rule(), figures_ttl())
    cases_pb2_grpc.add_CasesServiceServicer_to_server(servicer, server)
