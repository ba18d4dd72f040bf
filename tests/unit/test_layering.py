"""desk.core, desk.library and desk.cli never load Qt (STYLE rule 1)."""

from __future__ import annotations

import subprocess
import sys


def test_core_library_and_cli_import_no_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, desk.core, desk.library, desk.cli.main\n"
        "for m in pkgutil.walk_packages(desk.core.__path__, 'desk.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt modules loaded: {out.stdout}"


def test_core_imports_nothing_from_the_faces() -> None:
    from pathlib import Path

    import desk.core

    root = Path(desk.core.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for bad in (
            "from desk.ui",
            "import desk.ui",
            "from desk.cli",
            "from desk.library",
            "import PySide6",
            "from PySide6",
        ):
            if bad in text:
                offenders.append(f"{path.name}: {bad}")
    assert offenders == []
