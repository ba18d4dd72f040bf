"""GUI fixtures: a temporary QSettings folder per test and a real window on a seeded library."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool


@pytest.fixture(autouse=True)
def _temp_qsettings(tmp_path: Path, qapp):  # type: ignore[no-untyped-def]
    """Nothing a test does touches the user's configuration."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


def wait_idle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Until the last search has been shown."""
    qtbot.waitUntil(
        lambda: not window.notes.is_busy() and not window.browse.is_busy(), timeout=10000
    )


def open_window(qtbot, path: Path, *, size: tuple[int, int] | None = (1200, 800)):  # type: ignore[no-untyped-def]
    from desk.app import build_window

    window = build_window(path)
    qtbot.addWidget(window)
    if size:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    wait_idle(qtbot, window)
    return window


def close_window(window) -> None:  # type: ignore[no-untyped-def]
    QThreadPool.globalInstance().waitForDone(10000)
    window.close()


@pytest.fixture
def window(qtbot, seeded_path: Path):  # type: ignore[no-untyped-def]
    """The real main window on a temporary copy of the sample collection."""
    w = open_window(qtbot, seeded_path)
    yield w
    close_window(w)
