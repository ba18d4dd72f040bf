"""Colours that follow the system light/dark scheme, and the grade badge colours."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desk.paths import assets_dir


@dataclass(frozen=True)
class Colors:
    """A calm palette; ``dark`` picks the variant."""

    dark: bool
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    highlight_bg: str  # search-term highlight
    highlight_fg: str
    chip_bg: str
    chip_fg: str
    banner_bg: str
    banner_fg: str


LIGHT = Colors(
    dark=False,
    window="#f4f4f2",
    base="#ffffff",
    alt_base="#f8f8f6",
    text="#1f2328",
    muted="#646a73",
    border="#d6d7d3",
    accent="#2f6fb2",
    accent_text="#ffffff",
    highlight_bg="#fde68a",
    highlight_fg="#1f2328",
    chip_bg="#e8eef6",
    chip_fg="#23405f",
    banner_bg="#fff4d6",
    banner_fg="#5c4400",
)

DARK = Colors(
    dark=True,
    window="#1e2023",
    base="#25282c",
    alt_base="#2a2d31",
    text="#e6e6e3",
    muted="#9aa0a8",
    border="#3a3e44",
    accent="#5b9bd5",
    accent_text="#0d1117",
    highlight_bg="#7a5d00",
    highlight_fg="#fff7d6",
    chip_bg="#2f3b4a",
    chip_fg="#cfe0f4",
    banner_bg="#4a3b10",
    banner_fg="#fde9a9",
)

_current: Colors = LIGHT


def current() -> Colors:
    """The palette in use."""
    return _current


def grade_colors(grade: str | None, colors: Colors | None = None) -> tuple[str, str, str]:
    """Background, foreground and border colours of a grade badge like ``B2``.

    A/B green-ish, C/D amber, E/F red-ish, ungraded (or ``?``) a grey outline.
    """
    c = colors or _current
    letter = (grade or "?")[0].upper()
    if letter in "AB":
        return ("#1f5f3a", "#e6f6ec", "#1f5f3a") if c.dark else ("#d7f0df", "#14532d", "#9bd1ad")
    if letter in "CD":
        return ("#6b4a05", "#fff1cc", "#6b4a05") if c.dark else ("#fcecc4", "#6b4a05", "#e8c872")
    if letter in "EF":
        return ("#6e1f1f", "#ffe1e1", "#6e1f1f") if c.dark else ("#f9d9d9", "#7f1d1d", "#e6a1a1")
    return ("transparent", c.muted, c.muted)


def scheme_is_dark() -> bool:
    """What the system asks for (Unknown counts as light)."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def palette_for(c: Colors) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    pal.setColor(role.Window, QColor(c.window))
    pal.setColor(role.WindowText, QColor(c.text))
    pal.setColor(role.Base, QColor(c.base))
    pal.setColor(role.AlternateBase, QColor(c.alt_base))
    pal.setColor(role.Text, QColor(c.text))
    pal.setColor(role.Button, QColor(c.alt_base))
    pal.setColor(role.ButtonText, QColor(c.text))
    pal.setColor(role.ToolTipBase, QColor(c.base))
    pal.setColor(role.ToolTipText, QColor(c.text))
    pal.setColor(role.PlaceholderText, QColor(c.muted))
    pal.setColor(role.Highlight, QColor(c.accent))
    pal.setColor(role.HighlightedText, QColor(c.accent_text))
    pal.setColor(role.Link, QColor(c.accent))
    pal.setColor(role.LinkVisited, QColor(c.accent))
    pal.setColor(role.Mid, QColor(c.border))
    pal.setColor(role.Midlight, QColor(c.border))
    pal.setColor(role.BrightText, QColor("#ff6b6b"))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(disabled, r, QColor(c.muted))
    return pal


def style_sheet(c: Colors) -> str:
    """The application style sheet (``desk/assets/style.qss`` with colours filled in)."""
    path = assets_dir() / "style.qss"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    for key, value in sorted(c.__dict__.items(), key=lambda kv: -len(kv[0])):
        template = template.replace("@" + key, str(value))
    return template


def apply_theme(app: QApplication, dark: bool | None = None) -> Colors:
    """Apply the light or dark palette (``None`` = follow the system)."""
    global _current
    if dark is None:
        dark = scheme_is_dark()
    _current = DARK if dark else LIGHT
    app.setStyle("Fusion")
    app.setPalette(palette_for(_current))
    app.setStyleSheet(style_sheet(_current))
    return _current
