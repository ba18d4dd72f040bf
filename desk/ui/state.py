"""Window state on QSettings: geometry, splitter sizes, header state, last query.

Kept apart from the declared settings (``desk/settings.py``). Tests point
QSettings at a temporary folder with ``QSettings.setPath``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from desk.settings import BY_NAME, default

ORG = "Desk"
APP = "desk"


def settings() -> QSettings:
    """The INI-format user settings file (its folder is overridable with ``QSettings.setPath``)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


class WindowState:
    """Read and write the window's persisted state, keyed by name."""

    def __init__(self) -> None:
        self._s = settings()

    def bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(f"window/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._s.setValue(f"window/{key}", value)

    def text(self, key: str, fallback: str = "") -> str:
        value = self._s.value(f"state/{key}", fallback)
        return value if isinstance(value, str) else fallback

    def set_text(self, key: str, value: str) -> None:
        self._s.setValue(f"state/{key}", value)

    def sizes(self, key: str) -> list[int] | None:
        value = self._s.value(f"window/{key}")
        if isinstance(value, list | tuple):
            try:
                return [int(v) for v in value]
            except (TypeError, ValueError):
                return None
        return None

    def set_sizes(self, key: str, sizes: list[int]) -> None:
        self._s.setValue(f"window/{key}", [int(s) for s in sizes])

    def setting(self, name: str) -> Any:
        """A declared setting (``desk.settings``), coerced to its type."""
        decl = BY_NAME[name]
        raw = self._s.value(f"settings/{name}", decl.default)
        try:
            return decl.type(raw)
        except (TypeError, ValueError):
            return default(name)

    def sync(self) -> None:
        self._s.sync()
