"""A small server speaking OPA's Policy and Data APIs, deciding with regorus, for the OpaEngine tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import regorus
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.support.services import free_port


@dataclass
class FakeOpa:
    """``mode``: "ok", "error" (500), "garbage" (not JSON), "undefined" (no result), "slow", "hang" (no answer
    until the server stops), "result" (answers with ``result`` as the decision, however malformed)."""

    url: str
    modules: dict[str, str] = field(default_factory=dict)
    mode: str = "ok"
    queries: int = 0
    result: Any = None
    released: asyncio.Event = field(default_factory=asyncio.Event)


def _app(state: FakeOpa) -> Starlette:
    async def put_policy(request: Request) -> Response:
        state.modules[request.path_params["policy_id"]] = (await request.body()).decode()
        return JSONResponse({})

    async def data(request: Request) -> Response:
        state.queries += 1
        if state.mode == "error":
            return JSONResponse({"code": "internal_error", "message": "boom"}, status_code=500)
        if state.mode == "garbage":
            return PlainTextResponse("<html>proxy error</html>")
        if state.mode == "undefined":
            return JSONResponse({})
        if state.mode == "slow":
            await asyncio.sleep(0.6)
        if state.mode == "hang":
            await state.released.wait()
            return JSONResponse({}, status_code=503)
        if state.mode == "result":
            return JSONResponse({"result": state.result})
        body = await request.json()
        engine = regorus.Engine()
        for name, text in state.modules.items():
            engine.add_policy(name, text)
        engine.set_input_json(json.dumps(body["input"]))
        path = "data." + request.path_params["path"].replace("/", ".")
        result = json.loads(engine.eval_rule_as_json(path)) if hasattr(engine, "eval_rule_as_json") else None
        return JSONResponse({"result": result})

    return Starlette(routes=[Route("/v1/policies/{policy_id:path}", put_policy, methods=["PUT"]),
                             Route("/v1/data/{path:path}", data, methods=["POST"])])


@asynccontextmanager
async def fake_opa() -> AsyncIterator[FakeOpa]:
    port = free_port()
    state = FakeOpa(f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(_app(state), host="127.0.0.1", port=port, loop="none", lifespan="off",
                                           log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no start event)
        await asyncio.sleep(0.01)
    try:
        yield state
    finally:
        state.released.set()
        server.should_exit = True
        await task
