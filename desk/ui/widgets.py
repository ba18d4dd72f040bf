"""Small shared widgets: a flow layout, chips and grade badges."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from desk.ui import theme


class FlowLayout(QLayout):
    """Lays widgets left to right and wraps (chips)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), test=True)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, test=False)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def clear(self) -> None:
        while self._items:
            item = self._items.pop()
            w = item.widget()
            if w is not None:
                w.hide()
                w.deleteLater()

    def _do_layout(self, rect: QRect, *, test: bool) -> int:
        x, y, line_h = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            nx = x + hint.width() + self._spacing
            if nx - self._spacing > rect.right() and line_h > 0:
                x = rect.x()
                y += line_h + self._spacing
                nx = x + hint.width() + self._spacing
                line_h = 0
            if not test:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x = nx
            line_h = max(line_h, hint.height())
        return y + line_h - rect.y()


class Chip(QToolButton):
    """A small rounded label-button; ``removable`` adds a × and emits ``remove_requested``.

    Signals:
        remove_requested(str): the chip's value, when clicked or Delete/Backspace pressed.
        picked(str): the chip's value, when clicked (not removable).
    """

    remove_requested = Signal(str)
    picked = Signal(str)

    def __init__(self, text: str, value: str, *, removable: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.value = value
        self.removable = removable
        self.setObjectName("chip")
        self.setText(f"{text}  ×" if removable else text)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(f"Remove tag {text}" if removable else text)
        self.clicked.connect(self._on_clicked)

    def _on_clicked(self) -> None:
        if self.removable:
            self.remove_requested.emit(self.value)
        else:
            self.picked.emit(self.value)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.removable and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_requested.emit(self.value)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)


def badge_size(text: str, font: QFont) -> QSize:
    fm = QFontMetrics(font)
    return QSize(fm.horizontalAdvance(text) + 10, fm.height() + 2)


def paint_badge(painter: QPainter, rect: QRectF, grade: str | None, font: QFont) -> None:
    """A grade like ``B2`` in a rounded rectangle coloured by reliability."""
    text = grade or "—"
    bg, fg, border = theme.grade_colors(grade)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(border))
    painter.setBrush(QColor(bg) if bg != "transparent" else Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
    painter.setPen(QColor(fg))
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


_badge_icons: dict[tuple[str | None, str, bool], QIcon] = {}


def badge_icon(grade: str | None, font: QFont) -> QIcon:
    """The badge as an icon (for the browse tree; one per grade, font and palette)."""
    key = (grade, font.key(), theme.current().dark)
    icon = _badge_icons.get(key)
    if icon is None:
        icon = _badge_icons[key] = _make_badge_icon(grade, font)
    return icon


def _make_badge_icon(grade: str | None, font: QFont) -> QIcon:
    f = QFont(font)
    f.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    f.setBold(True)
    size = badge_size(grade or "—", f)
    size.setWidth(max(size.width(), size.height() + 4))
    pix = QPixmap(size * 2)
    pix.setDevicePixelRatio(2)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    paint_badge(p, QRectF(0, 0, size.width(), size.height()), grade, f)
    p.end()
    return QIcon(pix)


def badge_style(grade: str | None) -> str:
    """A style sheet for a QLabel showing a grade badge."""
    bg, fg, border = theme.grade_colors(grade)
    return (
        f"QLabel {{ background: {bg}; color: {fg}; border: 1px solid {border};"
        " border-radius: 4px; padding: 1px 6px; font-weight: 600; }"
    )


def ok_cancel(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    """The dialog's OK/Cancel row, wired to accept/reject; OK may be renamed ("Clip")."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    if ok_text:
        box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box
