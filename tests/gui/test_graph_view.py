"""The link graph view, driven from the keyboard and the mouse."""

from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QGraphicsView, QLabel, QSpinBox

from desk.ui.views import open_graph
from desk.ui.views.graph import GraphCanvas, GraphView, compute_graph

VAKHON = "p-outpost-location"
SHAYMAK = "p-shaymak-base"


def _open(qtbot, library, center=VAKHON, depth=1):  # type: ignore[no-untyped-def]
    opened: list[str] = []
    view = GraphView(library, center, opened.append, depth=depth)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.laid_out, timeout=10000):
        view.resize(1000, 700)
        view.show()
    qtbot.waitExposed(view)
    return view, opened


def _finish() -> None:
    QThreadPool.globalInstance().waitForDone(10000)


def test_graph_shows_the_vakhon_neighbourhood(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    view, _ = _open(qtbot, seeded_library)
    canvas = view.findChild(QGraphicsView, "graphView")
    assert isinstance(canvas, GraphCanvas)
    ids = set(canvas.items_by_id)
    assert f"p:{SHAYMAK}" in ids and "p:p-border-guards-2015" in ids
    assert canvas.focused == f"p:{VAKHON}"  # the centre has the focus
    assert "Grade: B2" in view.side.text()
    assert "4 passages" in view.status.text()
    _finish()


def test_keyboard_moves_focus_and_enter_opens(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    view, opened = _open(qtbot, seeded_library)
    canvas = view.canvas
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened == [VAKHON]
    # Tab walks the nodes in order (centre, then hop-1 passages, then entities) ...
    order = canvas.order
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert canvas.focused == order[1]
    assert canvas.hasFocus()  # Tab stayed inside the graph
    qtbot.keyClick(canvas, Qt.Key.Key_Backtab)
    assert canvas.focused == order[0]
    # ... and each arrow goes to the nearest node that way.
    centre = canvas.items_by_id[canvas.focused].pos()
    for key, check in (
        (Qt.Key.Key_Right, lambda p: p.x() > centre.x()),
        (Qt.Key.Key_Left, lambda p: p.x() < centre.x()),
        (Qt.Key.Key_Up, lambda p: p.y() < centre.y()),
        (Qt.Key.Key_Down, lambda p: p.y() > centre.y()),
    ):
        canvas.set_focus_node(f"p:{VAKHON}")
        qtbot.keyClick(canvas, key)
        assert canvas.focused != f"p:{VAKHON}"
        assert check(canvas.items_by_id[canvas.focused].pos())
    # Tab to the Shaymak passage and open it with Enter.
    canvas.set_focus_node(f"p:{VAKHON}")
    for _ in range(len(order)):
        if canvas.focused == f"p:{SHAYMAK}":
            break
        qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    qtbot.keyClick(canvas, Qt.Key.Key_Enter)
    assert opened[-1] == SHAYMAK
    # Enter on an entity opens nothing.
    entity = next(nid for nid in order if nid.startswith("e:"))
    canvas.set_focus_node(entity)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened[-1] == SHAYMAK and len(opened) == 2
    assert "mentioned by" in view.side.text()
    _finish()


def test_zoom_keys(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    view, _ = _open(qtbot, seeded_library)
    canvas = view.canvas
    canvas.setFocus()
    before = canvas.transform().m11()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.transform().m11() > before
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.transform().m11() < before
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert abs(canvas.transform().m11() - before) < 1e-6
    _finish()


def test_depth_change_lays_out_again(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    view, _ = _open(qtbot, seeded_library)
    spin = view.findChild(QSpinBox, "graphDepth")
    n1 = len(view.canvas.items_by_id)
    spin.setFocus()
    with qtbot.waitSignal(view.laid_out, timeout=10000):
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert spin.value() == 2
    n2 = len(view.canvas.items_by_id)
    assert n2 > n1
    assert "e:wakhan-corridor" in view.canvas.items_by_id
    with qtbot.waitSignal(view.laid_out, timeout=10000):
        spin.setValue(1)
    assert len(view.canvas.items_by_id) == n1
    _finish()


def test_click_opens_a_passage_and_edges_describe_their_passages(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    view, opened = _open(qtbot, seeded_library)
    canvas = view.canvas
    item = canvas.items_by_id[f"p:{SHAYMAK}"]
    canvas.centerOn(item)
    pos = canvas.mapFromScene(item.pos())
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert opened == [SHAYMAK]
    assert canvas.focused == f"p:{SHAYMAK}"
    edge = next(e for e in item.edges if {e.a.node.ref, e.b.node.ref} == {VAKHON, SHAYMAK})
    assert edge.toolTip().startswith("linked: relates")
    assert "(B2)" in edge.toolTip() and "Outpost near Vakhon" in edge.toolTip()
    canvas.show_text(edge.description)
    info = view.findChild(QLabel, "graphInfo")
    assert "linked: relates" in info.text()
    _finish()


def test_open_graph_window_and_a_trashed_centre(qtbot, seeded_library) -> None:  # type: ignore[no-untyped-def]
    win = open_graph(None, seeded_library, VAKHON, lambda pid: None)
    qtbot.addWidget(win)
    assert win.windowTitle().startswith("Link graph — Outpost near Vakhon")
    assert not win.isModal()
    qtbot.waitUntil(lambda: not win.view.is_busy(), timeout=10000)
    win.close()
    seeded_library.trash([SHAYMAK])
    view = GraphView(seeded_library, SHAYMAK, lambda pid: None)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.failed, timeout=10000):
        pass
    assert "trash" in view.status.text()
    _finish()


def test_compute_graph_has_no_overlapping_nodes(seeded_library) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.views.graph import ENTITY_H, ENTITY_W, PASSAGE_H, PASSAGE_W

    g = compute_graph(seeded_library, VAKHON, 2)
    boxes = [
        (n.x, n.y, *((PASSAGE_W, PASSAGE_H) if n.kind == "passage" else (ENTITY_W, ENTITY_H)))
        for n in g.nodes
    ]
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[:i]:
            assert abs(x1 - x2) >= (w1 + w2) / 2 or abs(y1 - y2) >= (h1 + h2) / 2


# The entity dialog has no test file of its own in this file list.


def test_entity_dialog_adds_an_alias_or_a_new_entity(qtbot, library) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.views.entity_dialog import EntityDialog

    pid = library.clip("Jamoati Ansorulloh and the Khorog Garrison.", title="Clip").ids[0]
    dialog = EntityDialog(library, "Jamoati Ansorulloh")
    qtbot.addWidget(dialog)
    dialog.alias_radio.setChecked(True)
    dialog.target.setCurrentIndex(dialog.target.findData("jamaat-ansarullah"))
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.accept()
    assert dialog.result_key == "jamaat-ansarullah"
    assert pid in {h.id for h in library.search("entity:jamaat-ansarullah").hits}

    dialog = EntityDialog(library, "Khorog  Garrison")
    qtbot.addWidget(dialog)
    assert dialog.new_radio.isChecked()  # nothing like it in the gazetteer
    assert dialog.name.text() == "Khorog Garrison"
    dialog.kind.setCurrentText("facility")
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.accept()
    assert dialog.result_key == "khorog-garrison"
    assert pid in {h.id for h in library.search("entity:khorog-garrison").hits}

    dialog = EntityDialog(library, "Khorog Garrison")
    qtbot.addWidget(dialog)
    dialog.new_radio.setChecked(True)
    dialog.kind.setCurrentText("facility")
    dialog.accept()  # already exists: the error shows, the dialog stays
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)
    assert dialog.result_key is None
    assert "alias" in dialog.error.text()
