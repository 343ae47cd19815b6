"""Time-ordered identifiers (UUIDv7, RFC 9562) as strings."""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0
# Random bits are read from the OS a few kilobytes at a time (one system call per 512 ids instead of one per
# id); a forked child starts with an empty pool so it never repeats its parent's bits.
_POOL_BYTES = 4096
_pool = b""
_taken = 0


def _after_fork_in_child() -> None:
    global _lock, _pool, _taken
    # A new lock too: another thread of the parent may have held it at the fork, and it would stay held here.
    _lock = threading.Lock()
    _pool, _taken = b"", 0


os.register_at_fork(after_in_child=_after_fork_in_child)


def new_id() -> str:
    """A UUIDv7 string; ids made later in the same process sort after earlier ones."""
    global _last_ms, _counter, _pool, _taken
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:  # 12-bit counter spent: borrow the next millisecond
                ms += 1
                _counter = 0
        else:
            _counter = 0
        _last_ms = ms
        counter = _counter
        if _taken + 8 > len(_pool):
            _pool, _taken = os.urandom(_POOL_BYTES), 0
        rand = int.from_bytes(_pool[_taken:_taken + 8], "big") & ((1 << 62) - 1)
        _taken += 8
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
