"""Keeping the anchor in step with the log: checked at start-up, advanced after each group commit off the request
path, and never moved onto a chain that lost records this process committed."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from gateway.decision_log import store
from gateway.decision_log.anchor import AnchorDamaged, AnchoredHead, HeadAnchor
from gateway.decision_log.chain import GENESIS, anchor_break, row_hash
from services.kit.clock import Clock, utcnow
from services.kit.database import Database

log = logging.getLogger(__name__)

# The least time between two anchor writes. Each write is a disk flush beside the database's own; under load the
# newest head every 20 ms costs at most 50 flushes a second instead of one per group commit, and widens what a crash
# can leave unanchored by at most this much. Light load is unaffected: a commit after a quiet spell is anchored
# at once.
MIN_INTERVAL = 0.02


@dataclass(frozen=True)
class Head:
    """A position in the chain: a record's sequence and hash (sequence 0 is the genesis, before any record)."""

    sequence: int
    hash: str


START = Head(0, GENESIS)


@dataclass(frozen=True)
class AnchorCheck:
    """What the start-up check found: the chain holds the anchored head, or the problem."""

    ok: bool
    anchored: AnchoredHead | None
    chain_head: int
    problem: str | None = None


class AnchorKeeper:
    """Advances the anchor to the newest head this process committed, one write at a time, newest head wins.

    Requests are answered once their batch is durable in the database; they do not wait for the anchor. The anchor
    therefore trails the database by the batches committed while one anchor write is in flight or paced (at most
    ``min_interval`` apart; a crash can leave those unanchored: the next start finds the chain ahead of the anchor,
    which is fine, and anchors it). It is never ahead of the database, so a crash cannot fake a truncation.

    Once the chain is found not to hold what was anchored, or not to hold what this process committed, the keeper
    stops: the anchor keeps the evidence until someone looks (see the README), and the problem is logged as an error
    and reported by every verification. Decisions are still written to the database meanwhile.
    """

    def __init__(self, anchor: HeadAnchor, database: Database, *, clock: Clock = utcnow,
                 min_interval: float = MIN_INTERVAL) -> None:
        self.anchor = anchor
        self.database = database
        self.clock = clock
        self.min_interval = min_interval
        # Why the anchor no longer advances; None while all is well.
        self.problem: str | None = None
        # The last head read from or written to the anchor.
        self.anchored: AnchoredHead | None = None
        self.writes = 0
        # The newest head this process knows the chain held; None until the chain was checked against the anchor.
        self._known: Head | None = None
        # Commits not yet looked at: (the head each batch was chained after, the head it made), in commit order.
        self._segments: list[tuple[Head, Head]] = []
        self._noted = 0
        self._failing = False
        self._unreadable = False
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._last_write = float("-inf")
        # Set while someone waits for the anchor to catch up (shutdown): no pacing then.
        self._hurry = asyncio.Event()

    async def check(self) -> AnchorCheck:
        """The start-up check: the chain must hold the anchored head, unchanged. O(1): the auditor's verification
        walks the whole chain; this reads the chain's head and the one record at the anchored sequence.

        Raises when the database cannot be read (the check then runs again before the first anchor write).
        """
        async with self._lock:
            return await self._check()

    async def _check(self) -> AnchorCheck:
        damaged = None
        try:
            anchored = await self.anchor.read()
        except AnchorDamaged as error:
            anchored, damaged = None, error
        chain = await store.head(self.database)
        chain_head = Head(*chain) if chain else START
        if damaged is not None:
            self._stop(f"{damaged}; left as found and no longer advanced")
            return AnchorCheck(False, None, chain_head.sequence, self.problem)
        # Before this process committed anything the chain's head is a safe starting point; after, the head may
        # include this process's own batches, which must still be checked against what came before them.
        untouched = self._noted == 0
        if anchored is None:
            self._known = chain_head if untouched else START
            if chain_head.sequence and untouched:
                log.warning("decision log: no anchor at %s yet (first start?); anchoring the chain's head, "
                            "record %d", self.anchor.location, chain_head.sequence)
                await self._write(chain_head)
            return AnchorCheck(True, None, chain_head.sequence)
        self.anchored = anchored
        record = await store.record_at(self.database, anchored.sequence)
        broken = anchor_break(anchored, chain_head.sequence, row_hash(record) if record is not None else None)
        if broken is not None:
            self._stop(f"{broken[1]}; the anchor at {self.anchor.location} is left as found and no longer advanced")
            return AnchorCheck(False, anchored, chain_head.sequence, self.problem)
        self._known = chain_head if untouched else Head(anchored.sequence, anchored.hash)
        if untouched and chain_head.sequence > anchored.sequence:
            await self._write(chain_head)
        return AnchorCheck(True, anchored, chain_head.sequence)

    def committed(self, after: Head, head: Head) -> None:
        """Notes a durable batch (chained after ``after``, ending at ``head``); returns at once."""
        if self.problem is not None:
            return
        self._noted += 1
        self._segments.append((after, head))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._advance())

    async def settle(self) -> None:
        """Waits until the commits noted so far are anchored (or the keeper stopped), unpaced; at shutdown."""
        self._hurry.set()
        try:
            while self._task is not None and not self._task.done():
                await asyncio.gather(self._task, return_exceptions=True)
        finally:
            self._hurry.clear()

    async def _pace(self) -> None:
        wait = self._last_write + self.min_interval - time.monotonic()
        if wait > 0 and not self._hurry.is_set():
            try:
                await asyncio.wait_for(self._hurry.wait(), wait)
            except TimeoutError:
                pass

    async def _advance(self) -> None:
        async with self._lock:
            while self._segments and self.problem is None:
                await self._pace()  # commits made meanwhile join this write
                segments, self._segments = self._segments, []
                done = 0
                try:
                    if self._known is None:
                        await self._check()
                        if self.problem is not None:
                            return
                    for after, head in segments:
                        if not await self._continues(after):
                            await self._cut(after)
                            return
                        self._known = head
                        done += 1
                except Exception as error:
                    # The anchor or the database could not be read: try again after the next commit.
                    self._segments = segments[done:] + self._segments
                    if not self._unreadable:
                        log.error("decision log: could not check the chain before anchoring it: %s", error)
                    self._unreadable = True
                    return
                self._unreadable = False
                assert self._known is not None
                await self._write(self._known)

    async def _continues(self, after: Head) -> bool:
        """Whether a batch chained after ``after`` kept every record this process knew the chain held."""
        known = self._known
        assert known is not None
        if after == known:
            return True
        if after.sequence <= known.sequence:
            return False
        if known.sequence == 0:
            return True
        # Another writer (a replica on the same database) committed in between: the chain must still hold ours.
        record = await store.record_at(self.database, known.sequence)
        return record is not None and row_hash(record) == known.hash

    async def _cut(self, after: Head) -> None:
        known = self._known
        assert known is not None
        # Anchor the longer chain this process knows it committed, so the evidence outlives a restart.
        await self._write(known)
        if after.sequence < known.sequence:
            what = (f"records {after.sequence + 1} to {known.sequence} were committed but are gone: the next batch "
                    f"was chained after record {after.sequence} (tail cut off?)")
        else:
            what = (f"record {known.sequence} (hash {known.hash[:12]}…) was committed but the chain no longer holds "
                    "it as committed (tail cut off and replaced?)")
        self._stop(f"{what}; the anchor at {self.anchor.location} keeps record {known.sequence} and no longer "
                   "advances")

    def _stop(self, problem: str) -> None:
        self.problem = problem
        self._segments.clear()
        log.error("decision log: %s", problem)

    async def _write(self, head: Head) -> None:
        if self.anchored is not None and head.sequence <= self.anchored.sequence:
            return
        anchored = AnchoredHead(head.sequence, head.hash, self.clock())
        try:
            await self.anchor.write(anchored)
        except Exception as error:
            self._last_write = time.monotonic()
            # Logged once per run of failures; the next commit tries again with a newer head.
            if not self._failing:
                log.error("decision log: the anchor at %s cannot be written (records after %s are not anchored): "
                          "%s", self.anchor.location,
                          self.anchored.sequence if self.anchored else "none", error)
            self._failing = True
            return
        if self._failing:
            log.warning("decision log: the anchor at %s is written again", self.anchor.location)
        self._failing = False
        self._last_write = time.monotonic()
        self.anchored = anchored
        self.writes += 1
