"""Background work: ``run_in_background(fn, on_done, on_error)`` on a QThreadPool.

``fn`` takes and returns plain data and never touches a widget. Its result (or
exception) is posted back to the GUI thread through a relay QObject that
lives there, so ``on_done``/``on_error`` always run on the GUI thread.
Long jobs get a :class:`Task` whose ``cancelled`` flag they poll and whose
``report(done, total)`` feeds a progress signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_live: set[Task] = set()


class Task(QObject):
    """One background job: cancel flag, progress, and its result relay.

    Signals:
        progressed(int, int): done and total, on the GUI thread.
        staged(str): the job moved on to a stage it can no longer cancel, named by
            the text; a progress dialog shows it and drops its Cancel button.
        finished(): after on_done or on_error ran.
    """

    progressed = Signal(int, int)
    staged = Signal(str)
    finished = Signal()
    _done = Signal(object)
    _failed = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self._stage = ""
        self._on_done = on_done
        self._on_error = on_error
        self._done.connect(self._deliver_done)
        self._failed.connect(self._deliver_error)

    # called from the worker -------------------------------------------------
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called (safe from any thread)."""
        return self._cancel.is_set()

    def report(self, done: int, total: int) -> None:
        """Progress callback for the core (safe from any thread)."""
        self.progressed.emit(int(done), int(total))

    def stage(self, label: str) -> None:
        """Say the job is now in a stage it cannot cancel (safe from any thread);
        saying it again is a no-op."""
        if label != self._stage:
            self._stage = label
            self.staged.emit(label)

    # called on the GUI thread -----------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        try:
            if self._on_done is not None:
                self._on_done(result)
        finally:
            self._finish()

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                from desk.ui.feedback import show_exception

                show_exception(exc)
        finally:
            self._finish()

    def _finish(self) -> None:
        self.finished.emit()
        _live.discard(self)


class _Runner(QRunnable):
    def __init__(self, task: Task, fn: Callable[..., Any], with_task: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._fn = fn
        self._with_task = with_task

    def run(self) -> None:
        try:
            result = self._fn(self._task) if self._with_task else self._fn()
        except BaseException as exc:  # delivered to the GUI thread, not lost
            self._post(self._task._failed, exc)
            return
        self._post(self._task._done, result)

    @staticmethod
    def _post(signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app is shutting down; nobody is left to tell
            log.debug("background result dropped at shutdown")


def pool() -> QThreadPool:
    """The shared pool (one per process)."""
    return QThreadPool.globalInstance()


def run_in_background(
    fn: Callable[..., Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    with_task: bool = False,
) -> Task:
    """Run ``fn`` on the thread pool; deliver its result on the GUI thread.

    Args:
        fn: plain function; called as ``fn(task)`` when ``with_task`` so a long
            job can poll ``task.cancelled()`` and call ``task.report(done, total)``.
        on_done: called with the result on the GUI thread.
        on_error: called with the exception on the GUI thread (default: an
            error dialog / status message).
        with_task: pass the :class:`Task` to ``fn``.

    Returns:
        The task (cancel it, connect to ``progressed``/``finished``).
    """
    task = Task(on_done, on_error)
    _live.add(task)  # keep it alive until delivered
    pool().start(_Runner(task, fn, with_task))
    return task
