"""The fire service's plugin object."""

from __future__ import annotations

from pathlib import Path

from gridgov.fire.v1.fire_pb2_grpc import FireServiceStub
from services.fire.demo import load_demo_data
from services.fire.events import subscriptions
from services.fire.jobs import jobs
from services.fire.models import Base
from services.fire.servicer import register
from services.kit.plugin import Plugin

HERE = Path(__file__).parent

plugin = Plugin(
    name="fire",
    register=register,
    stub=FireServiceStub,
    service_names=("gridgov.fire.v1.FireService",),
    migrations=HERE / "migrations",
    metadata=Base.metadata,
    policies=(HERE / "policy.rego",),
    graphql="services.fire.graphql:contribution",
    demo_data=load_demo_data,
    jobs=jobs,
    subscriptions=subscriptions,
    # Place imports may leave the grid out where coordinates are given.
    places_points=True,
)
