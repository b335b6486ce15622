"""Python's cyclic garbage collector paused around work that builds many objects which all live to its end.

Such work sets off full collections, each of which walks every object in the process: a planner pass at national
scale keeps 38,902 outbox rows and 32,000 follow-up states, and its two to four full collections took 0.2–0.6 s of
a 2 s budget. Reference counting still frees whatever the work drops; only cycles wait for the collector's return.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the collector for the block. Uses may nest or overlap in threads: the collector comes back when the
    last one ends, and only if it was on when the first began."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
