"""Opening a library whose index must be rebuilt shows progress, then the window."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QProgressDialog

from desk.app import RebuildProgress, open_library
from tests.gui.conftest import close_window, open_window


class _Recording(RebuildProgress):
    """Notes what the dialog showed each time the rebuild reported."""

    def __init__(self) -> None:
        super().__init__(delay_s=0.0)
        self.seen: list[tuple[int, int, str, bool]] = []

    def __call__(self, done: int, total: int) -> None:
        super().__call__(done, total)
        d = self.dialog
        if isinstance(d, QProgressDialog):
            self.seen.append((d.value(), d.maximum(), d.labelText(), d.isVisible()))


def test_missing_index_is_rebuilt_with_a_progress_dialog(qtbot, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.rmtree(seeded_path / "index")
    progress = _Recording()
    lib = open_library(seeded_path, progress=progress)
    try:
        assert progress.seen, "the rebuild never reported progress"
        value, maximum, label, visible = progress.seen[0]
        assert visible and maximum == 30 and 0 <= value <= 30
        assert "Rebuilding the search index" in label and "30 passages" in label
        assert progress.dialog is None  # closed once the library is open
        assert lib.search("Wakhan").total == 3
        assert any("rebuilt" in n for n in lib.notices)
    finally:
        lib.close()


def test_a_sound_index_opens_without_a_dialog(qtbot, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    progress = _Recording()
    lib = open_library(seeded_path, progress=progress)
    lib.close()
    assert progress.seen == [] and progress.dialog is None


def test_window_opens_on_a_library_with_a_garbled_index(qtbot, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    for f in (seeded_path / "index").iterdir():
        if f.suffix in {".pst", ".trm"}:
            f.write_bytes(b"garbage")
    window = open_window(qtbot, seeded_path)
    try:
        window.notes.set_query("Wakhan")
        qtbot.waitUntil(lambda: window.notes.model.rowCount() == 3, timeout=10000)
        assert not [
            w for w in qtbot_top_level() if isinstance(w, QProgressDialog) and w.isVisible()
        ]
    finally:
        close_window(window)


def qtbot_top_level() -> list[object]:
    from PySide6.QtWidgets import QApplication

    return list(QApplication.topLevelWidgets())
