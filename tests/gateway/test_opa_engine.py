"""OpaEngine over real HTTP against a server speaking OPA's Data API: same decisions, and it fails closed."""

from __future__ import annotations

import asyncio

import pytest

from gateway.policy.bundle import load_bundle
from gateway.policy.engine import OpaEngine, PolicyUnavailable, RegorusEngine
from tests.gateway.opa_server import fake_opa
from tests.gateway.test_policy_engines import POLICIES, TABLE
from tests.support.services import free_port


async def test_opa_decides_like_the_embedded_engine() -> None:
    bundle = load_bundle(POLICIES)
    embedded = RegorusEngine(bundle)
    async with fake_opa() as opa:
        engine = OpaEngine(opa.url, bundle, timeout=2.0)
        await asyncio.to_thread(engine.upload)
        assert set(opa.modules) == {"gridgov/" + name.removesuffix(".rego") for name, _ in bundle.modules}
        for _case, policy_input, *_ in TABLE:
            assert await engine.decide(policy_input) == embedded.decide_sync(policy_input)
        engine.close()
    assert engine.revision == bundle.revision


@pytest.mark.parametrize(("mode", "message"), [
    ("error", "500"),
    ("garbage", "could not evaluate"),
    ("undefined", "returned no decision"),
    ("slow", "could not evaluate"),
])
async def test_opa_failures_refuse(mode: str, message: str) -> None:
    bundle = load_bundle(POLICIES)
    async with fake_opa() as opa:
        engine = OpaEngine(opa.url, bundle, timeout=0.3)
        await asyncio.to_thread(engine.upload)
        opa.mode = mode
        with pytest.raises(PolicyUnavailable, match=message):
            await engine.decide(TABLE[0][1])
        engine.close()


async def test_opa_down_refuses() -> None:
    engine = OpaEngine(f"http://127.0.0.1:{free_port()}", load_bundle(POLICIES), timeout=0.3)
    with pytest.raises(PolicyUnavailable, match="could not evaluate"):
        await engine.decide(TABLE[0][1])
    with pytest.raises(PolicyUnavailable, match="refused policy module"):
        engine.upload(timeout=0.3)


def test_opa_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="OPA URL"):
        OpaEngine("opa:8181", load_bundle())
