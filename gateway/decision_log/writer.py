"""Group commit: concurrent decisions share one transaction, and each caller waits until its record is durable."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.decision_log.anchor import HeadAnchor
from gateway.decision_log.anchoring import AnchorCheck, AnchorKeeper, Head
from gateway.decision_log.record import MAX_OUTCOME_MESSAGE, OUTCOME_PATH, DecisionRecord, mask_personal
from gateway.decision_log.sinks import Sink, sink_for
from gateway.errors import DecisionLogUnavailable
from gateway.policy.engine import Decision
from services.kit.clock import Clock, utcnow
from services.kit.database import Database
from services.kit.ids import new_id

log = logging.getLogger(__name__)

MAX_BATCH = 512
# How long a request waits for its decision to be durable before it is refused (GRIDGOV_DECISION_LOG_WAIT_MS).
DEFAULT_WAIT = 2.0


class DecisionLog:
    """Appends decisions to the chain in batches; ``record`` returns only once the batch has committed.

    There is deliberately no update or delete here: the log is append-only. With an ``anchor``, the head of the
    chain is also kept outside the database after each commit (anchoring.py), so a cut-off tail shows after a
    restart too.
    """

    def __init__(self, database: Database, personal_fields: frozenset[str], *, max_batch: int = MAX_BATCH,
                 sink: Sink | None = None, anchor: HeadAnchor | None = None, clock: Clock = utcnow,
                 wait: float = DEFAULT_WAIT) -> None:
        self.database = database
        self.wait = wait
        # The sink gives up on a locked database after the same bound, so one stuck batch cannot hold the next.
        self.sink = sink or sink_for(database, lock_timeout=wait)
        self.anchor = anchor
        self.keeper = AnchorKeeper(anchor, database, clock=clock) if anchor is not None else None
        self.personal_fields = personal_fields
        self.max_batch = max_batch
        self._pending: list[tuple[DecisionRecord, asyncio.Future[int]]] = []
        self._flusher: asyncio.Task[None] | None = None
        # The last sequence this process saw committed, so verification notices a cut-off tail.
        self.head_sequence: int | None = None
        self.batches = 0
        # Why the newest batch could not be written, None once one has been (readiness reports it).
        self.last_error: str | None = None

    async def record(self, policy_input: Mapping[str, Any], decision: Decision, *, timestamp: datetime,
                     revision: str, requested_by: str, request_id: str, decision_id: str | None = None) -> int:
        """Logs one decision (personal data masked); returns its sequence once durable.

        Raises DecisionLogUnavailable when it could not be written, or not within ``wait`` seconds.
        """
        entry = DecisionRecord(
            decision_id=decision_id or new_id(), timestamp=timestamp,
            input=mask_personal(dict(policy_input), self.personal_fields), result=decision.as_result(),
            revision=revision, requested_by=requested_by, req_id=request_id,
        )
        return await self.append(entry)

    def record_outcome(self, policy_input: Mapping[str, Any], decision_id: str, outcome: str, *, timestamp: datetime,
                       revision: str, requested_by: str, request_id: str, code: str = "",
                       message: str = "") -> asyncio.Future[int]:
        """Queues what the caller got after decision ``decision_id`` allowed (an Outcome) into the chain.

        Not awaited by the request: the decision was durable before the call took effect, and the caller's answer
        must not wait for a second commit. A failed write is logged; the decision then shows no outcome.
        """
        resource = policy_input.get("resource", {})
        entry = DecisionRecord(
            decision_id=new_id(), timestamp=timestamp,
            input={"subject": {"id": policy_input.get("subject", {}).get("id", "")},
                   "action": policy_input.get("action", ""),
                   "resource": {key: resource.get(key, "") for key in ("type", "id", "jurisdiction_code")}},
            result={"decision_id": decision_id, "outcome": outcome, "code": code,
                    "message": message[:MAX_OUTCOME_MESSAGE]},
            revision=revision, requested_by=requested_by, req_id=request_id, path=OUTCOME_PATH, outcome=outcome,
            decision_ref=decision_id,
        )
        future = self._enqueue(entry)
        future.add_done_callback(_log_lost_outcome)
        return future

    def _enqueue(self, entry: DecisionRecord) -> asyncio.Future[int]:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append((entry, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return future

    async def append(self, entry: DecisionRecord) -> int:
        """Raises DecisionLogUnavailable (``pending`` True when the record may still be written later)."""
        future = self._enqueue(entry)
        try:
            # Shielded: a caller that goes away must not cancel the batch others wait on.
            return await asyncio.wait_for(asyncio.shield(future), self.wait)
        except TimeoutError:
            # The record may still commit once the database lets go; its outcome then says the caller was refused.
            future.add_done_callback(_retrieve)
            raise DecisionLogUnavailable(
                f"the decision log did not confirm the write within {self.wait * 1000:.0f} ms "
                "(GRIDGOV_DECISION_LOG_WAIT_MS; is its database locked?)", late=future) from None

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
            try:
                rows = await self.sink.write([entry for entry, _ in batch])
            except Exception as error:
                log.error("decision log write failed; refusing %d request(s): %s", len(batch), error)
                self.last_error = f"the last write failed: {error}"
                failure = DecisionLogUnavailable(f"the decision log could not be written: {error}")
                for _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
                continue
            self.batches += 1
            self.last_error = None
            self.head_sequence = rows[-1]["sequence"]
            for (_, future), row in zip(batch, rows, strict=True):
                if not future.done():
                    future.set_result(row["sequence"])
            if self.keeper is not None:
                self.keeper.committed(Head(rows[0]["sequence"] - 1, rows[0]["previous_hash"]),
                                      Head(rows[-1]["sequence"], rows[-1]["hash"]))

    async def start(self) -> AnchorCheck | None:
        """At start-up: checks that the chain still holds the anchored head (None without an anchor).

        A mismatch is logged as an error and reported by every verification; the anchor is then left as found,
        never moved onto the shorter chain. When the database cannot be read yet, the check runs again before
        the first anchor write.
        """
        if self.keeper is None:
            return None
        try:
            return await self.keeper.check()
        except Exception as error:
            log.error("decision log: could not check the chain against its anchor at start-up: %s", error)
            return None

    @property
    def anchor_problem(self) -> str | None:
        """Why the anchor stopped advancing (the chain lost anchored or committed records), if it did."""
        return self.keeper.problem if self.keeper is not None else None

    async def probe(self) -> None:
        """Raises when a decision could not be written now (readiness): a trial append in the chain's own transaction
        shape, rolled back, so a full disk or a refusing database shows, not only a lock that can be taken."""
        try:
            await self.sink.probe()
        except Exception as error:
            seen = f"; {self.last_error}" if self.last_error else ""
            raise RuntimeError(f"a trial decision-log write failed: {error}{seen}") from error

    async def close(self) -> None:
        """Waits for writes in flight, then releases the sink (at shutdown)."""
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        if self.keeper is not None:
            await self.keeper.settle()
        await self.sink.close()


def _retrieve(future: asyncio.Future[int]) -> None:
    """Marks a late result as seen (its caller stopped waiting)."""
    if not future.cancelled():
        future.exception()


def _log_lost_outcome(future: asyncio.Future[int]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("an outcome record could not be written: %s", future.exception())
