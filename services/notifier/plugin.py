"""The notifier's plugin object."""

from __future__ import annotations

from pathlib import Path

from gridgov.notifier.v1.notifier_pb2_grpc import NotifierServiceStub
from services.kit.plugin import Plugin
from services.notifier.dispatch import jobs
from services.notifier.events import subscriptions
from services.notifier.models import Base
from services.notifier.servicer import register

HERE = Path(__file__).parent

plugin = Plugin(
    name="notifier",
    register=register,
    stub=NotifierServiceStub,
    service_names=("gridgov.notifier.v1.NotifierService",),
    migrations=HERE / "migrations",
    metadata=Base.metadata,
    policies=(HERE / "policy.rego",),
    graphql="services.notifier.graphql:contribution",
    jobs=jobs,
    subscriptions=subscriptions,
)
