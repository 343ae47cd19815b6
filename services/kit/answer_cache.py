"""Answers of an expensive read, kept for a few seconds and shared by the requests that ask the same.

The map's counts per grid are asked by every open map and big screen at once, and each answer costs a few
queries. An answer is kept for ``seconds`` and dropped as soon as this process commits any transaction (the
database's commit counter moves), so a write made through this process is seen by the very next read; a write
made by another replica is seen within ``seconds``. Requests arriving while the same answer is being computed
wait for it instead of computing it again.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from services.kit.database import Database

V = TypeVar("V")

DEFAULT_SECONDS = 2.0


@dataclass
class _Entry(Generic[V]):
    commits: int
    computed: float
    answer: asyncio.Future[V]


class AnswerCache(Generic[V]):
    def __init__(self, database: Database, seconds: float = DEFAULT_SECONDS, size: int = 256,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if seconds < 0:
            raise ValueError(f"an answer cache keeps answers for 0 seconds or more, got {seconds}")
        self.database, self.seconds, self.size, self.clock = database, seconds, size, clock
        self._entries: OrderedDict[Hashable, _Entry[V]] = OrderedDict()

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        """The answer for ``key``: a fresh one kept here, or ``compute()`` (whose failure is not kept)."""
        if self.seconds == 0:
            return await compute()
        while True:
            now, commits = self.clock(), self.database.commits
            entry = self._entries.get(key)
            if entry is None or entry.commits != commits or (
                    entry.answer.done() and not entry.computed <= now < entry.computed + self.seconds):
                break
            self._entries.move_to_end(key)
            try:
                return await asyncio.shield(entry.answer)
            except asyncio.CancelledError:
                if not entry.answer.cancelled():
                    raise  # this request was cancelled
                # The request computing the answer was cancelled: compute it anew.
        answer: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        # Stamped with the commit count read before computing: a commit during the computation outdates it.
        self._entries[key] = _Entry(commits, now, answer)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        try:
            value = await compute()
        except BaseException as error:
            if key in self._entries and self._entries[key].answer is answer:
                del self._entries[key]
            if isinstance(error, Exception):
                answer.set_exception(error)
                answer.exception()  # retrieved: the waiters re-raise it, and no warning of an unretrieved one
            else:
                answer.cancel()
            raise
        answer.set_result(value)
        return value
