"""The left pane: Library, Tags, Sources, Entities and Saved searches."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from desk.core.changes import Changes
from desk.core.search.query import QueryFilter
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


def _counts(lib: Library) -> dict[str, int]:
    """All and Trash as the search counts them (what picking either lists)."""
    return {
        "passages": lib.search("", limit=0, counts=False).total,
        "trashed": lib.search("", limit=0, restrict=QueryFilter(trashed=True), counts=False).total,
    }


# What the tree shows, one library call each, cheapest first.
FETCH: dict[str, Callable[[Library], Any]] = {
    "counts": _counts,
    "saved": lambda lib: lib.saved_searches(),
    "sources": lambda lib: lib.sources(),
    "tags": lambda lib: lib.tags(),
    "entities": lambda lib: lib.entities(),
}
PARTS = tuple(FETCH)
YIELD_MS = 40


def parts_for(changes: Changes) -> set[str]:
    """The parts of the tree a change can alter (none for a plain edit)."""
    if changes.everything or changes.created or changes.deleted:
        return set(PARTS)  # every count is over live passages
    parts = set()
    if changes.tags:
        parts.add("tags")
    if changes.sources:
        parts.add("sources")
    if changes.entities:
        parts.add("entities")
    if changes.saved_searches:
        parts.add("saved")
    return parts


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
        self._data: dict[str, Any] = {}
        self._todo: set[str] = set()
        self._in_flight: str | None = None
        self._loaded_once = False
        self._stopped = False
        # While this says so (the list is searching), the next part waits: the
        # parts and the searches take turns on the library's lock.
        self.yield_to: Callable[[], bool] | None = None
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(YIELD_MS)
        self._retry.timeout.connect(self._step)
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.expanded.connect(lambda i: self._expanded.add(str(i.data(KEY_ROLE))))
        self.collapsed.connect(lambda i: self._expanded.discard(str(i.data(KEY_ROLE))))

    def reload(self, parts: Iterable[str] | None = None, *, background: bool = True) -> None:
        """Fetch ``parts`` of the tree again (all by default) and show the result.

        Each part is its own background call, cheapest first, so a search
        typed meanwhile waits for one part at most, not for the whole tree.
        Parts asked for while one is in flight join the queue; a part asked
        for again while it loads is fetched again after.
        """
        self._todo |= set(PARTS if parts is None else parts) | (set(PARTS) - self._data.keys())
        if not background:
            for part in [p for p in PARTS if p in self._todo]:
                self._data[part] = FETCH[part](self.library)
            self._todo.clear()
            self._install(self._build())
        elif self._in_flight is None:
            self._step()

    def stop(self) -> None:
        """Fetch nothing more (the window is closing; the library will close)."""
        self._todo.clear()
        self._retry.stop()
        self._stopped = True

    def redraw(self) -> None:
        """Build the tree again from what was fetched (e.g. the palette changed)."""
        if self._data:
            self._install(self._build())

    def _step(self) -> None:
        part = next((p for p in PARTS if p in self._todo), None)
        if part is None or self._in_flight is not None or self._stopped:
            return
        if self.yield_to is not None and self.yield_to():
            self._retry.start()
            return
        self._todo.discard(part)
        self._in_flight = part
        lib = self.library

        def done(value: Any) -> None:
            self._in_flight = None
            self._data[part] = value
            # The first time, show each part as it comes; later, once at the end.
            if not self._todo or not self._loaded_once:
                self._install(self._build())
                self._loaded_once = not (set(PARTS) - self._data.keys())
            self._step()

        def failed(exc: BaseException) -> None:
            self._in_flight = None
            log.warning("browse pane not refreshed (%s): %s", part, exc)
            self._step()

        run_in_background(lambda: FETCH[part](lib), done, failed)

    def _build(self) -> Any:
        d = self._data
        return build_tree(
            stats=d.get("counts", {}),
            tags=d.get("tags", []),
            sources=d.get("sources", []),
            entities=d.get("entities", []),
            saved=d.get("saved", []),
            recent_days=self.recent_days,
        )

    def is_busy(self) -> bool:
        return self._in_flight is not None or bool(self._todo)

    def _install(self, root: Any) -> None:
        self._decorate(root)
        key = self._current_key
        self.selectionModel().blockSignals(True)
        try:
            self.model_.set_root(root)
            for sec in root.children:
                self.setExpanded(self.model_.index_of(sec), sec.key in self._expanded)
                for child in sec.children:
                    if child.key in self._expanded:
                        self.setExpanded(self.model_.index_of(child), True)
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
