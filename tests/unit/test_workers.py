"""Worker processes: one rule for when they can start and how, shared by indexing and import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desk.core import workers
from desk.core.analysis import batch
from desk.core.analysis.batch import PARALLEL_AT, worker_count
from desk.core.search import bulk


def _cores(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    monkeypatch.setattr(workers, "cores", lambda: n)
    monkeypatch.setattr(batch, "cores", lambda: n)


def test_a_frozen_app_works_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # In a PyInstaller bundle sys.executable is the desk command, which has no -m:
    # a big rebuild or import must not try to start workers there.
    _cores(monkeypatch, 4)
    assert bulk.default_procs(100_000) == 2 and worker_count(PARALLEL_AT) == 4
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert bulk.default_procs(100_000) == 1
    assert worker_count(100_000) == 0


def test_one_core_or_few_items_stay_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    _cores(monkeypatch, 1)
    assert bulk.default_procs(100_000) == 1 and worker_count(100_000) == 0
    _cores(monkeypatch, 2)
    assert bulk.default_procs(bulk.PARALLEL_MIN - 1) == 1
    assert worker_count(PARALLEL_AT - 1) == 0


def test_a_worker_imports_this_desk_from_anywhere(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import desk

    code = "import desk, sys; print(desk.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=workers.environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == desk.__file__
