"""The right pane: read a passage, edit its tags and annotation, follow its links.

The body is rendered by ``desk.core.render.render_passage_html`` (inert HTML)
into :class:`SafeBrowser`, a QTextBrowser that loads nothing: no remote or
local resources, no navigation. Clicked links go through :func:`open_url`,
which opens only http, https and mailto; ``desk://passage/<id>`` links
navigate inside the app; everything else is ignored.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFocusEvent, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desk.core.errors import UserError
from desk.core.types import Passage
from desk.library import Library
from desk.ui import theme
from desk.ui.feedback import show_exception
from desk.ui.widgets import Chip, FlowLayout, badge_style

log = logging.getLogger(__name__)

SAFE_SCHEMES = ("http", "https", "mailto")
INTERNAL_SCHEME = "desk"


def _desktop_open(url: QUrl) -> bool:
    """The one call that hands a URL to the system (tests replace it)."""
    return bool(QDesktopServices.openUrl(url))


def open_url(url: QUrl | str) -> bool:
    """Open an external link if, and only if, it is http, https or mailto."""
    qurl = QUrl(url) if isinstance(url, str) else url
    if not qurl.isValid() or qurl.scheme().lower() not in SAFE_SCHEMES:
        log.info("refused to open link %r", qurl.toString()[:200])
        return False
    if qurl.scheme().lower() != "mailto" and not qurl.host():
        return False
    return _desktop_open(qurl)


def passage_url(pid: str) -> str:
    """The internal link to a passage."""
    return f"{INTERNAL_SCHEME}://passage/{pid}"


def grade_tooltip(reliability: str | None, credibility: int | None) -> str:
    """The grade with the official meanings of both halves."""
    from desk.core.analysis.grading import CREDIBILITY, RELIABILITY, describe

    lines = [describe(reliability, credibility)]
    if reliability in RELIABILITY:
        label, meaning = RELIABILITY[reliability]
        lines.append(f"Source {reliability} — {label}: {meaning}")
    if credibility in CREDIBILITY:
        label, meaning = CREDIBILITY[credibility]
        lines.append(f"Information {credibility} — {label}: {meaning}")
    return "\n".join(lines)


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that never loads a resource or follows a link by itself.

    ``resource_requests`` records every URL Qt asked for (always refused).
    """

    MAX_TEXT_WIDTH = 700
    # The text keeps the title's inset (10 px layout margin + its own padding)
    # and as much room above, so it does not sit on the edge of its panel.
    MIN_SIDE = 22
    TOP = 18
    BOTTOM = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.resource_requests: list[str] = []

    def loadResource(self, type_: int, name: QUrl) -> Any:
        self.resource_requests.append(name.toString())
        return None

    def setSource(self, name: QUrl, type_: Any = None) -> None:  # type: ignore[override]
        # Never navigate: the reader decides what it shows.
        return

    def set_body_html(self, body_html: str) -> None:
        self.setHtml(body_html)
        self._apply_margins()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_margins()

    def _apply_margins(self) -> None:
        width = self.viewport().width()
        side = max(self.MIN_SIDE, (width - self.MAX_TEXT_WIDTH) // 2)
        frame = self.document().rootFrame()
        fmt = frame.frameFormat()
        if fmt.leftMargin() != side or fmt.topMargin() != self.TOP:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            fmt.setTopMargin(self.TOP)
            fmt.setBottomMargin(self.BOTTOM)
            frame.setFrameFormat(fmt)


class AnnotationEdit(QPlainTextEdit):
    """Plain-text editor that reports focus-out (to save at once).

    Signals:
        focus_lost(): the editor lost focus.
    """

    focus_lost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()


def reader_font() -> QFont:
    font = QFont()
    font.setFamilies(
        ["Charter", "Georgia", "Source Serif 4", "Noto Serif", "DejaVu Serif", "serif"]
    )
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPixelSize(16)
    return font


class ReaderPane(QWidget):
    """Shows one passage: title, citation, body, tags, entities, annotation, links.

    Signals:
        navigate(str): follow a link to another passage.
        entity_picked(str): an entity chip was clicked (its key).
        status(str): a message for the status bar.
        saved(): the annotation was written to the library.
    """

    navigate = Signal(str)
    entity_picked = Signal(str)
    status = Signal(str)
    saved = Signal()

    def __init__(
        self, library: Library, parent: QWidget | None = None, *, autosave_ms: int = 800
    ) -> None:
        super().__init__(parent)
        self.setObjectName("readerPane")
        self.setAccessibleName("Reader")
        self.library = library
        self.passage: Passage | None = None
        self.terms: list[str] = []
        self.readonly = library.readonly
        self._aid: int | None = None
        self._ann_dirty = False
        self._loading = False

        self.stack = QStackedWidget(self)
        self.empty = QLabel(
            "Pick a passage in the list — or press Ctrl+P to go to one by title.", self
        )
        self.empty.setObjectName("emptyReader")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack.addWidget(self.empty)

        page = QWidget(self)
        self.stack.addWidget(page)

        self.title_view = QLabel(page)
        self.title_view.setObjectName("readerTitleView")
        self.title_view.setAccessibleName("Title")
        self.title_view.setWordWrap(True)
        self.title_view.setTextFormat(Qt.TextFormat.PlainText)
        self.title_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title = QLineEdit(page)
        self.title.setObjectName("readerTitle")
        self.title.setAccessibleName("Edit title")
        self.title.editingFinished.connect(self._on_title_edited)
        self.title.hide()

        self.citation = QLabel(page)
        self.citation.setObjectName("citation")
        self.citation.setAccessibleName("Citation")
        self.citation.setWordWrap(True)
        self.citation.setTextFormat(Qt.TextFormat.RichText)
        self.citation.setOpenExternalLinks(False)
        self.citation.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.citation.linkActivated.connect(self._on_link)
        self.grade_badge = QLabel(page)
        self.grade_badge.setObjectName("gradeBadge")
        self.grade_badge.setAccessibleName("Grade")

        self.body = SafeBrowser(page)
        self.body.setObjectName("readerBody")
        self.body.setAccessibleName("Passage text")
        self.body.setFont(reader_font())
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.anchorClicked.connect(self._on_anchor)

        # details: tags, entities, annotation, links
        details = QWidget(page)
        self.tags_label = self._section("Tags", details)
        self.tag_chips = QWidget(details)
        self.tag_flow = FlowLayout(self.tag_chips)
        self.tag_edit = QLineEdit(details)
        self.tag_edit.setObjectName("tagEditor")
        self.tag_edit.setAccessibleName("Add tag")
        self.tag_edit.setPlaceholderText("Add a tag (place/wakhan) and press Enter")
        self.tag_model = QStringListModel(self)
        completer = QCompleter(self.tag_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tag_edit.setCompleter(completer)
        self.tag_edit.returnPressed.connect(self._on_tag_entered)

        self.ent_label = self._section("Entities", details)
        self.ent_chips = QWidget(details)
        self.ent_flow = FlowLayout(self.ent_chips)

        self.ann_label = self._section("Annotation", details)
        self.ann_edit = AnnotationEdit(details)
        self.ann_edit.setObjectName("annotationEditor")
        self.ann_edit.setAccessibleName("Annotation")
        self.ann_edit.setPlaceholderText("Your notes on this passage — saved as you type")
        self.ann_edit.setTabChangesFocus(True)
        self.ann_edit.setMinimumHeight(64)
        self.ann_edit.setMaximumHeight(120)
        self.ann_edit.textChanged.connect(self._on_ann_changed)
        self.ann_edit.focus_lost.connect(self.save_annotation)
        self.ann_state = QLabel(details)
        self.ann_state.setObjectName("annotationState")
        self.other_notes = QLabel(details)
        self.other_notes.setWordWrap(True)
        self.other_notes.setObjectName("citation")

        self.links_label = self._section("Links and backlinks", details)
        self.links = QListWidget(details)
        self.links.setObjectName("linksList")
        self.links.setAccessibleName("Links and backlinks")
        self.links.itemActivated.connect(self._on_link_item)
        self.links.setMinimumHeight(110)

        dl = QVBoxLayout(details)
        dl.setContentsMargins(14, 4, 14, 10)
        dl.setSpacing(4)
        dl.addWidget(self.tags_label)
        dl.addWidget(self.tag_chips)
        dl.addWidget(self.tag_edit)
        dl.addWidget(self.ent_label)
        dl.addWidget(self.ent_chips)
        ann_head = QHBoxLayout()
        ann_head.addWidget(self.ann_label)
        ann_head.addStretch(1)
        ann_head.addWidget(self.ann_state)
        dl.addLayout(ann_head)
        dl.addWidget(self.ann_edit)
        dl.addWidget(self.other_notes)
        dl.addWidget(self.links_label)
        dl.addWidget(self.links, 1)

        scroll = QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(details)
        scroll.setAccessibleName("Passage details")

        self.split = QSplitter(Qt.Orientation.Vertical, page)
        self.split.setObjectName("readerSplit")
        self.split.addWidget(self.body)
        self.split.addWidget(scroll)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)

        head = QHBoxLayout()
        head.setContentsMargins(10, 10, 14, 0)
        head.addWidget(self.title_view, 1)
        head.addWidget(self.title, 1)
        head.addWidget(self.grade_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.setSpacing(4)
        pl.addLayout(head)
        cite = QHBoxLayout()
        cite.setContentsMargins(10, 0, 14, 6)
        cite.addWidget(self.citation)
        pl.addLayout(cite)
        pl.addWidget(self.split, 1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

        self._ann_timer = QTimer(self)
        self._ann_timer.setSingleShot(True)
        self._ann_timer.setInterval(autosave_ms)
        self._ann_timer.timeout.connect(self.save_annotation)

        self.setTabOrder(self.body, self.title)
        self.setTabOrder(self.title, self.tag_edit)
        self.setTabOrder(self.tag_edit, self.ann_edit)
        self.setTabOrder(self.ann_edit, self.links)
        self.set_readonly(library.readonly)
        for w in (self.body, self.title, self.tag_edit, self.ann_edit, self.links, self.citation):
            w.setWhatsThis(w.accessibleName())

    @staticmethod
    def _section(text: str, parent: QWidget) -> QLabel:
        label = QLabel(text.upper(), parent)
        label.setObjectName("sectionLabel")
        return label

    # -- showing ------------------------------------------------------------
    def set_readonly(self, readonly: bool) -> None:
        self.readonly = readonly
        self.title.setReadOnly(readonly)
        self.tag_edit.setEnabled(not readonly)
        self.tag_edit.setVisible(not readonly)
        self.ann_edit.setReadOnly(readonly)
        if readonly:
            self.ann_edit.setPlaceholderText("Read-only library: annotations cannot be changed")

    def set_tag_paths(self, paths: list[str]) -> None:
        self.tag_model.setStringList(paths)

    def current_id(self) -> str:
        return self.passage.id if self.passage else ""

    def clear(self) -> None:
        self.save_annotation()
        self.passage = None
        self.stack.setCurrentIndex(0)

    def show_passage(self, pid: str, terms: list[str] | None = None) -> bool:
        """Show a passage (saving any annotation in flight first)."""
        self.save_annotation()
        try:
            passage = self.library.get(pid)
        except UserError as exc:
            self.status.emit(exc.message)
            return False
        if terms is not None:
            self.terms = list(terms)
        self._render(passage)
        return True

    def show_loaded(self, passage: Passage, terms: list[str] | None = None) -> None:
        """Show a passage already fetched (off the UI thread)."""
        self.save_annotation()
        if terms is not None:
            self.terms = list(terms)
        self._render(passage)

    def reload(self) -> None:
        """Show the current passage again (after a change elsewhere)."""
        if self.passage is None:
            return
        if self.ann_edit.hasFocus() or self._ann_dirty:
            return  # do not clobber typing; the save will reload
        try:
            passage = self.library.get(self.passage.id)
        except UserError:
            self.clear()
            return
        self._render(passage, keep_scroll=True)

    def body_html(self) -> str:
        from desk.core.render import render_passage_html

        assert self.passage is not None
        return render_passage_html(self.passage.body, self.terms)

    def _render(self, p: Passage, *, keep_scroll: bool = False) -> None:
        self._loading = True
        try:
            same = self.passage is not None and self.passage.id == p.id
            self.passage = p
            self.stack.setCurrentIndex(1)
            self.title.setText(p.title)
            self.title_view.setText(p.title)
            self._end_title_edit()
            self.citation.setText(self._citation_html(p))
            rel = p.source.reliability if p.source else None
            grade = p.grade
            self.grade_badge.setText(grade or "ungraded")
            self.grade_badge.setStyleSheet(badge_style(grade))
            self.grade_badge.setToolTip(grade_tooltip(rel, p.credibility))
            c = theme.current()
            self.body.document().setDefaultStyleSheet(
                f"p, li, blockquote {{ line-height: 150%; }}"
                f" p {{ margin-bottom: 10px; }}"
                f" .hl {{ background-color: {c.highlight_bg}; color: {c.highlight_fg}; }}"
                f" a {{ color: {c.accent}; }}"
                f" blockquote {{ color: {c.muted}; }}"
            )
            bar = self.body.verticalScrollBar()
            pos = bar.value() if (keep_scroll and same) else 0
            self.body.set_body_html(self.body_html())
            bar.setValue(pos)
            if not same:
                self._fit_body()
            self._show_tags(p)
            self._show_entities(p)
            self._show_annotation(p)
            self._show_links(p)
        finally:
            self._loading = False

    def _fit_body(self) -> None:
        """Give a short passage only the room it needs; the details get the rest."""
        sizes = self.split.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        doc = self.body.document()
        doc.setTextWidth(self.body.viewport().width())
        want = int(doc.size().height()) + 24
        body = max(140, min(want, int(total * 0.62)))
        self.split.setSizes([body, total - body])

    def _citation_html(self, p: Passage) -> str:
        esc = html.escape
        src = p.source
        if src is None:
            kind = "Your own note" if p.kind == "note" else "No source"
            return f"<span>{esc(kind)} · created {esc((p.created or '')[:10])}</span>"
        parts = [f"<i>{esc(src.title)}</i>"]
        for value in (src.author, src.publisher, src.published):
            if value:
                parts.append(esc(value))
        line = " · ".join(parts)
        if src.url:
            url = QUrl(src.url)
            if url.scheme().lower() in ("http", "https") and url.host():
                line += f' · <a href="{esc(src.url, quote=True)}">{esc(url.host())}</a>'
            else:
                line += f" · {esc(src.url)}"
        if p.trashed_at:
            line += " · <b>in the trash</b>"
        return line

    def _show_tags(self, p: Passage) -> None:
        self.tag_flow.clear()
        for tag in p.tags:
            chip = Chip(tag, tag, removable=not self.readonly, parent=self.tag_chips)
            chip.remove_requested.connect(self._on_tag_removed)
            self.tag_flow.addWidget(chip)
            chip.show()
        if not p.tags:
            none = QLabel("No tags yet", self.tag_chips)
            none.setObjectName("citation")
            self.tag_flow.addWidget(none)
            none.show()
        self.tag_chips.updateGeometry()

    def _show_entities(self, p: Passage) -> None:
        self.ent_flow.clear()
        for ent in p.entities:
            chip = Chip(ent.name, ent.key, removable=False, parent=self.ent_chips)
            chip.setToolTip(f"{ent.kind}: {ent.description or ent.name}")
            chip.picked.connect(self.entity_picked)
            self.ent_flow.addWidget(chip)
            chip.show()
        self.ent_label.setVisible(bool(p.entities))
        self.ent_chips.setVisible(bool(p.entities))

    def _show_annotation(self, p: Passage) -> None:
        first = p.annotations[0] if p.annotations else None
        self._aid = first.id if first else None
        self.ann_edit.blockSignals(True)
        self.ann_edit.setPlainText(first.body if first else "")
        self.ann_edit.blockSignals(False)
        self._ann_dirty = False
        self.ann_state.setText("")
        rest = p.annotations[1:]
        self.other_notes.setVisible(bool(rest))
        self.other_notes.setText("<br>".join("• " + html.escape(a.body) for a in rest))

    def _show_links(self, p: Passage) -> None:
        self.links.clear()
        for link in p.links:
            self._add_link_item(link, "→")
        for link in p.backlinks:
            self._add_link_item(link, "←")
        if not p.links and not p.backlinks:
            item = QListWidgetItem("No links yet — press L to link this passage")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.links.addItem(item)

    def _add_link_item(self, link: Any, arrow: str) -> None:
        trashed = " (in trash)" if link.other_trashed else ""
        item = QListWidgetItem(f"{arrow} {link.kind}  ·  {link.other_title}{trashed}")
        item.setData(Qt.ItemDataRole.UserRole, link.other_id)
        item.setToolTip(link.note or link.other_title)
        self.links.addItem(item)

    # -- editing --------------------------------------------------------------
    def focus_tags(self) -> None:
        self.tag_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_annotation(self) -> None:
        self.ann_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.ann_edit.moveCursor(self.ann_edit.textCursor().MoveOperation.End)

    def focus_body(self) -> None:
        self.body.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_title(self) -> None:
        if self.passage is None or self.readonly:
            return
        self.title_view.hide()
        self.title.show()
        self.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.title.selectAll()

    def _end_title_edit(self) -> None:
        if self.title.isVisible():
            self.title.hide()
            self.title_view.show()

    def _on_title_edited(self) -> None:
        p = self.passage
        text = self.title.text().strip()
        if p is None or self.readonly or not text or text == p.title:
            self._end_title_edit()
            return
        try:
            self.library.update(p.id, title=text, initiator=self)
        except Exception as exc:
            show_exception(exc, self)
            return
        self.passage = self.library.get(p.id)
        self.title_view.setText(self.passage.title)
        self._end_title_edit()
        self.body.setFocus()
        self.status.emit("Title saved")

    def _on_tag_entered(self) -> None:
        p = self.passage
        text = self.tag_edit.text().strip()
        if p is None or not text:
            return
        tags = [t for t in (s.strip() for s in text.split(",")) if t]
        try:
            added = self.library.tag(p.id, tags, initiator=self)
        except Exception as exc:
            show_exception(exc, self)
            return
        self.tag_edit.clear()
        self._render(self.library.get(p.id), keep_scroll=True)
        self.status.emit(f"Tagged {', '.join(added)}" if added else "Already tagged")

    def _on_tag_removed(self, tag: str) -> None:
        p = self.passage
        if p is None or self.readonly:
            return
        try:
            self.library.untag(p.id, [tag], initiator=self)
        except Exception as exc:
            show_exception(exc, self)
            return
        self._render(self.library.get(p.id), keep_scroll=True)
        self.tag_edit.setFocus()
        self.status.emit(f"Removed tag {tag}")

    def _on_ann_changed(self) -> None:
        if self._loading or self.readonly:
            return
        self._ann_dirty = True
        self.ann_state.setText("Editing…")
        self._ann_timer.start()

    def save_annotation(self) -> bool:
        """Write the annotation now if it changed; "Saved" shows only after the write."""
        self._ann_timer.stop()
        p = self.passage
        if p is None or not self._ann_dirty or self.readonly:
            return False
        text = self.ann_edit.toPlainText()
        try:
            if self._aid is None:
                if not text.strip():
                    self._ann_dirty = False
                    self.ann_state.setText("")
                    return False
                self._aid = self.library.annotate(p.id, text, initiator=self)
            else:
                self.library.edit_annotation(self._aid, text, initiator=self)
                if not text.strip():
                    self._aid = None
        except Exception as exc:
            self.ann_state.setText("Not saved")
            show_exception(exc, self)
            return False
        self._ann_dirty = False
        self.ann_state.setText("Saved")
        self.status.emit("Annotation saved")
        self.saved.emit()
        return True

    # -- links -------------------------------------------------------------------
    def _on_link_item(self, item: QListWidgetItem) -> None:
        pid = item.data(Qt.ItemDataRole.UserRole)
        if pid:
            self.navigate.emit(str(pid))

    def _on_anchor(self, url: QUrl) -> None:
        self._follow(url)

    def _on_link(self, href: str) -> None:
        self._follow(QUrl(href))

    def _follow(self, url: QUrl) -> None:
        if url.scheme().lower() == INTERNAL_SCHEME and url.host() == "passage":
            pid = url.path().lstrip("/")
            if pid:
                self.navigate.emit(pid)
            return
        if not open_url(url):
            self.status.emit("That link was not opened: only web and mail links open.")
