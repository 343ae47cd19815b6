"""A decision as the log stores it: OPA's decision-log fields, personal data masked."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.policy.bundle import DECISION_PATH
from services.kit.clock import as_utc
from services.kit.masking import mask_value

# The bundle name under which bundles.<name>.revision is reported.
BUNDLE_NAME = "gridgov"
# The path of an outcome record: what the caller got after the policy allowed (see ``Outcome``).
OUTCOME_PATH = "gridgov/outcome"
# An outcome message is kept to this many characters.
MAX_OUTCOME_MESSAGE = 500


class Outcome:
    """What the caller got after an allowing decision, as stored in an outcome record's ``outcome`` column."""

    SERVED = "served"
    REFUSED_BY_SERVICE = "refused_by_service"
    REFUSED_BY_GATEWAY = "refused_by_gateway"
    # A change the service did not confirm (deadline exceeded, connection dropped): it may or may not have been made.
    UNKNOWN = "unknown"
    ALL = (SERVED, REFUSED_BY_SERVICE, REFUSED_BY_GATEWAY, UNKNOWN)


def canonical_json(value: Any) -> str:
    """The one JSON spelling of ``value`` that hashes are computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def mask_personal(value: Any, fields: frozenset[str]) -> Any:
    """``value`` with every string under a key in ``fields`` masked, at any depth."""
    if isinstance(value, Mapping):
        return {key: (mask_any(item) if key in fields else mask_personal(item, fields)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_personal(item, fields) for item in value]
    return value


def mask_any(value: Any) -> Any:
    if isinstance(value, str):
        return mask_value(value)
    if isinstance(value, list | tuple):
        return [mask_any(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return "***"


def timestamp_text(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class DecisionRecord:
    """One decision before it is chained: what the writer appends."""

    decision_id: str
    timestamp: datetime
    input: Mapping[str, Any]
    result: Mapping[str, Any]
    revision: str
    requested_by: str
    req_id: str
    path: str = DECISION_PATH
    # Outcome records only: one of Outcome.ALL, and the decision_id of the decision it follows.
    outcome: str = ""
    decision_ref: str = ""

    @property
    def allow(self) -> bool:
        """A decision: whether the policy allowed. An outcome: whether the caller was served."""
        if self.outcome:
            return self.outcome == Outcome.SERVED
        return bool(self.result.get("allow"))

    @property
    def subject(self) -> str:
        return str(self.input.get("subject", {}).get("id", ""))

    @property
    def action(self) -> str:
        return str(self.input.get("action", ""))

    @property
    def resource(self) -> Mapping[str, Any]:
        resource = self.input.get("resource", {})
        return resource if isinstance(resource, Mapping) else {}


def opa_record(*, sequence: int, decision_id: str, timestamp: datetime, path: str, input_json: str,
               result_json: str, revision: str, requested_by: str, req_id: str) -> dict[str, Any]:
    """The record in OPA's decision-log format, as exported (with its sequence)."""
    return {
        "decision_id": decision_id,
        "timestamp": timestamp_text(timestamp),
        "path": path,
        "input": json.loads(input_json),
        "result": json.loads(result_json),
        "bundles": {BUNDLE_NAME: {"revision": revision}},
        "requested_by": requested_by,
        "req_id": req_id,
        "sequence": sequence,
    }
