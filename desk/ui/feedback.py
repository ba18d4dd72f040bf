"""Telling the user what happened: status messages, error dialogs, the crash hook.

``UserError`` is an expected problem: a short message with expandable details.
Anything else is a bug: logged, shown in a crash dialog from ``sys.excepthook``
(only on the GUI thread), and the app keeps running.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QStatusBar, QWidget

from desk.core.errors import UserError

log = logging.getLogger(__name__)

_status_bar: QStatusBar | None = None


def set_status_bar(bar: QStatusBar | None) -> None:
    """The status bar that :func:`show_status` writes to."""
    global _status_bar
    _status_bar = bar


def show_status(message: str, timeout_ms: int = 4000) -> None:
    """A transient message in the status bar (or the log without a window)."""
    if _status_bar is not None:
        try:
            _status_bar.showMessage(message, timeout_ms)
            return
        except RuntimeError:  # the bar was deleted with its window
            pass
    log.info("%s", message)


def _parent() -> QWidget | None:
    app = QApplication.instance()
    return app.activeWindow() if isinstance(app, QApplication) else None


def show_error(message: str, details: str | None = None, parent: QWidget | None = None) -> None:
    """A non-blocking warning box with optional expandable details."""
    box = QMessageBox(parent or _parent())
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Desk")
    box.setText(message)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setObjectName("errorDialog")
    box.setAccessibleName("Error")
    box.open()
    show_status(message, 8000)


def show_exception(exc: BaseException, parent: QWidget | None = None) -> None:
    """A ``UserError`` as a short message; anything else as a bug."""
    if isinstance(exc, UserError):
        show_error(exc.message, exc.details, parent)
        return
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("bug: %s", details)
    show_error(
        f"Desk hit a bug ({exc.__class__.__name__}: {exc}). Your work is saved; "
        "the details below help fix it.",
        details,
        parent,
    )


def install_excepthook() -> None:
    """Show uncaught exceptions in slots as a crash dialog; chain the previous hook."""
    previous = sys.excepthook
    if getattr(previous, "_desk_hook", False):
        return

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        try:
            previous(exc_type, exc, tb)
        finally:
            if threading.current_thread() is threading.main_thread() and isinstance(exc, Exception):
                # Let the slot that raised unwind before the dialog opens.
                QTimer.singleShot(0, lambda: show_exception(exc))

    hook._desk_hook = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def ask_open_readonly(message: str) -> bool:
    """The library is locked: offer to open it read-only. True = read-only, False = quit.

    Tests monkeypatch this function.
    """
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Desk — library in use")
    box.setText(message)
    box.setInformativeText(
        "You can open it read-only: you can search and read, but not change anything."
    )
    ro = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(ro)
    box.exec()
    return box.clickedButton() is ro
