"""How the window schedules its library calls: one list search at a time, the
newest query wins, and a change refetches only the parts of the browse tree it
can alter. No timing asserts: slow searches are simulated with a short sleep."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from PySide6.QtCore import QModelIndex

from tests.gui.conftest import wait_idle


class SearchSpy:
    """Wraps ``library.search``: records list queries and how many ran at once."""

    def __init__(self, library: Any, delay: float = 0.03) -> None:
        self.real = library.search
        self.delay = delay
        self.queries: list[str] = []
        self.active = 0
        self.peak = 0
        self._lock = threading.Lock()
        library.search = self

    def __call__(self, query: str = "", **kwargs: Any) -> Any:
        counted = kwargs.get("limit") != 0  # the browse tree's counts ask for no hits
        if counted:
            with self._lock:
                self.queries.append(query)
                self.active += 1
                self.peak = max(self.peak, self.active)
        try:
            time.sleep(self.delay if counted else 0)
            return self.real(query, **kwargs)
        finally:
            if counted:
                with self._lock:
                    self.active -= 1


def test_typing_runs_one_search_at_a_time_and_ends_on_the_last_query(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    spy = SearchSpy(window.library)
    box = window.notes.search_box
    box.setFocus()
    for ch in "Shaymak":
        qtbot.keyClicks(box, ch)
        qtbot.wait(5)  # faster than a search: keystrokes pile up behind the one in flight
    wait_idle(qtbot, window)
    assert spy.peak == 1
    assert spy.queries[-1] == "Shaymak"
    assert len(spy.queries) < len("Shaymak")  # the keystrokes were folded together
    titles = [window.notes.model.hit(r).title for r in range(window.notes.model.rowCount())]
    assert titles and any("Shaymak" in t for t in titles)
    assert window.notes.result is not None


def test_rows_of_an_old_query_are_not_paged_in_under_a_new_one(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    notes = window.notes
    window.resize(1200, 420)  # a few rows on screen, so the first page fills the view
    qtbot.waitUntil(lambda: notes.view.viewport().height() < 400)
    notes.page_size = 8
    notes.search_now()
    wait_idle(qtbot, window)
    assert notes.model.rowCount() == 8 and notes.model.canFetchMore(QModelIndex())
    SearchSpy(window.library, delay=0.2)
    notes.search_box.setText("Wakhan")  # a new search starts ...
    qtbot.waitUntil(lambda: notes._in_flight)
    notes.model.fetchMore(QModelIndex())  # ... while the old list asks for more
    wait_idle(qtbot, window)
    assert notes.query == "Wakhan"
    assert notes.model.rowCount() == 3
    assert notes.model.total == 3


def test_saving_a_search_refetches_only_the_saved_searches(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    lib = window.library
    calls: Counter[str] = Counter()
    for name in ("tags", "entities", "sources", "saved_searches"):
        real = getattr(lib, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _real(*args, **kwargs)

        setattr(lib, name, counted)
    lib.save_search("Outposts", "outpost")
    qtbot.waitUntil(lambda: window.browse.model_.find("saved:Outposts").isValid())
    wait_idle(qtbot, window)
    assert calls["saved_searches"] == 1
    assert calls["tags"] == calls["entities"] == calls["sources"] == 0
    # the rest of the tree is still there
    assert window.browse.model_.find("sec:tags").isValid()
    assert window.browse.model_.rowCount(window.browse.model_.find("sec:sources")) > 0


def test_a_refetched_tree_keeps_its_scroll_position(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1200, 360)
    tree = window.browse
    bar = tree.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    before = bar.value()
    pid = window.notes.model.hit(0).id
    window.library.tag(pid, ["topic/new-tag"])  # refetches the tags part
    qtbot.waitUntil(lambda: tree.model_.find("tag:topic/new-tag").isValid())
    wait_idle(qtbot, window)
    assert bar.value() == before
