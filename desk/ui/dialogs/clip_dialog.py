"""Clip from the clipboard: preview, source metadata, tags and grades.

The preview shows what the clip will become (the core's clipping and the
reader's safe rendering), so page chrome and captions left out are visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk.core.text import count_of
from desk.core.types import SourceDraft
from desk.ui.dialogs.grade_dialog import credibility_combo, reliability_combo
from desk.ui.panes.reader import SafeBrowser
from desk.ui.widgets import ok_cancel


@dataclass
class ClipRequest:
    """What the user confirmed; the window passes it to ``Library.clip``."""

    text: str
    fmt: str
    split: str
    title: str | None
    source: SourceDraft
    tags: list[str]
    credibility: int | None


class ClipDialog(QDialog):
    """Preview a clipboard clip and fill in its source."""

    def __init__(self, text: str, fmt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clipDialog")
        self.setWindowTitle("Clip from clipboard")
        self.text = text
        self.fmt = fmt
        self.preview = SafeBrowser(self)
        self.preview.setAccessibleName("Preview")
        self.notice = QLabel(self)
        self.notice.setObjectName("citation")
        self.notice.setWordWrap(True)
        self.split = QCheckBox("Split into passages by &paragraph", self)
        self.title = QLineEdit(self)
        self.title.setAccessibleName("Passage title")
        self.src_title = QLineEdit(self)
        self.src_title.setAccessibleName("Source title")
        self.url = QLineEdit(self)
        self.url.setAccessibleName("Source URL")
        self.publisher = QLineEdit(self)
        self.publisher.setAccessibleName("Publisher")
        self.author = QLineEdit(self)
        self.author.setAccessibleName("Author")
        self.published = QLineEdit(self)
        self.published.setAccessibleName("Published")
        self.published.setPlaceholderText("YYYY, YYYY-MM or YYYY-MM-DD")
        self.tags = QLineEdit(self)
        self.tags.setAccessibleName("Tags")
        self.tags.setPlaceholderText("place/wakhan, actor/china")
        self.rel = reliability_combo(self, None)
        self.cred = credibility_combo(self, None)
        form = QFormLayout()
        form.addRow("Passage &title:", self.title)
        form.addRow("&Source:", self.src_title)
        form.addRow("&URL:", self.url)
        form.addRow("P&ublisher:", self.publisher)
        form.addRow("&Author:", self.author)
        form.addRow("Pu&blished:", self.published)
        form.addRow("Ta&gs:", self.tags)
        form.addRow("&Reliability:", self.rel)
        form.addRow("&Credibility:", self.cred)
        form.addRow("", self.split)
        buttons = ok_cancel(self, "Clip")
        left = QVBoxLayout()
        left.addWidget(QLabel("Preview", self))
        left.addWidget(self.preview, 1)
        left.addWidget(self.notice)
        row = QHBoxLayout()
        row.addLayout(left, 3)
        row.addLayout(form, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(row, 1)
        lay.addWidget(buttons)
        self.resize(980, 600)
        self.split.toggled.connect(lambda _on: self._update_preview())
        self._prefill()

    def _prefill(self) -> None:
        from desk.core.clipping import clip_text

        try:
            doc = clip_text(self.text, fmt=self.fmt, split="none")
        except Exception:
            return
        src = doc.source
        self.src_title.setText(src.title if src.title and src.title != "Untitled" else "")
        self.url.setText(src.url or "")
        self.publisher.setText(src.publisher or "")
        self.author.setText(src.author or "")
        self.published.setText(src.published or "")
        if doc.passages:
            self.title.setText(doc.passages[0].title or "")
        self._update_preview()

    def _update_preview(self) -> None:
        from desk.core.clipping import clip_text
        from desk.core.render import render_passage_html

        split = "paragraphs" if self.split.isChecked() else "none"
        try:
            doc = clip_text(self.text, fmt=self.fmt, split=split)
        except Exception as exc:
            self.preview.set_body_html("")
            self.notice.setText(str(getattr(exc, "message", exc)))
            return
        parts = [render_passage_html(p.body) for p in doc.passages[:50]]
        self.preview.set_body_html("<hr/>".join(parts))
        n = len(doc.passages)
        self.notice.setText(" · ".join([count_of(n, "passage"), *doc.notices]))

    def request(self) -> ClipRequest:
        def opt(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        published = opt(self.published)
        if published:
            from desk.core.dates import parse_partial_date

            published = parse_partial_date(published)
        source = SourceDraft(
            title=opt(self.src_title) or opt(self.title) or "Clip",
            url=opt(self.url),
            publisher=opt(self.publisher),
            author=opt(self.author),
            published=published,
            reliability=self.rel.currentData(),
        )
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        return ClipRequest(
            text=self.text,
            fmt=self.fmt,
            split="paragraphs" if self.split.isChecked() else "none",
            title=opt(self.title),
            source=source,
            tags=tags,
            credibility=self.cred.currentData(),
        )
