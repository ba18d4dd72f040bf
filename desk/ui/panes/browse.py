"""The left pane: Library, Tags, Sources, Entities and Saved searches."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from desk.library import Library
from desk.ui.models.browse_tree import (
    ALL,
    GRADE_ROLE,
    KEY_ROLE,
    PICK_ROLE,
    BrowseTreeModel,
    Pick,
    build_tree,
)
from desk.ui.tasks import run_in_background
from desk.ui.widgets import badge_icon

Index = QModelIndex | QPersistentModelIndex
log = logging.getLogger(__name__)


class BrowsePane(QTreeView):
    """A tree of filters; picking one filters the notes list.

    Signals:
        picked(object): the :class:`Pick` of the chosen entry.
        loaded(list): the tree was rebuilt; every tag path (for completion).
    """

    picked = Signal(object)
    loaded = Signal(list)

    def __init__(
        self, library: Library, parent: QWidget | None = None, *, recent_days: int = 14
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.recent_days = recent_days
        self.setObjectName("browsePane")
        self.setAccessibleName("Browse")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAllColumnsShowFocus(True)
        self.setIndentation(14)
        self.model_ = BrowseTreeModel(self)
        self.setModel(self.model_)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._expanded: set[str] = {
            "sec:library",
            "sec:tags",
            "sec:sources",
            "sec:saved",
            "sec:entities",
        }
        self._current_key = "lib:all"
        self._seq = 0
        self._pending = 0
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.expanded.connect(lambda i: self._expanded.add(str(i.data(KEY_ROLE))))
        self.collapsed.connect(lambda i: self._expanded.discard(str(i.data(KEY_ROLE))))

    def reload(self, *, background: bool = True) -> None:
        """Rebuild the tree from the library (counts, tags, sources, ...)."""
        lib = self.library
        days = self.recent_days
        self._seq += 1
        seq = self._seq

        self._pending += 1

        def work() -> Any:
            return build_tree(
                stats=lib.stats(),
                tags=lib.tags(),
                sources=lib.sources(),
                entities=lib.entities(),
                saved=lib.saved_searches(),
                recent_days=days,
            )

        def done(root: Any) -> None:
            self._pending -= 1
            if seq == self._seq:
                self._install(root)

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            log.warning("browse pane not refreshed: %s", exc)

        if background:
            run_in_background(work, done, failed)
        else:
            done(work())

    def is_busy(self) -> bool:
        return self._pending > 0

    def _install(self, root: Any) -> None:
        self._decorate(root)
        key = self._current_key
        self.selectionModel().blockSignals(True)
        try:
            self.model_.set_root(root)
            for sec in root.children:
                idx = self.model_.find(sec.key)
                self.setExpanded(idx, sec.key in self._expanded)
                for child in sec.children:
                    if child.key in self._expanded:
                        self.setExpanded(self.model_.find(child.key), True)
            idx = self.model_.find(key)
            if idx.isValid():
                self.setCurrentIndex(idx)
        finally:
            self.selectionModel().blockSignals(False)
        tags: list[str] = []

        def collect(node: Any) -> None:
            for child in node.children:
                if child.key.startswith("tag:") and child.count is not None:
                    tags.append(child.key[4:])
                collect(child)

        collect(root)
        self.loaded.emit(tags)

    def _decorate(self, root: Any) -> None:
        font = self.font()

        def walk(node: Any) -> None:
            for child in node.children:
                if child.key.startswith("src:"):
                    child.icon = badge_icon(child.grade, font)
                walk(child)

        walk(root)

    def select_key(self, key: str) -> bool:
        idx = self.model_.find(key)
        if not idx.isValid():
            return False
        self.setCurrentIndex(idx)
        return True

    def current_pick(self) -> Pick:
        idx = self.currentIndex()
        pick = idx.siblingAtColumn(0).data(PICK_ROLE) if idx.isValid() else None
        return pick if isinstance(pick, Pick) else ALL

    def _on_current_changed(self, current: Index, _previous: Index) -> None:
        if not current.isValid():
            return
        pick = current.siblingAtColumn(0).data(PICK_ROLE)
        if isinstance(pick, Pick):
            self._current_key = str(current.siblingAtColumn(0).data(KEY_ROLE))
            self.picked.emit(pick)

    def grade_of(self, index: Index) -> str | None:
        value = index.data(GRADE_ROLE)
        return str(value) if value else None
