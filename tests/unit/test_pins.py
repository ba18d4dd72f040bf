"""Guards for the pinned versions (see pyproject.toml for the reasons)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_whoosh_is_the_pinned_release() -> None:
    import whoosh

    assert whoosh.versionstring() == "2.7.4"


@pytest.mark.slow
def test_qstandarditemmodel_keeps_the_refcount_of_none() -> None:
    # PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None on
    # every appendRow/setItem and aborts after a few thousand items.
    code = (
        "import sys\n"
        "from PySide6.QtGui import QStandardItem, QStandardItemModel\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "app = QCoreApplication([])\n"
        "model = QStandardItemModel()\n"
        "before = sys.getrefcount(None)\n"
        "for i in range(10_000):\n"
        "    model.appendRow(QStandardItem(str(i)))\n"
        "for i in range(100):\n"
        "    model.setItem(i, 0, QStandardItem('x'))\n"
        "after = sys.getrefcount(None)\n"
        "print(before, after)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"QT_QPA_PLATFORM": "offscreen", **__import__("os").environ},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    before, after = map(int, out.stdout.split())
    assert after >= before - 50, f"None lost {before - after} references"
