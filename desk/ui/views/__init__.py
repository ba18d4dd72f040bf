"""Analysis views the main window hosts: the timeline and the link graph.

The main window opens them through :func:`open_timeline` and
:func:`open_graph`; each shows a non-modal window and returns it. Opening a
passage from either calls ``on_open(passage_id)``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget


class ViewWindow(QDialog):
    """A non-modal window around one view (deleted when closed)."""

    def __init__(self, parent: QWidget | None, title: str, view: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.view = view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        self.setFocusProxy(view)


def open_timeline(
    parent: QWidget | None,
    library: Any,
    query: str | None,
    on_open: Callable[[str], None],
) -> ViewWindow:
    """Show the timeline of the passages matching ``query`` (all when empty).

    Returns:
        The window (already shown); its ``view`` is the ``TimelineView``.
    """
    from desk.ui.views.timeline import TimelineView

    view = TimelineView(library, query or None, on_open)
    title = f"Timeline — {query}" if query else "Timeline"
    win = ViewWindow(parent, title, view)
    win.resize(900, 600)
    win.show()
    view.setFocus()
    return win


def open_graph(
    parent: QWidget | None,
    library: Any,
    center_id: str | None,
    on_open: Callable[[str], None],
    *,
    depth: int = 1,
) -> ViewWindow:
    """Show the link graph around ``center_id`` (every passage when None).

    Returns:
        The window (already shown); its ``view`` is the ``GraphView``.
    """
    from desk.ui.views.graph import GraphView

    view = GraphView(library, center_id, on_open, depth=depth)
    title = "Link graph"
    if center_id:
        # A stale id keeps the plain title: the view reports the problem.
        with contextlib.suppress(Exception):
            title += " — " + library.get(center_id).title
    win = ViewWindow(parent, title, view)
    win.resize(1100, 750)
    win.show()
    view.setFocus()
    return win


def open_entity_dialog(parent: QWidget | None, library: Any, selected_text: str) -> str | None:
    """Ask "new entity or alias of …" for the selected text; returns the entity key or None."""
    from desk.ui.views.entity_dialog import EntityDialog

    dialog = EntityDialog(library, selected_text, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.result_key
    return None


__all__ = ["ViewWindow", "open_entity_dialog", "open_graph", "open_timeline"]
