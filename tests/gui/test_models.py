"""Every model the window uses passes Qt's model tester."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from desk.core.search.query import QueryFilter
from desk.core.types import Entity, Hit, Source
from desk.ui.models.browse_tree import BrowseTreeModel, build_tree
from desk.ui.models.note_list import GRADE_ROLE, ID_ROLE, META_ROLE, TAGS_ROLE, NoteListModel


def _hits(n: int) -> list[Hit]:
    return [
        Hit(
            id=f"p{i}",
            title=f"Passage {i}",
            snippet=f"some \x02word\x03 {i}",
            score=1.0,
            tags=("place/wakhan",),
            published="2021-11",
            grade="B2" if i % 2 else None,
            source_title="Asia Times piece",
            source_publisher="Asia Times",
        )
        for i in range(n)
    ]


def test_note_list_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = NoteListModel()
    model.set_hits(_hits(5), 12)
    qtmodeltester.check(model)
    idx = model.index(1, 0)
    assert idx.data(ID_ROLE) == "p1"
    assert idx.data(GRADE_ROLE) == "B2"
    assert idx.data(TAGS_ROLE) == ["place/wakhan"]
    assert idx.data(META_ROLE) == "Asia Times piece · Asia Times · 2021-11"
    assert model.canFetchMore(idx.parent())
    paged = NoteListModel()  # paging, away from the tester's own fetchMore calls
    paged.set_hits(_hits(5), 12)
    wanted: list[int] = []
    paged.more_wanted.connect(wanted.append)
    paged.fetchMore(QModelIndex())
    paged.fetchMore(QModelIndex())  # one request in flight at a time
    assert len(wanted) == 1 and wanted[0] > 5
    paged.extend(_hits(12), 12)
    assert paged.rowCount() == 12
    assert not paged.canFetchMore(QModelIndex())
    model.set_hits([], 0)
    assert model.rowCount() == 0


def test_browse_tree_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    root = build_tree(
        stats={"passages": 100_000, "trashed": 2},
        tags=[("actor/china", 3, "PRC"), ("place/wakhan", 4, None), ("place", 1, None)],
        sources=[Source(id=1, title="Asia Times piece", reliability="B", passage_count=30)],
        entities=[
            Entity(
                id=1, key="wakhan-corridor", name="Wakhan corridor", kind="place", mention_count=3
            ),
            Entity(id=2, key="unused", name="Unused", kind="facility", mention_count=0),
            Entity(id=3, key="shaymak-base", name="Shaymak base", kind="facility", mention_count=1),
        ],
        saved=[("Chinese presence", "tag:place/wakhan tag:actor/china")],
    )
    model = BrowseTreeModel()
    model.set_root(root)
    qtmodeltester.check(model)
    tag = model.find("tag:place/wakhan")
    assert tag.isValid()
    from desk.ui.models.browse_tree import PICK_ROLE

    pick = tag.data(PICK_ROLE)
    assert pick.restrict == QueryFilter(tag="place/wakhan")
    assert pick.clause == "tag:place/wakhan"
    assert model.find("tag:place").siblingAtColumn(1).data() == "1"
    assert model.find("ent:unused").isValid() is False
    assert model.find("kind:facility").data() == "Facilities"
    trash = model.find("lib:trash")
    assert trash.siblingAtColumn(1).data() == "2"
    assert model.find("lib:all").siblingAtColumn(1).data() == "100,000"
    src = model.find("src:1").data(PICK_ROLE)
    assert src.restrict == QueryFilter(source_id=1)
    assert src.clause == 'source:"Asia Times piece"'
