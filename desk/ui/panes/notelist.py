"""The middle pane: the search box, the sort picker and the notes list.

Searching runs off the UI thread (``run_in_background``). A keystroke after a
pause searches at once (``debounce_ms`` is 0 by default); at most one search is
in flight, and keystrokes made meanwhile are folded into one search that starts
as soon as it returns. A sequence number drops results that a newer search made
stale, so the list never shows a query the box no longer holds. The list is
a QListView over :class:`NoteListModel` painted by :class:`NoteDelegate`
(title, source and date, grade badge, tag chips and the highlighted snippet).
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desk.core.search.query import QueryFilter
from desk.core.text import count_of
from desk.core.types import SearchResult
from desk.library import Library
from desk.ui import theme
from desk.ui.models.browse_tree import ALL, Pick
from desk.ui.models.note_list import (
    GRADE_ROLE,
    HIT_ROLE,
    ID_ROLE,
    META_ROLE,
    SNIPPET_ROLE,
    TAGS_ROLE,
    NoteListModel,
)
from desk.ui.tasks import run_in_background
from desk.ui.widgets import badge_size, paint_badge

PLACEHOLDER = 'Search — words, "phrases", tag:, entity:, grade:B2 …'
SORTS = (("Relevance", "relevance"), ("Newest", "newest"), ("Published", "published"), ("Source", "source"), ("Title", "title"))  # fmt: skip

Index = QModelIndex | QPersistentModelIndex


def snippet_html(snippet: str) -> str:
    """Escape a snippet and turn its \\x02…\\x03 markers into highlight spans."""
    out = html.escape(snippet, quote=False)
    c = theme.current()
    return out.replace(
        "\x02", f'<span style="background-color:{c.highlight_bg}; color:{c.highlight_fg};">'
    ).replace("\x03", "</span>")


@dataclass(frozen=True)
class _Request:
    """One search the pane wants: its sequence number, size and how to show it."""

    seq: int
    limit: int
    append: bool
    quiet: bool = False


class NoteDelegate(QStyledItemDelegate):
    """Paints a note row: title + badge, meta + tag chips, two lines of snippet."""

    PAD_X = 12
    PAD_Y = 8
    SNIPPET_LINES = 2

    SNIPPET_CACHE = 200  # laid-out snippets kept (a few screens of rows)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._font_cache: dict[str, tuple[QFont, QFont, QFont, QFont]] = {}
        # Parsing and laying out a snippet's HTML is most of a row's paint;
        # scrolling back over rows, or repainting them, reuses the layout.
        self._snippets: OrderedDict[tuple[str, int, bool, str], QTextDocument] = OrderedDict()

    def _fonts(self, base: QFont) -> tuple[QFont, QFont, QFont, QFont]:
        key = base.key()
        fonts = self._font_cache.get(key)
        if fonts is None:
            fonts = self._font_cache[key] = self._make_fonts(base)
        return fonts

    @staticmethod
    def _make_fonts(base: QFont) -> tuple[QFont, QFont, QFont, QFont]:
        title = QFont(base)
        title.setPointSizeF(base.pointSizeF() * 1.08)
        title.setWeight(QFont.Weight.DemiBold)
        meta = QFont(base)
        meta.setPointSizeF(base.pointSizeF() * 0.88)
        badge = QFont(meta)
        badge.setBold(True)
        snippet = QFont(base)
        snippet.setPointSizeF(base.pointSizeF() * 0.95)
        return title, meta, badge, snippet

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        title, meta, _, snippet = self._fonts(option.font)
        h = (
            QFontMetrics(title).height()
            + QFontMetrics(meta).height()
            + QFontMetrics(snippet).lineSpacing() * self.SNIPPET_LINES
            + 2 * self.PAD_Y
            + 10
        )
        return QSize(300, h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        c = theme.current()
        painter.save()
        try:
            self._paint(painter, option, index, c)
        finally:
            painter.restore()

    def _paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: Index, c: theme.Colors
    ) -> None:
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        current = bool(option.state & QStyle.StateFlag.State_HasFocus)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bg = QColor(c.base)
        if selected:
            bg = QColor(c.accent)
            bg.setAlpha(46 if not c.dark else 70)
        painter.fillRect(rect, bg)
        if selected:
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), QColor(c.accent))
        painter.setPen(QColor(c.border))
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
        if current:
            pen_color = QColor(c.accent)
            painter.setPen(pen_color)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5), 4, 4)

        title_f, meta_f, badge_f, snip_f = self._fonts(option.font)
        x = rect.left() + self.PAD_X
        right = rect.right() - self.PAD_X
        y = rect.top() + self.PAD_Y

        grade = index.data(GRADE_ROLE)
        bsize = badge_size(grade or "—", badge_f)
        tfm = QFontMetrics(title_f)
        badge_rect = QRectF(
            right - bsize.width(),
            y + (tfm.height() - bsize.height()) / 2,
            bsize.width(),
            bsize.height(),
        )
        if grade:
            paint_badge(painter, badge_rect, grade, badge_f)
        title_w = int(badge_rect.left() - x - 8) if grade else right - x
        painter.setFont(title_f)
        painter.setPen(QColor(c.text))
        title = tfm.elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""), Qt.TextElideMode.ElideRight, title_w
        )
        painter.drawText(
            QRect(x, y, title_w, tfm.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        y += tfm.height() + 2

        # meta line: source · date, then tag chips while they fit
        mfm = QFontMetrics(meta_f)
        painter.setFont(meta_f)
        painter.setPen(QColor(c.muted))
        meta = str(index.data(META_ROLE) or "")
        meta_w = min(mfm.horizontalAdvance(meta), int((right - x) * 0.55))
        meta = mfm.elidedText(meta, Qt.TextElideMode.ElideRight, meta_w)
        painter.drawText(
            QRect(x, y, meta_w + 2, mfm.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            meta,
        )
        cx = x + meta_w + 10
        for tag in index.data(TAGS_ROLE) or []:
            label = str(tag)
            w = mfm.horizontalAdvance(label) + 12
            if cx + w > right:
                more = "…"
                painter.setPen(QColor(c.muted))
                painter.drawText(
                    QRect(cx, y, 20, mfm.height()), Qt.AlignmentFlag.AlignVCenter, more
                )
                break
            chip = QRectF(cx, y + 1, w, mfm.height() - 1)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(c.chip_bg))
            painter.drawRoundedRect(chip, (mfm.height() - 1) / 2, (mfm.height() - 1) / 2)
            painter.setPen(QColor(c.chip_fg))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
            cx += w + 5
        y += mfm.height() + 5

        # snippet: up to two lines of rich text with highlights, clipped
        snippet = str(index.data(SNIPPET_ROLE) or "")
        if snippet:
            sfm = QFontMetrics(snip_f)
            doc = self._snippet_doc(snippet, snip_f, right - x, c)
            clip_h = sfm.lineSpacing() * self.SNIPPET_LINES
            painter.translate(x, y)
            painter.setClipRect(QRect(0, 0, right - x, clip_h))
            doc.drawContents(painter, QRectF(0, 0, right - x, clip_h))

    def _snippet_doc(self, snippet: str, font: QFont, width: int, c: theme.Colors) -> QTextDocument:
        """The snippet laid out at ``width`` (cached; the least recently drawn go first)."""
        key = (snippet, width, c.dark, font.key())
        doc = self._snippets.get(key)
        if doc is not None:
            self._snippets.move_to_end(key)
            return doc
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(font)
        doc.setHtml(f'<body style="color:{c.text}">{snippet_html(snippet)}</body>')
        doc.setTextWidth(width)
        self._snippets[key] = doc
        while len(self._snippets) > self.SNIPPET_CACHE:
            self._snippets.popitem(last=False)
        return doc


class NoteListView(QListView):
    """The list; Down/Up from the search box land here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteList")
        self.setAccessibleName("Notes")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(False)


class NoteListPane(QWidget):
    """Search box + notes list; owns the search state.

    Signals:
        current_changed(str): the current row's passage id ("" when none).
        activated(str): Enter/double-click on a row.
        searched(object): a SearchResult arrived and was shown.
        status(str): a message for the status bar.
    """

    current_changed = Signal(str)
    activated = Signal(str)
    searched = Signal(object)
    status = Signal(str)

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = 0,
        page_size: int = 200,
        max_hits: int = 5000,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.page_size = page_size
        self.pick: Pick = ALL
        self.sort = "relevance"
        self.result: SearchResult | None = None
        self._seq = 0
        self._shown_seq = 0
        self._keep: list[str] = []
        self._keep_current = ""
        self._in_flight = False
        self._queued: _Request | None = None
        self._stopped = False

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(PLACEHOLDER)
        self.search_box.setAccessibleName("Search")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.installEventFilter(self)

        self.sort_box = QComboBox(self)
        self.sort_box.setObjectName("sortBox")
        self.sort_box.setAccessibleName("Sort by")
        for label, key in SORTS:
            self.sort_box.addItem(label, key)
        self.sort_box.currentIndexChanged.connect(self._on_sort_box_changed)

        self.filter_label = QLabel(self)
        self.filter_label.setObjectName("filterLabel")
        self.filter_label.setAccessibleName("Browse filter")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")

        self.model = NoteListModel(self)
        self.model.set_max(max_hits)
        self.model.more_wanted.connect(self._on_model_more_wanted)
        self.view = NoteListView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(NoteDelegate(self.view))
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)
        self.view.activated.connect(self._on_view_activated)

        top = QHBoxLayout()
        top.setContentsMargins(10, 0, 10, 4)
        top.addWidget(self.filter_label, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.sort_box)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.search_box)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        self.setTabOrder(self.search_box, self.view)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(self._on_search_text_changed)
        self._show_pick()

    # -- public -----------------------------------------------------------
    @property
    def query(self) -> str:
        return self.search_box.text()

    def set_query(self, text: str) -> None:
        self.search_box.setText(text)
        self.search_now()

    def set_pick(self, pick: Pick) -> None:
        """A browse entry was picked: filter the list by it."""
        self.pick = pick
        self._show_pick()
        self.search_now()

    def set_sort(self, key: str) -> None:
        i = self.sort_box.findData(key)
        if i >= 0 and i != self.sort_box.currentIndex():
            self.sort_box.setCurrentIndex(i)  # searches through the signal
        elif i >= 0:
            self.search_now()

    def combined_query(self) -> str:
        """The typed query with the browse filter as a clause (for saving)."""
        parts = [p for p in (self.pick.clause, self.query.strip()) if p]
        if self.pick.clause and self.query.strip():
            return f"{self.pick.clause} ({self.query.strip()})"
        return " ".join(parts)

    def current_id(self) -> str:
        idx = self.view.currentIndex()
        return str(idx.data(ID_ROLE)) if idx.isValid() else ""

    def selected_ids(self) -> list[str]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        ids = [self.model.ids()[r] for r in rows if r < self.model.rowCount()]
        if not ids and self.current_id():
            ids = [self.current_id()]
        return ids

    def select_id(self, pid: str) -> bool:
        row = self.model.row_of(pid)
        if row < 0:
            return False
        idx = self.model.index(row, 0)
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx)
        return True

    def move(self, delta: int) -> None:
        """Move the current row by ``delta`` (J/K)."""
        n = self.model.rowCount()
        if not n:
            return
        row = self.view.currentIndex().row()
        row = 0 if row < 0 else max(0, min(n - 1, row + delta))
        self.view.setCurrentIndex(self.model.index(row, 0))

    def focus_list(self) -> None:
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def is_busy(self) -> bool:
        return self._in_flight or self._queued is not None or self._timer.isActive()

    def stop(self) -> None:
        """Start no more searches (the window is closing; the library will close)."""
        self._timer.stop()
        self._queued = None
        self._stopped = True

    def refresh(self) -> None:
        """Run the same search again, keeping the selection."""
        self._keep = self.selected_ids()
        self._keep_current = self.current_id()
        self.search_now(keep=True)

    def search_now(self, *, keep: bool = False) -> None:
        """Search with the current text, filter and sort (in the background)."""
        self._timer.stop()
        if not keep:
            self._keep, self._keep_current = [], ""
        self._seq += 1
        limit = max(self.page_size, self.model.rowCount() if keep else 0)
        self._submit(_Request(self._seq, limit, append=False, quiet=keep))

    # -- searching ----------------------------------------------------------
    def _submit(self, req: _Request) -> None:
        """Run ``req`` now, or after the search in flight (replacing any queued one).

        Searches share the library's lock, so running them side by side only
        makes each wait; the newest request is the only one worth running next.
        """
        if self._stopped:
            return
        if self._in_flight:
            self._queued = req
        else:
            self._run(req)

    def _run(self, req: _Request) -> None:
        query = self.query
        restrict: QueryFilter | None = self.pick.restrict
        sort = self.sort
        lib = self.library
        self._in_flight = True
        # A page-in asks only for the rows after those shown.
        offset = min(self.model.rowCount(), req.limit) if req.append else 0

        def work() -> SearchResult:
            # The list shows no facet counts; skipping them saves a pass over every hit.
            return lib.search(
                query,
                limit=req.limit - offset,
                offset=offset,
                sort=sort,
                restrict=restrict,
                counts=False,
            )

        def done(result: SearchResult) -> None:
            self._in_flight = False
            # stale when a newer search was asked for since (it may be queued)
            if req.seq == self._seq and self._queued is None:
                self._shown_seq = req.seq
                self._show(result, append=req.append, quiet=req.quiet, offset=offset)
            self._next()

        def failed(exc: BaseException) -> None:
            self._in_flight = False
            if req.seq == self._seq and self._queued is None:
                if req.append:
                    self.model.fetch_failed()
                self.status.emit(f"Search failed: {exc}")
            self._next()

        run_in_background(work, done, failed)

    def _next(self) -> None:
        req, self._queued = self._queued, None
        if req is not None:
            self._run(req)

    def _show(
        self, result: SearchResult, *, append: bool, quiet: bool = False, offset: int = 0
    ) -> None:
        self.result = result
        if append:
            self.model.extend(result.hits, result.total, offset)
        else:
            self.model.set_hits(result.hits, result.total)
            restored = False
            if self._keep_current:
                restored = self.select_id(self._keep_current)
            sel = self.view.selectionModel()
            for pid in self._keep:
                row = self.model.row_of(pid)
                if row >= 0:
                    sel.select(self.model.index(row, 0), sel.SelectionFlag.Select)
            if not restored and self.model.rowCount():
                sel.setCurrentIndex(self.model.index(0, 0), sel.SelectionFlag.ClearAndSelect)
                self.view.scrollToTop()
            self._on_view_current_changed(self.view.currentIndex(), QModelIndex())
        self._keep, self._keep_current = [], ""
        self.count_label.setText(self._count_text(result))
        if not quiet or result.notices:
            # a refresh after a change keeps the change's own message in view
            self.status.emit(self._status_text(result))
        self.searched.emit(result)

    def _count_text(self, result: SearchResult) -> str:
        shown = self.model.rowCount()
        if result.total == 0:
            return "no passages"
        if shown < result.total:
            return f"{shown:,} of {result.total:,}"
        return count_of(result.total, "passage", sep=",")

    def _status_text(self, result: SearchResult) -> str:
        shown = self.model.rowCount()
        if shown < result.total:
            more = (
                "scroll for more"
                if self.model.canFetchMore(QModelIndex())
                else "narrow the search to see the rest"
            )
            parts = [f"Showing {shown:,} of {result.total:,} — {more}"]
        else:
            parts = [count_of(result.total, "passage", sep=",")]
        parts += list(result.notices)
        if result.suggestions:
            parts.append(
                "Did you mean " + " or ".join(f"“{s}”" for s in result.suggestions[:3]) + "?"
            )
        return " · ".join(parts)

    def _show_pick(self) -> None:
        self.filter_label.setText(self.pick.label)
        self.filter_label.setToolTip(self.pick.clause or "No browse filter")

    # -- slots ----------------------------------------------------------------
    def _on_search_text_changed(self, _text: str) -> None:
        self._timer.start()  # 0 ms by default: after the events already queued

    def _on_sort_box_changed(self, _i: int) -> None:
        self.sort = str(self.sort_box.currentData())
        self.search_now()

    def _on_model_more_wanted(self, limit: int) -> None:
        # More of the result on screen; when a newer search is on its way, it
        # resets the model instead (its rows must not be appended to these).
        if self._shown_seq == self._seq and self._queued is None:
            self._submit(_Request(self._seq, limit, append=True))

    def _on_view_current_changed(self, current: Index, _previous: Index) -> None:
        self.current_changed.emit(str(current.data(ID_ROLE)) if current.isValid() else "")

    def _on_view_activated(self, index: Index) -> None:
        if index.isValid():
            self.activated.emit(str(index.data(ID_ROLE)))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.search_box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self.focus_list()
                if key == Qt.Key.Key_PageDown:
                    self.move(10)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.search_now()
                self.focus_list()
                return True
        return super().eventFilter(obj, event)

    def hit_for(self, pid: str) -> Any:
        row = self.model.row_of(pid)
        return self.model.index(row, 0).data(HIT_ROLE) if row >= 0 else None
