"""The cases service as a gridgov plugin."""

from __future__ import annotations

from pathlib import Path

from gridgov.cases.v1 import cases_pb2_grpc
from services.cases import consumer, demo, jobs, models, servicer
from services.kit.plugin import Plugin

HERE = Path(__file__).parent

plugin = Plugin(
    name="cases",
    register=servicer.register,
    stub=cases_pb2_grpc.CasesServiceStub,
    service_names=("gridgov.cases.v1.CasesService",),
    migrations=HERE / "migrations",
    metadata=models.Base.metadata,
    policies=(HERE / "policy.rego",),
    graphql="services.cases.graphql:contribution",
    demo_data=demo.load,
    jobs=jobs.jobs,
    subscriptions=lambda runtime: consumer.subscriptions(lambda: runtime.clock(), servicer.duplicate_rule()),
)
