from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.out)


def _desk_command() -> list[str]:
    script = Path(sys.executable).parent / "desk"
    if script.exists():
        return [str(script)]
    found = shutil.which("desk")
    return [found] if found else [sys.executable, "-m", "desk"]


@pytest.fixture
def desk(tmp_path: Path):
    """Run the real ``desk`` command against a temporary library."""
    lib = tmp_path / "lib"
    cmd = _desk_command()

    def run(
        *args: str,
        stdin: str | bytes | None = None,
        library: Path | None = lib,
        env: dict[str, str] | None = None,
    ) -> Run:
        full = [*cmd, *(["--library", str(library)] if library else []), *args]
        environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
        environ.pop("DESK_LIBRARY", None) if env is None or "DESK_LIBRARY" not in env else None
        data = stdin.encode() if isinstance(stdin, str) else stdin
        p = subprocess.run(
            full,
            input=data if data is not None else b"",
            capture_output=True,
            env=environ,
            timeout=120,
        )
        return Run(
            p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        )

    run.library = lib  # type: ignore[attr-defined]
    return run
