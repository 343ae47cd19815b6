"""RequestContext against a real gRPC server: the signed actor it sends, and service errors as GraphQL errors."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from graphql import GraphQLError

from gateway.context import LOCATOR_SUBJECT, RequestContext, Resource, RoleGrant, Subject
from gateway.errors import GraphQLNames
from gateway.policy.bundle import PERSONAL_FIELDS
from gateway.policy.engine import Decision
from gateway.runtime import GatewayRuntime, build_runtime
from gridgov.common.v1 import actor_pb2
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.errors import (
    AlreadyExists,
    DomainError,
    FieldViolation,
    IllegalTransition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.kit.server import abort_with
from tests.gateway.harness import gateway_settings
from tests.support.services import free_port

METHOD = "/gridgov.test.v1.Echo/Echo"
ERRORS: dict[str, DomainError] = {
    "invalid": InvalidArgument([FieldViolation("household.address", "must not be empty"),
                                FieldViolation("members[0].id_number", "check digit is wrong")]),
    "missing": NotFound("household", "h-1"),
    "duplicate": AlreadyExists("household number 0001 is taken"),
    "illegal": IllegalTransition("case", "closed", "dispatch", ["archive", "reopen"]),
    "denied": PermissionDenied("jurisdiction 110108002 is outside this request's scope"),
}


class EchoStub:
    """What a generated stub offers: one attribute per method."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.Echo = channel.unary_unary(METHOD, request_serializer=actor_pb2.Actor.SerializeToString,
                                        response_deserializer=actor_pb2.Actor.FromString)


async def _echo(request: actor_pb2.Actor, context: grpc.aio.ServicerContext) -> actor_pb2.Actor:
    """Answers with the verified actor of the call, or fails as the request's subject names."""
    actor = ActorSigner(DEV_ACTOR_KEY.encode()).verify(context.invocation_metadata())
    if request.subject in ERRORS:
        await abort_with(context, ERRORS[request.subject])
    if request.subject == "bare":
        await context.abort(grpc.StatusCode.NOT_FOUND, "no detail attached")
    return actor


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[GatewayRuntime]:
    server = grpc.aio.server()
    handler = grpc.unary_unary_rpc_method_handler(_echo, request_deserializer=actor_pb2.Actor.FromString,
                                                  response_serializer=actor_pb2.Actor.SerializeToString)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("gridgov.test.v1.Echo", {"Echo": handler}),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    settings = gateway_settings(tmp_path, services={"echo": f"127.0.0.1:{port}"}, call_timeout=1.0)
    from tests.gateway.plugins import plugin

    plugins = {"echo": dataclasses.replace(plugin("echo", None), stub=EchoStub)}
    runtime = build_runtime(settings, plugins)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.close()
        await server.stop(None)


def context(runtime: GatewayRuntime) -> RequestContext:
    subject = Subject("carol", (RoleGrant("community_staff", "110108001001"),), "civil_affairs")
    return RequestContext(runtime, subject, "req-42")


LIST = Decision(True, ("granted",), ("phone",), ("110108001001",))


async def test_call_sends_the_subject_with_the_decisions_scopes_and_mask(runtime: GatewayRuntime) -> None:
    actor = await context(runtime).call("echo", "Echo", actor_pb2.Actor(subject="ok"), LIST)
    assert (actor.subject, actor.department, actor.request_id) == ("carol", "civil_affairs", "req-42")
    assert [(r.role, r.scope) for r in actor.roles] == [("community_staff", "110108001001")]
    assert (list(actor.read_scopes), list(actor.mask)) == (["110108001001"], ["phone"])


async def test_a_single_record_call_reads_only_its_jurisdiction(runtime: GatewayRuntime) -> None:
    one = Decision(True, ("granted",), (), ())
    actor = await context(runtime).call("echo", "Echo", actor_pb2.Actor(subject="ok"), one,
                                        resource=Resource("household", "h-1", "110108001001003"))
    assert list(actor.read_scopes) == ["110108001001003"]


async def test_locate_is_district_wide_with_every_personal_field_masked(runtime: GatewayRuntime) -> None:
    actor = await context(runtime).locate("echo", "Echo", actor_pb2.Actor(subject="ok"))
    assert actor.subject == LOCATOR_SUBJECT
    assert list(actor.read_scopes) == [""]
    assert set(actor.mask) == PERSONAL_FIELDS


async def test_a_denied_decision_is_never_sent(runtime: GatewayRuntime) -> None:
    with pytest.raises(GraphQLError) as caught:
        await context(runtime).call("echo", "Echo", actor_pb2.Actor(subject="ok"), Decision(False, ("no",), (), ()))
    assert caught.value.extensions["code"] == "PERMISSION_DENIED"  # type: ignore[index]


@pytest.mark.parametrize(("kind", "expected"), [
    # Without names of its own, a call's proto paths read camelCased, segment by segment.
    ("invalid", {"code": "INVALID_ARGUMENT", "field": "household.address", "fieldViolations": [
        {"field": "household.address", "description": "must not be empty"},
        {"field": "members[0].idNumber", "description": "check digit is wrong"}]}),
    ("missing", {"code": "NOT_FOUND"}),
    ("duplicate", {"code": "ALREADY_EXISTS"}),
    ("illegal", {"code": "ILLEGAL_TRANSITION", "currentState": "CLOSED", "allowedActions": ["archive", "reopen"]}),
    ("denied", {"code": "PERMISSION_DENIED"}),
    ("bare", {"code": "NOT_FOUND"}),
])
async def test_service_errors_become_graphql_errors(runtime: GatewayRuntime, kind: str,
                                                    expected: dict[str, Any]) -> None:
    with pytest.raises(GraphQLError) as caught:
        await context(runtime).call("echo", "Echo", actor_pb2.Actor(subject=kind), LIST)
    extensions = caught.value.extensions or {}
    assert {key: extensions.get(key) for key in expected} == expected
    assert extensions["service"] == "echo"
    if kind == "invalid":  # the message names the same paths as the extensions
        assert caught.value.message == "household.address: must not be empty; members[0].idNumber: check digit is wrong"
    elif kind in ERRORS:
        assert caught.value.message == ERRORS[kind].message


async def test_a_call_names_its_errors_in_graphql(runtime: GatewayRuntime) -> None:
    """The resolver's names: a request prefix read as the input argument, exact renames, the service's actions
    as the mutations that perform them (an action only the service takes is not offered)."""
    names = GraphQLNames({"household": "input", "members": "input.people"}, {"archive": "archiveThing", "reopen": ""})
    with pytest.raises(GraphQLError) as invalid:
        await context(runtime).call("echo", "Echo", actor_pb2.Actor(subject="invalid"), LIST, names=names)
    extensions = invalid.value.extensions or {}
    assert extensions["field"] == "input.address"
    assert [v["field"] for v in extensions["fieldViolations"]] == ["input.address", "input.people[0].idNumber"]
    with pytest.raises(GraphQLError) as illegal:
        await context(runtime).call("echo", "Echo", actor_pb2.Actor(subject="illegal"), LIST, names=names)
    assert (illegal.value.extensions or {})["allowedActions"] == ["archiveThing"]


@pytest.mark.parametrize(("path", "expected"), [
    ("page.page_size", "first"), ("page.page_token", "after"), ("case_id", "id"), ("source.area_m2", "input.areaM2"),
    ("items[2].hazard_type_code", "items[2].hazardTypeCode"), ("rule.category_code", "categoryCode"),
    ("jurisdiction_code", "jurisdictionCode"), ("source", "input"), ("idempotency_key", "idempotencyKey"),
])
def test_proto_paths_read_as_graphql_argument_paths(path: str, expected: str) -> None:
    names = GraphQLNames({"case_id": "id", "source": "input", "rule": ""})
    assert names.argument(path) == expected


async def test_a_service_that_is_down_or_not_enabled_is_unavailable(runtime: GatewayRuntime) -> None:
    with pytest.raises(GraphQLError) as not_enabled:
        await context(runtime).call("cases", "ListCases", actor_pb2.Actor(), LIST)
    assert not_enabled.value.extensions["code"] == "SERVICE_UNAVAILABLE"  # type: ignore[index]
    for channel in runtime.channels.values():
        await channel.close()
    from services.kit.client import open_channel

    channel = runtime.channels["echo"] = open_channel(f"127.0.0.1:{free_port()}", deadline=0.5)
    runtime.stubs["echo"] = EchoStub(channel)
    with pytest.raises(GraphQLError) as down:
        await context(runtime).call("echo", "Echo", actor_pb2.Actor(subject="ok"), LIST)
    assert down.value.extensions["code"] == "SERVICE_UNAVAILABLE"  # type: ignore[index]
    assert "echo service is unavailable" in down.value.message


def test_the_common_arguments_stay_top_level_when_the_rest_is_an_input_object() -> None:
    whole = GraphQLNames({"": "input"})
    assert [whole.argument(p) for p in ("idempotency_key", "page.page_token", "category_code")] == [
        "idempotencyKey", "after", "input.categoryCode"]


def test_names_inside_an_input_object() -> None:
    on_case = GraphQLNames({"case_id": "id", "rule": ""}, {"close": "verifyCase"}).inside("input")
    assert [on_case.argument(p) for p in ("case_id", "original_id", "rule.unit", "idempotency_key")] == [
        "input.id", "input.originalId", "input.unit", "idempotencyKey"]
    assert on_case.action("close") == "verifyCase"
    assert GraphQLNames({"": "input"}).inside("input").argument("unit") == "input.unit"
