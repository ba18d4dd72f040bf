"""The browse pane's model: Library, Tags, Sources, Entities, Saved searches.

Each leaf carries a :class:`Pick`: the browse filter it applies (a
``QueryFilter`` the search ANDs with the typed query) and the same filter as
query text (for saving a search).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from desk.core.search.query import QueryFilter
from desk.core.text import plural
from desk.core.types import Entity, Source

Index = QModelIndex | QPersistentModelIndex

PICK_ROLE = Qt.ItemDataRole.UserRole + 1
GRADE_ROLE = Qt.ItemDataRole.UserRole + 2
KEY_ROLE = Qt.ItemDataRole.UserRole + 3


def _quote(value: str) -> str:
    return '"' + value.replace('"', " ") + '"' if any(c in value for c in ' ():"') else value


@dataclass(frozen=True)
class Pick:
    """What picking a browse entry does to the list.

    Attributes:
        label: shown in the status bar ("Tag place/wakhan").
        restrict: the filter ANDed with the typed query (None = everything).
        clause: the same filter in the query language (for saved searches).
    """

    label: str
    restrict: QueryFilter | None = None
    clause: str = ""


ALL = Pick("All passages")


@dataclass(eq=False)  # nodes compare by identity: the view asks for row() all the time
class Node:
    """One row of the tree."""

    key: str
    label: str
    count: int | None = None
    pick: Pick | None = None
    grade: str | None = None
    tooltip: str | None = None
    icon: Any = None
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    index_in_parent: int = 0

    def add(self, child: Node) -> Node:
        child.parent = self
        child.index_in_parent = len(self.children)
        self.children.append(child)
        return child

    def row(self) -> int:
        return self.index_in_parent


def recent_since(days: int = 14, now: datetime | None = None) -> str:
    """The ISO day ``days`` ago (for the Recent entry)."""
    return ((now or datetime.now(UTC)) - timedelta(days=days)).date().isoformat()


def build_tree(
    *,
    stats: dict[str, int],
    tags: list[tuple[str, int, str | None]],
    sources: list[Source],
    entities: list[Entity],
    saved: list[tuple[str, str]],
    recent_days: int = 14,
) -> Node:
    """The whole tree from plain library data (pure, testable)."""
    root = Node("root", "")
    lib = root.add(Node("sec:library", "Library"))
    lib.add(Node("lib:all", "All", stats.get("passages"), ALL))
    since = recent_since(recent_days)
    lib.add(
        Node(
            "lib:recent",
            "Recent",
            None,
            Pick(
                f"Clipped in the last {recent_days} days",
                QueryFilter(clipped_since=since),
                f"clipped:>={since}",
            ),
            tooltip=f"Clipped since {since}",
        )
    )
    lib.add(
        Node(
            "lib:untagged",
            "Untagged",
            None,
            Pick("Untagged", QueryFilter(untagged=True), "is:untagged"),
        )
    )
    lib.add(
        Node(
            "lib:trash",
            "Trash",
            stats.get("trashed", 0),
            Pick("Trash", QueryFilter(trashed=True), "is:trashed"),
        )
    )

    tag_sec = root.add(Node("sec:tags", "Tags"))
    counts = {path: n for path, n, _ in tags}
    descriptions = {path: d for path, _, d in tags}
    nodes: dict[str, Node] = {}
    for path in sorted(counts, key=str.casefold):
        parts = path.split("/")
        parent = tag_sec
        for depth in range(1, len(parts) + 1):
            sub = "/".join(parts[:depth])
            node = nodes.get(sub)
            if node is None:
                node = parent.add(
                    Node(
                        f"tag:{sub}",
                        parts[depth - 1],
                        counts.get(sub),
                        Pick(f"Tag {sub}", QueryFilter(tag=sub), f"tag:{_quote(sub)}"),
                        tooltip=descriptions.get(sub) or sub,
                    )
                )
                nodes[sub] = node
            parent = node

    src_sec = root.add(Node("sec:sources", "Sources"))
    for src in sorted(sources, key=lambda s: s.title.casefold()):
        src_sec.add(
            Node(
                f"src:{src.id}",
                src.title,
                src.passage_count,
                Pick(
                    f"Source {src.title}",
                    QueryFilter(source_id=src.id),
                    f"source:{_quote(src.title)}",
                ),
                grade=src.reliability,
                tooltip=" · ".join(p for p in (src.title, src.publisher, src.published) if p),
            )
        )

    ent_sec = root.add(Node("sec:entities", "Entities"))
    by_kind: dict[str, list[Entity]] = {}
    for ent in entities:
        if ent.mention_count > 0:
            by_kind.setdefault(ent.kind, []).append(ent)
    for kind in sorted(by_kind):
        label = plural(kind.capitalize())
        kind_node = ent_sec.add(Node(f"kind:{kind}", label))
        for ent in sorted(by_kind[kind], key=lambda e: e.name.casefold()):
            kind_node.add(
                Node(
                    f"ent:{ent.key}",
                    ent.name,
                    ent.mention_count,
                    Pick(f"Entity {ent.name}", QueryFilter(entity=ent.key), f"entity:{ent.key}"),
                    tooltip=ent.description or ent.name,
                )
            )

    saved_sec = root.add(Node("sec:saved", "Saved searches"))
    for name, query in saved:
        saved_sec.add(
            Node(
                f"saved:{name}",
                name,
                None,
                Pick(f"Saved search {name}", QueryFilter(extra=query), query),
                tooltip=query,
            )
        )
    return root


class BrowseTreeModel(QAbstractItemModel):
    """A read-only tree of :class:`Node`; two columns: name and count."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = Node("root", "")

    def set_root(self, root: Node) -> None:
        self.beginResetModel()
        try:
            self._root = root
        finally:
            self.endResetModel()

    def root(self) -> Node:
        return self._root

    def node(self, index: Index) -> Node:
        if index.isValid():
            ptr = index.internalPointer()
            if isinstance(ptr, Node):
                return ptr
        return self._root

    def index_of(self, node: Node) -> QModelIndex:
        """The index of ``node`` (column 0); invalid for the root."""
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def find(self, key: str) -> QModelIndex:
        """The index of the node with ``key`` (column 0), or an invalid index."""

        def walk(node: Node) -> Node | None:
            for child in node.children:
                if child.key == key:
                    return child
                found = walk(child)
                if found is not None:
                    return found
            return None

        hit = walk(self._root)
        return QModelIndex() if hit is None else self.index_of(hit)

    # -- Qt ----------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column not in (0, 1) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        pnode = self.node(parent)
        if row >= len(pnode.children):
            return QModelIndex()
        return self.createIndex(row, column, pnode.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self.node(index)
        up = node.parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row(), 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        try:
            if index.column() == 1:
                if role == Qt.ItemDataRole.DisplayRole:
                    return "" if node.count is None else f"{node.count:,}"
                if role == Qt.ItemDataRole.TextAlignmentRole:
                    return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return node.label
            if role == Qt.ItemDataRole.ToolTipRole:
                return node.tooltip
            if role == Qt.ItemDataRole.DecorationRole:
                return node.icon
            if role == Qt.ItemDataRole.AccessibleTextRole:
                count = "" if node.count is None else f", {node.count}"
                grade = f", reliability {node.grade}" if node.grade else ""
                return f"{node.label}{grade}{count}"
            if role == Qt.ItemDataRole.FontRole and node.pick is None and node.parent is self._root:
                from PySide6.QtGui import QFont

                font = QFont()
                font.setBold(True)
                return font
            if role == PICK_ROLE:
                return node.pick
            if role == GRADE_ROLE:
                return node.grade
            if role == KEY_ROLE:
                return node.key
        except Exception:
            return None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        node = self.node(index)
        if node.pick is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
