"""The notes list model: the hits of the current search, paged in lazily.

Rows are the small ``Hit`` records the search returns (title, snippet, tags,
grade, source), never passage bodies. The first page comes with the search;
``fetchMore`` asks the owner (through ``more_wanted``) to re-query with a
bigger limit, and :meth:`extend` appends what came back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desk.core.types import Hit

Index = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 3
GRADE_ROLE = Qt.ItemDataRole.UserRole + 4
TAGS_ROLE = Qt.ItemDataRole.UserRole + 5
META_ROLE = Qt.ItemDataRole.UserRole + 6


def hit_date(hit: Hit) -> str:
    """The date a row shows: published if known, else the day it was clipped."""
    if hit.published:
        return hit.published
    return (hit.clipped or "")[:10]


def hit_meta(hit: Hit) -> str:
    """``Source · publisher · date`` for the row's second line."""
    parts = [p for p in (hit.source_title, hit.source_publisher, hit_date(hit)) if p]
    if not hit.source_title and not hit.source_publisher:
        parts.insert(0, "Own note")
    return " · ".join(parts)


def plain_snippet(snippet: str) -> str:
    """The snippet without its highlight markers."""
    return snippet.replace("\x02", "").replace("\x03", "")


class NoteListModel(QAbstractListModel):
    """Hits of one query, in the order the search returned them.

    Signals:
        more_wanted(int): the view scrolled to the end; re-query with this limit.
    """

    more_wanted = Signal(int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._rows: dict[str, int] = {}
        self._total = 0
        self._fetching = False
        self._max = 5000

    # -- the owner's API ---------------------------------------------------
    def set_hits(self, hits: list[Hit], total: int) -> None:
        """A new result (a new search or a refresh): reset the model."""
        self.beginResetModel()
        try:
            self._hits = list(hits)
            self._rows = {h.id: i for i, h in enumerate(self._hits)}
            self._total = max(total, len(self._hits))
            self._fetching = False
        finally:
            self.endResetModel()

    def extend(self, hits: list[Hit], total: int, offset: int = 0) -> None:
        """More rows of the same result: ``hits`` are rows ``offset`` on (0: the whole list)."""
        self._fetching = False
        self._total = max(total, offset + len(hits))
        old = len(self._hits)
        if offset > old or offset + len(hits) <= old:
            return
        fresh = list(hits[old - offset :])
        self.beginInsertRows(QModelIndex(), old, old + len(fresh) - 1)
        try:
            self._hits = self._hits + fresh
            self._rows = {h.id: i for i, h in enumerate(self._hits)}
        finally:
            self.endInsertRows()

    def fetch_failed(self) -> None:
        """The search for more rows failed: let scrolling ask again."""
        self._fetching = False

    def set_max(self, n: int) -> None:
        self._max = max(1, n)

    @property
    def total(self) -> int:
        return self._total

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def ids(self) -> list[str]:
        return [h.id for h in self._hits]

    def row_of(self, pid: str) -> int:
        """The row of a passage id, or -1."""
        return self._rows.get(pid, -1)

    # -- Qt ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() != 0:
            return None
        hit = self.hit(index.row())
        if hit is None:
            return None
        try:
            if role == Qt.ItemDataRole.DisplayRole:
                return hit.title
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{hit.title}. {hit_meta(hit)}. {plain_snippet(hit.snippet)}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return hit.title
            if role == ID_ROLE:
                return hit.id
            if role == HIT_ROLE:
                return hit
            if role == SNIPPET_ROLE:
                return hit.snippet
            if role == GRADE_ROLE:
                return hit.grade
            if role == TAGS_ROLE:
                return list(hit.tags)
            if role == META_ROLE:
                return hit_meta(hit)
        except Exception:  # data() must never raise
            return None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def canFetchMore(self, parent: Index) -> bool:
        if parent.isValid():
            return False
        return len(self._hits) < min(self._total, self._max)

    def fetchMore(self, parent: Index) -> None:
        if self._fetching or not self.canFetchMore(parent):
            return
        self._fetching = True
        self.more_wanted.emit(min(self._max, max(len(self._hits) * 2, len(self._hits) + 200)))
