"""Pause Python's cyclic garbage collector around work that makes many acyclic objects.

A query's evaluation and a big import each create hundreds of thousands of
short-lived lists, tuples and dataclasses with no reference cycles among them;
reference counting frees them, but every 700 allocations start a collection,
and the older generations' walks cover the whole heap (the search index's
caches, the import's notes): up to a tenth of the time of either.

:func:`paused` is re-entrant and shared by threads: the collector stays off
until the last pause ends, and is left alone if something else turned it off.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # pauses in progress, in any thread
_resume = False  # whether the collector was on when the first of them began


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (nor in other threads meanwhile)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
