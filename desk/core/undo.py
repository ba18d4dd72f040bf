"""The undo history lives in the core; faces only show labels and call undo().

Each undoable operation records a step: a label and two callables that
replay the inverse and the original through the library's own operations,
so undo and redo are ordinary transactions that keep the index in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desk.core.errors import UserError


@dataclass(frozen=True)
class UndoStep:
    label: str
    undo: Callable[[], object]
    redo: Callable[[], object]


class UndoStack:
    """A bounded undo/redo history."""

    def __init__(self, limit: int = 200) -> None:
        self._done: list[UndoStep] = []
        self._undone: list[UndoStep] = []
        self._limit = limit
        self.replaying = False

    def push(self, step: UndoStep) -> None:
        if self.replaying:
            return
        self._done.append(step)
        del self._done[: -self._limit]
        self._undone.clear()

    def undo(self) -> str:
        if not self._done:
            raise UserError("Nothing to undo.")
        step = self._done.pop()
        self._replay(step.undo)
        self._undone.append(step)
        return step.label

    def redo(self) -> str:
        if not self._undone:
            raise UserError("Nothing to redo.")
        step = self._undone.pop()
        self._replay(step.redo)
        self._done.append(step)
        return step.label

    def _replay(self, fn: Callable[[], object]) -> None:
        self.replaying = True
        try:
            fn()
        finally:
            self.replaying = False

    def status(self) -> tuple[str | None, str | None]:
        """Labels of the next undo and redo (None when there is none)."""
        return (
            self._done[-1].label if self._done else None,
            self._undone[-1].label if self._undone else None,
        )

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
