"""gRPC server bootstrap: actor check, error mapping, health, reflection, jobs, graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from sqlalchemy.exc import DataError, SQLAlchemyError

from gridgov.common.v1 import error_pb2, event_pb2, event_pb2_grpc
from services.kit import actor as actor_context
from services.kit import heap, idempotency, lease
from services.kit.actor import ActorSigner
from services.kit.client import open_channel
from services.kit.config import Mode, ServiceSettings
from services.kit.consumer import Consumer
from services.kit.database import Database
from services.kit.errors import DomainError, FailedPrecondition, IllegalTransition, InvalidArgument, Unavailable
from services.kit.keepalive import KEEPALIVE, Keepalive
from services.kit.migrations import upgrade
from services.kit.outbox import EventServicer
from services.kit.placer import Placer
from services.kit.plugin import Job, Plugin, load_plugins
from services.kit.runtime import ServiceRuntime
from services.kit.validation import text_violations

log = logging.getLogger(__name__)

ERROR_DETAIL_KEY = "gridgov-error-bin"
# Health and reflection answer without an actor: load balancers and grpcurl carry none.
_OPEN_SERVICES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def error_detail(error: DomainError) -> error_pb2.ErrorDetail:
    detail = error_pb2.ErrorDetail(code=error.code, message=error.message)
    if isinstance(error, InvalidArgument):
        for violation in error.violations:
            detail.field_violations.add(field=violation.field, description=violation.description)
    if isinstance(error, IllegalTransition | FailedPrecondition) and error.state:
        detail.current_state = error.state
        detail.allowed_actions.extend(error.allowed)
    return detail


def check_text(request: Any) -> None:
    """Raises InvalidArgument naming every string field of ``request`` that is too long or holds a control character."""
    violations = text_violations(request)
    if violations:
        raise InvalidArgument(violations)


def storage_error(method: str, error: SQLAlchemyError) -> DomainError:
    """The answer to a failed database call; its detail goes to the log only, under a request id.

    SQLAlchemy's text holds the statement, its parameters and a link to its documentation: none of that
    is for clients. A value the database refuses (DataError: longer than its column, out of range) is
    the caller's to fix, so INVALID_ARGUMENT; anything else is UNAVAILABLE (retryable).
    """
    request_id = uuid.uuid4().hex[:12]
    log.error("request %s (%s): storage error: %s", request_id, method, error, exc_info=error)
    # SQLSTATE class 22 is "data exception"; the asyncpg adapter raises it as a plain DBAPIError.
    sqlstate = str(getattr(getattr(error, "orig", None), "sqlstate", None) or "")
    if isinstance(error, DataError) or sqlstate.startswith("22"):
        return InvalidArgument.field("request", "holds a value longer than the service stores, or out of its "
                                     f"range (request {request_id})")
    return storage_unavailable(request_id)


def storage_unavailable(request_id: str) -> Unavailable:
    """UNAVAILABLE in plain words; the request id in both the answer and the log line ties a complaint to the detail."""
    return Unavailable(f"the service could not reach its storage; try again shortly (request {request_id})")


async def abort_with(context: grpc.aio.ServicerContext, error: DomainError) -> None:
    context.set_trailing_metadata(((ERROR_DETAIL_KEY, error_detail(error).SerializeToString()),))
    await context.abort(error.status, error.message)


class ActorInterceptor(grpc.aio.ServerInterceptor):
    """Verifies the signed actor of every call, checks the text of its request, and maps domain errors (and
    storage errors) to status codes.

    Every string field of every request is checked here, once for every service, against the limit its
    proto declares (services.kit.validation.text_violations), before the servicer sees it.
    """

    def __init__(self, signer: ActorSigner) -> None:
        self.signer = signer

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None or details.method.startswith(_OPEN_SERVICES):
            return handler
        signer = self.signer
        metadata = details.invocation_metadata

        def bind(behaviour: Callable[..., Any], streaming: bool) -> Callable[..., Any]:
            if streaming:
                async def stream(request: Any, context: grpc.aio.ServicerContext) -> Any:
                    try:
                        actor_context.set_current(signer.verify(metadata))
                        check_text(request)
                        async for item in behaviour(request, context):
                            yield item
                    except DomainError as error:
                        await abort_with(context, error)
                    except SQLAlchemyError as error:
                        await abort_with(context, storage_error(details.method, error))
                return stream

            async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
                try:
                    actor_context.set_current(signer.verify(metadata))
                    check_text(request)
                    return await behaviour(request, context)
                except DomainError as error:
                    await abort_with(context, error)
                except SQLAlchemyError as error:
                    await abort_with(context, storage_error(details.method, error))
            return unary

        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                bind(handler.unary_unary, False),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                bind(handler.unary_stream, True),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler  # client-streaming RPCs are not used by gridgov


# The largest request or answer a service takes or gives: a ledger import (the kit's MAX_IMPORT_BYTES,
# 20 MiB) or an export with room to spare, as the clients' channels receive (services.kit.client).
# gRPC's default of 4 MiB refused every import over 4 MiB although the gateway and the kit allow it.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024


def new_server(signer: ActorSigner, keepalive: Keepalive = KEEPALIVE) -> grpc.aio.Server:
    """An empty server that checks signed actors and accepts the pings of clients using ``keepalive``."""
    options = (*keepalive.server_options(), ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
               ("grpc.max_send_message_length", MAX_MESSAGE_BYTES))
    return grpc.aio.server(interceptors=[ActorInterceptor(signer)], options=options)


async def create_server(
    plugin: Plugin, runtime: ServiceRuntime, listen: str | None = None, keepalive: Keepalive = KEEPALIVE
) -> tuple[grpc.aio.Server, int]:
    """A started-not-yet server with the plugin's servicers, events, health and reflection.

    Returns the server and the bound port (``listen`` may end in ``:0`` in tests).
    """
    server = new_server(runtime.signer, keepalive)
    plugin.register(server, runtime)
    event_pb2_grpc.add_EventServiceServicer_to_server(
        EventServicer(runtime.database, runtime.tables, plugin.name, runtime.notifier), server
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if runtime.settings.mode is Mode.DEV:
        names = [*plugin.service_names, event_pb2.DESCRIPTOR.services_by_name["EventService"].full_name,
                 health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME]
        reflection.enable_server_reflection(names, server)
    tls = runtime.settings.tls
    address = listen or runtime.settings.listen
    port = server.add_secure_port(address, tls.server_credentials()) if tls else server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"could not bind {address}")
    await _set_health(health_servicer, "", health_pb2.HealthCheckResponse.SERVING)
    return server, port


async def _set_health(servicer: Any, service: str, status: Any) -> None:
    result = servicer.set(service, status)
    if asyncio.iscoroutine(result):
        await result


def build_runtime(plugin: Plugin, settings: ServiceSettings) -> ServiceRuntime:
    database = Database.from_url(settings.database_url)
    tables = plugin_tables(plugin)
    return ServiceRuntime(settings, database, tables, ActorSigner(settings.actor_key, plugin.name))


def plugin_tables(plugin: Plugin) -> Any:
    """The KitTables of a plugin, which its models module defines as ``KIT``."""
    import importlib

    models = importlib.import_module(f"services.{plugin.name}.models")
    return models.KIT


async def run_job_forever(runtime: ServiceRuntime, name: str, job: Callable[[], Awaitable[None]],
                          interval: float) -> None:
    """Runs ``job`` every ``interval`` seconds while this replica holds its lease."""
    while True:
        try:
            if await lease.acquire(runtime.database, runtime.tables, name, runtime.replica, ttl=interval * 3):
                await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background job %s failed; it runs again in %.0f s", name, interval)
        await asyncio.sleep(interval)


# Keys expire by the day: an hourly purge keeps each delete small.
IDEMPOTENCY_PURGE_INTERVAL = 3600.0


def kit_jobs(plugin: Plugin, runtime: ServiceRuntime) -> list[Job]:
    """The jobs every service runs whatever its plugin: the purge of expired idempotency keys."""
    ttl = timedelta(days=runtime.settings.idempotency_ttl_days)

    async def purge_keys() -> None:
        purged = await idempotency.purge(runtime.database, runtime.tables, older_than=ttl, now=runtime.clock())
        if purged:
            log.info("%s: purged %d idempotency keys older than %s", plugin.name, purged, ttl)

    return [Job(f"{plugin.name}.idempotency_purge", purge_keys, IDEMPOTENCY_PURGE_INTERVAL)]


def start_background(plugin: Plugin, runtime: ServiceRuntime) -> list[asyncio.Task[None]]:
    """Starts the kit's and the plugin's jobs and event consumers as tasks."""
    tasks = []
    for job in [*kit_jobs(plugin, runtime), *plugin.jobs(runtime)]:
        interval = job.interval or runtime.settings.job_interval
        tasks.append(asyncio.create_task(run_job_forever(runtime, job.name, job.run, interval)))
    for subscription in plugin.subscriptions(runtime):
        address = runtime.settings.peers.get(subscription.source)
        if address is None:
            log.info("%s not deployed: not consuming its events", subscription.source)
            continue
        consumer = Consumer(
            source=subscription.source,
            address=address,
            database=runtime.database,
            tables=runtime.tables,
            handler=subscription.handle,
            signer=runtime.signer,
            types=subscription.types,
            tls=runtime.settings.tls,
        )
        tasks.append(asyncio.create_task(consumer.run()))
    registry = runtime.settings.peers.get("registry")
    if plugin.places_points and registry is not None:
        from gridgov.registry.v1 import registry_pb2_grpc

        channel = open_channel(registry, tls=runtime.settings.tls)
        runtime.placer = Placer(runtime.settings.boundary_cache_file, runtime.settings.job_interval,
                                registry_pb2_grpc.RegistryServiceStub(channel), runtime.signer.metadata,
                                f"system:{plugin.name}-placer")
        tasks.append(asyncio.create_task(runtime.placer.run(), name=f"{plugin.name}-boundaries"))
    return tasks


async def serve(name: str) -> None:
    """Runs service ``name`` until SIGTERM or SIGINT, then stops gracefully."""
    plugin = load_plugins([name])[name]
    settings = ServiceSettings.from_env(name)
    runtime = build_runtime(plugin, settings)
    if settings.migrate_on_start:
        await upgrade(runtime.database, plugin.migrations)
    server, port = await create_server(plugin, runtime)
    await server.start()
    tasks = start_background(plugin, runtime)
    heap.settle()
    log.info("%s serving on port %d", name, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await server.stop(grace=5)
    await runtime.database.dispose()


def main(name: str) -> None:
    """Entry point of ``python -m services.<name>``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(serve(name))
