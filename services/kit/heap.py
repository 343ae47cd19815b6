"""The garbage collector of a long-running process: settled once start-up is done."""

from __future__ import annotations

import gc

# Young-generation collections start after this many net allocations (CPython's default is 700). A request
# allocates thousands of short-lived objects (GraphQL, protobuf, SQLAlchemy rows), so with the default a
# collection runs every few requests, and every tenth of those walks the older generation too.
YOUNG_THRESHOLD = 5_000


def settle() -> None:
    """Freezes what start-up built (schema, policy, plugins, table metadata: hundreds of thousands of objects
    that live as long as the process) so no collection walks it again, and collects the young generation
    less often. Full collections then scan only what requests leave behind, which is what showed as pauses
    in the tail of the latency."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
