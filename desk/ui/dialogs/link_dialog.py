"""Link the open passage to another: pick the target by title, a kind and a note."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.core.types import LINK_KINDS
from desk.library import Library
from desk.ui.palette import title_query
from desk.ui.tasks import run_in_background
from desk.ui.widgets import ok_cancel


class LinkDialog(QDialog):
    """Search titles, choose a target, a kind and an optional note."""

    def __init__(self, library: Library, source_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkDialog")
        self.setWindowTitle("Link to…")
        self.library = library
        self.source_id = source_id
        self._seq = 0
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type words of the target's title…")
        self.search.setAccessibleName("Target title")
        self.results = QListWidget(self)
        self.results.setAccessibleName("Target passages")
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Link kind")
        for kind in LINK_KINDS:
            self.kind.addItem(kind, kind)
        self.note = QLineEdit(self)
        self.note.setAccessibleName("Link note")
        self.note.setPlaceholderText("Why they bear on each other (optional)")
        form = QFormLayout()
        form.addRow("&Find:", self.search)
        form.addRow("", self.results)
        form.addRow("&Kind:", self.kind)
        form.addRow("&Note:", self.note)
        buttons = ok_cancel(self)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.resize(620, 460)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._run)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.results.setFocus)
        self._run()

    def _run(self) -> None:
        self._seq += 1
        seq = self._seq
        query = title_query(self.search.text())
        lib = self.library

        def work() -> Any:
            return lib.search(query, limit=40)

        def done(result: Any) -> None:
            if seq != self._seq:
                return
            self.results.clear()
            for hit in result.hits:
                if hit.id == self.source_id:
                    continue
                item = QListWidgetItem(hit.title)
                item.setData(Qt.ItemDataRole.UserRole, hit.id)
                self.results.addItem(item)
            if self.results.count():
                self.results.setCurrentRow(0)

        run_in_background(work, done)

    def values(self) -> tuple[str | None, str, str | None]:
        item = self.results.currentItem()
        target = str(item.data(Qt.ItemDataRole.UserRole)) if item else None
        return target, str(self.kind.currentData()), self.note.text().strip() or None
