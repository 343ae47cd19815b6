"""The Starlette app: /graphql (GraphiQL and the dev sign-in in dev only), /healthz, /readyz and the portal at /."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson
from grpc_health.v1 import health_pb2, health_pb2_grpc
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from gateway import dev_sign_in, graphiql
from gateway.auth import AuthError, challenge
from gateway.context import RequestContext, Subject, context_for
from gateway.documents import DocumentRefused
from gateway.media import upload as media_upload
from gateway.policy.engine import PolicyInput, PolicyUnavailable
from gateway.portal import portal_routes
from gateway.portal_config import config_endpoint
from gateway.runtime import GatewayRuntime, build_runtime
from gateway.schema import GatewaySchema, Limits, compose
from gateway.settings import GatewaySettings
from services.kit import heap
from services.kit.clock import utcnow
from services.kit.config import Mode
from services.kit.plugin import Plugin, load_plugins

log = logging.getLogger(__name__)
# Readiness probes answer quickly or count as down.
PROBE_TIMEOUT = 2.0


def _error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status,
                        headers=headers)


class BodyTooLarge(Exception):
    """The request body exceeds the maximum; ``str(error)`` says by how much (sent with the 413)."""


async def read_body(request: Request, maximum: int, setting: str = "GRIDGOV_MAX_BODY_BYTES") -> bytes:
    """The request body, read in chunks and abandoned once it passes ``maximum`` bytes; raises BodyTooLarge."""
    refusal = f"the request body is larger than {maximum} bytes ({setting})"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > maximum:
        raise BodyTooLarge(refusal)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > maximum:
            raise BodyTooLarge(refusal)
        chunks.append(chunk)
    return b"".join(chunks)


class GraphQLEndpoint:
    """POST application/json {query, variables, operationName}: authenticate, read, prepare, execute, answer.

    The caller is authenticated from the headers before the body is read, the body is read up to
    ``max_body_bytes`` (``max_upload_bytes`` when the request is made only of file imports, the schema's
    ``upload_fields``), and the document is prepared (bounded, parsed, validated: gateway/documents.py)
    before it runs; each refusal is a 4xx with the reason.
    """

    def __init__(self, schema: GatewaySchema, dev: bool, max_body_bytes: int, max_upload_bytes: int = 0) -> None:
        self.schema = schema
        self.dev = dev
        self.max_body_bytes = max_body_bytes
        # Without upload fields in the schema no request may be larger than the body maximum.
        self.max_read_bytes = max(max_body_bytes, max_upload_bytes) if schema.upload_fields else max_body_bytes

    async def handle(self, request: Request) -> Response:
        if request.method == "GET":
            if self.dev:
                return graphiql.page()
            return _error(405, "METHOD_NOT_ALLOWED", "send queries with POST and a JSON body", {"Allow": "POST"})
        if request.method != "POST":
            return _error(405, "METHOD_NOT_ALLOWED", "send queries with POST and a JSON body", {"Allow": "POST, GET"})
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _error(400, "BAD_REQUEST", "send a JSON body with Content-Type: application/json")
        runtime: GatewayRuntime = request.app.state.runtime
        try:
            subject = await runtime.authenticator.authenticate(request.headers.get("authorization"))
        except AuthError as error:
            return _error(401, "UNAUTHENTICATED", error.reason, {"WWW-Authenticate": challenge(error.reason)})
        try:
            raw = await read_body(request, self.max_read_bytes, "GRIDGOV_MAX_BODY_BYTES" if
                                  self.max_read_bytes == self.max_body_bytes else "GRIDGOV_MAX_UPLOAD_BYTES")
        except BodyTooLarge as error:
            return _error(413, "PAYLOAD_TOO_LARGE", str(error), {"Connection": "close"})
        try:
            body = orjson.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            return _error(400, "BAD_REQUEST", f"malformed JSON body: {error}")
        problem = _body_problem(body)
        if problem is not None:
            return _error(400, "BAD_REQUEST", problem)
        try:
            prepared = await self.schema.documents.prepare(body["query"])
        except DocumentRefused as refused:
            log.warning("document refused: %s", refused)
            return _error(400, "BAD_REQUEST", str(refused))
        problem = prepared.operation_problem(body.get("operationName"))
        if problem is not None:
            return _error(400, "BAD_REQUEST", problem)
        if len(raw) > self.max_body_bytes and not prepared.mutates_only(body.get("operationName"),
                                                                        self.schema.upload_fields):
            return _error(413, "PAYLOAD_TOO_LARGE", (
                f"the request body is larger than {self.max_body_bytes} bytes (GRIDGOV_MAX_BODY_BYTES); only a "
                f"mutation made of file imports ({', '.join(sorted(self.schema.upload_fields))}) may be larger"),
                {"Connection": "close"})
        context = self._context(request, runtime, subject, body.get("operationName"))
        if prepared.document is None:  # a syntax error: an answer in GraphQL's shape, nothing to run
            payload: dict[str, Any] = {"data": None, "errors": [error.formatted for error in prepared.errors]}
        else:
            try:
                result = await self.schema.execute(
                    body["query"], variable_values=body.get("variables"), context_value=context,
                    operation_name=body.get("operationName"),
                )
            except (CannotGetOperationTypeError, InvalidOperationTypeError) as error:
                return _error(400, "BAD_REQUEST", str(error) or "the document selects no operation to run")
            payload = {"data": result.data}
            if result.errors:
                payload["errors"] = [error.formatted for error in result.errors]
        # orjson: the standard encoder cost about a twentieth of the gateway's time on list answers.
        return Response(orjson.dumps(payload), media_type="application/json",
                        headers={"X-Request-Id": context.request_id})

    @staticmethod
    def _context(request: Request, runtime: GatewayRuntime, subject: Subject, operation: Any) -> RequestContext:
        return context_for(request, runtime, subject, operation if isinstance(operation, str) else "")


def _body_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "the JSON body must be an object with a query"
    if not isinstance(body.get("query"), str) or not body["query"].strip():
        return "the JSON body needs a query (a GraphQL document as a string)"
    if body.get("variables") is not None and not isinstance(body["variables"], dict):
        return "variables must be a JSON object"
    if body.get("operationName") is not None and not isinstance(body["operationName"], str):
        return "operationName must be a string"
    return None


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the decision log is writable, the policy evaluable and every enabled service healthy."""
    runtime: GatewayRuntime = request.app.state.runtime
    checks: dict[str, str] = {}
    checks["decision_log"] = await _check(_decision_log_writable(runtime))
    checks["policy"] = await _check(_policy_evaluable(runtime))
    names = list(runtime.stubs)
    results = await asyncio.gather(*(_check(_service_healthy(runtime, name)) for name in names))
    for name, outcome in zip(names, results, strict=True):
        checks[f"service:{name}"] = outcome
    failing = sorted(name for name, outcome in checks.items() if outcome != "ok")
    return JSONResponse({"ready": not failing, "failing": failing, "checks": checks},
                        status_code=503 if failing else 200)


async def _check(probe: Any) -> str:
    try:
        await asyncio.wait_for(probe, PROBE_TIMEOUT)
    except TimeoutError:
        return f"no answer within {PROBE_TIMEOUT} s"
    except Exception as error:
        return str(error) or type(error).__name__
    return "ok"


async def _decision_log_writable(runtime: GatewayRuntime) -> None:
    await runtime.decision_log.probe()


async def _policy_evaluable(runtime: GatewayRuntime) -> None:
    probe = PolicyInput(
        subject={"id": "readiness-probe", "roles": [], "department": ""}, action="readiness.probe",
        resource={"type": "readiness", "id": "", "jurisdiction_code": "", "attributes": {}},
        context={"portal": "", "operation": "readyz", "request_id": "readyz",
                 "time": utcnow().isoformat().replace("+00:00", "Z")},
    )
    try:
        await runtime.engine.decide(probe)
    except PolicyUnavailable as error:
        raise RuntimeError(str(error)) from error


async def _service_healthy(runtime: GatewayRuntime, name: str) -> None:
    stub = health_pb2_grpc.HealthStub(runtime.channels[name])
    answer = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=PROBE_TIMEOUT)
    if answer.status != health_pb2.HealthCheckResponse.SERVING:
        raise RuntimeError(f"{name} reports {health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)}")


def create_app(settings: GatewaySettings | None = None, *, plugins: Mapping[str, Plugin] | None = None,
               runtime: GatewayRuntime | None = None) -> Starlette:
    """The gateway app. Loads the enabled plugins and composes the schema now, so a broken plugin or a
    field two plugins define stops start-up (PluginError) before anything listens.
    """
    settings = settings or GatewaySettings.from_env()
    if plugins is None:
        plugins = load_plugins(list(settings.services))
    production = settings.mode is Mode.PRODUCTION
    schema = compose(plugins, Limits(settings.max_depth, settings.max_aliases, introspection=not production,
                                     document=settings.document))
    runtime = runtime or build_runtime(settings, plugins)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        heap.settle()
        try:
            yield
        finally:
            await runtime.close()

    sign_in = dev_sign_in.enabled(settings)
    endpoint = GraphQLEndpoint(schema, dev=not production, max_body_bytes=settings.max_body_bytes,
                               max_upload_bytes=settings.max_upload_bytes)
    app = Starlette(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            *([] if production else graphiql.routes()),
            *(dev_sign_in.DevSignIn(settings).routes() if sign_in else []),
            Route("/portal/config.json", config_endpoint(settings.portal, sign_in), methods=["GET"]),
            Route("/media", media_upload.upload, methods=["POST"]),
            Route("/media/{id}/{variant}", media_upload.download, methods=["GET"]),
            # Last: everything no route above answers is the portal's (its files, else its index.html).
            *portal_routes(settings.portal),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.schema = schema
    return app
