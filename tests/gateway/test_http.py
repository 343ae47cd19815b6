"""The gateway over real HTTP: request hygiene, limits, introspection, health, readiness, fail-closed paths."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, event

from gateway.decision_log.sinks import SqliteThreadSink
from gateway.policy.bundle import load_bundle
from gateway.policy.engine import OpaEngine
from gateway.runtime import build_runtime
from gateway.settings import GatewaySettings
from services.kit.config import ConfigError, Mode
from tests.gateway.harness import gateway_settings, running_gateway, token
from tests.gateway.opa_server import fake_opa
from tests.support.services import free_port

VIEWER = "{ viewer { id } }"


async def test_malformed_requests_get_clear_400s(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    async with running_gateway(settings) as gateway:
        url, bearer = f"{gateway.url}/graphql", {"Authorization": f"Bearer {token(settings)}"}
        cases = [
            ({"content": b"{not json", "headers": {"Content-Type": "application/json", **bearer}}, "malformed JSON"),
            ({"content": b"[1, 2]", "headers": {"Content-Type": "application/json", **bearer}}, "must be an object"),
            ({"json": {"variables": {}}, "headers": bearer}, "needs a query"),
            ({"json": {"query": VIEWER, "variables": [1]}, "headers": bearer}, "variables must be a JSON object"),
            ({"content": b"query=x", "headers": {"Content-Type": "application/x-www-form-urlencoded", **bearer}},
             "Content-Type: application/json"),
        ]
        for kwargs, message in cases:
            response = await gateway.client.post(url, **kwargs)  # type: ignore[arg-type]
            assert response.status_code == 400, (message, response.text)
            assert message in response.json()["errors"][0]["message"]
        put = await gateway.client.put(url, json={"query": VIEWER}, headers=bearer)
        assert put.status_code == 405 and "POST" in put.headers["allow"]


async def test_graphiql_only_in_dev(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    async with running_gateway(settings) as gateway:
        page = await gateway.client.get(f"{gateway.url}/graphql")
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    production = dataclasses.replace(gateway_settings(tmp_path), mode=Mode.PRODUCTION)
    async with running_gateway(production) as gateway:
        page = await gateway.client.get(f"{gateway.url}/graphql")
        assert page.status_code == 405


async def test_depth_and_alias_limits(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, max_depth=1, max_aliases=2)
    bearer = token(settings)
    async with running_gateway(settings) as gateway:
        deep = await gateway.data("{ viewer { roles { role } } }", bearer)
        assert deep["data"] is None and "exceeds maximum operation depth" in deep["errors"][0]["message"]
        # The same document again: the validation cache must not let it through.
        again = await gateway.data("{ viewer { roles { role } } }", bearer)
        assert again["data"] is None
        aliased = await gateway.data("{ a: viewer { id } b: viewer { id } c: viewer { id } }", bearer)
        assert aliased["data"] is None and "aliases" in aliased["errors"][0]["message"]
        fine = await gateway.data("{ a: viewer { id } b: viewer { id } }", bearer)
        assert fine["data"] == {"a": {"id": "alice"}, "b": {"id": "alice"}}


async def test_introspection_off_in_production_and_no_field_suggestions(tmp_path: Path) -> None:
    schema_query = "{ __schema { queryType { name } } }"
    dev = gateway_settings(tmp_path)
    async with running_gateway(dev) as gateway:
        body = await gateway.data(schema_query, token(dev))
        assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}
        typo = await gateway.data("{ viewr { id } }", token(dev))
        assert "Cannot query field 'viewr'" in typo["errors"][0]["message"]
        assert "Did you mean" not in typo["errors"][0]["message"]
    production = dataclasses.replace(gateway_settings(tmp_path), mode=Mode.PRODUCTION)
    async with running_gateway(production) as gateway:
        body = await gateway.data(schema_query, token(production))
        assert body["data"] is None and "introspection" in body["errors"][0]["message"].lower()


async def test_health_and_readiness_name_what_is_down(tmp_path: Path) -> None:
    down = f"127.0.0.1:{free_port()}"
    settings = gateway_settings(tmp_path, services={"registry": down}, call_timeout=0.5)
    from tests.gateway.plugins import plugin

    plugins = {"registry": dataclasses.replace(plugin("registry", None), stub=lambda channel: object())}
    async with running_gateway(settings, plugins) as gateway:
        assert (await gateway.client.get(f"{gateway.url}/healthz")).json() == {"status": "ok"}
        ready = await gateway.client.get(f"{gateway.url}/readyz")
        assert ready.status_code == 503
        body = ready.json()
        assert body["failing"] == ["service:registry"]
        assert body["checks"]["decision_log"] == "ok" and body["checks"]["policy"] == "ok"
    async with running_gateway(gateway_settings(tmp_path / "b")) as gateway:
        ready = await gateway.client.get(f"{gateway.url}/readyz")
        assert ready.status_code == 200 and ready.json()["ready"] is True


async def test_refused_when_the_decision_cannot_be_recorded(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, migrate_on_start=False)  # the decision log table does not exist
    async with running_gateway(settings) as gateway:
        body = await gateway.data(VIEWER, token(settings))
        ready = await gateway.client.get(f"{gateway.url}/readyz")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "DECISION_LOG_UNAVAILABLE"
    assert ready.json()["failing"] == ["decision_log"]


async def test_not_ready_while_the_decision_log_cannot_grow(tmp_path: Path) -> None:
    """The disk is full (SQLite's page limit, as a full disk answers): requests are refused, and /readyz says so."""
    settings = gateway_settings(tmp_path)
    async with running_gateway(settings) as gateway:
        bearer = token(settings)
        await gateway.ok(VIEWER, bearer)
        sink = gateway.runtime.decision_log.sink
        assert isinstance(sink, SqliteThreadSink)

        def no_room_to_grow(connection: Connection) -> None:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
            connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")

        event.listen(sink.engine, "begin", no_room_to_grow)
        for _ in range(500):
            body = await gateway.data(VIEWER, bearer)
            if body.get("errors"):
                break
        assert body["errors"][0]["extensions"]["code"] == "DECISION_LOG_UNAVAILABLE"
        ready = await gateway.client.get(f"{gateway.url}/readyz")
        alive = await gateway.client.get(f"{gateway.url}/healthz")
        event.remove(sink.engine, "begin", no_room_to_grow)
        await sink.close()  # the listener's limit stays on the open connection
        gateway.runtime.decision_log.sink = SqliteThreadSink(settings.database_url)
        recovered = await gateway.client.get(f"{gateway.url}/readyz")
    assert ready.status_code == 503 and ready.json()["failing"] == ["decision_log"]
    assert "full" in ready.json()["checks"]["decision_log"]
    assert alive.status_code == 200
    assert recovered.status_code == 200


async def test_a_locked_decision_log_refuses_within_the_configured_wait(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, decision_log_wait=0.4)
    async with running_gateway(settings) as gateway:
        bearer = token(settings)
        await gateway.ok(VIEWER, bearer)
        locker = sqlite3.connect(tmp_path / "gateway.db", isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            started = time.monotonic()
            async with asyncio.timeout(10):  # SQLite's own busy timeout was 30 s
                answers = await asyncio.gather(*(gateway.data(VIEWER, bearer) for _ in range(5)))
            elapsed = time.monotonic() - started
        finally:
            locker.rollback()
            locker.close()
        again = await gateway.data(VIEWER, bearer)
    assert [answer["errors"][0]["extensions"]["code"] for answer in answers] == ["DECISION_LOG_UNAVAILABLE"] * 5
    assert elapsed < 0.4 + 1.0, elapsed
    assert again == {"data": {"viewer": {"id": "alice"}}}


def test_the_decision_log_wait_is_configured_in_milliseconds(tmp_path: Path) -> None:
    base = {"GRIDGOV_DATA_DIR": str(tmp_path)}
    assert GatewaySettings.from_env(base).decision_log_wait == 2.0
    assert GatewaySettings.from_env({**base, "GRIDGOV_DECISION_LOG_WAIT_MS": "250"}).decision_log_wait == 0.25
    with pytest.raises(ConfigError, match="GRIDGOV_DECISION_LOG_WAIT_MS"):
        GatewaySettings.from_env({**base, "GRIDGOV_DECISION_LOG_WAIT_MS": "soon"})


async def test_refused_when_the_policy_cannot_be_evaluated(tmp_path: Path) -> None:
    async with fake_opa() as opa:
        settings = gateway_settings(tmp_path, policy_engine="opa", opa_url=opa.url)
        # The failure is an answer (500), not a time-out: a generous timeout keeps a loaded machine out of it.
        runtime = build_runtime(settings, {}, engine=OpaEngine(opa.url, load_bundle(), timeout=5.0))
        async with running_gateway(settings, runtime=runtime) as gateway:
            bearer = token(settings, roles=[("auditor", "110108")])
            assert (await gateway.data(VIEWER, bearer))["data"] == {"viewer": {"id": "alice"}}
            opa.mode = "error"
            refused = await gateway.data(VIEWER, bearer)
            ready = await gateway.client.get(f"{gateway.url}/readyz")
            opa.mode = "ok"
            # The refusal itself is on record, with why.
            log = await gateway.data('{ accessDecisions(filter: {allow: false}) { nodes { action reasons } } }',
                                     bearer)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "POLICY_UNAVAILABLE"
    assert ready.json()["failing"] == ["policy"]
    assert log["data"]["accessDecisions"]["nodes"][0]["action"] == "viewer.read"
    assert log["data"]["accessDecisions"]["nodes"][0]["reasons"][0].startswith("policy unavailable")
    await asyncio.sleep(0)


async def test_an_opa_answer_without_mask_is_refused_and_logged_as_a_failure(tmp_path: Path) -> None:
    async with fake_opa() as opa:
        settings = gateway_settings(tmp_path, policy_engine="opa", opa_url=opa.url)
        runtime = build_runtime(settings, {}, engine=OpaEngine(opa.url, load_bundle(), timeout=2.0))
        async with running_gateway(settings, runtime=runtime) as gateway:
            bearer = token(settings, roles=[("auditor", "110108")])
            opa.mode, opa.result = "result", {"allow": True, "reasons": ["granted"], "scopes": []}
            refused = await gateway.data(VIEWER, bearer)
            opa.mode = "ok"
            log = await gateway.data('{ accessDecisions(filter: {action: "viewer.read"}) '
                                     "{ nodes { allow reasons result } } }", bearer)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "POLICY_UNAVAILABLE"
    [record] = log["data"]["accessDecisions"]["nodes"]
    assert record["allow"] is False and "mask must be a list of strings" in record["reasons"][0]


async def test_a_hung_opa_refuses_concurrent_requests_within_one_timeout(tmp_path: Path) -> None:
    timeout = 1.0
    async with fake_opa() as opa:
        settings = gateway_settings(tmp_path, policy_engine="opa", opa_url=opa.url)
        runtime = build_runtime(settings, {}, engine=OpaEngine(opa.url, load_bundle(), timeout=timeout))
        async with running_gateway(settings, runtime=runtime) as gateway:
            bearer = token(settings)
            await gateway.ok(VIEWER, bearer)
            opa.mode = "hang"
            started = time.monotonic()
            answers = await asyncio.gather(*(gateway.data(VIEWER, bearer) for _ in range(24)))
            elapsed = time.monotonic() - started
    assert [answer["errors"][0]["extensions"]["code"] for answer in answers] == ["POLICY_UNAVAILABLE"] * 24
    # Six worker threads made that four timeouts; over the async client it is about one (the margin is for
    # a loaded machine, still well short of four).
    assert elapsed < 2.5 * timeout, elapsed


async def test_auditors_list_verify_and_export_and_nobody_else_may(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    auditor, staff = token(settings, "audrey"), token(settings, "sam", [("community_staff", "110108001001")])
    async with running_gateway(settings) as gateway:
        await gateway.data(VIEWER, staff)
        refused = await gateway.data("{ accessDecisionExport { count } }", staff)
        assert refused["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
        page = await gateway.data('{ accessDecisions(filter: {subject: "sam"}, first: 1) '
                                  "{ edges { cursor } nodes { action allow } pageInfo { endCursor hasNextPage } } }",
                                  auditor)
        listing = page["data"]["accessDecisions"]
        assert listing["nodes"] == [{"action": "access_decision.export", "allow": False}]
        assert listing["pageInfo"]["hasNextPage"] and listing["edges"][0]["cursor"] == listing["pageInfo"]["endCursor"]
        rest = await gateway.data('query($after: String) { accessDecisions(filter: {subject: "sam"}, after: $after) '
                                  "{ nodes { action allow } pageInfo { hasNextPage } } }", auditor,
                                  {"after": listing["pageInfo"]["endCursor"]})
        assert rest["data"]["accessDecisions"] == {"nodes": [{"action": "viewer.read", "allow": True}],
                                                   "pageInfo": {"hasNextPage": False}}
        export = await gateway.data("{ accessDecisionExport(filter: {resourceType: \"viewer\"}) { count jsonLines } }",
                                    auditor)
        verified = await gateway.data("{ decisionLogVerification { ok checked headSequence } }", auditor)
        bad_cursor = await gateway.data('{ accessDecisions(after: "nope") { pageInfo { hasNextPage } } }', auditor)
    exported = export["data"]["accessDecisionExport"]
    assert exported["count"] == 1
    line = json.loads(exported["jsonLines"])
    assert line["input"]["subject"]["id"] == "sam" and line["result"]["allow"] is True
    assert verified["data"]["decisionLogVerification"]["ok"] is True
    assert verified["data"]["decisionLogVerification"]["checked"] >= 5
    assert bad_cursor["errors"][0]["extensions"]["fieldViolations"][0]["field"] == "after"
