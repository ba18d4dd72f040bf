"""Helpers shared by the reliability tests (real files, real subprocesses)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python that must import this checkout's ``desk``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}
    env.pop("DESK_LIBRARY", None)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    return env


def desk_cmd(library: Path, *args: str) -> list[str]:
    """The real ``desk`` command line (``python -m desk``) on a library."""
    return [sys.executable, "-m", "desk", "--library", str(library), *args]


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "lib" / "desk.sqlite"
