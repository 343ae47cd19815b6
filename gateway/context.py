"""What a resolver gets as info.context: the verified subject, one-decision authorization, and service calls."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf.message import Message
from graphql import GraphQLError
from starlette.requests import Request
from strawberry.dataloader import DataLoader

from gateway.decision_log.record import Outcome
from gateway.errors import (
    DEFAULT_NAMES,
    DecisionLogUnavailable,
    GraphQLNames,
    error_from_rpc,
    gateway_error,
    invalid_argument,
)
from gateway.policy.engine import Decision, PolicyInput, PolicyUnavailable
from gridgov.common.v1 import actor_pb2
from services.kit.errors import InvalidArgument
from services.kit.ids import new_id
from services.kit.locator import Placement

if TYPE_CHECKING:
    from gateway.runtime import GatewayRuntime

# Who the gateway is when it looks a record up to learn its jurisdiction before authorizing.
LOCATOR_SUBJECT = "system:gateway-locator"


@dataclass(frozen=True)
class RoleGrant:
    """One role of a subject and the jurisdiction code it applies to."""

    role: str
    scope: str


@dataclass(frozen=True)
class Subject:
    """The authenticated caller, from the verified token's claims."""

    id: str
    roles: tuple[RoleGrant, ...]
    department: str = ""

    @cached_property
    def policy_input(self) -> dict[str, Any]:
        return {"id": self.id, "roles": [{"role": r.role, "scope": r.scope} for r in self.roles],
                "department": self.department}

    @cached_property
    def policy_json(self) -> str:
        # Serialized once per token (subjects are cached with their tokens), not per decision.
        return json.dumps(self.policy_input, separators=(",", ":"))

    @cached_property
    def actor_roles(self) -> tuple[actor_pb2.RoleGrant, ...]:
        return tuple(actor_pb2.RoleGrant(role=r.role, scope=r.scope) for r in self.roles)


@dataclass(frozen=True)
class Resource:
    """What an operation acts on, as the policy sees it."""

    type: str  # "household", "case", "fire_hazard", ...
    id: str = ""
    jurisdiction_code: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def policy_input(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "jurisdiction_code": self.jurisdiction_code,
                "attributes": dict(self.attributes)}


class RequestContext:
    """One GraphQL request's context; resolvers reach services only through it."""

    def __init__(self, runtime: GatewayRuntime, subject: Subject, request_id: str, *,
                 operation: str = "", portal: str = "", requested_by: str = "") -> None:
        self.runtime = runtime
        self.subject = subject
        self.request_id = request_id
        self.operation = operation
        self.portal = portal
        self.requested_by = requested_by
        # True while a mutation executes (MutationMarker): its calls are writes whose lost answers mean an unknown
        # outcome rather than a plain outage.
        self.mutation = False
        self._loaders: dict[str, DataLoader[Any, Any]] = {}
        # The input of each decision this request was allowed, by decision_id: its outcome records repeat who did
        # what to which resource.
        self._allowed: dict[str, PolicyInput] = {}
        # What-if answers of permits(), by policy input without its time.
        self._permits: dict[str, bool] = {}

    def loader(self, name: str, load: Callable[[list[Any]], Awaitable[list[Any]]], *,
               max_batch_size: int | None = None) -> DataLoader[Any, Any]:
        """This request's DataLoader called ``name``: the keys many resolvers ask for in one tick (a field on
        every row of a list) are loaded with one call of ``load`` (at most ``max_batch_size`` keys a call),
        each key once per request."""
        found = self._loaders.get(name)
        if found is None:
            found = self._loaders[name] = DataLoader(load_fn=load, max_batch_size=max_batch_size)
        return found

    def _policy_input(self, action: str, resource: Resource, time: str) -> PolicyInput:
        resource_input = resource.policy_input()
        context = {"portal": self.portal, "operation": self.operation, "request_id": self.request_id,
                   "time": time}
        policy_input = PolicyInput(subject=self.subject.policy_input, action=action, resource=resource_input,
                                   context=context)
        resource_json = json.dumps(resource_input, separators=(",", ":"), default=str)
        action_json = json.dumps(action)
        policy_input.text = (
            '{"subject":' + self.subject.policy_json + ',"action":' + action_json + ',"resource":' + resource_json
            + ',"context":' + json.dumps(context, separators=(",", ":")) + "}"
        )
        policy_input.cache_key = self.subject.policy_json + action_json + resource_json
        return policy_input

    async def authorize(self, action: str, resource: Resource) -> Decision:
        """One policy decision, durably logged before it takes effect.

        Raises a GraphQL error with extensions.code PERMISSION_DENIED (denied), POLICY_UNAVAILABLE
        (the policy could not be evaluated) or DECISION_LOG_UNAVAILABLE (it could not be recorded, or not within
        GRIDGOV_DECISION_LOG_WAIT_MS).
        """
        runtime = self.runtime
        now = runtime.clock()
        policy_input = self._policy_input(action, resource, now.isoformat().replace("+00:00", "Z"))
        try:
            decision = await runtime.engine.decide(policy_input)
        except PolicyUnavailable as error:
            refused = Decision(False, (f"policy unavailable: {error}",), (), ())
            await self._record(policy_input, refused, now, fail_silently=True)
            raise gateway_error("POLICY_UNAVAILABLE", "the access policy could not be evaluated; "
                                "the request is refused") from error
        decision = dataclasses.replace(decision, decision_id=new_id())
        await self._record(policy_input, decision, now)
        if not decision.allow:
            # The policy's reasons are written for the user ("this case is at the street tier; ..."): the
            # message is them alone, without the internal action name (which the decision log keeps).
            raise gateway_error("PERMISSION_DENIED", f"not allowed: {'; '.join(decision.reasons)}",
                                reasons=list(decision.reasons))
        self._allowed[decision.decision_id] = policy_input
        return decision

    async def permits(self, action: str, resource: Resource) -> bool:
        """Whether the policy would allow ``action`` on ``resource``: a what-if that grants nothing.

        It answers which actions a page may offer (``viewerActions``); it is not logged, because it lets nothing
        happen: the action itself, when the user takes it, is decided by ``authorize`` and logged then. An
        unavailable policy offers nothing. Answers are kept for the rest of the request.
        """
        policy_input = self._policy_input(action, resource, self.runtime.clock().isoformat().replace("+00:00", "Z"))
        known = self._permits.get(policy_input.cache_key)
        if known is None:
            try:
                known = (await self.runtime.engine.decide(policy_input)).allow
            except PolicyUnavailable:
                return False
            self._permits[policy_input.cache_key] = known
        return known

    async def _record(self, policy_input: PolicyInput, decision: Decision, now: Any, *,
                      fail_silently: bool = False) -> None:
        try:
            await self.runtime.decision_log.record(
                policy_input, decision, timestamp=now, revision=self.runtime.engine.revision,
                requested_by=self.requested_by, request_id=self.request_id, decision_id=decision.decision_id or None,
            )
        except DecisionLogUnavailable as error:
            if fail_silently:
                return
            if error.late is not None and decision.allow:
                # Once the log's database lets go the decision may still be written: its outcome then says it was
                # not used.
                message = str(error)

                def refused(late: asyncio.Future[int]) -> None:
                    if not late.cancelled() and late.exception() is None:
                        self._outcome(policy_input, decision.decision_id, Outcome.REFUSED_BY_GATEWAY,
                                      "DECISION_LOG_UNAVAILABLE", message)

                error.late.add_done_callback(refused)
            raise gateway_error("DECISION_LOG_UNAVAILABLE", "the access decision could not be recorded; "
                                "the request is refused") from error

    def _outcome(self, policy_input: Mapping[str, Any], decision_id: str, outcome: str, code: str = "",
                 message: str = "") -> None:
        runtime = self.runtime
        runtime.decision_log.record_outcome(
            policy_input, decision_id, outcome, timestamp=runtime.clock(), revision=runtime.engine.revision,
            requested_by=self.requested_by, request_id=self.request_id, code=code, message=message,
        )

    def _actor(self, decision: Decision, resource: Resource | None) -> actor_pb2.Actor:
        if resource is not None and resource.jurisdiction_code:
            scopes: list[str] = [resource.jurisdiction_code]
        else:
            scopes = list(decision.scopes)
        return actor_pb2.Actor(
            subject=self.subject.id, roles=self.subject.actor_roles, department=self.subject.department,
            read_scopes=scopes, mask=list(decision.mask), request_id=self.request_id,
        )

    async def call(self, service: str, method: str, request: Message, decision: Decision, *,
                   resource: Resource | None = None, timeout: float | None = None,  # noqa: ASYNC109
                   names: GraphQLNames = DEFAULT_NAMES) -> Any:
        """Calls ``method`` on the service's shared stub as this subject, within ``decision``.

        Raises a GraphQL error whose extensions.code maps the service's status (INVALID_ARGUMENT with
        field and fieldViolations, NOT_FOUND, ALREADY_EXISTS, ILLEGAL_TRANSITION with currentState and
        allowedActions, PERMISSION_DENIED, SERVICE_UNAVAILABLE), in the GraphQL names ``names`` gives.
        """
        if not decision.allow:
            raise gateway_error("PERMISSION_DENIED", "the request was not authorized")
        actor = self._actor(decision, resource)
        policy_input = self._allowed.get(decision.decision_id)
        if policy_input is None:  # a decision not made by this request's authorize: no outcome to link
            return await self._invoke(service, method, request, actor, timeout, names, write=self.mutation)
        try:
            answer = await self._invoke(service, method, request, actor, timeout, names, write=self.mutation)
        except GraphQLError as error:
            # The policy allowed, the service refused: the log says so, so an auditor's count of refusals is true.
            extensions = error.extensions or {}
            outcome = Outcome.UNKNOWN if extensions.get("outcome") == "UNKNOWN" else Outcome.REFUSED_BY_SERVICE
            self._outcome(policy_input, decision.decision_id, outcome, str(extensions.get("code", "INTERNAL")),
                          error.message)
            raise
        self._outcome(policy_input, decision.decision_id, Outcome.SERVED)
        return answer

    def place(self, longitude: float, latitude: float, *, field: str = "location") -> Placement | None:
        """The district → street → community → grid chain a point falls in, from the gateway's index of the
        registry's boundaries (every level None outside every grid); None when this gateway has no registry.

        Raises an INVALID_ARGUMENT GraphQLError naming ``<field>.longitude`` / ``<field>.latitude`` when out of range.
        """
        placer = self.runtime.placer
        if placer is None:
            return None
        try:
            return placer.place(longitude, latitude, field=field)
        except InvalidArgument as error:
            raise invalid_argument([{"field": v.field, "description": v.description}
                                    for v in error.violations]) from None

    def area_m2(self, code: str) -> float | None:
        """The area of a jurisdiction's boundary in m², from the gateway's index; None when it has no boundary
        or this gateway has no registry."""
        placer = self.runtime.placer
        return placer.cache.locator.area_m2(code) if placer is not None else None

    async def locate(self, service: str, method: str, request: Message) -> Any:
        """The same call made as the gateway's locator: district-wide, every personal field masked.

        Only for learning a record's jurisdiction_code before authorizing access to it.
        """
        actor = actor_pb2.Actor(
            subject=LOCATOR_SUBJECT, roles=[actor_pb2.RoleGrant(role="locator", scope="")],
            read_scopes=[""], mask=list(self.runtime.personal_fields), request_id=self.request_id,
        )
        return await self._invoke(service, method, request, actor, None, DEFAULT_NAMES)

    async def _invoke(self, service: str, method: str, request: Message, actor: actor_pb2.Actor,
                      timeout: float | None, names: GraphQLNames, *,  # noqa: ASYNC109 (the gRPC deadline)
                      write: bool = False) -> Any:
        stub = self.runtime.stubs.get(service)
        if stub is None:
            raise gateway_error("SERVICE_UNAVAILABLE", f"the {service} service is not enabled on this gateway",
                                service=service)
        rpc = getattr(stub, method, None)
        if rpc is None:
            raise GraphQLError(f"the {service} service has no method {method}")
        try:
            return await rpc(request, metadata=self.runtime.signer.metadata(actor),
                             timeout=timeout or self.runtime.call_timeout)
        except grpc.aio.AioRpcError as error:
            raise error_from_rpc(service, method, error, request=request, write=write, names=names) from None


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def context_for(request: Request, runtime: GatewayRuntime, subject: Subject, operation: str) -> RequestContext:
    """The context of one HTTP request (GraphQL or another of the gateway's endpoints): its id (the caller's
    X-Request-Id when well formed), the portal that sent it, and where from."""
    given = request.headers.get("x-request-id", "")
    client = request.client
    return RequestContext(
        runtime, subject, given if _REQUEST_ID.match(given) else new_id(), operation=operation,
        portal=request.headers.get("x-gridgov-portal", "")[:64],
        requested_by=f"{client.host}:{client.port}" if client else "",
    )
