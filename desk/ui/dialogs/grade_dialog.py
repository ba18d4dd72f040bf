"""Grade a passage: source reliability A–F and information credibility 1–6,
each choice shown with its official meaning."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desk.core.analysis.grading import CREDIBILITY, RELIABILITY
from desk.ui.widgets import ok_cancel


def _grade_combo(
    parent: QWidget | None,
    name: str,
    grades: Mapping[Any, tuple[str, str]],
    current: object,
    allow_none: bool,
) -> QComboBox:
    """A combo of Admiralty grades, each with its official meaning as tooltip."""
    box = QComboBox(parent)
    box.setAccessibleName(name)
    if allow_none:
        box.addItem("Not graded", None)
    for grade, (label, meaning) in grades.items():
        box.addItem(f"{grade} — {label}", grade)
        box.setItemData(box.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def reliability_combo(
    parent: QWidget | None, current: str | None, *, allow_none: bool = True
) -> QComboBox:
    return _grade_combo(parent, "Source reliability", RELIABILITY, current, allow_none)


def credibility_combo(
    parent: QWidget | None, current: int | None, *, allow_none: bool = True
) -> QComboBox:
    return _grade_combo(parent, "Information credibility", CREDIBILITY, current, allow_none)


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
        buttons = ok_cancel(self)
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
