"""What auditors do with the log: verify the chain and export it in OPA's decision-log format."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from gateway.decision_log import store
from gateway.decision_log.anchor import AnchorDamaged, AnchoredHead, HeadAnchor
from gateway.decision_log.chain import ChainWalker, Verification
from gateway.decision_log.models import AccessDecision
from gateway.decision_log.record import opa_record
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


async def export_lines(database: Database, where: store.DecisionFilter, *, scopes: Sequence[str] | None,
                       limit: int) -> tuple[str, int]:
    """JSON lines, one OPA decision-log record per line, oldest first; and how many."""
    lines: list[str] = []
    async for row in store.scan(database, where, scopes=scopes):
        if len(lines) >= limit:
            break
        lines.append(json.dumps(as_opa(row), ensure_ascii=False, separators=(",", ":")))
    return "".join(line + "\n" for line in lines), len(lines)
