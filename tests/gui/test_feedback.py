"""Errors reach the user in one style; bugs in slots get the crash dialog."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QMessageBox

from desk.core.errors import ReadOnlyLibrary, UserError
from desk.ui import feedback


def _boxes(window) -> list[QMessageBox]:  # type: ignore[no-untyped-def]
    return [b for b in window.findChildren(QMessageBox, "errorDialog") if b.isVisible()]


def test_user_error_is_one_clear_line(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    feedback.show_exception(UserError("That file is not text.", "bytes 0-3: PK\\x03\\x04"), window)
    qtbot.waitUntil(lambda: bool(_boxes(window)))
    box = _boxes(window)[0]
    assert box.text() == "That file is not text."
    assert "PK" in box.detailedText()
    assert window.statusBar().currentMessage() == "That file is not text."
    box.close()


def test_crash_hook_shows_a_bug_dialog_and_chains(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, e, tb: seen.append(e))
    feedback.install_excepthook()
    try:
        raise ValueError("boom")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert seen and isinstance(seen[0], ValueError)
    qtbot.waitUntil(lambda: bool(_boxes(window)))
    box = _boxes(window)[0]
    assert "bug" in box.text() and "ValueError" in box.detailedText()
    box.close()


def test_read_only_writes_are_refused_politely(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    feedback.show_exception(ReadOnlyLibrary("This library is open read-only; nothing was changed."))
    qtbot.waitUntil(lambda: "read-only" in window.statusBar().currentMessage())
