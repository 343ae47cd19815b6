"""The auditor's GraphQL fields over the decision log: list and filter, verify the chain, export."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.connection import Connection, check_first
from gateway.context import RequestContext, Resource
from gateway.decision_log import audit, store
from gateway.decision_log.models import AccessDecision
from gateway.plugin_types import invalid
from services.kit.clock import as_utc

EXPORT_LIMIT = 100_000


@strawberry.enum(description="What the caller got for a decision.")
class AccessOutcomeState(Enum):
    SERVED = strawberry.enum_value(store.Outcome.SERVED, description="Allowed by the policy, then served.")
    REFUSED_BY_POLICY = strawberry.enum_value(store.REFUSED_BY_POLICY,
                                              description="Denied by the policy (or it could not be evaluated).")
    REFUSED_BY_SERVICE = strawberry.enum_value(
        store.Outcome.REFUSED_BY_SERVICE, description="Allowed by the policy, then refused by the service (code, "
                                                      "message), or the service could not be reached.")
    REFUSED_BY_GATEWAY = strawberry.enum_value(
        store.Outcome.REFUSED_BY_GATEWAY, description="Allowed by the policy, then refused because the decision "
                                                      "was not confirmed durable in time.")
    UNKNOWN = strawberry.enum_value(
        store.Outcome.UNKNOWN, description="Allowed by the policy; the service did not confirm the change (deadline "
                                           "exceeded, connection dropped): it may or may not have been made.")
    UNRECORDED = strawberry.enum_value(
        store.UNRECORDED, description="Allowed by the policy; no outcome recorded: answered by the gateway itself "
                                      "(viewer, the decision log) or the gateway stopped before the call ended.")


@strawberry.type(description="What the caller got for a decision, from the outcome record chained after it.")
class AccessOutcome:
    state: AccessOutcomeState
    code: str = strawberry.field(description="The error code the caller got; empty when served.")
    message: str = strawberry.field(description="The error message the caller got (at most 500 characters).")
    sequence: int | None = strawberry.field(description="The record that says so (the outcome record, or the "
                                                        "decision itself for a policy refusal).")
    timestamp: datetime | None

    @classmethod
    def from_summary(cls, summary: dict[str, Any]) -> AccessOutcome:
        moment = summary["timestamp"]
        return cls(state=AccessOutcomeState(summary["state"]), code=summary["code"], message=summary["message"],
                   sequence=summary["sequence"],
                   timestamp=datetime.fromisoformat(moment.replace("Z", "+00:00")) if moment else None)


@strawberry.input(description="Narrows the decision log; every field is optional.")
class AccessDecisionFilter:
    subject: str | None = None
    action: str | None = None
    allow: bool | None = None
    resource_type: str | None = None
    jurisdiction_prefix: str | None = None
    from_: datetime | None = strawberry.field(default=None, name="from", description="at or after this time")
    to: datetime | None = strawberry.field(default=None, description="before this time")
    outcome: AccessOutcomeState | None = strawberry.field(default=None, description="what the caller got")
    refused: bool | None = strawberry.field(
        default=None, description="true: refused by the policy or, once allowed, by the service or the gateway; "
                                  "false: served, unknown or unrecorded")

    def to_store(self) -> store.DecisionFilter:
        return store.DecisionFilter(
            subject=self.subject, action=self.action, allow=self.allow, resource_type=self.resource_type,
            jurisdiction_prefix=self.jurisdiction_prefix,
            start=as_utc(self.from_) if self.from_ else None, end=as_utc(self.to) if self.to else None,
            outcome=cast(str, self.outcome.value) if self.outcome else None, refused=self.refused,
        )


@strawberry.type(description="One access decision as the log holds it (personal data masked).")
class AccessDecisionRecord:
    sequence: int
    decision_id: str
    timestamp: datetime
    path: str
    subject: str
    action: str
    resource_type: str
    jurisdiction_code: str
    allow: bool = strawberry.field(description="Whether the policy allowed; what the caller got is in outcome.")
    reasons: list[str]
    input: JSON
    result: JSON
    revision: str
    requested_by: str
    req_id: str
    previous_hash: str
    hash: str
    outcome: AccessOutcome

    @classmethod
    def from_row(cls, row: AccessDecision, outcomes: Sequence[AccessDecision] = ()) -> AccessDecisionRecord:
        result: Any = json.loads(row.result)
        return cls(
            sequence=row.sequence, decision_id=row.decision_id, timestamp=as_utc(row.timestamp), path=row.path,
            subject=row.subject, action=row.action, resource_type=row.resource_type,
            jurisdiction_code=row.jurisdiction_code, allow=row.allow, reasons=list(result.get("reasons", [])),
            input=json.loads(row.input), result=result, revision=row.revision, requested_by=row.requested_by,
            req_id=row.req_id, previous_hash=row.previous_hash, hash=row.hash,
            outcome=AccessOutcome.from_summary(audit.outcome_summary(row, outcomes)),
        )


@strawberry.type(description="The outcome of walking the hash chain and checking it against its anchor.")
class DecisionLogVerification:
    ok: bool
    checked: int
    head_sequence: int
    head_hash: str
    broken_sequence: int | None
    broken_decision_id: str | None
    reason: str | None
    anchor_sequence: int | None = strawberry.field(
        description="The sequence anchored outside the database when verification began; null if none yet.")
    anchor_hash: str | None = strawberry.field(description="The hash anchored with anchorSequence.")
    anchored_at: datetime | None = strawberry.field(description="When anchorSequence was anchored.")


@strawberry.type(description="Decisions in OPA's decision-log format, one JSON object per line.")
class DecisionExport:
    count: int
    json_lines: str


def _context(info: Info) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The decision log, newest first; auditors only.")
    async def access_decisions(self, info: Info, filter: AccessDecisionFilter | None = None, first: int = 50,
                               after: str | None = None) -> Connection[AccessDecisionRecord]:
        ctx = _context(info)
        check_first(first, store.MAX_PAGE)
        try:
            before = store.decode_cursor(after) if after else None
        except ValueError:
            raise invalid("after", "is not a cursor this log issued") from None
        decision = await ctx.authorize("access_decision.list", Resource("access_decision"))
        rows, more = await store.page(ctx.runtime.database, (filter or AccessDecisionFilter()).to_store(),
                                      scopes=decision.scopes, first=first, after=before)
        outcomes = await store.outcomes_of(ctx.runtime.database, [row.decision_id for row in rows])
        return Connection.of([(store.encode_cursor(row.sequence),
                               AccessDecisionRecord.from_row(row, outcomes[row.decision_id])) for row in rows], more)

    @strawberry.field(description="Walks the whole chain, reports the first broken record, then whether the chain "
                                  "still holds the head anchored outside the database; auditors only.")
    async def decision_log_verification(self, info: Info) -> DecisionLogVerification:
        ctx = _context(info)
        await ctx.authorize("access_decision.verify", Resource("access_decision"))
        log = ctx.runtime.decision_log
        result = await audit.verify(ctx.runtime.database, log.head_sequence, anchor=log.anchor,
                                    noticed=log.anchor_problem)
        anchored = result.anchored
        return DecisionLogVerification(
            ok=result.ok, checked=result.checked, head_sequence=result.head_sequence, head_hash=result.head_hash,
            broken_sequence=result.broken_sequence, broken_decision_id=result.broken_decision_id, reason=result.reason,
            anchor_sequence=anchored.sequence if anchored else None, anchor_hash=anchored.hash if anchored else None,
            anchored_at=anchored.time if anchored else None,
        )

    @strawberry.field(description="Matching decisions as OPA decision-log JSON lines, oldest first; auditors only.")
    async def access_decision_export(self, info: Info, filter: AccessDecisionFilter | None = None,
                               limit: int = 10_000) -> DecisionExport:
        ctx = _context(info)
        if limit < 1 or limit > EXPORT_LIMIT:
            raise invalid("limit", f"must be between 1 and {EXPORT_LIMIT}")
        decision = await ctx.authorize("access_decision.export", Resource("access_decision"))
        lines, count = await audit.export_lines(ctx.runtime.database, (filter or AccessDecisionFilter()).to_store(),
                                                scopes=decision.scopes, limit=limit)
        return DecisionExport(count=count, json_lines=lines)
