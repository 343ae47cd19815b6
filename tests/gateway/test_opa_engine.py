"""OpaEngine over real HTTP against a server speaking OPA's Data API: same decisions, and it fails closed."""

from __future__ import annotations

import asyncio
import time

import pytest

from gateway.policy.bundle import load_bundle
from gateway.policy.engine import Decision, OpaEngine, PolicyUnavailable, RegorusEngine
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
        await engine.aclose()
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
        # Only "slow" needs a short timeout; the others answer at once, and a loaded machine must not
        # turn their answer into a time-out.
        engine = OpaEngine(opa.url, bundle, timeout=0.3 if mode == "slow" else 5.0)
        await asyncio.to_thread(engine.upload)
        opa.mode = mode
        with pytest.raises(PolicyUnavailable, match=message):
            await engine.decide(TABLE[0][1])
        await engine.aclose()


async def test_opa_down_refuses_and_start_up_names_the_server() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    engine = OpaEngine(url, load_bundle(POLICIES), timeout=0.3)
    with pytest.raises(PolicyUnavailable, match="could not evaluate"):
        await engine.decide(TABLE[0][1])
    await engine.aclose()
    # Not "refused policy module authz.rego": nothing refused it, nothing answered.
    with pytest.raises(PolicyUnavailable) as raised:
        engine.upload(timeout=0.3)
    message = str(raised.value)
    assert f"could not reach the OPA server at {url}" in message and "GRIDGOV_OPA_URL" in message
    assert "refused" not in message.split(":")[0] and "authz.rego" not in message


GOOD = {"allow": True, "reasons": ["granted"], "mask": ["id_number"], "scopes": ["110108"]}


@pytest.mark.parametrize(("result", "message"), [
    ({k: v for k, v in GOOD.items() if k != "mask"}, "mask must be a list of strings"),
    ({k: v for k, v in GOOD.items() if k != "scopes"}, "scopes must be a list of strings"),
    ({k: v for k, v in GOOD.items() if k != "reasons"}, "reasons must be a list of strings"),
    ({**GOOD, "mask": "id_number"}, "mask must be a list of strings"),
    ({**GOOD, "mask": None}, "mask must be a list of strings"),
    ({**GOOD, "scopes": {"110108": True}}, "scopes must be a list of strings"),
    ({**GOOD, "allow": "true"}, "allow must be true or false"),
    ({**GOOD, "allow": 1}, "allow must be true or false"),
    ({**GOOD, "reasons": "granted"}, "reasons must be a list of strings"),
    ({**GOOD, "reasons": ["granted", 7]}, "reasons must be a list of strings"),
    ({**GOOD, "mask": [["id_number"]]}, "mask must be a list of strings"),
    (["allow"], "returned no decision"),
    (None, "returned no decision"),
])
async def test_a_malformed_opa_result_is_a_policy_failure(result: object, message: str) -> None:
    bundle = load_bundle(POLICIES)
    async with fake_opa() as opa:
        engine = OpaEngine(opa.url, bundle, timeout=2.0)
        opa.mode, opa.result = "result", result
        with pytest.raises(PolicyUnavailable, match=message):
            await engine.decide(TABLE[0][1])
        # The same answer well-formed is a decision (the test server is not failing for another reason).
        opa.result = GOOD
        assert (await engine.decide(TABLE[0][1])).mask == ("id_number",)
        await engine.aclose()


@pytest.mark.parametrize("result", [
    {k: v for k, v in GOOD.items() if k != "mask"}, {**GOOD, "allow": "true"}, {**GOOD, "reasons": [1]},
])
def test_the_embedded_engines_read_decisions_as_strictly(result: dict[str, object]) -> None:
    with pytest.raises(PolicyUnavailable, match="malformed decision"):
        Decision.from_result(result)


async def test_a_hung_opa_costs_each_request_its_timeout_not_the_throughput() -> None:
    """Thirty decisions at once against a server that never answers: all refused within about one timeout (a
    thread per decision took ceil(30 / workers) timeouts)."""
    bundle = load_bundle(POLICIES)
    timeout = 0.5
    async with fake_opa() as opa:
        engine = OpaEngine(opa.url, bundle, timeout=timeout)
        opa.mode = "hang"
        started = time.monotonic()
        outcomes = await asyncio.gather(*(engine.decide(TABLE[0][1]) for _ in range(30)), return_exceptions=True)
        elapsed = time.monotonic() - started
        await engine.aclose()
    assert all(isinstance(outcome, PolicyUnavailable) for outcome in outcomes), outcomes
    assert all(f"no answer within {timeout} s" in str(outcome) for outcome in outcomes)
    assert elapsed < 3 * timeout, elapsed


def test_opa_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="OPA URL"):
        OpaEngine("opa:8181", load_bundle())
