"""The command palette (Ctrl+Shift+P) and the quick switcher (Ctrl+P).

Both are a line edit over a list: type to filter, Up/Down to move, Enter to
run or open, Esc to close. The palette lists the registry's enabled actions;
the switcher searches passage titles in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desk.library import Library
from desk.ui.actions import ActionId, ActionSpec, shortcut_text
from desk.ui.tasks import run_in_background


def matches(query: str, text: str) -> bool:
    """Every word of ``query`` occurs in ``text`` (case-insensitive)."""
    hay = text.casefold()
    return all(word in hay for word in query.casefold().split())


class _Popup(QDialog):
    """A frameless line edit over a list, centred near the top of the parent."""

    def __init__(self, parent: QWidget, name: str, placeholder: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setModal(True)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setAccessibleName(placeholder)
        self.edit.installEventFilter(self)
        self.list = QListWidget(self)
        self.list.setObjectName("paletteList")
        self.list.setAccessibleName("Matches")
        self.list.itemActivated.connect(lambda _item: self._run_current())
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(self.edit)
        lay.addWidget(self.list)
        self.edit.textChanged.connect(self._on_text_changed)
        width = min(640, max(420, parent.width() // 2))
        self.resize(width, 380)
        top = parent.mapToGlobal(parent.rect().topLeft())
        self.move(top.x() + (parent.width() - width) // 2, top.y() + 60)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            n = self.list.count()
            row = self.list.currentRow()
            if key == Qt.Key.Key_Down and n:
                self.list.setCurrentRow(min(n - 1, row + 1))
                return True
            if key == Qt.Key.Key_Up and n:
                self.list.setCurrentRow(max(0, row - 1))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._run_current()
                return True
        return super().eventFilter(obj, event)

    def _on_text_changed(self, text: str) -> None:
        raise NotImplementedError

    def _run_current(self) -> None:
        raise NotImplementedError


class CommandPalette(_Popup):
    """Filter commands by name; Enter runs the highlighted one after closing."""

    def __init__(
        self, parent: QWidget, specs: list[ActionSpec], run: Callable[[ActionId], None]
    ) -> None:
        super().__init__(parent, "commandPalette", "Type a command…")
        self.specs = specs
        self._run = run
        self._on_text_changed("")

    def _on_text_changed(self, text: str) -> None:
        self.list.clear()
        for spec in self.specs:
            if matches(text, f"{spec.label} {spec.help} {spec.menu}"):
                keys = shortcut_text(spec)
                item = QListWidgetItem(
                    f"{spec.label.rstrip('…')}" + (f"    {keys}" if keys else "")
                )
                item.setToolTip(spec.help)
                item.setData(Qt.ItemDataRole.UserRole, spec.id)
                self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def visible_labels(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _run_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        action_id = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
        QTimer.singleShot(0, lambda: self._run(action_id))


def title_query(text: str) -> str:
    """``wakh bord`` -> ``title:wakh* title:bord*`` (every word a title prefix)."""
    words = [w.replace('"', "").replace(":", " ").strip() for w in text.split()]
    return " ".join(f"title:{w}*" for w in words if w)


class QuickSwitcher(_Popup):
    """Jump to a passage by title.

    Signals:
        chosen(str): the passage id picked.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget, library: Library) -> None:
        super().__init__(parent, "quickSwitcher", "Go to note by title…")
        self.library = library
        self._seq = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self._search)
        self._search()

    def _on_text_changed(self, text: str) -> None:
        self._timer.start()

    def _search(self) -> None:
        self._seq += 1
        seq = self._seq
        query = title_query(self.edit.text())
        lib = self.library

        def work() -> Any:
            return lib.search(query, limit=30, sort="relevance" if query else "newest")

        def done(result: Any) -> None:
            if seq != self._seq:
                return
            self.list.clear()
            for hit in result.hits:
                item = QListWidgetItem(hit.title)
                item.setData(Qt.ItemDataRole.UserRole, hit.id)
                item.setToolTip(" · ".join(p for p in (hit.source_title, hit.published) if p))
                self.list.addItem(item)
            if self.list.count():
                self.list.setCurrentRow(0)

        run_in_background(work, done)

    def _run_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        pid = str(item.data(Qt.ItemDataRole.UserRole))
        self.accept()
        self.chosen.emit(pid)
