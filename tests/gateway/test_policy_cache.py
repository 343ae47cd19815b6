"""Remembered decisions: only for bundles that never read input.context, and never for OPA."""

from __future__ import annotations

from pathlib import Path

from gateway.policy.aliases import reads_only
from gateway.policy.bundle import load_bundle
from gateway.policy.cache import CachedEngine, context_free
from gateway.policy.engine import OpaEngine, RegorusEngine
from gateway.runtime import build_engine
from tests.gateway.harness import gateway_settings
from tests.gateway.test_policy_engines import POLICIES, request

TIMED = Path(__file__).parent / "policies" / "timed" / "policy.rego"


def test_reading_input_context_is_detected_conservatively() -> None:
    assert reads_only('a if input.action == "x"\nb if input.resource.id', "context")
    assert reads_only('a if input.action == "input.context" # input.context', "context")
    assert not reads_only("b if input.context.time > 1", "context")
    assert not reads_only('b if input["context"]', "context")
    assert not reads_only("b := input", "context")


def test_gateway_and_sample_bundles_are_context_free_and_a_timed_one_is_not() -> None:
    assert context_free(load_bundle(POLICIES))
    assert not context_free(load_bundle([TIMED]))


async def test_the_same_question_is_answered_from_memory() -> None:
    bundle = load_bundle(POLICIES)
    cached = CachedEngine(RegorusEngine(bundle), size=2)
    inside = request([("community_staff", "110108001001")], "sample_record.read", "sample_record", "110108001001003")
    outside = request([("community_staff", "110108001001")], "sample_record.read", "sample_record", "110108001002003")
    first = await cached.decide(inside)
    later = dict(inside, context={**inside["context"], "request_id": "another", "time": "2026-11-28T00:00:00Z"})
    assert await cached.decide(later) == first and cached.hits == 1
    assert not (await cached.decide(outside)).allow
    await cached.decide(request([], "viewer.read", "viewer"))  # evicts the oldest
    assert (await cached.decide(inside)).allow and cached.hits == 1
    assert cached.revision == bundle.revision


def test_build_engine_caches_only_a_context_free_embedded_bundle(tmp_path: Path) -> None:
    from tests.gateway.plugins import plugin

    settings = gateway_settings(tmp_path)
    assert isinstance(build_engine(settings, {"sample": plugin("sample", None, tuple(POLICIES))}), CachedEngine)
    assert isinstance(build_engine(settings, {"timed": plugin("timed", None, (TIMED,))}), RegorusEngine)
    opa = gateway_settings(tmp_path, policy_engine="opa", opa_url="http://127.0.0.1:8181")
    assert isinstance(build_engine(opa, {"sample": plugin("sample", None, tuple(POLICIES))}), OpaEngine)
