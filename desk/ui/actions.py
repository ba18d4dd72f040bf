"""Every user action, declared once: the menus, the command palette, the F1
help and the tests are generated from :data:`REGISTRY`.

A spec names its handler (a method of the main window), its shortcuts, the
menu it lives in, where its shortcut works (``scope``) and when it is
enabled (``when``). Single-letter shortcuts have scope ``"list"`` or
``"reader"``: they fire only while the notes list or the passage text has
focus, never in a text field.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

if TYPE_CHECKING:
    from desk.ui.mainwindow import MainWindow


class ActionId(enum.Enum):
    """Stable names of every action."""

    CLIP_CLIPBOARD = "clip_clipboard"
    NEW_NOTE = "new_note"
    IMPORT_FILES = "import_files"
    EXPORT_SELECTION = "export_selection"
    EXPORT_LIBRARY = "export_library"
    IMPORT_MARKDOWN = "import_markdown"
    COPY_MARKDOWN = "copy_markdown"
    REINDEX = "reindex"
    QUIT = "quit"
    UNDO = "undo"
    REDO = "redo"
    TRASH = "trash"
    RESTORE = "restore"
    EDIT_TITLE = "edit_title"
    TAG = "tag"
    ANNOTATE = "annotate"
    LINK = "link"
    GRADE = "grade"
    FOCUS_SEARCH = "focus_search"
    FOCUS_SEARCH_SLASH = "focus_search_slash"
    SAVE_SEARCH = "save_search"
    BACK_TO_LIST = "back_to_list"
    NEXT = "next"
    PREVIOUS = "previous"
    READ = "read"
    GO_TO_NOTE = "go_to_note"
    COMMAND_PALETTE = "command_palette"
    HISTORY_BACK = "history_back"
    HISTORY_FORWARD = "history_forward"
    FOCUS_BROWSE = "focus_browse"
    FOCUS_LIST = "focus_list"
    FOCUS_READER = "focus_reader"
    SORT_RELEVANCE = "sort_relevance"
    SORT_NEWEST = "sort_newest"
    SORT_SOURCE = "sort_source"
    SHOW_ALL = "show_all"
    TIMELINE = "timeline"
    LINK_GRAPH = "link_graph"
    MARK_ENTITY = "mark_entity"
    HELP = "help"


@dataclass(frozen=True)
class ActionSpec:
    """One action.

    Attributes:
        id: its stable name.
        label: menu and palette text.
        shortcuts: key sequences (strings or ``QKeySequence.StandardKey``).
        help: one sentence for F1 help and the palette.
        handler: name of the ``MainWindow`` method that runs it.
        menu: the menu it appears in ("" = palette only).
        scope: "window" (anywhere in the window), "list" (notes list has focus),
            "reader" (list or passage text has focus).
        when: enabling condition: None, "writable", "passage", "selection",
            "undo", "redo", "export".
    """

    id: ActionId
    label: str
    shortcuts: tuple[str | QKeySequence.StandardKey, ...]
    help: str
    handler: str
    menu: str
    scope: str = "window"
    when: str | None = None


A = ActionId
REGISTRY: tuple[ActionSpec, ...] = (
    # File
    ActionSpec(A.CLIP_CLIPBOARD, "Clip from clipboard…", ("Ctrl+Shift+V",), "Clip the text or HTML on the clipboard as a new passage.", "clip_clipboard", "File", when="writable"),
    ActionSpec(A.NEW_NOTE, "New note", ("Ctrl+N",), "Create an empty note of your own and edit its title.", "new_note", "File", when="writable"),
    ActionSpec(A.IMPORT_FILES, "Import files…", ("Ctrl+I",), "Import .txt, .md and .html files, optionally split into passages by paragraph.", "import_files", "File", when="writable"),
    ActionSpec(A.EXPORT_SELECTION, "Export selection as Markdown…", ("Ctrl+E",), "Write the selected passages as Markdown notes into a folder.", "export_selection", "File", when="has_selection"),
    ActionSpec(A.EXPORT_LIBRARY, "Export library as Markdown…", ("Ctrl+Shift+E",), "Write the whole library as a Markdown vault into a folder.", "export_library", "File", when="export"),
    ActionSpec(A.IMPORT_MARKDOWN, "Import Markdown folder…", (), "Import a Desk export, an Obsidian vault or a Joplin export.", "import_markdown", "File", when="writable"),
    ActionSpec(A.REINDEX, "Rebuild search index", (), "Rebuild the full-text index from the database (in the background).", "reindex", "File", when="writable"),
    ActionSpec(A.QUIT, "Quit", (QKeySequence.StandardKey.Quit,), "Close Desk; everything is already saved.", "close", "File"),
    # Edit
    ActionSpec(A.UNDO, "Undo", ("Ctrl+Z",), "Undo the last change to the library.", "undo", "Edit", when="undo"),
    ActionSpec(A.REDO, "Redo", ("Ctrl+Shift+Z",), "Redo the change you undid.", "redo", "Edit", when="redo"),
    ActionSpec(A.TRASH, "Move to trash", ("Del",), "Move the selected passages to the trash (undoable).", "trash_selection", "Edit", scope="list", when="selection"),
    ActionSpec(A.RESTORE, "Restore from trash", ("Shift+Del",), "Take the selected passages out of the trash.", "restore_selection", "Edit", scope="list", when="selection"),
    ActionSpec(A.COPY_MARKDOWN, "Copy as Markdown", ("Ctrl+Shift+C",), "Copy the selected passages as Markdown quotes with citations.", "copy_markdown", "Edit", when="has_selection"),
    # Note
    ActionSpec(A.EDIT_TITLE, "Edit title", ("F2",), "Edit the title of the passage in the reader.", "edit_title", "Note", when="passage"),
    ActionSpec(A.TAG, "Tags…", ("T",), "Focus the tag editor of the open passage.", "focus_tags", "Note", scope="reader", when="passage"),
    ActionSpec(A.ANNOTATE, "Annotate", ("A",), "Focus the annotation editor of the open passage.", "focus_annotation", "Note", scope="reader", when="passage"),
    ActionSpec(A.LINK, "Link to…", ("L",), "Link the open passage to another one (relates, supports, contradicts, same-event).", "link_to", "Note", scope="reader", when="passage"),
    ActionSpec(A.GRADE, "Grade…", ("G",), "Grade the source's reliability (A–F) and the information's credibility (1–6).", "grade", "Note", scope="reader", when="passage"),
    # Search
    ActionSpec(A.FOCUS_SEARCH, "Search", ("Ctrl+K", QKeySequence.StandardKey.Find), "Focus the search box.", "focus_search", "Search"),
    ActionSpec(A.FOCUS_SEARCH_SLASH, "Search (slash)", ("/",), "Focus the search box.", "focus_search", "", scope="reader"),
    ActionSpec(A.SAVE_SEARCH, "Save search…", ("Ctrl+S",), "Save the current query and browse filter as a saved search.", "save_search", "Search", when="writable"),
    ActionSpec(A.SHOW_ALL, "Show everything", ("Ctrl+Shift+A",), "Clear the search and the browse filter.", "show_all", "Search"),
    ActionSpec(A.SORT_RELEVANCE, "Sort by relevance", ("Ctrl+1",), "Best matches first.", "sort_relevance", "Search"),
    ActionSpec(A.SORT_NEWEST, "Sort by date", ("Ctrl+2",), "Newest clipped first.", "sort_newest", "Search"),
    ActionSpec(A.SORT_SOURCE, "Sort by source", ("Ctrl+3",), "Grouped by source title.", "sort_source", "Search"),
    # Go
    ActionSpec(A.BACK_TO_LIST, "Back to the list", ("Esc",), "Return focus to the notes list.", "focus_list", "Go"),
    ActionSpec(A.NEXT, "Next passage", ("J",), "Move to the next passage in the list.", "move_next", "Go", scope="reader"),
    ActionSpec(A.PREVIOUS, "Previous passage", ("K",), "Move to the previous passage in the list.", "move_previous", "Go", scope="reader"),
    ActionSpec(A.READ, "Read", ("Return", "Enter"), "Open the current passage and move focus to the reader.", "read_current", "Go", scope="list"),
    ActionSpec(A.GO_TO_NOTE, "Go to note…", ("Ctrl+P",), "Jump to a passage by its title.", "quick_switcher", "Go"),
    ActionSpec(A.HISTORY_BACK, "Back", ("Alt+Left",), "Go back to the passage you read before.", "history_back", "Go"),
    ActionSpec(A.HISTORY_FORWARD, "Forward", ("Alt+Right",), "Go forward again in the reading history.", "history_forward", "Go"),
    ActionSpec(A.FOCUS_BROWSE, "Focus browse pane", ("Alt+1",), "Move focus to the browse pane.", "focus_browse", "Go"),
    ActionSpec(A.FOCUS_LIST, "Focus notes list", ("Alt+2",), "Move focus to the notes list.", "focus_list", "Go"),
    ActionSpec(A.FOCUS_READER, "Focus reader", ("Alt+3",), "Move focus to the passage text.", "focus_reader", "Go"),
    ActionSpec(A.COMMAND_PALETTE, "Command palette…", ("Ctrl+Shift+P",), "Find and run any command by name.", "command_palette", "Go"),
    # View
    ActionSpec(A.TIMELINE, "Timeline", ("Ctrl+Shift+T",), "Show the dates the passages in the list mention, on a timeline.", "open_timeline", "View"),
    ActionSpec(A.LINK_GRAPH, "Link graph", ("Ctrl+Shift+G",), "Show the links around the open passage (or all) as a graph.", "open_graph", "View"),
    ActionSpec(A.MARK_ENTITY, "Mark selection as entity…", ("Ctrl+Shift+M",), "Make the text selected in the passage a new entity, or an alias of one.", "mark_entity", "Note", when="passage_writable"),
    # Help
    ActionSpec(A.HELP, "Keyboard shortcuts", ("F1",), "Show every command and its shortcut.", "show_help", "Help"),
)  # fmt: skip

MENUS = ("File", "Edit", "Note", "Search", "Go", "View", "Help")
BY_ID = {spec.id: spec for spec in REGISTRY}


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for sc in spec.shortcuts:
        if isinstance(sc, QKeySequence.StandardKey):
            out.extend(QKeySequence.keyBindings(sc))
        else:
            out.append(QKeySequence(sc))
    return [s for s in out if not s.isEmpty()]


def shortcut_text(spec: ActionSpec) -> str:
    """The shortcuts as the user reads them: ``Ctrl+K, Ctrl+F``."""
    seen: list[str] = []
    for seq in key_sequences(spec):
        text = seq.toString(QKeySequence.SequenceFormat.NativeText)
        if text not in seen:
            seen.append(text)
    return ", ".join(seen)


class ActionSet:
    """The QActions of one window, built from the registry."""

    def __init__(
        self,
        window: MainWindow,
        scope_widgets: dict[str, list[QWidget]],
        available: Callable[[ActionSpec], bool] = lambda spec: True,
    ) -> None:
        self.window = window
        self.actions: dict[ActionId, QAction] = {}
        self.specs: list[ActionSpec] = []
        for spec in REGISTRY:
            if not available(spec):
                continue
            self.specs.append(spec)
            action = QAction(spec.label, window)
            action.setObjectName(f"action_{spec.id.value}")
            action.setShortcuts(key_sequences(spec))
            action.setToolTip(spec.help)
            action.setStatusTip(spec.help)
            handler = getattr(window, spec.handler)
            action.triggered.connect(lambda _checked=False, h=handler: h())
            if spec.scope == "window":
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                window.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                for w in scope_widgets.get(spec.scope, []):
                    w.addAction(action)
            self.actions[spec.id] = action

    def __getitem__(self, key: ActionId) -> QAction:
        return self.actions[key]

    def trigger(self, key: ActionId) -> None:
        action = self.actions[key]
        if action.isEnabled():
            action.trigger()

    def build_menus(self, bar: QMenuBar) -> dict[str, QMenu]:
        menus: dict[str, QMenu] = {}
        for name in MENUS:
            menus[name] = bar.addMenu(f"&{name}")
        for spec in self.specs:
            if spec.menu:
                menus[spec.menu].addAction(self.actions[spec.id])
        return menus

    def update_enabled(self, conditions: dict[str, bool]) -> None:
        """Enable each action whose ``when`` holds."""
        for spec in self.specs:
            if spec.when is not None:
                self.actions[spec.id].setEnabled(bool(conditions.get(spec.when, False)))

    def enabled_specs(self) -> list[ActionSpec]:
        return [s for s in self.specs if self.actions[s.id].isEnabled()]
