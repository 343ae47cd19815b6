"""Group commit: concurrent decisions share one transaction, and each caller waits until its record is durable."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gateway.decision_log.anchor import HeadAnchor
from gateway.decision_log.anchoring import AnchorCheck, AnchorKeeper, Head
from gateway.decision_log.record import DecisionRecord, mask_personal
from gateway.decision_log.sinks import Sink, sink_for
from gateway.errors import DecisionLogUnavailable
from gateway.policy.engine import Decision
from services.kit.clock import Clock, utcnow
from services.kit.database import Database
from services.kit.ids import new_id

log = logging.getLogger(__name__)

MAX_BATCH = 512


class DecisionLog:
    """Appends decisions to the chain in batches; ``record`` returns only once the batch has committed.

    There is deliberately no update or delete here: the log is append-only. With an ``anchor``, the head of the
    chain is also kept outside the database after each commit (anchoring.py), so a cut-off tail shows after a
    restart too.
    """

    def __init__(self, database: Database, personal_fields: frozenset[str], *, max_batch: int = MAX_BATCH,
                 sink: Sink | None = None, anchor: HeadAnchor | None = None, clock: Clock = utcnow) -> None:
        self.database = database
        self.sink = sink or sink_for(database)
        self.anchor = anchor
        self.keeper = AnchorKeeper(anchor, database, clock=clock) if anchor is not None else None
        self.personal_fields = personal_fields
        self.max_batch = max_batch
        self._pending: list[tuple[DecisionRecord, asyncio.Future[int]]] = []
        self._flusher: asyncio.Task[None] | None = None
        # The last sequence this process saw committed, so verification notices a cut-off tail.
        self.head_sequence: int | None = None
        self.batches = 0

    async def record(self, policy_input: Mapping[str, Any], decision: Decision, *, timestamp: datetime,
                     revision: str, requested_by: str, request_id: str) -> int:
        """Logs one decision (personal data masked); returns its sequence once durable.

        Raises DecisionLogUnavailable when it could not be written.
        """
        entry = DecisionRecord(
            decision_id=new_id(), timestamp=timestamp, input=mask_personal(dict(policy_input), self.personal_fields),
            result=decision.as_result(), revision=revision, requested_by=requested_by, req_id=request_id,
        )
        return await self.append(entry)

    async def append(self, entry: DecisionRecord) -> int:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append((entry, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # Shielded: a caller that goes away must not cancel the batch others wait on.
        return await asyncio.shield(future)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
            try:
                rows = await self.sink.write([entry for entry, _ in batch])
            except Exception as error:
                log.error("decision log write failed; refusing %d request(s): %s", len(batch), error)
                failure = DecisionLogUnavailable(f"the decision log could not be written: {error}")
                for _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
                continue
            self.batches += 1
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
        """Raises when a decision could not be written now (readiness)."""
        await self.sink.probe()

    async def close(self) -> None:
        """Waits for writes in flight, then releases the sink (at shutdown)."""
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        if self.keeper is not None:
            await self.keeper.settle()
        await self.sink.close()
