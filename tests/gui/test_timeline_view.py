"""The timeline view, driven from the keyboard; its model passes Qt's model tester."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTreeView

from desk.analysis_ops import TimelineEvent
from desk.ui.views import open_timeline
from desk.ui.views.timeline import PASSAGE_ROLE, TimelineModel, TimelineView, format_date


def _events() -> list[TimelineEvent]:
    return [
        TimelineEvent("2006", "year", False, "p-a", "Exercises", "2006"),
        TimelineEvent("2015", "year", True, "p-b", "Guards", "since at least 2015"),
        TimelineEvent("2021-06", "month", False, "p-c", "UN report", "June 2021"),
        TimelineEvent("2021-10-28", "day", False, "p-d", "Announcement", "October 28"),
        TimelineEvent("2021-10", "month", True, "p-e", "Recently", "recently"),
    ]


def test_timeline_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = TimelineModel()
    model.set_events(sorted(_events(), key=lambda e: e.date))
    qtmodeltester.check(model)
    years = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert years == ["2006", "2015", "2021"]
    y2021 = model.index(2, 0)
    months = [model.index(r, 0, y2021).data() for r in range(model.rowCount(y2021))]
    assert months == ["June", "October"]
    october = model.index(1, 0, y2021)
    # The partial date (month) sorts before the full date of that month.
    dates = [model.index(r, 0, october).data() for r in range(model.rowCount(october))]
    assert dates == ["c. Oct 2021", "28 Oct 2021"]
    assert model.index(1, 1, october).data() == "Announcement"
    assert model.index(1, 0, october).data(PASSAGE_ROLE) == "p-d"
    assert model.index(2, 1).data() == "3 events"
    assert model.event_count() == 5
    model.set_events([])
    qtmodeltester.check(model)


def test_format_date() -> None:
    assert format_date(TimelineEvent("2015", "year", True, "p", "t", "x")) == "c. 2015"
    assert format_date(TimelineEvent("2021-06", "month", False, "p", "t", "x")) == "Jun 2021"
    assert format_date(TimelineEvent("2021-10-28", "day", False, "p", "t", "x")) == "28 Oct 2021"


def test_seed_timeline_keyboard_navigation_opens_passages(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    view = TimelineView(seeded_library, None, opened.append)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    tree = view.findChild(QTreeView, "timelineView")
    assert tree is not None
    tree.setFocus()
    qtbot.waitUntil(tree.hasFocus)
    # The first event (2006, the joint exercises) is current.
    assert tree.currentIndex().data(PASSAGE_ROLE) == "p-joint-exercises"
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert opened == ["p-joint-exercises"]
    # Down: 2011 group, then its event; Enter on a group only folds it.
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert tree.currentIndex().data() == "2011"
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert opened == ["p-joint-exercises"]
    assert not tree.isExpanded(tree.currentIndex())
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert tree.isExpanded(tree.currentIndex())
    # Walk down to the parliament's announcement (28 Oct 2021) and open it.
    for _ in range(40):
        if tree.currentIndex().data(PASSAGE_ROLE) == "p-outpost-announcement":
            break
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert tree.currentIndex().data() == "28 Oct 2021"
    qtbot.keyClick(tree, Qt.Key.Key_Enter)
    assert opened[-1] == "p-outpost-announcement"


def test_seed_timeline_shows_the_expected_dates(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    view = TimelineView(seeded_library, None, lambda pid: None)
    qtbot.addWidget(view)
    model = view.model
    rows: list[tuple[str, str]] = []

    def walk(parent: QModelIndex) -> None:
        for r in range(model.rowCount(parent)):
            index = model.index(r, 0, parent)
            if index.data(PASSAGE_ROLE):
                rows.append((index.data(), index.data(PASSAGE_ROLE)))
            walk(index)

    walk(QModelIndex())
    assert ("28 Oct 2021", "p-outpost-announcement") in rows
    assert ("Jun 2021", "p-un-foreign-fighters") in rows
    assert ("2006", "p-joint-exercises") in rows
    assert ("Aug 2021", "p-joint-exercises") in rows
    assert ("c. 2015", "p-border-guards-2015") in rows
    assert ("Jul 2021", "p-arsalon-five-districts") in rows


def test_double_click_and_query(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    win = open_timeline(None, seeded_library, "tag:place/wakhan", opened.append)
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    view = win.view
    assert view.model.event_count() == 2
    assert "matching" in view.header.text()
    tree = view.tree
    index = tree.currentIndex()
    rect = tree.visualRect(index)
    # A real double click: the first click, then the double-click event.
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened and opened[0] in {"p-shaymak-base", "p-border-guards-2015"}
    view.reload('title:"spy station"')
    assert view.model.event_count() == 0
    assert "No dated events" in view.header.text()
    win.close()
