"""Memoized decisions for a bundle whose rules never read input.context (the only per-request part)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gateway.policy.aliases import reads_only
from gateway.policy.bundle import Bundle
from gateway.policy.engine import Decision, PolicyEngine, PolicyInput

DEFAULT_SIZE = 8192


def context_free(bundle: Bundle) -> bool:
    """True when no module reads input.context, so a decision depends on subject, action and resource only."""
    return all(reads_only(text, "context") for _, text in bundle.modules)


def cache_key(policy_input: Mapping[str, Any]) -> str:
    if isinstance(policy_input, PolicyInput) and policy_input.cache_key:
        return policy_input.cache_key
    return json.dumps({k: v for k, v in policy_input.items() if k != "context"}, sort_keys=True, default=str)


class CachedEngine:
    """Wraps an in-process engine; the same (subject, action, resource) gets the decision already made.

    Sound only for a context-free bundle with static data (``context_free``); every decision is still
    logged by the caller. Not for OPA: a server that cannot answer must refuse, not be remembered.
    """

    def __init__(self, engine: PolicyEngine, size: int = DEFAULT_SIZE) -> None:
        self.engine = engine
        self.revision = engine.revision
        self.size = size
        self._decisions: dict[str, Decision] = {}
        self.hits = 0

    async def decide(self, policy_input: Mapping[str, Any]) -> Decision:
        key = cache_key(policy_input)
        decision = self._decisions.get(key)
        if decision is not None:
            self.hits += 1
            return decision
        decision = await self.engine.decide(policy_input)
        if len(self._decisions) >= self.size:
            del self._decisions[next(iter(self._decisions))]  # the oldest
        self._decisions[key] = decision
        return decision
