"""The Library facade on a real folder: SQLite file and Whoosh index on disk."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desk.core.errors import LibraryLocked, NotFound, ReadOnlyLibrary, UserError
from desk.core.types import PassageDraft, SourceDraft
from desk.library import Library


def ids_of(lib: Library, query: str) -> set[str]:
    return {h.id for h in lib.search(query, limit=None).hits}


def test_open_creates_the_folder_and_is_a_context_manager(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "lib"
    with Library.open(path) as lib:
        assert lib.stats()["passages"] == 0
    assert (path / "desk.sqlite").is_file()
    assert (path / "index").is_dir()


def test_seeded_library_matches_the_collection(seeded_library: Library) -> None:
    s = seeded_library.stats()
    assert s["passages"] >= 15 and s["sources"] == 1 and s["links"] >= 5
    assert s["annotations"] >= 5 and s["tags"] >= 8
    src = seeded_library.sources()[0]
    assert src.title == "China looks to Tajiks to spy Afghan terror risks"
    assert src.published == "2021-11"  # the article's date, not the 2023 banner


def test_seed_passages_keep_offsets_into_the_article(seeded_library: Library) -> None:
    lib = seeded_library
    text = lib.store.source_text(lib.sources()[0].id)
    for pid in lib.store.passage_ids():
        p = lib.get(pid)
        assert text[p.start : p.end] == p.body


def test_every_write_is_searchable_at_once(library: Library) -> None:
    pid = library.clip(
        "Border guards near Murghab.", title="Guards", source=SourceDraft(title="Field report")
    ).ids[0]
    assert pid in ids_of(library, "murghab")
    library.tag(pid, ["place/pamirs"])
    assert pid in ids_of(library, "tag:place")
    library.annotate(pid, "Compare with satellite imagery")
    assert pid in ids_of(library, "satellite")
    library.update(pid, body="Border guards near Shaymak.")
    assert pid in ids_of(library, "shaymak")
    assert pid not in ids_of(library, "murghab")
    library.grade(pid, reliability="B", credibility=2)
    assert pid in ids_of(library, "grade:B2")
    library.trash([pid])
    assert pid not in ids_of(library, "shaymak")
    assert pid in ids_of(library, "is:trashed")
    library.restore([pid])
    assert pid in ids_of(library, "shaymak")


def test_trash_and_restore_keep_tags_links_and_annotations(seeded_library: Library) -> None:
    lib = seeded_library
    pid = next(p for p in lib.store.passage_ids() if lib.get(p).links)
    before = lib.get(pid)
    lib.trash([pid])
    lib.restore([pid])
    after = lib.get(pid)
    assert after.tags == before.tags
    assert after.annotations == before.annotations
    assert [(ln.other_id, ln.kind) for ln in after.links] == [
        (ln.other_id, ln.kind) for ln in before.links
    ]


def test_undo_and_redo_go_through_the_core(library: Library) -> None:
    a = library.clip("Alpha text about Dushanbe.").ids[0]
    b = library.clip("Beta text about Kabul.").ids[0]
    library.tag(a, ["x/y"])
    library.untag(a, ["x/y"])
    assert library.undo_status()[0] == "untag x/y"
    library.undo()
    assert library.get(a).tags == ("x/y",)
    library.link(a, b, "supports")
    library.unlink(a, b)
    library.undo()
    assert library.get(a).links[0].kind == "supports"
    library.update(a, title="New title")
    library.undo()
    assert library.get(a).title != "New title"
    library.redo()
    assert library.get(a).title == "New title"
    library.trash([b])
    library.undo()
    assert b in ids_of(library, "kabul")
    with pytest.raises(UserError):
        for _ in range(100):
            library.undo()


def test_edit_annotation_and_delete_are_undoable(library: Library) -> None:
    pid = library.clip("Some passage.").ids[0]
    aid = library.annotate(pid, "first thought")
    library.edit_annotation(aid, "second thought")
    assert [a.body for a in library.get(pid).annotations] == ["second thought"]
    library.undo()
    assert [a.body for a in library.get(pid).annotations] == ["first thought"]
    library.delete_annotation(aid)
    assert library.get(pid).annotations == ()
    library.undo()
    assert [a.body for a in library.get(pid).annotations] == ["first thought"]


def test_a_failed_write_leaves_nothing_half_written(library: Library) -> None:
    drafts = [PassageDraft(body="good one"), PassageDraft(body="bad", credibility=9)]
    with pytest.raises(UserError):
        library.create(SourceDraft(title="S"), drafts)
    assert library.stats()["passages"] == 0
    assert library.stats()["sources"] == 0


def test_bad_input_is_a_clear_user_error(library: Library) -> None:
    pid = library.clip("Text.").ids[0]
    with pytest.raises(NotFound):
        library.get("nonexistent")
    with pytest.raises(UserError, match="kind"):
        library.link(pid, pid, "bogus")
    with pytest.raises(UserError, match="itself"):
        library.link(pid, pid)
    with pytest.raises(UserError):
        library.tag(pid, ["   "])
    with pytest.raises(UserError):
        library.annotate(pid, "  ")
    with pytest.raises(UserError):
        library.clip("   ")
    with pytest.raises(UserError, match="no source"):
        library.grade(library.new_note(), reliability="A")


def test_a_second_writer_is_refused_and_a_reader_is_not(tmp_library: Path) -> None:
    with Library.open(tmp_library) as lib:
        lib.clip("Shared text about Xinjiang.")
        with pytest.raises(LibraryLocked, match="another Desk"):
            Library.open(tmp_library)
        with Library.open(tmp_library, readonly=True) as ro:
            assert ro.stats()["passages"] == 1
            assert ro.search("xinjiang").total == 1
            with pytest.raises(ReadOnlyLibrary):
                ro.clip("nope")
    with Library.open(tmp_library) as again:  # the lock went with the first
        assert again.stats()["passages"] == 1


def test_index_deleted_is_rebuilt_on_open(seeded_path: Path) -> None:
    shutil.rmtree(seeded_path / "index")
    with Library.open(seeded_path) as lib:
        assert any("rebuilt" in n for n in lib.notices)
        assert lib.search("wakhan").total > 0
        assert lib.check(repair=False).ok


def test_index_garbled_is_rebuilt_on_open(seeded_path: Path) -> None:
    for f in (seeded_path / "index").rglob("*"):
        if f.is_file():
            f.write_bytes(b"\x00garbage" * 50)
    with Library.open(seeded_path) as lib:
        assert lib.search("wakhan").total > 0
        assert lib.check(repair=False).ok


def test_index_stale_after_a_write_it_never_saw_is_reconciled(seeded_path: Path) -> None:
    # What a kill -9 between the SQLite commit and the index write leaves.
    conn = sqlite3.connect(seeded_path / "desk.sqlite")
    pid = conn.execute("SELECT id FROM passage LIMIT 1").fetchone()[0]
    conn.execute(
        "UPDATE passage SET body = 'zanzibarian marker', updated = '2099-01-01T00:00:00Z' "
        "WHERE id = ?",
        (pid,),
    )
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    conn.commit()
    conn.close()
    with Library.open(seeded_path) as lib:
        assert ids_of(lib, "zanzibarian") == {pid}
        assert lib.check(repair=False).ok


def test_check_reports_and_repairs_drift(seeded_library: Library) -> None:
    lib = seeded_library
    assert lib.check().ok
    pid = lib.store.passage_ids()[0]
    lib.index.delete([pid], generation=lib.store.generation)
    report = lib.check(repair=False)
    assert not report.ok and report.missing_in_index == 1
    report = lib.check(repair=True)
    assert report.repaired and lib.check(repair=False).ok


def test_reindex_can_be_cancelled_and_keeps_the_old_index(seeded_library: Library) -> None:
    lib = seeded_library
    assert lib.reindex(cancel=lambda: True) is False
    assert lib.search("wakhan").total > 0
    seen = []
    assert lib.reindex(progress=lambda d, t: seen.append((d, t))) is True
    assert seen and lib.search("wakhan").total > 0


def test_entities_are_found_in_clips_and_searchable_by_any_alias(library: Library) -> None:
    pid = library.clip("Президент Эмомали Рахмон встретился с делегацией в Душанбе.").ids[0]
    keys = {e.key for e in library.get(pid).entities}
    assert "emomali-rahmon" in keys
    assert pid in ids_of(library, "Rahmon")
    assert pid in ids_of(library, "Rakhmon")
    assert pid in ids_of(library, "entity:emomali-rahmon")


def test_event_dates_are_resolved_against_publication(library: Library) -> None:
    res = library.clip(
        "The parliament said on October 28 that China will pay.",
        source=SourceDraft(title="T", published="2021-11"),
    )
    events = library.get(res.ids[0]).events
    assert [(e.date, e.precision) for e in events] == [("2021-10-28", "day")]


def test_reimporting_the_same_file_adds_nothing(library: Library) -> None:
    article = Path(__file__).resolve().parents[2] / "seeds" / "article.txt"
    first = library.import_files([article])
    again = library.import_files([article])
    assert first.ids and again.ids == [] and again.skipped == len(first.ids)


def test_hits_carry_the_source_url(library: Library) -> None:
    library.clip("Patrols near Khorog.", source=SourceDraft(title="R", url="https://x.example/a"))
    hit = library.search("khorog").hits[0]
    assert hit.source_url == "https://x.example/a"
    assert hit.to_json()["source"]["url"] == "https://x.example/a"


def test_saved_searches(library: Library) -> None:
    library.save_search("Border", "tag:place")
    library.save_search("Border", "tag:place/wakhan")
    assert library.saved_searches() == [("Border", "tag:place/wakhan")]
    library.delete_saved_search("Border")
    with pytest.raises(NotFound):
        library.delete_saved_search("Border")


def test_empty_query_lists_every_live_passage_after_edits_and_trash(
    seeded_library: Library,
) -> None:
    lib = seeded_library
    total = lib.stats()["passages"]
    pid = lib.store.passage_ids()[0]
    lib.update(pid, body="edited body")  # leaves a deleted document in a segment
    assert lib.search("", limit=None).total == total
    lib.trash([pid])
    result = lib.search("", limit=None)
    assert result.total == total - 1 and pid not in {h.id for h in result.hits}
    assert not result.notices
    created = [lib.get(h.id).created for h in result.hits]
    assert created == sorted(created, reverse=True)  # newest first


def test_library_rebuilds_an_index_of_an_older_format(tmp_path: Path) -> None:
    import json

    from desk.library import Library

    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.seed()
        n = lib.search("Wakhan").total
    stamp = path / "index" / "desk-generation.json"
    data = json.loads(stamp.read_text())
    data.pop("format")
    stamp.write_text(json.dumps(data))
    with Library.open(path) as lib:
        assert "The search index was made by an older version of Desk; rebuilt it." in lib.notices
        assert lib._index.status == "ok" and lib.search("Wakhan").total == n
    with Library.open(path) as lib:
        assert not any("search index" in m for m in lib.notices)
