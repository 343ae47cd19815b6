"""Settling the heap after start-up: what start-up built is frozen, young collections run less often."""

from __future__ import annotations

import gc

from services.kit import heap


def test_settle_freezes_the_start_up_heap_and_raises_the_young_threshold() -> None:
    before = gc.get_threshold()
    built_at_start = [object() for _ in range(1000)]
    try:
        heap.settle()
        assert gc.get_freeze_count() >= len(built_at_start)
        assert gc.get_threshold() == (heap.YOUNG_THRESHOLD, before[1], before[2])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert gc.get_freeze_count() == 0
