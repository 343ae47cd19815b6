"""Retries made safe, over real HTTP and a real cases service: reportCase with an idempotencyKey twice is one case,
also when the first answer was lost to the gateway's deadline after the service had committed; the answers to lost
calls say whether the outcome is unknown and whether a retry is safe."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from sqlalchemy import func, select

from gateway.errors import error_from_rpc
from gateway.schema import compose
from gridgov.cases.v1 import cases_pb2
from services.cases.models import CaseRow
from services.kit.database import Database, Work
from services.kit.plugin import load_plugins
from tests.cases.people import GRID
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.support.services import RunningService, running_service

REPORT = """mutation($input: CaseReportInput!, $key: String) {
  reportCase(input: $input, idempotencyKey: $key) { id number state reporter } }"""
CASE = {"categoryCode": "garbage_exposed", "description": "路口垃圾堆积", "jurisdictionCode": GRID,
        "source": "GRID_WORKER", "address": "翠微路3号"}


@dataclasses.dataclass
class Stack:
    gateway: RunningGateway
    cases: RunningService
    bearer: str


@pytest.fixture
async def stack(database: Database, tmp_path: Path) -> AsyncIterator[Stack]:
    async with running_service("cases", database) as cases:
        # A deadline short enough for a late answer to miss, long enough for a prompt one.
        settings = gateway_settings(tmp_path, services={"cases": cases.address}, call_timeout=0.5)
        async with running_gateway(settings, {"cases": cases.plugin}) as gw:
            yield Stack(gw, cases, token(settings, "gw1", [("grid_worker", GRID)]))


async def stored(stack: Stack) -> tuple[int, int]:
    """(cases, outbox events) in the cases database."""
    runtime = stack.cases.runtime
    async with runtime.database.read() as session:
        return (await session.scalar(select(func.count()).select_from(CaseRow)) or 0,
                await session.scalar(select(func.count()).select_from(runtime.tables.outbox)) or 0)


async def test_a_report_sent_twice_with_its_key_is_one_case(stack: Stack) -> None:
    first = (await stack.gateway.ok(REPORT, stack.bearer, {"input": CASE, "key": "portal-7f3a"}))["reportCase"]
    after_first = await stored(stack)
    again = (await stack.gateway.ok(REPORT, stack.bearer, {"input": CASE, "key": "portal-7f3a"}))["reportCase"]
    assert again == first and await stored(stack) == after_first
    changed = {**CASE, "address": "翠微路4号"}
    refused = await stack.gateway.first_error(REPORT, stack.bearer, {"input": changed, "key": "portal-7f3a"})
    assert refused["extensions"]["code"] == "FAILED_PRECONDITION"
    assert "idempotency_key" in refused["message"] and "different request" in refused["message"]
    other = (await stack.gateway.ok(REPORT, stack.bearer, {"input": CASE}))["reportCase"]
    assert other["id"] != first["id"] and (await stored(stack))[0] == after_first[0] + 1


@pytest.mark.parametrize("key", ["", "x" * 129, "键", "tab\there"])
async def test_a_malformed_key_is_refused_naming_the_argument(stack: Stack, key: str) -> None:
    error = await stack.gateway.first_error(REPORT, stack.bearer, {"input": CASE, "key": key})
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    assert error["extensions"]["fieldViolations"][0]["field"] == "idempotencyKey"
    assert await stored(stack) == (0, 0)


async def test_a_report_committed_after_the_deadline_is_returned_by_the_retry(stack: Stack) -> None:
    database = stack.cases.runtime.database
    write = database.run_write
    calls = 0

    async def commit_then_answer_late(work: Work[Any]) -> Any:
        nonlocal calls
        calls += 1
        result = await write(work)  # committed ...
        if calls == 1:
            await asyncio.sleep(2)  # ... but the answer comes after the gateway stopped waiting
        return result

    database.run_write = commit_then_answer_late  # type: ignore[method-assign]
    lost = await stack.gateway.first_error(REPORT, stack.bearer, {"input": CASE, "key": "offline-42"})
    extensions = lost["extensions"]
    assert (extensions["code"], extensions["outcome"], extensions["retryable"]) == (
        "SERVICE_UNAVAILABLE", "UNKNOWN", True)
    assert "deadline_exceeded" in lost["message"] and "retry with the same idempotencyKey" in lost["message"]
    committed = await stored(stack)
    assert committed[0] == 1  # it was made, although the client was told it failed
    retried = (await stack.gateway.ok(REPORT, stack.bearer, {"input": CASE, "key": "offline-42"}))["reportCase"]
    assert await stored(stack) == committed
    async with database.read() as session:
        assert await session.scalar(select(CaseRow.id)) == retried["id"]


def _lost(status: grpc.StatusCode) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(status, grpc.aio.Metadata(), grpc.aio.Metadata(), details="no answer")


@pytest.mark.parametrize("status", [grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE,
                                    grpc.StatusCode.CANCELLED])
def test_a_lost_write_answer_says_the_outcome_is_unknown_and_whether_to_retry(status: grpc.StatusCode) -> None:
    keyed = error_from_rpc("cases", "ReportCase", _lost(status),
                           request=cases_pb2.ReportCaseRequest(idempotency_key="k"), write=True)
    assert keyed.extensions == {"code": "SERVICE_UNAVAILABLE", "service": "cases", "outcome": "UNKNOWN",
                                "retryable": True}
    assert "outcome is unknown" in keyed.message and "same idempotencyKey" in keyed.message
    keyless = error_from_rpc("cases", "ReportCase", _lost(status), request=cases_pb2.ReportCaseRequest(),
                             write=True)
    assert keyless.extensions is not None
    assert (keyless.extensions["outcome"], keyless.extensions["retryable"]) == ("UNKNOWN", False)
    assert "may make it twice" in keyless.message
    verb = error_from_rpc("cases", "AcceptCase", _lost(status), request=cases_pb2.AcceptCaseRequest(case_id="c"),
                          write=True)
    assert verb.extensions is not None
    assert (verb.extensions["outcome"], verb.extensions["retryable"]) == ("UNKNOWN", True)
    assert "current state" in verb.message
    read = error_from_rpc("cases", "GetCase", _lost(status), request=cases_pb2.GetCaseRequest(case_id="c"))
    assert read.extensions == {"code": "SERVICE_UNAVAILABLE", "service": "cases"}


async def test_a_query_that_times_out_is_a_plain_outage(stack: Stack) -> None:
    await stack.cases.server.stop(grace=None)
    error = await stack.gateway.first_error('{ case(id: "c1") { id } }', stack.bearer)
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE" and "outcome" not in error["extensions"]
    lost = await stack.gateway.first_error(REPORT, stack.bearer, {"input": CASE, "key": "k"})
    assert lost["extensions"]["outcome"] == "UNKNOWN"


CREATING = {
    "reportCase", "createFirePlace", "importFirePlaces", "startFireInspection", "createPollutionSource",
    "importPollutionSources", "recordPatrol", "recordPatrols", "reportPollutionViolation", "createJurisdiction",
    "createBuilding", "createHousehold", "addResident", "createOrganization", "recordVisit", "importHouseholds",
    "addPollutionViolationEvidence", "importBoundaries",
}


def test_every_creating_mutation_takes_an_optional_idempotency_key() -> None:
    schema = compose(load_plugins())
    mutation = schema._schema.mutation_type
    assert mutation is not None
    keyed = {name for name, field in mutation.fields.items() if "idempotencyKey" in field.args}
    assert keyed == CREATING
    for name in keyed:
        argument = mutation.fields[name].args["idempotencyKey"]
        assert str(argument.type) == "String" and "retry" in (argument.description or "")
