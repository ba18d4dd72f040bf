"""The one place where the core's ``EventHub`` becomes a Qt signal."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desk.core.changes import Changes
from desk.core.events import EventHub


class ChangeBridge(QObject):
    """Re-emits every ``Changes`` the library announces as a Qt signal.

    The hub may call us from a worker thread; emitting a signal of a QObject
    that lives on the GUI thread queues delivery to the GUI thread.

    Signals:
        changed(Changes): after any write.
    """

    changed = Signal(object)

    def __init__(self, hub: EventHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = hub.subscribe(self._on_hub_changes)

    def _on_hub_changes(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def detach(self) -> None:
        """Stop listening (the window closes)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
