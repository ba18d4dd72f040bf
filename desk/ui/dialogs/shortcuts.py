"""F1: every command and its shortcut, generated from the registry."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desk.ui.actions import MENUS, ActionSpec, shortcut_text


def help_html(specs: list[ActionSpec]) -> str:
    """The shortcut reference as an HTML table, grouped by menu."""
    out = ["<h2>Keyboard shortcuts</h2>"]
    groups = [*MENUS, ""]
    for menu in groups:
        rows = [s for s in specs if s.menu == menu and shortcut_text(s)]
        if not rows:
            continue
        out.append(f"<h3>{html.escape(menu or 'More')}</h3><table cellpadding='4'>")
        for s in rows:
            out.append(
                f"<tr><td width='170'><b>{html.escape(shortcut_text(s))}</b></td>"
                f"<td>{html.escape(s.label.rstrip('…'))}</td>"
                f"<td style='color:gray'>{html.escape(s.help)}</td></tr>"
            )
        out.append("</table>")
    out.append(
        "<p style='color:gray'>Single letters (T, A, L, G, J, K, /) work while the notes list "
        "or the passage text has focus, not while you type in a field.</p>"
    )
    return "".join(out)


class ShortcutsDialog(QDialog):
    """A read-only page of every shortcut."""

    def __init__(self, specs: list[ActionSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Desk — keyboard shortcuts")
        view = QTextBrowser(self)
        view.setOpenLinks(False)
        view.setAccessibleName("Shortcut reference")
        view.setHtml(help_html(specs))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(view)
        lay.addWidget(buttons)
        self.resize(760, 620)
