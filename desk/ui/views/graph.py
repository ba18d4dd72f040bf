"""The link graph: passages and entities around a passage, laid out by the core.

``GraphView`` computes ``Library.graph`` and the Fruchterman–Reingold layout
on the thread pool (``desk.ui.tasks.run_in_background``), then draws:

- passages as rounded rectangles with the title and the grade badge (the
  centre passage outlined in the accent colour);
- entities as ellipses coloured by kind;
- typed links as coloured lines labelled with the kind; mentions as thin
  grey lines.

Keyboard (objectName ``graphView``): Tab / Shift+Tab go through the nodes,
the arrow keys move to the nearest node in that direction, Enter opens the
focused passage, + and - zoom, 0 fits the graph. Hovering an edge, or
focusing a node, shows the passages and grades behind its edges in the side
panel (and a tooltip on the edge). Clicking a passage opens it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStyleOptionGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from desk.core.analysis.graph import (
    ENTITY,
    MENTIONS,
    PASSAGE,
    Edge,
    Graph,
    Node,
    layout_graph,
    remove_overlaps,
)
from desk.core.text import count_of
from desk.ui import theme

# Pixels per ideal edge length; wider than tall because passage nodes are.
SCALE_X, SCALE_Y = 290.0, 170.0
PASSAGE_W, PASSAGE_H = 180.0, 48.0
ENTITY_W, ENTITY_H = 120.0, 30.0

KIND_COLORS = {
    "person": "#8b5cf6",
    "organisation": "#dc2626",
    "place": "#059669",
    "facility": "#d97706",
    "programme": "#2563eb",
    "event": "#db2777",
}
LINK_COLORS = {
    "supports": "#16a34a",
    "contradicts": "#dc2626",
    "same-event": "#2563eb",
    "relates": "#6b7280",
}


def _grade(g: str | None) -> str:
    return g or "ungraded"


def compute_graph(library: Any, center_id: str | None, depth: int) -> Graph:
    """The graph and its layout: plain data, run off the GUI thread."""
    graph = layout_graph(library.graph(center_id, depth=depth))
    boxes = {}
    for node in graph.nodes:
        w, h = (PASSAGE_W, PASSAGE_H) if node.kind == PASSAGE else (ENTITY_W, ENTITY_H)
        boxes[node.id] = (node.x * SCALE_X, node.y * SCALE_Y, w / 2, h / 2)
    placed = remove_overlaps(boxes, gap=14, pinned=graph.center)
    for node in graph.nodes:
        node.x, node.y = placed[node.id]
    return graph


# ---------------------------------------------------------------------------
# items


class NodeItem(QGraphicsItem):
    """A passage (rounded rectangle, badge) or an entity (ellipse by kind)."""

    def __init__(self, node: Node, *, center: bool) -> None:
        super().__init__()
        self.node = node
        self.center = center
        self.focused = False
        self.edges: list[EdgeItem] = []
        w, h = (PASSAGE_W, PASSAGE_H) if node.kind == PASSAGE else (ENTITY_W, ENTITY_H)
        self._rect = QRectF(-w / 2, -h / 2, w, h)
        self.setPos(node.x, node.y)
        self.setZValue(2)
        self.setAcceptHoverEvents(True)
        self.setCursor(
            Qt.CursorShape.PointingHandCursor
            if node.kind == PASSAGE
            else Qt.CursorShape.ArrowCursor
        )
        if node.kind == PASSAGE:
            self.setToolTip(f"{node.label}\nGrade: {_grade(node.grade)}\nClick or Enter to open")
        else:
            self.setToolTip(f"{node.label} ({node.entity_kind})")

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-4, -4, 4, 4)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        if self.node.kind == PASSAGE:
            path.addRoundedRect(self._rect, 8, 8)
        else:
            path.addEllipse(self._rect)
        return path

    def set_focused(self, on: bool) -> None:
        self.focused = on
        self.setZValue(3 if on else 2)
        self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        c = theme.current()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(widget.font() if widget else QFont())
        if self.node.kind == PASSAGE:
            self._paint_passage(painter, c, font)
        else:
            self._paint_entity(painter, c, font)

    def _focus_pen(self, c: Any, base: QPen) -> QPen:
        if self.focused:
            pen = QPen(QColor(c.accent), 3)
            pen.setStyle(Qt.PenStyle.SolidLine)
            return pen
        return base

    def _paint_passage(self, painter: QPainter, c: Any, font: QFont) -> None:
        from desk.ui.widgets import paint_badge

        border = QPen(QColor(c.accent if self.center else c.border), 2 if self.center else 1)
        painter.setPen(self._focus_pen(c, border))
        painter.setBrush(QColor(c.base))
        painter.drawRoundedRect(self._rect, 8, 8)
        if self.focused:
            halo = QPen(QColor(c.accent), 1)
            halo.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(halo)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self._rect.adjusted(-4, -4, 4, 4), 10, 10)
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        small.setBold(True)
        fm_small = QFontMetrics(small)
        badge_w = fm_small.horizontalAdvance(self.node.grade or "—") + 10
        badge = QRectF(self._rect.right() - badge_w - 6, self._rect.top() + 6, badge_w, 16)
        paint_badge(painter, badge, self.node.grade, small)
        text_font = QFont(font)
        text_font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(text_font)
        painter.setPen(QColor(c.text))
        fm = QFontMetrics(text_font)
        text_rect = self._rect.adjusted(8, 5, -badge_w - 12, -5)
        lines = _wrap(self.node.label, fm, text_rect.width(), 2)
        y = text_rect.top() + fm.ascent()
        for line in lines:
            painter.drawText(QPointF(text_rect.left(), y), line)
            y += fm.lineSpacing()

    def _paint_entity(self, painter: QPainter, c: Any, font: QFont) -> None:
        color = QColor(KIND_COLORS.get(self.node.entity_kind or "", "#6b7280"))
        fill = QColor(color)
        fill.setAlpha(70 if c.dark else 40)
        painter.setPen(self._focus_pen(c, QPen(color, 1.5)))
        painter.setBrush(fill)
        painter.drawEllipse(self._rect)
        f = QFont(font)
        f.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        painter.setFont(f)
        painter.setPen(QColor(c.text))
        fm = QFontMetrics(f)
        text = fm.elidedText(
            self.node.label, Qt.TextElideMode.ElideRight, int(self._rect.width() - 14)
        )
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, text)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        canvas = _canvas_of(self)
        if canvas is not None:
            canvas.show_node_info(self)
        super().hoverEnterEvent(event)


class EdgeItem(QGraphicsLineItem):
    """A link (coloured, labelled by kind) or a mention (thin, grey)."""

    def __init__(self, edge: Edge, a: NodeItem, b: NodeItem, titles: dict[str, str]) -> None:
        super().__init__()
        self.edge = edge
        self.a, self.b = a, b
        self.setZValue(0)
        self.setAcceptHoverEvents(True)
        c = theme.current()
        if edge.kind == MENTIONS:
            color = QColor(c.muted)
            color.setAlpha(110)
            self.setPen(QPen(color, 1))
            self.label: QGraphicsSimpleTextItem | None = None
        else:
            color = QColor(LINK_COLORS.get(edge.kind, "#6b7280"))
            pen = QPen(color, 2.2)
            if edge.kind == "contradicts":
                pen.setStyle(Qt.PenStyle.DashLine)
            self.setPen(pen)
            self.label = QGraphicsSimpleTextItem(edge.kind, self)
            f = QFont()
            f.setPointSizeF(7.5)
            self.label.setFont(f)
            self.label.setBrush(QBrush(color))
            self.label.setZValue(1)
        self.description = describe_edge(edge, titles)
        self.setToolTip(self.description)
        self.update_position()

    def update_position(self) -> None:
        pa, pb = self.a.pos(), self.b.pos()
        self.setLine(pa.x(), pa.y(), pb.x(), pb.y())
        if self.label is not None:
            r = self.label.boundingRect()
            mid = (pa + pb) / 2
            self.label.setPos(mid.x() - r.width() / 2, mid.y() - r.height() - 1)

    def shape(self) -> QPainterPath:
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(path)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        canvas = _canvas_of(self)
        if canvas is not None:
            canvas.show_text(self.description)
        pen = self.pen()
        pen.setWidthF(pen.widthF() + 2)
        self.setPen(pen)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        pen = self.pen()
        pen.setWidthF(max(1.0, pen.widthF() - 2))
        self.setPen(pen)
        super().hoverLeaveEvent(event)


def describe_edge(edge: Edge, titles: dict[str, str]) -> str:
    """The passages and grades behind an edge, one line each."""
    behind = [
        f"• {titles.get(pid, pid)} ({_grade(g)})"
        for pid, g in zip(edge.passages, edge.grades, strict=False)
    ]
    if edge.kind == MENTIONS:
        head = f"mentions {titles.get(edge.target, edge.target[2:])}"
    else:
        head = f"linked: {edge.kind}"
        if edge.note:
            head += f" — {edge.note}"
    return "\n".join([head, *behind])


def _wrap(text: str, fm: QFontMetrics, width: float, max_lines: int) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if fm.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[i:])
            break
    if current:
        lines.append(current)
    lines = lines[:max_lines]
    if lines:
        lines[-1] = fm.elidedText(lines[-1], Qt.TextElideMode.ElideRight, int(width))
    return lines


def _canvas_of(item: QGraphicsItem) -> GraphCanvas | None:
    scene = item.scene()
    if scene is None:
        return None
    for view in scene.views():
        if isinstance(view, GraphCanvas):
            return view
    return None


# ---------------------------------------------------------------------------
# the canvas


class GraphCanvas(QGraphicsView):
    """The drawing, with node focus moved by Tab and the arrow keys.

    Signals:
        node_activated(str): a passage id to open (Enter or a click).
        focus_changed(str): the id of the newly focused node.
        info(str): text for the side panel.
    """

    node_activated = Signal(str)
    focus_changed = Signal(str)
    info = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphView")
        self.setAccessibleName("Link graph")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.items_by_id: dict[str, NodeItem] = {}
        self.order: list[str] = []
        self.focused: str | None = None
        self.graph: Graph | None = None
        self._press: QPointF | None = None

    # building -----------------------------------------------------------------

    def show_graph(self, graph: Graph) -> None:
        scene = self.scene()
        scene.clear()
        self.items_by_id = {}
        self.focused = None
        self.graph = graph
        titles = {n.ref: n.label for n in graph.nodes if n.kind == PASSAGE}
        titles.update({n.id: n.label for n in graph.nodes if n.kind == ENTITY})
        for node in graph.nodes:
            item = NodeItem(node, center=node.id == graph.center)
            scene.addItem(item)
            self.items_by_id[node.id] = item
        for edge in graph.edges:
            a, b = self.items_by_id.get(edge.source), self.items_by_id.get(edge.target)
            if a is None or b is None:
                continue
            line = EdgeItem(edge, a, b, titles)
            scene.addItem(line)
            a.edges.append(line)
            b.edges.append(line)
        # Tab order: by distance from the centre, then passages before entities, then name.
        self.order = [
            n.id
            for n in sorted(
                graph.nodes, key=lambda n: (n.hop, n.kind != PASSAGE, n.label.casefold())
            )
        ]
        rect = scene.itemsBoundingRect().adjusted(-60, -60, 60, 60)
        scene.setSceneRect(rect)
        self.fit()
        if self.order:
            self.set_focus_node(graph.center or self.order[0])

    def fit(self) -> None:
        """Show the whole graph, never magnified past 100 %."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > 1.0:
            self.resetTransform()
        self.centerOn(rect.center())

    # focus --------------------------------------------------------------------

    def set_focus_node(self, node_id: str) -> None:
        if node_id not in self.items_by_id:
            return
        if self.focused in self.items_by_id:
            self.items_by_id[self.focused].set_focused(False)
        self.focused = node_id
        item = self.items_by_id[node_id]
        item.set_focused(True)
        self.ensureVisible(item, 40, 40)
        self.show_node_info(item)
        self.focus_changed.emit(node_id)

    def move_focus(self, step: int) -> None:
        if not self.order:
            return
        i = self.order.index(self.focused) if self.focused in self.order else -1
        self.set_focus_node(self.order[(i + step) % len(self.order)])

    def move_direction(self, dx: int, dy: int) -> None:
        """Focus the nearest node in that direction (a 60° cone, then any ahead)."""
        if self.focused not in self.items_by_id:
            self.move_focus(1)
            return
        origin = self.items_by_id[self.focused].pos()
        best: tuple[float, str] | None = None
        for nid, item in self.items_by_id.items():
            if nid == self.focused:
                continue
            v = item.pos() - origin
            ahead = v.x() * dx + v.y() * dy
            if ahead <= 1e-6:
                continue
            side = abs(v.x() * dy - v.y() * dx)
            # Nodes off to the side cost more: prefer what lies straight ahead.
            cost = ahead + 2.5 * side if side <= ahead * math.sqrt(3) else 1e9 + ahead + side
            if best is None or cost < best[0]:
                best = (cost, nid)
        if best is not None:
            self.set_focus_node(best[1])

    def activate_focused(self) -> None:
        item = self.items_by_id.get(self.focused or "")
        if item is not None and item.node.kind == PASSAGE:
            self.node_activated.emit(item.node.ref)

    # info ---------------------------------------------------------------------

    def show_text(self, text: str) -> None:
        self.info.emit(text)

    def show_node_info(self, item: NodeItem) -> None:
        node = item.node
        if node.kind == PASSAGE:
            lines = [f"{node.label}", f"Grade: {_grade(node.grade)}"]
        else:
            lines = [f"{node.label}", f"{node.entity_kind}"]
        links = [e for e in item.edges if e.edge.kind != MENTIONS]
        mentions = [e for e in item.edges if e.edge.kind == MENTIONS]
        for e in links:
            lines += ["", e.description]
        if node.kind == ENTITY and mentions:
            lines += [
                "",
                f"mentioned by {count_of(len(mentions), 'passage')}:",
            ]
            lines += [
                f"• {e.a.node.label} ({_grade(e.a.node.grade)})"
                for e in sorted(mentions, key=lambda e: e.a.node.label.casefold())
            ]
        elif mentions:
            names = sorted(e.b.node.label for e in mentions)
            lines += ["", "mentions " + ", ".join(names)]
        self.info.emit("\n".join(lines))

    # input --------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Tab moves between nodes, not out of the view.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if event.key() == Qt.Key.Key_Backtab or (
                event.key() == Qt.Key.Key_Tab and mods & Qt.KeyboardModifier.ShiftModifier
            ):
                self.move_focus(-1)
                return True
            if event.key() == Qt.Key.Key_Tab and not mods & Qt.KeyboardModifier.ControlModifier:
                self.move_focus(1)
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        moves = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if key in moves:
            self.move_direction(*moves[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate_focused()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(0.8)
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        target = max(0.1, min(4.0, current * factor))
        self.scale(target / current, target / current)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        if (event.position() - press).manhattanLength() > 6:
            return  # a drag of the canvas, not a click
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, NodeItem):
            item = item.parentItem()
        if isinstance(item, NodeItem):
            self.set_focus_node(item.node.id)
            if item.node.kind == PASSAGE:
                self.node_activated.emit(item.node.ref)


# ---------------------------------------------------------------------------
# the widget


class GraphView(QWidget):
    """The link graph of a passage, with a depth spin box and a side panel.

    Args:
        library: the open ``Library``.
        center_id: the passage at the centre (None: every live passage).
        on_open: called with a passage id when the user opens a passage.
        depth: hops from the centre, 1 to 3.

    Signals:
        laid_out(): the (re)computed graph is on screen.
        opened(str): a passage id the user asked to open.
        failed(str): computing the graph failed (the message).
    """

    laid_out = Signal()
    opened = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        library: Any,
        center_id: str | None = None,
        on_open: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
        *,
        depth: int = 1,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._center = center_id
        self._on_open = on_open
        self._generation = 0
        self._task: Any = None
        self.canvas = GraphCanvas(self)
        self.depth = QSpinBox(self)
        self.depth.setObjectName("graphDepth")
        self.depth.setRange(1, 3)
        self.depth.setValue(max(1, min(3, depth)))
        self.depth.setPrefix("Depth ")
        self.depth.setToolTip("How many hops from the centre: links and shared entities")
        self.depth.setAccessibleName("Graph depth")
        # Depth counts hops from a centre; the whole-library graph has none.
        self.depth.setEnabled(center_id is not None)
        self.status = QLabel(self)
        self.status.setObjectName("graphStatus")
        self.side = QLabel(self)
        self.side.setObjectName("graphInfo")
        self.side.setWordWrap(True)
        self.side.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.side.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.side.setMinimumWidth(240)
        self.side.setMaximumWidth(320)
        help_text = QLabel(
            "Tab/arrows move · Enter opens · +/− zoom · 0 fits · click a passage to open it",
            self,
        )
        help_text.setObjectName("graphHelp")
        top = QHBoxLayout()
        top.addWidget(self.depth)
        top.addWidget(self.status, 1)
        top.addWidget(help_text)
        body = QHBoxLayout()
        body.addWidget(self.canvas, 1)
        body.addWidget(self.side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.setFocusProxy(self.canvas)
        self.setTabOrder(self.depth, self.canvas)
        self.canvas.node_activated.connect(self._on_canvas_node_activated)
        self.canvas.info.connect(self.side.setText)
        self.depth.valueChanged.connect(self._on_depth_value_changed)
        self.reload()

    @property
    def graph(self) -> Graph | None:
        return self.canvas.graph

    def reload(self) -> None:
        """Compute the graph and its layout in the background, then draw it."""
        from desk.ui.tasks import run_in_background

        self._generation += 1
        gen = self._generation
        depth = self.depth.value()
        self.status.setText("Laying out…")
        library, center = self._library, self._center

        def work() -> Graph:
            return compute_graph(library, center, depth)

        self._task = run_in_background(
            work,
            lambda graph: self._on_graph_ready(gen, graph),
            lambda exc: self._on_graph_failed(gen, exc),
        )

    def is_busy(self) -> bool:
        return self._task is not None  # a layout of the current generation is running

    def _on_graph_ready(self, gen: int, graph: Graph) -> None:
        try:
            if gen != self._generation:
                return
            # The task's callbacks hold this view; let it go with its last reference.
            self._task = None
            self.canvas.show_graph(graph)
        except RuntimeError:  # the widget was closed meanwhile
            return
        passages = sum(1 for n in graph.nodes if n.kind == PASSAGE)
        entities = len(graph.nodes) - passages
        links = sum(1 for e in graph.edges if e.kind != MENTIONS)
        self.status.setText(
            f"{count_of(passages, 'passage')}, {count_of(entities, 'entity')}, "
            f"{count_of(links, 'link')}" + (" (cut at 500 nodes)" if graph.truncated else "")
        )
        self.laid_out.emit()

    def _on_graph_failed(self, gen: int, exc: BaseException) -> None:
        try:
            if gen != self._generation:
                return
            self._task = None
            message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
            self.status.setText(f"Could not draw the graph: {message}")
        except RuntimeError:
            return
        self.failed.emit(message)

    @Slot(int)
    def _on_depth_value_changed(self, _value: int) -> None:
        self.reload()

    @Slot(str)
    def _on_canvas_node_activated(self, pid: str) -> None:
        self.opened.emit(pid)
        if self._on_open is not None:
            self._on_open(pid)
