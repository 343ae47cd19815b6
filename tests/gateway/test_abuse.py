"""Abusive requests over real HTTP: oversize and overloaded documents, fragment chains, bodies, operation names."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from pathlib import Path

import pytest

from gateway.documents import DocumentLimits
from services.kit.config import Mode
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token

VIEWER = "{ viewer { id } }"
# The document that froze the gateway: one field repeated 10,000 times, 140 KB.
REPEATED = "{ " + "viewer { id } " * 10_000 + "}"


def chain(length: int) -> str:
    """A query spreading F0, each fragment spreading the next, the last selecting a field."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(length)]
    return "\n".join(["query { ...F0 }", *fragments, f"fragment F{length} on Query {{ viewer {{ id }} }}"])


async def refusal(gateway: RunningGateway, query: str, bearer: str, status: int = 400) -> str:
    response = await gateway.graphql(query, bearer)
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    return errors[0]["message"]  # type: ignore[no-any-return]


async def test_the_repeated_field_document_is_refused_by_size_without_work(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    bearer = token(settings)
    async with running_gateway(settings) as gateway:
        started = time.perf_counter()
        message = await refusal(gateway, REPEATED, bearer)
        elapsed = time.perf_counter() - started
        assert message == "the query document is larger than 32768 bytes"
        assert elapsed < 1.0, elapsed  # validating it took seconds
        assert (await gateway.ok(VIEWER, bearer)) == {"viewer": {"id": "alice"}}


@pytest.mark.parametrize(("limits", "query", "message"), [
    (DocumentLimits(max_tokens=40), "{ viewer { " + "id " * 40 + "} }", "has more than 40 tokens"),
    (DocumentLimits(max_selections=5), "{ " + " ".join(f"a{i}: viewer {{ id }}" for i in range(3)) + " }",
     "selects more than 5 fields and fragments"),
    (DocumentLimits(), "{ viewer { " + "id " * 9 + "} }", "field 'id' is selected 9 times in one selection set"),
    (DocumentLimits(), "{ " + "... on Query { viewer { id } } " * 9 + "}", "field 'viewer' is selected 9 times"),
    (DocumentLimits(), "query { ...A ...A ...A }\nfragment A on Query { ...B ...B ...B }\n"
                       "fragment B on Query { id: viewer { id } }", "field 'id' is selected 9 times"),
    (DocumentLimits(max_fragments=2), chain(2), "defines more than 2 fragments"),
    (DocumentLimits(), "query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }",
     "field '__typename' carries 10 directives; at most 4"),
    (DocumentLimits(), "query cop @aa@aa@aa@aa@aa { __typename }", "operation 'cop' carries 5 directives"),
])
async def test_documents_over_a_limit_get_one_400_naming_it(tmp_path: Path, limits: DocumentLimits, query: str,
                                                            message: str) -> None:
    settings = gateway_settings(tmp_path, document=limits)
    async with running_gateway(settings) as gateway:
        assert message in await refusal(gateway, query, token(settings))


async def test_long_fragment_chains_and_cycles_are_refused_in_one_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = gateway_settings(tmp_path, document=DocumentLimits(max_fragments=1000))
    bearer = token(settings)
    async with running_gateway(settings) as gateway:
        with caplog.at_level(logging.INFO):
            message = await refusal(gateway, chain(300), bearer)
        assert message.startswith("fragment spreads nest deeper than 10 (through F0 → F1 → F2 …)")
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
            f"document refused: {message}"]
        assert "recursion" not in caplog.text
        cycle = "query { ...A }\nfragment A on Query { ...B }\nfragment B on Query { ...A }"
        assert await refusal(gateway, cycle, bearer) == "fragment 'A' spreads itself (through A → B → A)"
        # a chain within the limit runs
        assert (await gateway.ok(chain(8), bearer)) == {"viewer": {"id": "alice"}}


async def test_an_operation_name_that_names_no_operation_is_a_400(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    bearer = {"Authorization": f"Bearer {token(settings)}"}
    two = "query One { viewer { id } } query Two { viewer { roles { role } } }"
    async with running_gateway(settings) as gateway:
        url = f"{gateway.url}/graphql"
        missing = await gateway.client.post(url, json={"query": two, "operationName": "Three"}, headers=bearer)
        assert missing.status_code == 400, missing.text
        assert missing.json()["errors"][0]["message"] == (
            "operationName 'Three' names no operation in the document (operations: 'One', 'Two')")
        unnamed = await gateway.client.post(url, json={"query": two}, headers=bearer)
        assert unnamed.status_code == 400
        assert "has 2 operations ('One', 'Two'): say which to run in operationName" in unnamed.text
        only_fragments = await gateway.client.post(url, json={"query": "fragment F on Query { viewer { id } }"},
                                                   headers=bearer)
        assert only_fragments.status_code == 400 and "no operation to run" in only_fragments.text
        chosen = await gateway.client.post(url, json={"query": two, "operationName": "One"}, headers=bearer)
        assert chosen.status_code == 200 and chosen.json()["data"] == {"viewer": {"id": "alice"}}


async def raw_request(gateway: RunningGateway, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    """Sends a POST /graphql by hand (a Content-Length the body need not honour); the status and head."""
    host, port = gateway.settings.host, gateway.settings.port
    reader, writer = await asyncio.open_connection(host, port)
    try:
        lines = ["POST /graphql HTTP/1.1", f"Host: {host}:{port}",
                 *(f"{name}: {value}" for name, value in headers.items())]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    finally:
        writer.close()
    return int(head.split()[1]), head


async def test_unauthenticated_bodies_are_not_read_and_oversize_bodies_are_refused_while_read(
        tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, max_body_bytes=64 * 1024)
    bearer = token(settings)
    announced = {"Content-Type": "application/json", "Content-Length": str(150 * 1024 * 1024)}
    async with running_gateway(settings) as gateway:
        # 150 MB announced, nothing sent: the answer comes without waiting for the body.
        status, head = await raw_request(gateway, announced)
        assert status == 401 and b"www-authenticate: bearer" in head.lower()
        status, _ = await raw_request(gateway, {**announced, "Authorization": f"Bearer {bearer}"})
        assert status == 413

        # no Content-Length: refused once 64 KiB have arrived, and the connection closed
        pad = b"x" * 4096
        chunk = f"{len(pad):x}\r\n".encode() + pad + b"\r\n"
        start = b'{"query": "{ viewer { id } }", "variables": {"pad": "'
        status, head = await raw_request(
            gateway, {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}",
                      "Transfer-Encoding": "chunked"},
            f"{len(start):x}\r\n".encode() + start + b"\r\n" + chunk * 20)
        assert status == 413 and b"connection: close" in head.lower()
        assert (await gateway.ok(VIEWER, bearer)) == {"viewer": {"id": "alice"}}


async def test_no_argument_or_input_field_suggestions_in_production(tmp_path: Path) -> None:
    settings = dataclasses.replace(gateway_settings(tmp_path), mode=Mode.PRODUCTION)
    bearer = token(settings)
    async with running_gateway(settings) as gateway:
        argument = await gateway.first_error("{ accessDecisions(frist: 1) { nodes { action } } }", bearer)
        assert argument["message"] == "Unknown argument 'frist' on field 'Query.accessDecisions'."
        field = await gateway.first_error("{ accessDecisions(filter: {alow: true}) { nodes { action } } }", bearer)
        assert "'alow'" in field["message"] and "Did you mean" not in field["message"]
        variables = await gateway.data("query($f: AccessDecisionFilter) { accessDecisions(filter: $f) "
                                       "{ nodes { action } } }", bearer, {"f": {"alow": True}})
        assert variables["errors"] and "Did you mean" not in variables["errors"][0]["message"]
