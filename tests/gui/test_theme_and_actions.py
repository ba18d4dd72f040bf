"""Theme follows the scheme; the action registry is consistent."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from desk.ui import theme
from desk.ui.actions import REGISTRY, ActionId, key_sequences


def test_forced_light_and_dark_palettes(qapp) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    dark = theme.apply_theme(app, True)
    assert dark.dark
    assert app.palette().color(QPalette.ColorRole.Base).lightness() < 100
    light = theme.apply_theme(app, False)
    assert not light.dark
    assert app.palette().color(QPalette.ColorRole.Base).lightness() > 200
    assert "@" not in app.styleSheet().replace("/*", "").split("*/", 1)[-1]


def test_grade_badge_colours() -> None:
    green, amber, red, grey = (theme.grade_colors(g, theme.LIGHT) for g in ("B2", "C3", "E5", None))
    assert len({green, amber, red, grey}) == 4
    assert grey[0] == "transparent"


def test_registry_is_declared_once_without_clashes() -> None:
    ids = [spec.id for spec in REGISTRY]
    assert len(ids) == len(set(ids)) == len(ActionId)
    seen: dict[tuple[str, str], ActionId] = {}
    for spec in REGISTRY:
        assert spec.label and spec.help and spec.handler
        for seq in key_sequences(spec):
            scope = "window" if spec.scope == "window" else "focus"
            k = (seq.toString(), scope)
            assert k not in seen, f"{spec.id} and {seen[k]} share {k}"
            seen[k] = spec.id


def test_every_handler_exists(window) -> None:  # type: ignore[no-untyped-def]
    for spec in REGISTRY:
        assert callable(getattr(window, spec.handler))
    for widget in (window.browse, window.notes.search_box, window.notes.view, window.reader):
        assert widget.accessibleName()
    assert window.notes.view.objectName() == "noteList"
    assert window.reader.objectName() == "readerPane"


def test_scheme_change_repaints_the_window(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(theme, "scheme_is_dark", lambda: True)
    window.on_color_scheme_changed()
    assert theme.current().dark
    monkeypatch.setattr(theme, "scheme_is_dark", lambda: False)
    window.on_color_scheme_changed()
    assert not theme.current().dark
