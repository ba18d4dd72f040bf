"""Shared fixtures. Qt runs offscreen; every library lives in a temporary folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("DESK_LIBRARY", None)

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Folders decide markers: tests/gui -> gui, tests/e2e -> e2e."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "gui" in parts:
            item.add_marker(pytest.mark.gui)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def tmp_library(tmp_path: Path) -> Path:
    """A path where a library will be created."""
    return tmp_path / "lib"


@pytest.fixture
def library(tmp_library: Path):
    """An empty, open library (gazetteer loaded, no passages)."""
    from desk.library import Library

    lib = Library.open(tmp_library)
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desk.library import Library

    path = tmp_path_factory.mktemp("seeded") / "lib"
    with Library.open(path) as lib:
        lib.seed()
    return path


@pytest.fixture
def seeded_path(_seeded_template: Path, tmp_path: Path) -> Path:
    """A copy of a library seeded with the sample collection (closed)."""
    dest = tmp_path / "seeded"
    shutil.copytree(_seeded_template, dest)
    return dest


@pytest.fixture
def seeded_library(seeded_path: Path):
    """An open library with the sample collection."""
    from desk.library import Library

    lib = Library.open(seeded_path)
    yield lib
    lib.close()
