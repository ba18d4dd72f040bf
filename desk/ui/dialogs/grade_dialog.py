"""Grade a passage: source reliability A–F and information credibility 1–6,
each choice shown with its official meaning."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desk.core.analysis.grading import CREDIBILITY, RELIABILITY


def reliability_combo(
    parent: QWidget | None, current: str | None, *, allow_none: bool = True
) -> QComboBox:
    box = QComboBox(parent)
    box.setAccessibleName("Source reliability")
    if allow_none:
        box.addItem("Not graded", None)
    for grade, (label, meaning) in RELIABILITY.items():
        box.addItem(f"{grade} — {label}", grade)
        box.setItemData(box.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
    i = box.findData(current)
    box.setCurrentIndex(max(0, i))
    return box


def credibility_combo(
    parent: QWidget | None, current: int | None, *, allow_none: bool = True
) -> QComboBox:
    box = QComboBox(parent)
    box.setAccessibleName("Information credibility")
    if allow_none:
        box.addItem("Not graded", None)
    for grade, (label, meaning) in CREDIBILITY.items():
        box.addItem(f"{grade} — {label}", grade)
        box.setItemData(box.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
    i = box.findData(current)
    box.setCurrentIndex(max(0, i))
    return box


class GradeDialog(QDialog):
    """Pick both grades; the meaning of each choice is shown under it."""

    def __init__(
        self,
        reliability: str | None,
        credibility: int | None,
        *,
        has_source: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("gradeDialog")
        self.setWindowTitle("Grade passage")
        self.rel = reliability_combo(self, reliability)
        self.rel.setEnabled(has_source)
        self.cred = credibility_combo(self, credibility)
        self.rel_meaning = QLabel(self)
        self.cred_meaning = QLabel(self)
        for label in (self.rel_meaning, self.cred_meaning):
            label.setWordWrap(True)
            label.setObjectName("citation")
        self.rel.currentIndexChanged.connect(self._on_changed)
        self.cred.currentIndexChanged.connect(self._on_changed)
        form = QFormLayout()
        form.addRow("Source &reliability (A–F):", self.rel)
        form.addRow("", self.rel_meaning)
        form.addRow("Information &credibility (1–6):", self.cred)
        form.addRow("", self.cred_meaning)
        if not has_source:
            form.addRow("", QLabel("This note has no source, so only credibility applies."))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.resize(560, 260)
        self._on_changed()

    def _on_changed(self) -> None:
        rel = self.rel.currentData()
        cred = self.cred.currentData()
        self.rel_meaning.setText(
            RELIABILITY[rel][1] if rel in RELIABILITY else "The source has no reliability grade."
        )
        self.cred_meaning.setText(
            CREDIBILITY[cred][1]
            if cred in CREDIBILITY
            else "The information has no credibility grade."
        )

    def values(self) -> tuple[str | None, int | None]:
        return self.rel.currentData(), self.cred.currentData()
