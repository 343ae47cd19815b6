"""The inspection plugin: pollution sources, four-level grid patrols, violations to cases, grid assessment."""

from __future__ import annotations

from pathlib import Path

from gridgov.inspection.v1 import inspection_pb2, inspection_pb2_grpc
from services.inspection.demo import load_demo_data
from services.inspection.events import subscriptions
from services.inspection.jobs import jobs
from services.inspection.models import Base
from services.inspection.servicer import register
from services.kit.plugin import Plugin

HERE = Path(__file__).parent

plugin = Plugin(
    name="inspection",
    register=register,
    stub=inspection_pb2_grpc.InspectionServiceStub,
    service_names=(inspection_pb2.DESCRIPTOR.services_by_name["InspectionService"].full_name,),
    migrations=HERE / "migrations",
    metadata=Base.metadata,
    policies=(HERE / "policy.rego",),
    graphql="services.inspection.graphql:contribution",
    demo_data=load_demo_data,
    jobs=jobs,
    subscriptions=subscriptions,
    # Survey ledgers may leave the grid out where coordinates are given.
    places_points=True,
)
