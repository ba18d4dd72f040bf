"""Composition root: resolve the library, open it, build the window, run the loop.

``build_window(path)`` is what tests use; ``run(path, smoke_test=...)`` is
what ``desk`` (no subcommand) calls; ``main()`` is the ``desk-gui`` script.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desk.core.errors import LibraryLocked, UserError
from desk.core.text import count_of
from desk.library import Library
from desk.paths import default_library


class QuitRequested(Exception):
    """The user chose to quit (e.g. at the locked-library question)."""


# While a search runs on the thread pool (pure Python, holding the GIL), every
# call from Qt into Python on the UI thread (paint, data, rowCount) first waits
# for the GIL, up to the switch interval each time: 5 ms by default, which
# made repainting the list ~8x slower during a search. 1 ms keeps the UI thread
# within a frame; a search alone on its thread runs as before.
GIL_SWITCH_INTERVAL_S = 0.001


def _ensure_app() -> object:
    from PySide6.QtWidgets import QApplication

    sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_INTERVAL_S))
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Desk")
    app.setOrganizationName("Desk")
    app.setApplicationDisplayName("Desk")
    app.setDesktopFileName("io.github.desk.Desk")  # matches the .desktop entry
    return app


class RebuildProgress:
    """A progress dialog for an index rebuild while the library opens.

    Opening rebuilds a missing, damaged or outdated index before the window
    can search (about 90 s at 100k passages on two cores). The dialog appears only
    once the rebuild has run for ``delay_s``, so a quick open shows nothing;
    it has no Cancel button, since the window needs the index.
    """

    def __init__(self, delay_s: float = 0.4) -> None:
        self._delay = delay_s
        self._started: float | None = None
        self._shown_at = 0.0
        self.dialog: object | None = None

    def __call__(self, done: int, total: int) -> None:
        import time

        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication, QProgressDialog

        now = time.monotonic()
        if self._started is None:
            self._started = now
        if now - self._started < self._delay or now - self._shown_at < 0.05:
            return
        self._shown_at = now
        dialog = self.dialog
        if dialog is None:
            dialog = QProgressDialog()
            dialog.setWindowTitle("Desk")
            dialog.setCancelButton(None)  # type: ignore[arg-type]
            dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
            dialog.setMinimumDuration(0)
            dialog.setMinimumWidth(420)
            self.dialog = dialog
        assert isinstance(dialog, QProgressDialog)
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(
            "Rebuilding the search index from the library's database.\n"
            f"{done:,} of {count_of(total, 'passage', sep=',')} — your notes are safe."
        )
        dialog.show()
        QApplication.processEvents()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()  # type: ignore[attr-defined]
            self.dialog.deleteLater()  # type: ignore[attr-defined]
            self.dialog = None


def open_library(
    library_path: Path, *, seed_if_empty: bool = False, progress: RebuildProgress | None = None
) -> Library:
    """Open the library; on a lock, offer read-only; seed the default library on first run.

    A rebuild of the index at open shows ``progress`` (a :class:`RebuildProgress`
    unless given).
    """
    from desk.ui import feedback

    path = Path(library_path).expanduser()
    first_run = not (path / "desk.sqlite").exists()
    shown = progress if progress is not None else RebuildProgress()
    try:
        lib = Library.open(path, progress=shown)
    except LibraryLocked as exc:
        if not feedback.ask_open_readonly(exc.message):
            raise QuitRequested() from exc
        lib = Library.open(path, readonly=True)
    finally:
        shown.close()
    if not lib.readonly:
        is_default = path.resolve() == default_library().expanduser().resolve()
        if (first_run and is_default) or (seed_if_empty and lib.stats()["passages"] == 0):
            lib.seed()
    return lib


def build_window(library_path: Path | str, *, seed_if_empty: bool = False, persist: bool = True):  # type: ignore[no-untyped-def]
    """The ready main window on a library (the event loop is not started).

    Opens the library (seeding the default one on first run), applies the
    theme and installs the crash hook.
    """
    from PySide6.QtWidgets import QApplication

    from desk.ui import feedback, theme
    from desk.ui.mainwindow import MainWindow

    app = _ensure_app()
    assert isinstance(app, QApplication)
    theme.apply_theme(app)
    feedback.install_excepthook()
    lib = open_library(Path(library_path), seed_if_empty=seed_if_empty)
    try:
        window = MainWindow(lib, persist=persist)
    except BaseException:
        lib.close()
        raise
    app.styleHints().colorSchemeChanged.connect(window.on_color_scheme_changed)
    return window


def _smoke(library_path: Path) -> int:
    """Offscreen: build the window, search "Wakhan" through the real path, report."""
    from PySide6.QtCore import QEventLoop, QTimer

    window = build_window(library_path, seed_if_empty=True, persist=False)
    try:
        window.show()
        loop = QEventLoop()
        got: dict[str, object] = {}

        def on_searched(result: object) -> None:
            if window.notes.query == "Wakhan":
                got["result"] = result
                loop.quit()

        window.notes.searched.connect(on_searched)
        QTimer.singleShot(30000, loop.quit)
        window.notes.set_query("Wakhan")
        if "result" not in got:
            loop.exec()
        result = got.get("result")
        hits = window.notes.model.rowCount()
        if result is None:
            print("smoke test failed: the search did not finish in 30 s", file=sys.stderr)
            return 1
        if hits <= 0:
            print("smoke test failed: no hits for 'Wakhan'", file=sys.stderr)
            return 1
        print(f"smoke test ok: {hits} hits")
        return 0
    finally:
        window.close()


def run(library_path: Path | str | None = None, *, smoke_test: bool = False) -> int:
    """Run the window on a library; returns the exit code."""
    path = Path(library_path) if library_path else default_library()
    if smoke_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        app = _ensure_app()
        if smoke_test:
            return _smoke(path)
        window = build_window(path)
    except QuitRequested:
        return 0
    except UserError as exc:
        print(exc.message, file=sys.stderr)
        if not smoke_test:
            _show_fatal(exc.message)
        return 1
    except Exception as exc:
        print(f"Desk could not start: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    window.show()
    return int(app.exec())  # type: ignore[attr-defined]


def _show_fatal(message: str) -> None:
    try:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Desk", message)
    except Exception:
        pass


def main() -> None:
    """The ``desk-gui`` script: ``desk-gui [--library DIR] [--smoke-test]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="desk-gui", description="Open the Desk window.")
    parser.add_argument("--library", type=Path, default=None, help="The library folder.")
    parser.add_argument("--smoke-test", action="store_true", help="Open offscreen, search, exit.")
    args = parser.parse_args()
    path = args.library or (
        Path(os.environ["DESK_LIBRARY"]) if os.environ.get("DESK_LIBRARY") else None
    )
    sys.exit(run(path, smoke_test=args.smoke_test))
