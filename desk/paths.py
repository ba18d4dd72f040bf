"""Every path Desk uses, each overridable (``--library``, ``DESK_LIBRARY``)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Desk"

_PACKAGE_DIR = Path(__file__).resolve().parent


def default_library() -> Path:
    """The library the app opens when none is named."""
    env = os.environ.get("DESK_LIBRARY")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library"


def seeds_dir() -> Path:
    """The sample collection: inside the wheel, or the checkout's ``seeds/``."""
    packaged = _PACKAGE_DIR / "seeds"
    if (packaged / "collection.yaml").is_file():
        return packaged
    return _PACKAGE_DIR.parent / "seeds"


def assets_dir() -> Path:
    """Icons and the style sheet the window loads at run time."""
    return _PACKAGE_DIR / "assets"
