"""A tiny Qt-free observer: the core announces ``Changes``; faces listen.

The window adapts this to a Qt signal in exactly one place
(``desk/ui/bridge.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from desk.core.changes import Changes

log = logging.getLogger(__name__)

Listener = Callable[[Changes], None]


class EventHub:
    """Listeners are called in subscription order; a failing listener is logged."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, changes: Changes) -> None:
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:  # a broken view must not break the write
                log.exception("change listener failed")
