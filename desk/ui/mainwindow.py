"""The main window: browse | list | read & annotate, driven from the keyboard.

Handlers here are thin: gather the selection, call one ``Library`` method,
report. Views refresh from the ``Changes`` the library announces (through
``desk.ui.bridge``), not from the handler.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QProgressDialog,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.core.changes import Changes
from desk.core.text import count_of
from desk.library import Library
from desk.paths import assets_dir
from desk.ui import feedback
from desk.ui.actions import ActionId, ActionSet, ActionSpec
from desk.ui.bridge import ChangeBridge
from desk.ui.models.browse_tree import ALL, Pick
from desk.ui.panes.browse import BrowsePane, parts_for
from desk.ui.panes.notelist import NoteListPane
from desk.ui.panes.reader import ReaderPane
from desk.ui.state import WindowState
from desk.ui.tasks import Task, run_in_background

log = logging.getLogger(__name__)

# The reader follows the list's current row once moving pauses: rendering a
# passage takes tens of milliseconds on the UI thread, too much for every row
# a held-down arrow key passes, or for every result while the query is typed.
PREVIEW_MS = 60
PREVIEW_WHILE_TYPING_MS = 300


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    """A one-line question (tests replace it)."""
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def ask_folder(parent: QWidget, title: str) -> str | None:
    """A folder picker (tests replace it)."""
    return QFileDialog.getExistingDirectory(parent, title) or None


def app_icon() -> QIcon:
    path = assets_dir() / "desk.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


class MainWindow(QMainWindow):
    """Three panes over one open ``Library``.

    Args:
        library: the open library (the window closes it when it closes).
        persist: save geometry, splitters and the last query on close.
    """

    def __init__(self, library: Library, *, persist: bool = True) -> None:
        super().__init__()
        self.library = library
        self.persist = persist
        self.state = WindowState()
        self.history: list[str] = []
        self.history_pos = -1
        self._navigating = False
        self._tasks: list[Task] = []
        self._preview_seq = 0
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.timeout.connect(self._preview_current)
        self.setObjectName("mainWindow")
        self.setAccessibleName("Desk")
        self.setWindowIcon(app_icon())
        name = library.root.name or str(library.root)
        self.setWindowTitle(f"Desk — {name}" + (" (read-only)" if library.readonly else ""))
        self.setAcceptDrops(True)

        s = self.state
        self.browse = BrowsePane(library, self, recent_days=s.setting("library/recent_days"))
        self.notes = NoteListPane(
            library,
            self,
            debounce_ms=s.setting("search/debounce_ms"),
            page_size=s.setting("search/page_size"),
            max_hits=s.setting("search/max_hits"),
        )
        self.reader = ReaderPane(library, self, autosave_ms=s.setting("annotation/autosave_ms"))

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.browse)
        self.splitter.addWidget(self.notes)
        self.splitter.addWidget(self.reader)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([230, 470, 700])
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 2)

        self.banner = QLabel(self)
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setAccessibleName("Read-only notice")
        self.banner.setText(
            "Read-only: this library is open in another Desk (or cannot be written). "
            "You can search and read; changes are turned off."
        )
        self.banner.setWordWrap(True)
        self.banner.setVisible(library.readonly)

        central = QWidget(self)
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.banner)
        lay.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.mode_label = QLabel("read-only" if library.readonly else "", self)
        self.mode_label.setObjectName("modeLabel")
        self.statusBar().addPermanentWidget(self.mode_label)
        feedback.set_status_bar(self.statusBar())

        scopes = {
            "list": [self.notes.view],
            "reader": [self.notes.view, self.reader.body],
        }
        self.actions_ = ActionSet(self, scopes, available=self._available)
        self.menus = self.actions_.build_menus(self.menuBar())

        self.bridge = ChangeBridge(library.events, self)
        self.bridge.changed.connect(self._on_library_changed)
        self.browse.picked.connect(self._on_browse_picked)
        self.notes.current_changed.connect(self._on_list_current_changed)
        self.notes.activated.connect(self._on_list_activated)
        self.notes.status.connect(self._on_status)
        self.notes.search_box.textChanged.connect(self._preview_timer.stop)
        self.notes.searched.connect(lambda _r: self.update_actions())
        self.reader.navigate.connect(self.open_passage)
        self.reader.entity_picked.connect(self._on_entity_picked)
        self.reader.status.connect(self._on_status)

        self.setTabOrder(self.browse, self.notes.search_box)
        self.setTabOrder(self.notes.search_box, self.notes.view)
        self.setTabOrder(self.notes.view, self.reader.body)

        self.restore_state()
        self.browse.loaded.connect(self.reader.set_tag_paths)
        self.browse.yield_to = self.notes.is_busy
        # The list first, alone: it is what the user looks at. The tree's counts
        # follow once the first hits are on screen (they share the library lock).
        self._tree_loaded = False
        self.notes.searched.connect(self._on_first_results)
        self.notes.search_now()
        for notice in library.notices:
            feedback.show_status(notice, 10000)
        self.update_actions()

    # -- registry glue ------------------------------------------------------------
    def _available(self, spec: ActionSpec) -> bool:
        if spec.id in (ActionId.EXPORT_SELECTION, ActionId.EXPORT_LIBRARY):
            return hasattr(self.library, "export_markdown")
        if spec.id is ActionId.IMPORT_MARKDOWN:
            return hasattr(self.library, "import_markdown")
        if spec.id is ActionId.COPY_MARKDOWN:
            return hasattr(self.library, "markdown_for_clipboard")
        return True

    def update_actions(self) -> None:
        """Enable actions from the current state; label Undo/Redo from the core."""
        writable = not self.library.readonly
        undo, redo = self.library.undo_status()
        has_row = bool(self.notes.current_id())
        self.actions_.update_enabled(
            {
                "writable": writable,
                "passage": self.reader.passage is not None,
                "passage_writable": writable and self.reader.passage is not None,
                "selection": writable and has_row,
                "undo": writable and bool(undo),
                "redo": writable and bool(redo),
                "export": True,
                "has_selection": has_row,
            }
        )
        self.actions_[ActionId.UNDO].setText(f"Undo {undo}" if undo else "Undo")
        self.actions_[ActionId.REDO].setText(f"Redo {redo}" if redo else "Redo")

    def run_action(self, action_id: ActionId) -> None:
        self.actions_.trigger(action_id)

    # -- state -----------------------------------------------------------------------
    def restore_state(self) -> None:
        geo = self.state.bytes("geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(1400, 860)
        sizes = self.state.sizes("splitter")
        if sizes and len(sizes) == 3 and all(s > 0 for s in sizes):
            self.splitter.setSizes(sizes)
        rsizes = self.state.sizes("reader_splitter")
        if rsizes and len(rsizes) == 2 and all(s > 0 for s in rsizes):
            self.reader.split.setSizes(rsizes)
        sort = self.state.text("sort", "relevance")
        i = self.notes.sort_box.findData(sort)
        if i >= 0:
            self.notes.sort_box.blockSignals(True)
            self.notes.sort_box.setCurrentIndex(i)
            self.notes.sort = sort
            self.notes.sort_box.blockSignals(False)
        self.notes.search_box.blockSignals(True)
        self.notes.search_box.setText(self.state.text("last_query", ""))
        self.notes.search_box.blockSignals(False)

    def save_state(self) -> None:
        if not self.persist:
            return
        s = self.state
        s.set_bytes("geometry", QByteArray(self.saveGeometry()))
        s.set_sizes("splitter", self.splitter.sizes())
        s.set_sizes("reader_splitter", self.reader.split.sizes())
        s.set_text("sort", self.notes.sort)
        s.set_text("last_query", self.notes.query)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.reader.save_annotation()
        self.save_state()
        for task in list(self._tasks):
            task.cancel()
        self._preview_timer.stop()
        self.notes.stop()
        self.browse.stop()
        # Searches in flight finish (they are short; long jobs were just cancelled)
        # before the library closes under them.
        from desk.ui.tasks import pool

        pool().waitForDone(5000)
        self.bridge.detach()
        feedback.set_status_bar(None)
        super().closeEvent(event)
        QApplication.processEvents()
        self.library.close()

    # -- slots -----------------------------------------------------------------------
    def _on_status(self, message: str) -> None:
        self.statusBar().showMessage(message)

    def on_color_scheme_changed(self, _scheme: object = None) -> None:
        """The system switched light/dark: repaint with the matching palette."""
        from desk.ui import theme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app)
        self.notes.view.viewport().update()
        self.reader.reload()
        self.browse.redraw()

    def _on_first_results(self, _result: object) -> None:
        if not self._tree_loaded:
            self._tree_loaded = True
            self.browse.reload()

    def _on_browse_picked(self, pick: Pick) -> None:
        self.notes.set_pick(pick)

    def _on_entity_picked(self, key: str) -> None:
        if not self.browse.select_key(f"ent:{key}"):
            self.notes.search_box.setText(f"entity:{key}")

    def _on_list_current_changed(self, pid: str) -> None:
        if pid and not self._navigating and pid != self.reader.current_id():
            typing = self.notes.search_box.hasFocus()
            self._preview_timer.start(PREVIEW_WHILE_TYPING_MS if typing else PREVIEW_MS)
        self.update_actions()

    def _preview_current(self) -> None:
        """Show the current row in the reader, fetched off the UI thread.

        Moving through the list must not wait for the library lock (a search
        paging in more hits may hold it), so previews load in the background
        and a newer move or an explicit open supersedes them.
        """
        pid = self.notes.current_id()
        if not pid or pid == self.reader.current_id():
            return
        self._preview_seq += 1
        seq = self._preview_seq
        lib = self.library
        run_in_background(
            lambda: lib.get(pid),
            lambda passage: self._on_preview_loaded(seq, passage),
            lambda exc: None,
        )

    def _on_preview_loaded(self, seq: int, passage: Any) -> None:
        if seq != self._preview_seq or passage.id != self.notes.current_id():
            return
        if passage.id == self.reader.current_id():
            return
        terms = self.notes.result.terms if self.notes.result else []
        self.reader.show_loaded(passage, terms)
        self._record(passage.id)
        self.update_actions()

    def _record(self, pid: str) -> None:
        if self.history_pos < 0 or self.history[self.history_pos] != pid:
            del self.history[self.history_pos + 1 :]
            self.history.append(pid)
            self.history_pos = len(self.history) - 1

    def _on_list_activated(self, pid: str) -> None:
        self.open_passage(pid, focus=True)

    def _on_library_changed(self, changes: Changes) -> None:
        if changes.notice:
            feedback.show_status(changes.notice, 10000)
            if changes.only_notice:
                return
        parts = parts_for(changes)
        if parts:
            self.browse.reload(parts)
        if not changes.saved_searches or changes.passages or changes.everything:
            self.notes.refresh()
        pid = self.reader.current_id()
        if pid and changes.touches(pid) and changes.initiator is not self.reader:
            self.reader.reload()
        self.update_actions()

    # -- navigation ----------------------------------------------------------------------
    def open_passage(self, pid: str, *, focus: bool = False, record: bool = True) -> None:
        """Show a passage in the reader (and remember it for Alt+Left/Right)."""
        self._preview_timer.stop()
        self._preview_seq += 1  # an explicit open wins over a preview in flight
        terms = self.notes.result.terms if self.notes.result else []
        if not self.reader.show_passage(pid, terms):
            return
        if record:
            self._record(pid)
        if self.notes.current_id() != pid:
            self._navigating = True
            try:
                self.notes.select_id(pid)
            finally:
                self._navigating = False
        if focus:
            self.reader.focus_body()
        self.update_actions()

    def history_back(self) -> None:
        """Alt+Left: the passage read before."""
        if self.history_pos > 0:
            self.history_pos -= 1
            self.open_passage(self.history[self.history_pos], focus=True, record=False)

    def history_forward(self) -> None:
        """Alt+Right: forward again."""
        if self.history_pos < len(self.history) - 1:
            self.history_pos += 1
            self.open_passage(self.history[self.history_pos], focus=True, record=False)

    def read_current(self) -> None:
        """Enter: open the current row and move focus to the reader."""
        pid = self.notes.current_id()
        if pid:
            self.open_passage(pid, focus=True)

    def move_next(self) -> None:
        self.notes.move(1)

    def move_previous(self) -> None:
        self.notes.move(-1)

    def focus_search(self) -> None:
        box = self.notes.search_box
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()

    def focus_list(self) -> None:
        self.notes.focus_list()

    def focus_browse(self) -> None:
        self.browse.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_reader(self) -> None:
        if self.reader.passage is None and self.notes.current_id():
            self.open_passage(self.notes.current_id())
        self.reader.focus_body()

    def focus_tags(self) -> None:
        self.reader.focus_tags()

    def focus_annotation(self) -> None:
        self.reader.focus_annotation()

    def edit_title(self) -> None:
        self.reader.focus_title()

    def sort_relevance(self) -> None:
        self.notes.set_sort("relevance")

    def sort_newest(self) -> None:
        self.notes.set_sort("newest")

    def sort_source(self) -> None:
        self.notes.set_sort("source")

    def show_all(self) -> None:
        self.browse.select_key("lib:all")
        self.notes.pick = ALL
        self.notes.set_query("")

    # -- writes ----------------------------------------------------------------------------
    def _guard(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            feedback.show_exception(exc, self)
            return None

    def trash_selection(self) -> None:
        """Del: move the selected passages to the trash."""
        ids = self.notes.selected_ids()
        if not ids:
            return
        if self.notes.pick.restrict is not None and self.notes.pick.restrict.trashed:
            feedback.show_status("Already in the trash — Shift+Del restores.")
            return
        done = self._guard(self.library.trash, ids, initiator=self)
        if done is not None:
            n = len(done)
            feedback.show_status(f"Moved {count_of(n, 'passage')} to the trash — Ctrl+Z to undo")

    def restore_selection(self) -> None:
        ids = self.notes.selected_ids()
        done = self._guard(self.library.restore, ids, initiator=self) if ids else None
        if done is not None:
            feedback.show_status(f"Restored {count_of(len(done), 'passage')}")

    def undo(self) -> None:
        """Ctrl+Z: undo the last change (the core keeps the journal)."""
        label = self._guard(self.library.undo)
        if label:
            feedback.show_status(f"Undid {label}")
        self.update_actions()

    def redo(self) -> None:
        label = self._guard(self.library.redo)
        if label:
            feedback.show_status(f"Redid {label}")
        self.update_actions()

    def new_note(self) -> None:
        """Ctrl+N: a new empty note, opened with its title selected."""
        pid = self._guard(self.library.new_note)
        if pid:
            self.open_passage(pid)
            self.reader.focus_title()

    def grade(self) -> None:
        """G: grade the open passage, with the meanings of each grade."""
        from desk.ui.dialogs.grade_dialog import GradeDialog

        p = self.reader.passage
        if p is None:
            return
        rel = p.source.reliability if p.source else None
        dlg = GradeDialog(rel, p.credibility, has_source=p.source is not None, parent=self)
        if dlg.exec() != dlg.DialogCode.Accepted:
            return
        new_rel, new_cred = dlg.values()
        kwargs: dict[str, Any] = {}
        if p.source is not None and new_rel != rel:
            kwargs["reliability"] = new_rel
        if new_cred != p.credibility:
            kwargs["credibility"] = new_cred
        if kwargs and self._guard(self.library.grade, p.id, **kwargs) is not None:
            feedback.show_status("Grade saved")

    def link_to(self) -> None:
        """L: link the open passage to another."""
        from desk.ui.dialogs.link_dialog import LinkDialog

        p = self.reader.passage
        if p is None:
            return
        dlg = LinkDialog(self.library, p.id, self)
        if dlg.exec() != dlg.DialogCode.Accepted:
            return
        target, kind, note = dlg.values()
        if target and self._guard(self.library.link, p.id, target, kind, note) is not None:
            feedback.show_status(f"Linked ({kind})")

    def save_search(self) -> None:
        """Ctrl+S: save the query and browse filter under a name."""
        query = self.notes.combined_query()
        if not query:
            feedback.show_status("Type a query or pick a filter first.")
            return
        name = ask_text(self, "Save search", f"Name for “{query}”:")
        if name and self._guard(self.library.save_search, name, query) is not None:
            feedback.show_status(f"Saved search “{name}”")

    def clip_clipboard(self) -> None:
        """Ctrl+Shift+V: clip the clipboard's HTML or text."""
        from desk.ui.dialogs.clip_dialog import ClipDialog

        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None and mime.hasHtml() and mime.html().strip():
            text, fmt = mime.html(), "html"
        elif mime is not None and mime.hasText() and mime.text().strip():
            text, fmt = mime.text(), "txt"
        else:
            feedback.show_status("The clipboard holds no text to clip.")
            return
        dlg = ClipDialog(text, fmt, self)
        if dlg.exec() != dlg.DialogCode.Accepted:
            return
        try:
            req = dlg.request()
            res = self.library.clip(
                req.text,
                source=req.source,
                fmt=req.fmt,
                split=req.split,
                title=req.title,
                credibility=req.credibility,
                tags=req.tags,
            )
        except Exception as exc:
            feedback.show_exception(exc, self)
            return
        n = len(res.ids)
        feedback.show_status(" · ".join([f"Clipped {count_of(n, 'passage')}", *res.notices]))
        if res.ids:
            self.open_passage(res.ids[0])

    def import_files(self, paths: list[Path] | None = None) -> None:
        """Import files (menu or drag and drop), in the background with progress."""
        from desk.ui.dialogs.import_dialog import ImportDialog, importable

        if paths is None:
            names, _ = QFileDialog.getOpenFileNames(
                self,
                "Import files",
                "",
                "Text, Markdown, HTML (*.txt *.md *.markdown *.html *.htm);;All files (*)",
            )
            paths = [Path(n) for n in names]
        paths = importable(paths)
        if not paths:
            feedback.show_status("No .txt, .md or .html files to import.")
            return
        dlg = ImportDialog(paths, self)
        if dlg.exec() != dlg.DialogCode.Accepted:
            return
        opts = dlg.options()
        lib = self.library

        def work(task: Task) -> Any:
            return lib.import_files(
                paths,
                split=str(opts["split"]),
                tags=list(opts["tags"]),  # type: ignore[call-overload]
                credibility=opts["credibility"],  # type: ignore[arg-type]
                progress=task.report,
                cancel=task.cancelled,
            )

        def done(res: Any) -> None:
            n = len(res.ids)
            msg = f"Imported {count_of(n, 'passage')}"
            if res.cancelled:
                msg += " (cancelled; finished files were kept)"
            feedback.show_status(" · ".join([msg, *res.notices[:3]]), 10000)
            if res.failed:
                k = len(res.failed)
                if k == len(paths):
                    head = f"None of the {count_of(k, 'file')} could be imported."
                else:
                    head = (
                        f"{k} of {count_of(len(paths), 'file')} could not be imported; "
                        f"the others were ({msg.lower()})."
                    )
                feedback.show_error(
                    head,
                    "\n".join(f"{name}: {why}" for name, why in res.failed),
                    self,
                )

        self.run_long("Importing files…", work, done, total=len(paths))

    def reindex(self) -> None:
        """Rebuild the search index from the database, with progress."""
        lib = self.library

        def work(task: Task) -> bool:
            return lib.reindex(progress=task.report, cancel=task.cancelled)

        def done(ok: bool) -> None:
            feedback.show_status(
                "Search index rebuilt" if ok else "Rebuild cancelled; the old index is kept"
            )
            self.notes.refresh()

        self.run_long("Rebuilding the search index…", work, done, total=0)

    def export_selection(self) -> None:
        self._export(self.notes.selected_ids())

    def export_library(self) -> None:
        self._export(None)

    def _export(self, ids: list[str] | None) -> None:
        if ids is not None and not ids:
            feedback.show_status("Select passages to export first.")
            return
        folder = ask_folder(self, "Export as Markdown into…")
        if not folder:
            return
        lib = self.library

        def work(task: Task) -> Any:
            return lib.export_markdown(
                Path(folder), ids=ids, progress=task.report, cancel=task.cancelled
            )

        def done(report: Any) -> None:
            parts = [f"Exported {report.total} files to {folder}"]
            if getattr(report, "conflicts", None):
                parts.append(f"{len(report.conflicts)} files left alone (not Desk's)")
            if getattr(report, "cancelled", False):
                parts.append("cancelled")
            parts += list(getattr(report, "warnings", []))[:2]
            feedback.show_status(" · ".join(parts), 10000)

        self.run_long("Exporting Markdown…", work, done, total=0)

    def import_markdown(self) -> None:
        """Import a Markdown folder (Desk export, Obsidian vault, Joplin export)."""
        folder = ask_folder(self, "Import a Markdown folder")
        if not folder:
            return
        lib = self.library

        def work(task: Task) -> Any:
            def index_progress(done: int, total: int) -> None:
                task.stage("Updating the search index…")
                task.report(done, total)

            return lib.import_markdown(
                Path(folder),
                progress=task.report,
                cancel=task.cancelled,
                index_progress=index_progress,
            )

        def done(report: Any) -> None:
            n = len(getattr(report, "ids", []) or [])
            feedback.show_status(f"Imported {count_of(n, 'note')} from {folder}", 10000)

        self.run_long("Importing Markdown…", work, done, total=0)

    def copy_markdown(self) -> None:
        """Copy the selected passages as Markdown quotes with citations."""
        ids = self.notes.selected_ids()
        if not ids:
            return
        text = self._guard(self.library.markdown_for_clipboard, ids)
        if text:
            QGuiApplication.clipboard().setText(text)
            feedback.show_status(f"Copied {count_of(len(ids), 'passage')} as Markdown")

    def run_long(self, label: str, work: Any, done: Any, *, total: int) -> Task:
        """A cancellable background job with a progress dialog."""
        dlg = QProgressDialog(label, "Cancel", 0, total, self)
        dlg.setObjectName("progressDialog")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(300)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)

        def on_error(exc: BaseException) -> None:
            feedback.show_exception(exc, self)

        task = run_in_background(work, done, on_error, with_task=True)
        self._tasks.append(task)

        def progressed(n: int, of: int) -> None:
            if of and dlg.maximum() != of:
                dlg.setMaximum(of)
            dlg.setValue(min(n, of) if of else 0)

        def finished() -> None:
            dlg.close()
            dlg.deleteLater()
            if task in self._tasks:
                self._tasks.remove(task)

        def staged(text: str) -> None:
            dlg.setLabelText(text)
            dlg.setCancelButton(None)  # type: ignore[arg-type]  # Qt: None hides it

        task.progressed.connect(progressed)
        task.staged.connect(staged)
        task.finished.connect(finished)
        dlg.canceled.connect(task.cancel)
        return task

    # -- analysis views ----------------------------------------------------------------------
    def open_timeline(self) -> None:
        """The timeline of the passages the list shows (query and browse filter)."""
        from desk.ui.views import open_timeline

        query = self.notes.combined_query() or None
        self.timeline_window = open_timeline(
            self, self.library, query, lambda pid: self.open_passage(pid, focus=True)
        )

    def open_graph(self) -> None:
        """The link graph around the open passage (every passage when none is open)."""
        from desk.ui.views import open_graph

        center = self.reader.current_id() or None
        self.graph_window = open_graph(
            self, self.library, center, lambda pid: self.open_passage(pid, focus=True)
        )

    def mark_entity(self) -> None:
        """Make the selected text of the passage an entity (or an alias of one)."""
        from desk.ui.views import open_entity_dialog

        text = self.reader.body.textCursor().selectedText().strip()
        if not text:
            feedback.show_status("Select a name in the passage text first.")
            return
        key = self._guard(open_entity_dialog, self, self.library, text)
        if key:
            feedback.show_status(f"“{text}” is now entity {key}")

    # -- palette, switcher, help ---------------------------------------------------------
    def command_palette(self) -> None:
        from desk.ui.palette import CommandPalette

        specs = [s for s in self.actions_.enabled_specs() if s.id is not ActionId.COMMAND_PALETTE]
        self.palette = CommandPalette(self, specs, self.run_action)
        self.palette.open()
        self.palette.activateWindow()
        self.palette.edit.setFocus()

    def quick_switcher(self) -> None:
        from desk.ui.palette import QuickSwitcher

        self.switcher = QuickSwitcher(self, self.library)
        self.switcher.chosen.connect(lambda pid: self.open_passage(pid, focus=True))
        self.switcher.open()
        self.switcher.activateWindow()
        self.switcher.edit.setFocus()

    def show_help(self) -> None:
        from desk.ui.dialogs.shortcuts import ShortcutsDialog

        self.help_dialog = ShortcutsDialog(self.actions_.specs, self)
        self.help_dialog.open()

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if (
            mime.hasUrls()
            and any(u.isLocalFile() for u in mime.urls())
            and not self.library.readonly
        ):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        if paths:
            self.import_files(paths)
