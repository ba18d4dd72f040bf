"""Take the README screenshots (plain script; not collected by pytest).

Usage::

    python tests/gui/make_screenshots.py [OUT_DIR]     # default resources/screenshots

Offscreen, 1400×860, on a fresh seeded library: ``wakhan`` typed, the first
passage open, once in the light and once in the dark scheme.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from PySide6.QtCore import QEventLoop, QSettings, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="desk-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "cfg"))
    app = QApplication.instance() or QApplication([])

    from desk.app import build_window
    from desk.ui import theme

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        QThreadPool.globalInstance().waitForDone(5000)
        app.processEvents()

    for dark, name in ((False, "main-window.png"), (True, "main-window-dark.png")):
        theme.apply_theme(app, dark)
        window = build_window(tmp / f"lib-{name}", seed_if_empty=True, persist=False)
        theme.apply_theme(app, dark)
        window.resize(1400, 860)
        window.show()
        wait(300)
        window.notes.search_box.setText("wakhan")
        wait(500)
        window.focus_list()
        window.read_current()
        wait(300)
        window.grab().save(str(out / name))
        print(out / name)
        window.close()


if __name__ == "__main__":
    main()
