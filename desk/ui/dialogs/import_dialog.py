"""Import files: the list of files, split by paragraph, tags and credibility."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from desk.core.text import count_of
from desk.ui.dialogs.grade_dialog import credibility_combo
from desk.ui.widgets import ok_cancel

IMPORTABLE = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml")


def importable(paths: list[Path]) -> list[Path]:
    """The files among ``paths`` Desk can import (by extension)."""
    return [p for p in paths if p.is_file() and p.suffix.lower() in IMPORTABLE]


class ImportDialog(QDialog):
    """Confirm an import of files."""

    def __init__(self, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import files")
        self.paths = paths
        files = QListWidget(self)
        files.setAccessibleName("Files to import")
        for p in paths:
            files.addItem(str(p))
        self.split = QCheckBox("Split into passages by &paragraph", self)
        self.split.setChecked(True)
        self.tags = QLineEdit(self)
        self.tags.setAccessibleName("Tags for every passage")
        self.tags.setPlaceholderText("place/wakhan, actor/china")
        self.cred = credibility_combo(self, None)
        form = QFormLayout()
        form.addRow("", self.split)
        form.addRow("Ta&gs:", self.tags)
        form.addRow("&Credibility:", self.cred)
        buttons = ok_cancel(self, "Import")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"{count_of(len(paths), 'file')}:", self))
        lay.addWidget(files, 1)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.resize(620, 420)

    def options(self) -> dict[str, object]:
        return {
            "split": "paragraphs" if self.split.isChecked() else "none",
            "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
            "credibility": self.cred.currentData(),
        }
