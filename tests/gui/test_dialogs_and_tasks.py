"""Grade, link, clip and import from the window; background tasks and views."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QPushButton

from desk.ui.dialogs.clip_dialog import ClipDialog
from desk.ui.dialogs.grade_dialog import GradeDialog
from desk.ui.dialogs.import_dialog import ImportDialog
from desk.ui.dialogs.link_dialog import LinkDialog
from desk.ui.tasks import run_in_background
from tests.gui.conftest import wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ACCEPTED = QDialog.DialogCode.Accepted


def _open(qtbot, w, query: str) -> str:  # type: ignore[no-untyped-def]
    w.notes.set_query(query)
    wait_idle(qtbot, w)
    w.focus_list()
    w.read_current()
    qtbot.waitUntil(lambda: w.reader.passage is not None)
    return w.reader.current_id()


def test_g_grades_with_meanings(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pid = _open(qtbot, window, "Shaymak")
    shown: list[str] = []

    def fake_exec(dlg: GradeDialog) -> int:
        dlg.rel.setCurrentIndex(dlg.rel.findData("A"))
        dlg.cred.setCurrentIndex(dlg.cred.findData(1))
        shown.append(dlg.rel_meaning.text())
        shown.append(dlg.cred_meaning.text())
        return ACCEPTED

    monkeypatch.setattr(GradeDialog, "exec", fake_exec)
    qtbot.keyClick(window.reader.body, Qt.Key.Key_G)
    assert window.library.get(pid).grade == "A1"
    assert (all(shown) and "Confirmed" in shown[1]) or "confirmed" in shown[1].lower()
    qtbot.waitUntil(lambda: window.reader.grade_badge.text() == "A1")
    assert "Completely reliable" in window.reader.grade_badge.toolTip()


def test_l_links_to_a_passage_found_by_title(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pid = _open(qtbot, window, "Shaymak")

    def fake_exec(dlg: LinkDialog) -> int:
        qtbot.keyClicks(dlg.search, "outpost")
        qtbot.waitUntil(lambda: dlg.results.count() > 0 and "utpost" in dlg.results.item(0).text())
        dlg.kind.setCurrentIndex(dlg.kind.findData("contradicts"))
        dlg.note.setText("GUI test link")
        return ACCEPTED

    monkeypatch.setattr(LinkDialog, "exec", fake_exec)
    qtbot.keyClick(window.reader.body, Qt.Key.Key_L)
    links = window.library.get(pid).links
    assert any(link.kind == "contradicts" and link.note == "GUI test link" for link in links)
    qtbot.waitUntil(
        lambda: any(
            "contradicts" in window.reader.links.item(i).text()
            for i in range(window.reader.links.count())
        )
    )


def test_clip_from_clipboard(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    QGuiApplication.clipboard().setText(
        "Kyrgyz border guards reported a new road through the Kulma pass in 2021."
    )

    def fake_exec(dlg: ClipDialog) -> int:
        assert "Kulma" in dlg.preview.toPlainText()
        dlg.src_title.setText("Field report")
        dlg.url.setText("https://example.org/report")
        dlg.tags.setText("topic/clip-test")
        dlg.rel.setCurrentIndex(dlg.rel.findData("C"))
        return ACCEPTED

    monkeypatch.setattr(ClipDialog, "exec", fake_exec)
    qtbot.keyClick(window.notes.view, Qt.Key.Key_V, CTRL | SHIFT)
    hits = window.library.search("tag:topic/clip-test").hits
    assert len(hits) == 1
    p = window.library.get(hits[0].id)
    assert p.source is not None and p.source.title == "Field report"
    assert p.source.reliability == "C"
    qtbot.waitUntil(lambda: window.reader.current_id() == p.id)


def test_import_files_in_the_background(qtbot, window, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = tmp_path / "a.txt"
    a.write_text(
        "First paragraph about the Zorkul reserve.\n\nSecond paragraph about the Zorkul lake.\n",
        encoding="utf-8",
    )
    b = tmp_path / "b.md"
    b.write_text("# Note\n\nZorkul again, in Markdown.\n", encoding="utf-8")
    monkeypatch.setattr(ImportDialog, "exec", lambda dlg: ACCEPTED)
    before = window.library.stats()["passages"]
    window.import_files([a, b, tmp_path / "ignored.pdf"])
    qtbot.waitUntil(lambda: window.library.stats()["passages"] >= before + 3, timeout=20000)
    qtbot.waitUntil(lambda: "Imported 3" in window.statusBar().currentMessage(), timeout=20000)
    assert len(window.library.search("zorkul").hits) >= 3


def test_import_names_the_files_it_could_not_read(
    qtbot, window, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.txt"
    good.write_text("The Karasu crossing reopened.\n", encoding="utf-8")
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x7fELF\x02\x01" + bytes(range(256)) * 2)
    monkeypatch.setattr(ImportDialog, "exec", lambda dlg: ACCEPTED)
    window.import_files([good, bad])
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorDialog") is not None, timeout=20000)
    box = window.findChild(QMessageBox, "errorDialog")
    assert box.text().startswith("1 of 2 files could not be imported; the others were")
    assert "bad.html looks like a binary file" in box.detailedText()
    assert window.library.search("Karasu").total == 1
    box.close()


def test_import_of_only_unreadable_files_says_none_could_be(
    qtbot, window, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    bad = [tmp_path / "a.html", tmp_path / "b.html"]
    for path in bad:
        path.write_bytes(b"\x7fELF\x02\x01" + bytes(range(256)) * 2)
    monkeypatch.setattr(ImportDialog, "exec", lambda dlg: ACCEPTED)
    before = window.library.stats()["passages"]
    window.import_files(bad)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorDialog") is not None, timeout=20000)
    box = window.findChild(QMessageBox, "errorDialog")
    assert box.text() == "None of the 2 files could be imported."
    assert "a.html looks like a binary file" in box.detailedText()
    assert window.library.stats()["passages"] == before
    box.close()


def test_long_job_shows_progress_and_cancels(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    results: list[int] = []

    def work(task) -> int:  # type: ignore[no-untyped-def]
        n = 0
        while not task.cancelled() and n < 100000:
            task.report(n % 1000, 1000)
            n += 1
            time.sleep(0.001)
        return n

    task = window.run_long("Working…", work, results.append, total=1000)
    dlg = window.findChild(QProgressDialog, "progressDialog")
    assert dlg is not None
    qtbot.waitUntil(dlg.isVisible, timeout=5000)
    assert window.isEnabled()
    dlg.findChild(QPushButton).click()  # the Cancel button
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert task.cancelled() and results[0] < 100000


def test_results_arrive_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[object, bool]] = []
    run_in_background(
        lambda: threading.current_thread(),
        lambda worker: seen.append((worker, threading.current_thread() is threading.main_thread())),
    )
    qtbot.waitUntil(lambda: bool(seen))
    worker, on_main = seen[0]
    assert on_main and worker is not threading.main_thread()
    errors: list[BaseException] = []
    run_in_background(lambda: 1 / 0, None, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)


def test_views_open_from_the_registry(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, "Shaymak")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_G, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.graph_window.isVisible())
    window.graph_window.close()
    qtbot.keyClick(window.notes.view, Qt.Key.Key_T, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.timeline_window.isVisible())
    window.timeline_window.close()


def test_ctrl_e_exports_the_selection_as_markdown(
    qtbot, window, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from desk.ui import mainwindow

    dest = tmp_path / "vault"
    monkeypatch.setattr(mainwindow, "ask_folder", lambda *a: str(dest))
    window.notes.set_query("Shaymak")
    wait_idle(qtbot, window)
    window.focus_list()
    qtbot.keyClick(window.notes.view, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=20000)
    notes = [p for p in dest.rglob("*.md") if "Shaymak" in p.read_text(encoding="utf-8")]
    assert notes


def test_copy_as_markdown(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.notes.set_query("Shaymak")
    wait_idle(qtbot, window)
    window.focus_list()
    qtbot.keyClick(window.notes.view, Qt.Key.Key_C, CTRL | SHIFT)
    assert "Shaymak" in QGuiApplication.clipboard().text()


def test_dropping_files_imports_them(qtbot, window, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    note = tmp_path / "dropped.txt"
    note.write_text("A dropped note about the Ishkashim crossing.\n", encoding="utf-8")
    monkeypatch.setattr(ImportDialog, "exec", lambda dlg: ACCEPTED)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(note))])
    event = QDropEvent(
        QPointF(100, 100),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: bool(window.library.search("ishkashim").hits), timeout=20000)


def test_reindex_runs_in_the_background(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.actions import ActionId

    window.run_action(ActionId.REINDEX)
    qtbot.waitUntil(lambda: "index rebuilt" in window.statusBar().currentMessage(), timeout=30000)
    assert window.library.search("Wakhan").total == 3


def test_markdown_import_from_the_palette_shows_the_index_stage(
    qtbot, window, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A big import's index step says so in the progress dialog, without Cancel."""
    from desk import interchange_ops
    from desk.ui import mainwindow

    vault = tmp_path / "vault"
    vault.mkdir()
    for n in range(4):
        (vault / f"kulma {n}.md").write_text(f"Trucks queued at Kulma pass, day {n}.\n")
    monkeypatch.setattr(mainwindow, "ask_folder", lambda *a: str(vault))
    monkeypatch.setattr(interchange_ops, "DEFER_INDEX_AT", 3)  # as 2,000 files would
    labels: list[str] = []
    hidden: list[object] = []
    monkeypatch.setattr(QProgressDialog, "setLabelText", lambda dlg, text: labels.append(text))
    monkeypatch.setattr(QProgressDialog, "setCancelButton", lambda dlg, b: hidden.append(b))
    window.notes.view.setFocus()
    qtbot.keyClick(window.notes.view, Qt.Key.Key_P, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.palette.edit.hasFocus())
    qtbot.keyClicks(window.palette.edit, "import markdown")
    qtbot.keyClick(window.palette.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "Imported 4 notes" in window.statusBar().currentMessage(), timeout=20000
    )
    assert labels == ["Updating the search index…"]
    assert hidden == [None]
    assert window.library.search("kulma", limit=None).total == 4
