""" "Add entity or alias from selection": make selected text a new entity or an alias.

The reader hands over the selected words; the analyst picks "New entity"
(name and kind) or "Alias of" an existing entity (a searchable combo box).
The dialog calls ``Library.add_entity`` or ``Library.add_alias``; either
re-scans the passages, so the new spelling is found everywhere at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desk.core.analysis.gazetteer import ENTITY_KINDS
from desk.core.errors import UserError
from desk.ui.widgets import ok_cancel


class EntityDialog(QDialog):
    """New entity, or alias of an existing one, from the selected text.

    Args:
        library: the open ``Library``.
        selected_text: the words selected in the reader.

    Attributes:
        result_key: the key of the created or extended entity once accepted.
    """

    def __init__(self, library: Any, selected_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entityDialog")
        self.setWindowTitle("Add entity or alias")
        self._library = library
        self.result_key: str | None = None
        text = " ".join(selected_text.split())

        self.new_radio = QRadioButton("&New entity", self)
        self.alias_radio = QRadioButton("&Alias of an existing entity", self)
        group = QButtonGroup(self)
        group.addButton(self.new_radio)
        group.addButton(self.alias_radio)

        self.name = QLineEdit(text, self)
        self.name.setObjectName("entityName")
        self.kind = QComboBox(self)
        self.kind.setObjectName("entityKind")
        self.kind.addItems(list(ENTITY_KINDS))

        self.alias = QLineEdit(text, self)
        self.alias.setObjectName("entityAlias")
        self.target = QComboBox(self)
        self.target.setObjectName("entityTarget")
        self.target.setEditable(True)
        self.target.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target.setMinimumContentsLength(36)
        self._spellings: list[list[str]] = []
        for e in sorted(library.entities(), key=lambda e: e.name.casefold()):
            label = f"{e.name} ({e.kind})"
            if e.aliases:
                label += " — " + ", ".join(e.aliases[:4])
            self.target.addItem(label, e.key)
            self._spellings.append([s.casefold() for s in (e.name, *e.aliases)])
        completer = QCompleter(self.target.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.target.setCompleter(completer)
        self.target.setCurrentIndex(-1)
        self.target.lineEdit().setPlaceholderText("Type to find an entity…")

        self.error = QLabel(self)
        self.error.setObjectName("entityError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.hide()

        new_form = QFormLayout()
        new_form.addRow("&Name:", self.name)
        new_form.addRow("&Kind:", self.kind)
        alias_form = QFormLayout()
        alias_form.addRow("Spe&lling:", self.alias)
        alias_form.addRow("&Entity:", self.target)

        self._task: Any = None
        self.buttons = buttons = ok_cancel(self)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Selected: “{text}”", self))
        layout.addWidget(self.new_radio)
        layout.addLayout(new_form)
        layout.addWidget(self.alias_radio)
        layout.addLayout(alias_form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.new_radio.toggled.connect(self._on_mode_toggled)
        # Preselect "alias" when the words are close to a known entity's name.
        guess = self._guess(text)
        if guess >= 0:
            self.target.setCurrentIndex(guess)
            self.target.lineEdit().setCursorPosition(0)
            self.alias_radio.setChecked(True)
        else:
            self.new_radio.setChecked(True)
        self._on_mode_toggled(self.new_radio.isChecked())

    def _guess(self, text: str) -> int:
        low = text.casefold()
        if len(low) < 4:
            return -1
        # An exact spelling first, then one containing the words (or inside them).
        for i, spellings in enumerate(self._spellings):
            if low in spellings:
                return i
        for i, spellings in enumerate(self._spellings):
            if any(len(s) >= 4 and (low in s or s in low) for s in spellings):
                return i
        return -1

    @Slot(bool)
    def _on_mode_toggled(self, new: bool) -> None:
        self.name.setEnabled(new)
        self.kind.setEnabled(new)
        self.alias.setEnabled(not new)
        self.target.setEnabled(not new)
        (self.name if new else self.alias).setFocus()

    def _target_key(self) -> str | None:
        typed = self.target.currentText().strip()
        index = self.target.findText(typed, Qt.MatchFlag.MatchExactly)
        if index < 0 and typed:
            index = self.target.findText(typed, Qt.MatchFlag.MatchStartsWith)
        if index < 0:
            index = self.target.currentIndex() if not typed else -1
        return self.target.itemData(index) if index >= 0 else None

    def accept(self) -> None:
        """Create the entity or the alias off the GUI thread (the re-scan reads every passage)."""
        from desk.ui.tasks import run_in_background

        library = self._library
        if self.new_radio.isChecked():
            name, kind = self.name.text(), self.kind.currentText()

            def work() -> str:
                return str(library.add_entity(name, kind, initiator=self))

        else:
            key = self._target_key()
            if key is None:
                self._show_error("Pick the entity this spelling belongs to.")
                return
            alias = self.alias.text()

            def work() -> str:
                library.add_alias(key, alias, initiator=self)
                return key

        self._set_busy(True)
        self._task = run_in_background(work, self._on_work_done, self._on_work_failed)

    def is_busy(self) -> bool:
        return self._task is not None

    def _set_busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        self.error.setText("Adding and re-scanning the passages…" if busy else "")
        self.error.setVisible(busy)

    def _on_work_done(self, key: str) -> None:
        self._task = None
        self._set_busy(False)
        self.result_key = key
        super().accept()

    def _on_work_failed(self, exc: BaseException) -> None:
        self._task = None
        self._set_busy(False)
        if isinstance(exc, UserError):
            self._show_error(exc.message)
            return
        from desk.ui.feedback import show_exception

        show_exception(exc)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def reject(self) -> None:
        if self._task is None:  # not while the change is being made
            super().reject()
