"""What auditors do with the log: verify the chain and export it in OPA's decision-log format."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from gateway.decision_log import store
from gateway.decision_log.anchor import AnchorDamaged, AnchoredHead, HeadAnchor
from gateway.decision_log.chain import ChainWalker, Verification
from gateway.decision_log.models import AccessDecision
from gateway.decision_log.record import opa_record, timestamp_text
from services.kit.database import Database


async def verify(database: Database, known_head: int | None = None, *, anchor: HeadAnchor | None = None,
                 noticed: str | None = None) -> Verification:
    """Walks the whole chain; reports the first altered, missing or misplaced record, then whether the chain still
    holds the head anchored outside the database (a cut-off tail, or a tail replaced by another).

    ``known_head`` is the last sequence this process committed; ``noticed`` a problem the running log already
    found (the anchor stopped advancing).
    """
    anchored: AnchoredHead | None = None
    damaged = None
    if anchor is not None:
        # Read before the walk: the chain only grows meanwhile, so the anchor read cannot be ahead of it.
        try:
            anchored = await anchor.read()
        except AnchorDamaged as error:
            damaged = f"{error}: the chain cannot be checked against it"
    walker = ChainWalker(anchored)
    async for row in store.scan(database):
        if not walker.feed(row):
            break
    result = walker.result(known_head)
    problem = damaged or noticed
    if result.ok and problem is not None:
        return dataclasses.replace(result, ok=False, reason=problem)
    return result


def as_opa(row: AccessDecision) -> dict[str, object]:
    return opa_record(sequence=row.sequence, decision_id=row.decision_id, timestamp=row.timestamp, path=row.path,
                      input_json=row.input, result_json=row.result, revision=row.revision,
                      requested_by=row.requested_by, req_id=row.req_id)


def outcome_summary(decision: AccessDecision, outcomes: Sequence[AccessDecision]) -> dict[str, Any]:
    """What the caller got for ``decision``: state, code, message, and the outcome record's sequence and time."""
    state, record = store.outcome_state(decision, outcomes)
    if record is not None:
        result = json.loads(record.result)
        return {"state": state, "code": result.get("code", ""), "message": result.get("message", ""),
                "sequence": record.sequence, "timestamp": timestamp_text(record.timestamp)}
    if state == store.REFUSED_BY_POLICY:
        reasons = json.loads(decision.result).get("reasons", [])
        unavailable = any(str(reason).startswith("policy unavailable") for reason in reasons)
        return {"state": state, "code": "POLICY_UNAVAILABLE" if unavailable else "PERMISSION_DENIED",
                "message": "; ".join(str(reason) for reason in reasons), "sequence": decision.sequence,
                "timestamp": timestamp_text(decision.timestamp)}
    return {"state": state, "code": "", "message": "", "sequence": None, "timestamp": None}


async def export_lines(database: Database, where: store.DecisionFilter, *, scopes: Sequence[str] | None,
                       limit: int) -> tuple[str, int]:
    """JSON lines, one OPA decision-log record per decision, oldest first, each with the ``outcome`` the caller got
    (``outcome_summary``; the outcome records themselves are in the chain); and how many."""
    lines: list[str] = []
    chunk: list[AccessDecision] = []

    async def emit() -> None:
        outcomes = await store.outcomes_of(database, [row.decision_id for row in chunk])
        for row in chunk:
            line = {**as_opa(row), "outcome": outcome_summary(row, outcomes[row.decision_id])}
            lines.append(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
        chunk.clear()

    async for row in store.scan(database, where, scopes=scopes):
        if len(lines) + len(chunk) >= limit:
            break
        chunk.append(row)
        if len(chunk) >= store.SCAN_BATCH:
            await emit()
    await emit()
    return "".join(line + "\n" for line in lines), len(lines)
