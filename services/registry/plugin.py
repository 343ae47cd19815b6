"""The registry plugin: what the platform needs to run, serve and compose the household registry."""

from pathlib import Path

from gridgov.registry.v1 import registry_pb2, registry_pb2_grpc
from services.kit.plugin import Plugin
from services.registry.demo import load_demo_data
from services.registry.models import Base
from services.registry.servicer import register

_HERE = Path(__file__).parent

plugin = Plugin(
    name="registry",
    register=register,
    stub=registry_pb2_grpc.RegistryServiceStub,
    service_names=(registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name,),
    migrations=_HERE / "migrations",
    metadata=Base.metadata,
    policies=(_HERE / "policy.rego",),
    graphql="services.registry.graphql:contribution",
    demo_data=load_demo_data,
)
