"""The window driven from the keyboard, on a real seeded library."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desk.library import Library
from desk.ui.models.note_list import ID_ROLE
from tests.gui.conftest import close_window, open_window, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


def key(qtbot, k, mods=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """Press a key where the focus is (as a user would)."""
    qtbot.keyClick(focused(), k, mods)


def search(qtbot, w, text: str) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, Qt.Key.Key_K, CTRL)
    assert focused() is w.notes.search_box
    qtbot.keyClicks(w.notes.search_box, text)
    qtbot.waitUntil(lambda: w.notes.query == text and w.notes.result is not None)
    wait_idle(qtbot, w)


def open_first(qtbot, w) -> str:  # type: ignore[no-untyped-def]
    key(qtbot, Qt.Key.Key_Down)
    assert focused() is w.notes.view
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.reader.passage is not None)
    return w.reader.current_id()


def test_ctrl_k_and_slash_focus_the_search_box(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.notes.view.setFocus()
    key(qtbot, Qt.Key.Key_K, CTRL)
    assert focused() is window.notes.search_box
    key(qtbot, Qt.Key.Key_Escape)
    assert focused() is window.notes.view
    key(qtbot, Qt.Key.Key_Slash)
    assert focused() is window.notes.search_box
    assert window.notes.search_box.placeholderText().startswith("Search — words")


def test_typing_narrows_the_list(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    everything = window.notes.model.rowCount()
    assert everything == 30
    search(qtbot, window, "Wakhan")
    n = window.notes.model.rowCount()
    assert 0 < n < everything
    assert "3 passages" in window.notes.count_label.text()
    assert "passage" in window.statusBar().currentMessage()


def test_down_enter_reads_with_highlights(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    search(qtbot, window, "Wakhan")
    pid = open_first(qtbot, window)
    assert pid == window.notes.model.ids()[0]
    assert focused() is window.reader.body
    html = window.reader.body_html()
    assert '<span class="hl">' in html
    assert "Wakhan" in window.reader.body.toPlainText()


def test_t_adds_a_tag_that_search_finds(qtbot, window, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    search(qtbot, window, "Shaymak")
    pid = open_first(qtbot, window)
    key(qtbot, Qt.Key.Key_T)
    assert focused() is window.reader.tag_edit
    qtbot.keyClicks(window.reader.tag_edit, "topic/gui-test")
    key(qtbot, Qt.Key.Key_Return)
    lib = window.library
    assert "topic/gui-test" in lib.get(pid).tags
    hits = lib.search("tag:topic/gui-test").hits
    assert [h.id for h in hits] == [pid]
    from desk.ui.widgets import Chip

    chips = window.reader.tag_chips.findChildren(Chip)
    assert any(c.value == "topic/gui-test" and c.isVisible() for c in chips)


def test_a_annotates_and_autosaves(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    search(qtbot, window, "Shaymak")
    pid = open_first(qtbot, window)
    key(qtbot, Qt.Key.Key_A)
    assert focused() is window.reader.ann_edit
    window.reader.ann_edit.clear()
    qtbot.keyClicks(window.reader.ann_edit, "Zanzibarish corroboration needed")
    with qtbot.waitSignal(window.reader.saved, timeout=5000):
        pass
    assert window.reader.ann_state.text() == "Saved"
    bodies = [a.body for a in window.library.get(pid).annotations]
    assert "Zanzibarish corroboration needed" in bodies
    assert pid in [h.id for h in window.library.search("zanzibarish").hits]


def test_follow_a_link_then_alt_left_goes_back(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    search(qtbot, window, "Wakhan")
    first = open_first(qtbot, window)
    links = window.reader.links
    assert links.count() > 0
    links.setFocus()
    links.setCurrentRow(0)
    target = links.currentItem().data(Qt.ItemDataRole.UserRole)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader.current_id() == target)
    key(qtbot, Qt.Key.Key_Left, ALT)
    qtbot.waitUntil(lambda: window.reader.current_id() == first)
    key(qtbot, Qt.Key.Key_Right, ALT)
    qtbot.waitUntil(lambda: window.reader.current_id() == target)


def test_del_trashes_and_ctrl_z_restores(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    search(qtbot, window, "Wakhan")
    key(qtbot, Qt.Key.Key_Down)
    view = window.notes.view
    key(qtbot, Qt.Key.Key_Down, SHIFT)  # extend the selection to two rows
    ids = window.notes.selected_ids()
    assert len(ids) == 2
    key(qtbot, Qt.Key.Key_Delete)
    lib = window.library
    assert all(lib.get(pid).trashed_at for pid in ids)
    qtbot.waitUntil(lambda: not set(ids) & set(window.notes.model.ids()))
    assert window.actions_.actions[_undo_id()].text() == "Undo trash 2 passages"
    view.setFocus()
    key(qtbot, Qt.Key.Key_Z, CTRL)
    assert not any(lib.get(pid).trashed_at for pid in ids)
    qtbot.waitUntil(lambda: set(ids) <= set(window.notes.model.ids()))


def _undo_id():  # type: ignore[no-untyped-def]
    from desk.ui.actions import ActionId

    return ActionId.UNDO


def test_palette_filters_and_enter_runs(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.notes.view.setFocus()
    key(qtbot, Qt.Key.Key_P, CTRL | SHIFT)
    palette = window.palette
    assert palette.objectName() == "commandPalette"
    qtbot.waitUntil(palette.isVisible)
    qtbot.waitUntil(lambda: focused() is palette.edit)
    everything = palette.list.count()
    qtbot.keyClicks(palette.edit, "sort date")
    labels = palette.visible_labels()
    assert 0 < len(labels) < everything
    assert labels[0].startswith("Sort by date")
    assert "Ctrl+2" in labels[0]
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.notes.sort == "newest")
    assert not palette.isVisible()


def test_browse_tag_filters_the_list(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    browse = window.browse
    assert browse.objectName() == "browsePane"
    assert browse.select_key("tag:place/wakhan")
    wait_idle(qtbot, window)
    ids = window.notes.model.ids()
    expected = {h.id for h in window.library.search("tag:place/wakhan", limit=None).hits}
    assert ids and set(ids) == expected
    # combines with the search box
    qtbot.keyClicks(window.notes.search_box, "Shaymak")
    qtbot.waitUntil(lambda: window.notes.result is not None and window.notes.query == "Shaymak")
    wait_idle(qtbot, window)
    assert set(window.notes.model.ids()) < expected
    assert window.notes.combined_query() == "tag:place/wakhan (Shaymak)"


def test_trash_entry_and_counts(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    pid = window.notes.model.ids()[0]
    window.library.trash([pid])
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.browse.model_.find("lib:trash").siblingAtColumn(1).data() == "1")
    window.browse.select_key("lib:trash")
    qtbot.waitUntil(lambda: window.notes.model.ids() == [pid])


def test_second_instance_offers_read_only(qtbot, seeded_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desk.ui import feedback

    asked: list[str] = []

    def answer(message: str) -> bool:
        asked.append(message)
        return True

    monkeypatch.setattr(feedback, "ask_open_readonly", answer)
    holder = Library.open(seeded_path)
    try:
        w = open_window(qtbot, seeded_path)
        try:
            assert asked and "another Desk" in asked[0]
            assert w.library.readonly
            assert w.banner.isVisible()
            assert "read-only" in w.windowTitle()
            from desk.ui.actions import ActionId

            assert not w.actions_[ActionId.NEW_NOTE].isEnabled()
            assert not w.actions_[ActionId.TRASH].isEnabled()
            assert w.notes.model.rowCount() == 30
        finally:
            close_window(w)
    finally:
        holder.close()


def test_second_instance_can_quit(qtbot, seeded_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from desk.app import QuitRequested, build_window
    from desk.ui import feedback

    monkeypatch.setattr(feedback, "ask_open_readonly", lambda message: False)
    with Library.open(seeded_path), pytest.raises(QuitRequested):
        build_window(seeded_path)


def test_geometry_and_last_query_persist(qtbot, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = open_window(qtbot, seeded_path)
    w.resize(741, 533)  # inside the offscreen screen, so restore need not clamp
    w.splitter.setSizes([150, 260, 331])
    search(qtbot, w, "Shaymak")
    w.notes.set_sort("newest")
    wait_idle(qtbot, w)
    sizes = w.splitter.sizes()
    close_window(w)

    w2 = open_window(qtbot, seeded_path, size=None)
    try:
        assert w2.notes.query == "Shaymak"
        assert w2.notes.sort == "newest"
        assert (w2.size().width(), w2.size().height()) == (741, 533)
        assert w2.splitter.sizes() == sizes
        assert 0 < w2.notes.model.rowCount() < 30
    finally:
        close_window(w2)


def test_single_letters_do_not_fire_in_text_fields(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(window.notes.search_box, "tag")
    assert window.notes.search_box.text() == "tag"
    assert focused() is window.notes.search_box


def test_ctrl_n_creates_a_note_with_editable_title(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: window.reader.passage is not None and window.reader.title.isVisible())
    pid = window.reader.current_id()
    assert focused() is window.reader.title
    qtbot.keyClicks(window.reader.title, "My assessment of the outpost")
    key(qtbot, Qt.Key.Key_Return)
    assert window.library.get(pid).title == "My assessment of the outpost"
    assert window.reader.title_view.text() == "My assessment of the outpost"


def test_save_search_with_ctrl_s(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desk.ui import mainwindow

    monkeypatch.setattr(mainwindow, "ask_text", lambda *a, **k: "Outposts")
    window.browse.select_key("tag:place/wakhan")
    search(qtbot, window, "outpost")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert ("Outposts", "tag:place/wakhan (outpost)") in window.library.saved_searches()
    qtbot.waitUntil(lambda: window.browse.model_.find("saved:Outposts").isValid())


def test_f1_help_lists_every_shortcut(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.dialogs.shortcuts import help_html

    window.notes.view.setFocus()
    key(qtbot, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help_dialog.isVisible())
    text = help_html(window.actions_.specs)
    for label in ("Command palette", "Go to note", "Move to trash", "Tags", "Annotate", "Grade"):
        assert label in text
    window.help_dialog.close()


def test_quick_switcher_jumps_by_title(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, Qt.Key.Key_P, CTRL)
    sw = window.switcher
    qtbot.waitUntil(sw.isVisible)
    qtbot.waitUntil(lambda: focused() is sw.edit)
    qtbot.keyClicks(sw.edit, "shaymak")
    qtbot.waitUntil(lambda: sw.list.count() > 0 and "Shaymak" in sw.list.item(0).text())
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Shaymak" in window.reader.title_view.text())


def test_j_k_move_and_alt_digits_focus_panes(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, Qt.Key.Key_2, ALT)
    assert focused() is window.notes.view
    first = window.notes.current_id()
    key(qtbot, Qt.Key.Key_J)
    second = window.notes.current_id()
    assert second and second != first
    qtbot.waitUntil(lambda: window.reader.current_id() == second)
    key(qtbot, Qt.Key.Key_K)
    assert window.notes.current_id() == first
    key(qtbot, Qt.Key.Key_3, ALT)
    assert focused() is window.reader.body
    key(qtbot, Qt.Key.Key_J)  # J works from the passage text too
    assert window.notes.current_id() == second
    key(qtbot, Qt.Key.Key_1, ALT)
    assert focused() is window.browse


def test_edit_menu_shows_the_undo_label(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.actions import ActionId

    undo = window.actions_[ActionId.UNDO]
    assert not undo.isEnabled()
    pid = window.notes.current_id()
    window.library.trash([pid])
    qtbot.waitUntil(lambda: undo.isEnabled())
    assert undo.text() == "Undo trash 1 passage"
    assert undo in window.menus["Edit"].actions()


def test_list_pages_in_more_hits_as_it_scrolls(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1200, 420)  # a few rows on screen, so the first page fills the view
    window.notes.page_size = 8
    window.notes.search_now()
    wait_idle(qtbot, window)
    assert window.notes.model.rowCount() == 8
    assert "Showing 8 of 30" in window.statusBar().currentMessage()
    window.notes.view.scrollToBottom()
    qtbot.waitUntil(lambda: window.notes.model.rowCount() > 8)
    window.notes.view.scrollToBottom()
    qtbot.waitUntil(lambda: window.notes.model.rowCount() == 30)
    # The pages (asked for with an offset) join up to exactly the whole result.
    model = window.notes.model
    shown = [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]
    assert shown == [h.id for h in window.library.search("", limit=None).hits]


def test_tag_chip_removes_with_the_keyboard(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.widgets import Chip

    search(qtbot, window, "Shaymak")
    pid = open_first(qtbot, window)
    tag = window.library.get(pid).tags[0]
    chips = window.reader.tag_chips.findChildren(Chip)
    chip = next(c for c in chips if c.value == tag and c.isVisible())
    assert chip.accessibleName() == f"Remove tag {tag}"
    chip.setFocus()
    key(qtbot, Qt.Key.Key_Delete)
    assert tag not in window.library.get(pid).tags


def test_search_notices_reach_the_status_bar(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    search(qtbot, window, 'wakhan (("')
    result = window.notes.result
    assert result is not None and result.notices
    assert result.notices[0] in window.statusBar().currentMessage()
