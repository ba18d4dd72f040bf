"""The real ``desk --smoke-test`` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_smoke_test_exits_zero(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(tmp_path / "home")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env.pop("DESK_LIBRARY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "desk", "--library", str(tmp_path / "lib"), "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("smoke test ok: ")
    assert int(lines[-1].split(": ")[1].split()[0]) > 0
