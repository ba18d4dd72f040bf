"""The timeline: the dates the passages mention, grouped by year then month.

``TimelineModel`` is a tree over plain ``TimelineEvent`` records: year rows,
under them month rows, under those the events. A year-precision event sits
directly under its year, before the months; a month-precision event sits
under its month before the days (partial dates first, as the core sorts
them). Approximate dates are marked "c.".

``TimelineView`` hosts the tree (objectName ``timelineView``): arrows move,
Left/Right fold, Enter or a double-click on an event calls ``on_open(id)``.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desk.analysis_ops import TimelineEvent
from desk.core.text import count_of

MONTHS = list(calendar.month_name)[1:]
_SHORT = [m[:3] for m in MONTHS]

COLUMNS = ("Date", "Passage", "Words")
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def format_date(e: TimelineEvent) -> str:
    """``28 Oct 2021``, ``Jun 2021``, ``2021``; ``c. 2015`` when approximate."""
    parts = e.date.split("-")
    if e.precision == "day" and len(parts) == 3:
        text = f"{int(parts[2])} {_SHORT[int(parts[1]) - 1]} {parts[0]}"
    elif e.precision == "month" and len(parts) >= 2:
        text = f"{_SHORT[int(parts[1]) - 1]} {parts[0]}"
    else:
        text = parts[0]
    return f"c. {text}" if e.approximate else text


@dataclass(eq=False)
class _Node:
    """A row: a year or month group, or an event (``event`` set)."""

    label: str
    parent: _Node | None
    event: TimelineEvent | None = None
    children: list[_Node] = field(default_factory=list)
    row: int = 0

    def count(self) -> int:
        if self.event is not None:
            return 1
        return sum(c.count() for c in self.children)


class TimelineModel(QAbstractItemModel):
    """Timeline events as a year > month > event tree (three columns)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Node("", None)

    # building ---------------------------------------------------------------

    def set_events(self, events: Sequence[TimelineEvent]) -> None:
        """Replace the events (already sorted by date, as ``Library.timeline`` gives them)."""
        self.beginResetModel()
        try:
            self._root = _build(events)
        finally:
            self.endResetModel()

    def event_count(self) -> int:
        return self._root.count()

    # Qt model API -------------------------------------------------------------

    def _node(self, index: Index) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            if isinstance(node, _Node):
                return node
        return self._root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(COLUMNS) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        node = self._node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index)
        up = node.parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        try:
            return self._data(index, role)
        except Exception:  # data() must never raise into Qt
            return None

    def _data(self, index: Index, role: int) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        col = index.column()
        e = node.event
        if role == Qt.ItemDataRole.DisplayRole:
            if e is None:
                if col == 0:
                    return node.label
                if col == 1:
                    n = node.count()
                    return count_of(n, "event")
                return None
            return (format_date(e), e.title, f"“{e.text}”")[col]
        if role == Qt.ItemDataRole.ToolTipRole and e is not None:
            approx = " (approximate)" if e.approximate else ""
            return f"{e.date} — {e.precision}{approx}\n{e.title}\n“{e.text}”"
        if role == Qt.ItemDataRole.FontRole and e is None and col == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole and e is not None and col == 0:
            return format_date(e).replace("c. ", "circa ")
        if role == EVENT_ROLE:
            return e
        if role == PASSAGE_ROLE:
            return e.passage_id if e is not None else None
        return None


def _build(events: Sequence[TimelineEvent]) -> _Node:
    root = _Node("", None)
    years: dict[str, _Node] = {}
    months: dict[str, _Node] = {}
    for e in events:
        y = e.date[:4]
        year = years.get(y)
        if year is None:
            year = years[y] = _Node(y, root)
            root.children.append(year)
        m = e.date[5:7]
        if not m:
            year.children.append(_Node(format_date(e), year, e))
            continue
        key = f"{y}-{m}"
        month = months.get(key)
        if month is None:
            month = months[key] = _Node(MONTHS[int(m) - 1], year)
            year.children.append(month)
        month.children.append(_Node(format_date(e), month, e))
    _number(root)
    return root


def _number(node: _Node) -> None:
    for i, child in enumerate(node.children):
        child.row = i
        _number(child)


class _TimelineTree(QTreeView):
    """Enter on an event opens it; on a group it folds or unfolds."""

    open_requested = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid():
                pid = index.siblingAtColumn(0).data(PASSAGE_ROLE)
                if pid:
                    self.open_requested.emit(pid)
                else:
                    self.setExpanded(index.siblingAtColumn(0), not self.isExpanded(index))
                event.accept()
                return
        super().keyPressEvent(event)


class TimelineView(QWidget):
    """The timeline of a query, ready for a dialog or a dock.

    Args:
        library: the open ``Library``.
        query: the search whose passages to show (None: every live passage).
        on_open: called with a passage id when the user opens an event.

    Signals:
        opened(str): a passage id the user asked to open.
    """

    opened = Signal(str)

    def __init__(
        self,
        library: Any,
        query: str | None = None,
        on_open: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._query = query
        self._on_open = on_open
        self.model = TimelineModel(self)
        self.header = QLabel(self)
        self.header.setObjectName("timelineHeader")
        self.header.setWordWrap(True)
        self.tree = _TimelineTree(self)
        self.tree.setObjectName("timelineView")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAccessibleName("Timeline")
        head = self.tree.header()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.resizeSection(1, 360)
        self.tree.open_requested.connect(self._on_tree_open_requested)
        self.tree.doubleClicked.connect(self._on_tree_double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.header)
        layout.addWidget(self.tree, 1)
        self.setFocusProxy(self.tree)
        self.reload()

    def reload(self, query: str | object | None = ...) -> None:
        """Read the timeline again (for a new query when one is given)."""
        if query is not ...:
            self._query = query  # type: ignore[assignment]
        events = self._library.timeline(self._query)
        self.model.set_events(events)
        self.tree.expandAll()
        n = len(events)
        passages = len({e.passage_id for e in events})
        what = f"matching “{self._query}”" if self._query else "in the library"
        self.header.setText(
            f"{count_of(n, 'dated event')} in {count_of(passages, 'passage')} {what}. "
            "Enter opens a passage; "
            "“c.” marks an approximate date."
            if n
            else f"No dated events in the passages {what}."
        )
        first = self._first_event()
        if first.isValid():
            self.tree.setCurrentIndex(first)

    def _first_event(self) -> QModelIndex:
        m = self.model
        stack = [m.index(r, 0) for r in range(m.rowCount())]
        while stack:
            index = stack.pop(0)
            if index.data(PASSAGE_ROLE):
                return index
            stack[:0] = [m.index(r, 0, index) for r in range(m.rowCount(index))]
        return QModelIndex()

    @Slot(str)
    def _on_tree_open_requested(self, pid: str) -> None:
        self.opened.emit(pid)
        if self._on_open is not None:
            self._on_open(pid)

    @Slot(QModelIndex)
    def _on_tree_double_clicked(self, index: QModelIndex) -> None:
        pid = index.siblingAtColumn(0).data(PASSAGE_ROLE)
        if pid:
            self._on_tree_open_requested(pid)
