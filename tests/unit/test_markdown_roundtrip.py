"""Markdown export and import through the real Library facade (DESIGN §5).

Export -> import -> export gives the same folder byte for byte and the same
library; hostile titles and tags stay inside the export folder; our own
notes and Obsidian folders import without duplicates on a second run.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from desk import interchange_ops
from desk.core.errors import UserError
from desk.core.interchange import frontmatter
from desk.core.types import Passage, PassageDraft, SourceDraft
from desk.library import Library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANIFEST = ".desk-export.json"

HOSTILE_TITLES = [
    "../../x",
    "/abs",
    "C:\\x",
    "CON",
    "com1",
    "LPT9.txt",
    "trailing dots...",
    "trailing spaces and dots . . .",
    '/ \\ : * ? " < > |',
    "x" * 300,
    "ж" * 200,
    ".",
    "-",
    "😀 emoji 👨‍👩‍👧",
    "Таджикистан",
    "طالبان",
    "中国安全哨所",
    "line\nbreak in a title",
    "---",
    "key: value",
    "# heading",
    "'single' \"double\" `back`",
    "&anchor *alias !!python/object:os.system",
    "[[wiki|link]]",
    "\u200f\u202eRTL\u202c",
    "e\u0301",
    "yes",
    "null",
]
HOSTILE_TAGS = [
    "../../x",
    "/abs",
    "C:\\x",
    "CON",
    "com1",
    "dots.../spaces",
    '\\ : * ? " < > |',
    "t" * 150,
    "😀",
    "Таджикистан/Вахон",
    "طالبان",
    "中国",
    "---",
    "key: value",
    "&anchor",
    "*alias",
    "yes",
    "'quoted'",
]


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _annotations(p: Passage) -> list[tuple[Any, ...]]:
    return [(a.body, a.start, a.end, a.created, a.updated) for a in p.annotations]


def _links(links: Any) -> set[tuple[Any, ...]]:
    return {(k.other_id, k.other_title, k.kind, k.note, k.outgoing) for k in links}


def _source(p: Passage) -> tuple[Any, ...] | None:
    s = p.source
    if s is None:
        return None
    return (
        s.title,
        s.url,
        s.publisher,
        s.author,
        s.published,
        s.reliability,
        s.language,
        s.originator,
        s.retrieved_at,
    )


def assert_same_passage(a: Passage, b: Passage) -> None:
    assert (a.id, a.title, a.body, a.kind) == (b.id, b.title, b.body, b.kind)
    assert (a.start, a.end, a.language, a.credibility) == (
        b.start,
        b.end,
        b.language,
        b.credibility,
    )
    assert (a.created, a.updated, a.grade) == (b.created, b.updated, b.grade)
    assert sorted(a.tags) == sorted(b.tags)
    assert _annotations(a) == _annotations(b)
    assert _links(a.links) == _links(b.links)
    assert _links(a.backlinks) == _links(b.backlinks)
    assert _source(a) == _source(b)
    assert [e.key for e in a.entities] == [e.key for e in b.entities]
    assert [(d.date, d.start) for d in a.events] == [(d.date, d.start) for d in b.events]


def _twin(tmp_path: Path, lib: Library) -> Library:
    """A new, empty library whose folder has the same name (index.md shows the name)."""
    return Library.open(tmp_path / "twin" / lib.root.name)


def numbered_notes(vault: Path, count: int, text: Callable[[int], str]) -> Path:
    """A folder of notes ``n0.md`` … holding ``text(n)``."""
    vault.mkdir()
    for n in range(count):
        (vault / f"n{n}.md").write_text(text(n), encoding="utf-8")
    return vault


def test_round_trip_of_the_sample_collection(seeded_library: Library, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    report = seeded_library.export_markdown(first)
    assert not report.conflicts and not report.refused and not report.warnings
    n = seeded_library.stats()["passages"]
    assert sum(1 for f in report.written if f.startswith("notes/")) == n
    with _twin(tmp_path, seeded_library) as twin:
        res = twin.import_markdown(first)
        assert len(res.ids) == n and res.already_present == 0
        assert res.skipped == [] and res.warnings == []
        assert res.links == seeded_library.stats()["links"]
        twin.export_markdown(second)
        assert twin.stats() == seeded_library.stats()
        for pid in seeded_library.store.passage_ids():
            assert_same_passage(seeded_library.get(pid), twin.get(pid))
        # Imported notes are searchable at once.
        some = seeded_library.get(res.ids[0])
        word = max(some.body.split(), key=len)
        assert res.ids[0] in [h.id for h in twin.search(word, limit=None).hits]
        # The same folder again adds nothing.
        again = twin.import_markdown(first)
        assert again.ids == [] and again.already_present == n and again.links == 0
        assert twin.stats() == seeded_library.stats()
    # Same files, byte for byte (the manifest holds no timestamps, so it is compared too).
    assert _files(first) == _files(second)


def test_export_loads_passages_in_batches_as_the_store_does(seeded_library: Library) -> None:
    ids = sorted(seeded_library.store.passage_ids())
    sources = {s.id: s for s in seeded_library.store.sources()}
    batch = interchange_ops._passage_batch(seeded_library.store, [*ids, "p-gone"], sources)
    assert [p.id for p in batch] == ids
    for p in batch:
        full = seeded_library.store.passage(p.id)
        assert replace(full, mentions=(), events=()) == p


def test_export_is_readable_by_independent_parsers(seeded_library: Library, tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    seeded_library.export_markdown(dest)
    md = MarkdownIt("commonmark")
    by_id = {p.id: p for p in seeded_library.passages(seeded_library.store.passage_ids())}
    seen = set()
    for path in dest.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\n")
        head, body = text[4:].split("\n---\n", 1)
        data = yaml.safe_load(head)
        assert isinstance(data, dict) and data["desk-kind"]
        tokens = md.parse(body)
        assert tokens, path
        if data["desk-kind"] == "passage":
            p = by_id[data["id"]]
            seen.add(p.id)
            assert data["title"] == p.title
            assert sorted(data["tags"]) == sorted(p.tags)
            assert data["credibility"] == p.credibility
            assert data["created"] == p.created and data["updated"] == p.updated
            assert tokens[0].type == "blockquote_open"
            quoted = "".join(t.content for t in tokens if t.type == "inline")
            assert p.body.split()[0] in quoted
    assert seen == set(by_id)


def _hostile_library(lib: Library) -> list[str]:
    src = SourceDraft(
        title='../../source: "quoted" #1 &a *b\nline',
        url="https://example.com/a?b=c&d=e#f",
        publisher="CON",
        published="2021-10",
        reliability="C",
    )
    drafts = [
        PassageDraft(
            body=f"Body {n}: {title}\n\n> quoted\n---\n- item",
            title=title,
            tags=(HOSTILE_TAGS[n % len(HOSTILE_TAGS)],),
            credibility=1 + n % 6,
        )
        for n, title in enumerate(HOSTILE_TITLES)
    ]
    ids = lib.create(src, drafts).ids
    lib.create(None, [PassageDraft(body="no source", title="   x   ", tags=tuple(HOSTILE_TAGS))])
    for n, pid in enumerate(ids):
        lib.annotate(pid, f"note {n}: {HOSTILE_TITLES[n]}\n\nsecond paragraph")
        if n:
            lib.link(pid, ids[n - 1], ("relates", "supports", "contradicts", "same-event")[n % 4])
    return ids


def test_hostile_titles_and_tags_stay_inside_and_round_trip(
    library: Library, tmp_path: Path
) -> None:
    ids = _hostile_library(library)
    outside_before = {p.name for p in tmp_path.iterdir()}
    dest = tmp_path / "out" / "vault"
    dest.parent.mkdir()
    report = library.export_markdown(dest)
    assert not report.refused and not report.conflicts and not report.warnings
    assert {p.name for p in tmp_path.iterdir()} == outside_before | {"out"}
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["vault"]
    root = dest.resolve()
    for path in dest.rglob("*"):
        assert path.resolve().is_relative_to(root)
        name = path.name
        assert len(name.encode()) <= 255
        assert not set(name) & set('\\:*?"<>|\x00\n')
        assert name == name.strip(" ") and not name.endswith(".")
        assert unicodedata.normalize("NFC", name) == name
        assert name.split(".")[0].upper() not in {"CON", "COM1", "LPT9", "PRN", "AUX", "NUL"}
    notes = list((dest / "notes").iterdir())
    assert len(notes) == len(ids) + 1
    with _twin(tmp_path, library) as twin:
        res = twin.import_markdown(dest)
        assert sorted(res.ids) == sorted(library.store.passage_ids())
        assert res.skipped == [] and res.warnings == []
        for pid in library.store.passage_ids():
            assert_same_passage(library.get(pid), twin.get(pid))
        assert twin.stats() == library.stats()
        again = tmp_path / "again"
        twin.export_markdown(again)
    assert _files(dest) == _files(again)


def test_fast_yaml_and_pure_python_give_the_same_files(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hostile_library(library)
    library.export_markdown(tmp_path / "fast")
    monkeypatch.setattr(frontmatter, "use_libyaml", False)
    monkeypatch.setattr(frontmatter, "use_plain_yaml", False)
    library.export_markdown(tmp_path / "python")
    assert _files(tmp_path / "fast") == _files(tmp_path / "python")
    # The pure Python reader reads the fast export back the same.
    with _twin(tmp_path, library) as twin:
        twin.import_markdown(tmp_path / "fast")
        monkeypatch.setattr(frontmatter, "use_libyaml", frontmatter.HAS_LIBYAML)
        monkeypatch.setattr(frontmatter, "use_plain_yaml", True)
        twin.export_markdown(tmp_path / "again")
    assert _files(tmp_path / "fast") == _files(tmp_path / "again")


def test_reexport_updates_our_files_and_leaves_foreign_ones(
    seeded_library: Library, tmp_path: Path
) -> None:
    dest = tmp_path / "vault"
    seeded_library.export_markdown(dest)
    mine = dest / "notes" / "my own thoughts.md"
    mine.write_text("# Mine\n\nNot Desk's.\n", encoding="utf-8")
    (dest / "README.txt").write_text("keep me", encoding="utf-8")
    ids = seeded_library.store.passage_ids()
    renamed, trashed = ids[0], ids[1]
    old_name = {p.name for p in (dest / "notes").iterdir()}
    seeded_library.update(renamed, title="A brand new title")
    seeded_library.trash([trashed])
    report = seeded_library.export_markdown(dest)
    assert "notes/A brand new title.md" in report.written
    assert len(report.removed) == 2  # the old name of the renamed note, the trashed note
    assert all(r.startswith("notes/") and Path(r).name in old_name for r in report.removed)
    assert mine.read_text(encoding="utf-8") == "# Mine\n\nNot Desk's.\n"
    assert (dest / "README.txt").read_text(encoding="utf-8") == "keep me"
    heads = [p.read_text(encoding="utf-8")[:200] for p in (dest / "notes").glob("*.md")]
    assert not any(h.startswith(f"---\nid: {trashed}\n") for h in heads)
    # Nothing changed since: a third export writes nothing.
    third = seeded_library.export_markdown(dest)
    assert third.written == [] and third.removed == []


def test_query_and_selection_exports(seeded_library: Library, tmp_path: Path) -> None:
    hits = seeded_library.search("Taliban", limit=None).hits
    assert 0 < len(hits) < seeded_library.stats()["passages"]
    report = seeded_library.export_markdown(tmp_path / "q", query="Taliban")
    assert len([f for f in report.written if f.startswith("notes/")]) == len(hits)
    # A selection (full ids or prefixes; unknown ones ignored) exports just those,
    # and a link to a passage outside the export says so instead of dangling.
    linked = next(p for p in seeded_library.passages(seeded_library.store.passage_ids()) if p.links)
    report = seeded_library.export_markdown(tmp_path / "sel", ids=[linked.id[:9], "nonexistent"])
    notes = [f for f in report.written if f.startswith("notes/")]
    assert len(notes) == 1
    text = (tmp_path / "sel" / notes[0]).read_text(encoding="utf-8")
    assert f"id: {linked.id}\n" in text and "(not in this export)" in text
    with pytest.raises(UserError, match="No passages match"):
        seeded_library.export_markdown(tmp_path / "none", query="zzzqqqxxx")
    assert not (tmp_path / "none").exists()


def test_export_destination_errors(seeded_library: Library, tmp_path: Path) -> None:
    a_file = tmp_path / "file.md"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="is a file"):
        seeded_library.export_markdown(a_file)
    with pytest.raises(UserError, match="is a file"):
        seeded_library.export_markdown(a_file / "sub")
    assert a_file.read_text(encoding="utf-8") == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_export_into_read_only_folder(seeded_library: Library, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(UserError, match="permission denied"):
            seeded_library.export_markdown(locked)
        with pytest.raises(UserError, match="permission denied"):
            seeded_library.export_markdown(locked / "sub")
    finally:
        locked.chmod(0o700)


def test_obsidian_vault_import_and_reimport(library: Library) -> None:
    res = library.import_markdown(FIXTURES / "obsidian_vault")
    assert len(res.ids) == 4 and res.already_present == 0 and res.skipped == []
    by_title = {p.title: p for p in library.passages(res.ids)}
    assert set(by_title) == {"Dushanbe", "ETIM", "Vakhon outpost", "Emomali Rahmon"}
    vakhon = by_title["Vakhon outpost"]
    assert set(vakhon.tags) == {"china", "security", "tajikistan", "place/vakhon", "followup"}
    links = {(ln.other_title, ln.kind) for ln in vakhon.links}
    assert links == {("ETIM", "relates"), ("Emomali Rahmon", "relates"), ("Dushanbe", "relates")}
    etim = by_title["ETIM"]
    assert {(ln.other_title, ln.kind, ln.note) for ln in etim.links} == {
        ("Vakhon outpost", "supports", "the outpost watches the corridor"),
        ("Emomali Rahmon", "relates", None),
    }
    assert by_title["Emomali Rahmon"].created == "2021-10-28"
    assert res.links == 5
    # Mentions and dates were found, as for any new passage.
    rahmon = by_title["Emomali Rahmon"]
    assert {"tajikistan", "taliban"} <= {e.key for e in rahmon.entities}
    assert "1994" in [d.date for d in rahmon.events]
    before = library.stats()
    again = library.import_markdown(FIXTURES / "obsidian_vault")
    assert again.ids == [] and again.already_present == 4 and again.links == 0
    assert library.stats() == before


def test_foreign_dedupe_is_by_title_and_body(library: Library, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("# Alpha\n\nFirst text. [[b]]\n", encoding="utf-8")
    (vault / "b.md").write_text("Second text.\n", encoding="utf-8")
    (vault / "copy of b.md").write_text("---\ntitle: b\n---\nSecond text.\n", encoding="utf-8")
    first = library.import_markdown(vault)
    assert len(first.ids) == 2 and first.already_present == 1  # the copy is the same note
    (vault / "a.md").write_text("# Alpha\n\nFirst text, edited.\n", encoding="utf-8")
    second = library.import_markdown(vault)
    assert len(second.ids) == 1 and second.already_present == 2
    assert library.get(second.ids[0]).body == "First text, edited."


def test_links_to_missing_targets_are_reported(library: Library, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("See [[Nowhere]] and [[b]].\n", encoding="utf-8")
    (vault / "b.md").write_text("B.\n", encoding="utf-8")
    own = (
        "---\nid: pown0000000000001\ntitle: Own\ntags: []\ncredibility: null\n"
        "links:\n- id: pmissing\n  kind: supports\ndesk-kind: passage\n---\n\n> Own body\n"
    )
    (vault / "own.md").write_text(own, encoding="utf-8")
    res = library.import_markdown(vault)
    assert len(res.ids) == 3 and res.links == 1
    assert any("'Nowhere'" in w and "a.md" in w for w in res.warnings)
    assert any("'pmissing'" in w and "own.md" in w for w in res.warnings)
    assert library.get("pown0000000000001").body == "Own body"


def test_existing_source_is_matched_and_ids_are_kept(
    seeded_library: Library, tmp_path: Path
) -> None:
    dest = tmp_path / "vault"
    seeded_library.export_markdown(dest)
    pid = seeded_library.store.passage_ids()[0]
    seeded_library.trash([pid])
    seeded_library.empty_trash()
    before = seeded_library.stats()
    res = seeded_library.import_markdown(dest)
    assert res.ids == [pid] and res.already_present == before["passages"]
    assert res.source_ids == []  # the one source is found again, not duplicated
    assert seeded_library.stats()["sources"] == before["sources"]
    assert seeded_library.stats()["passages"] == before["passages"] + 1


def test_import_is_whole_batches(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = numbered_notes(tmp_path / "vault", 7, lambda n: f"Note number {n}.\n")
    monkeypatch.setattr(interchange_ops, "IMPORT_BATCH", 3)
    calls = {"n": 0}
    real = library._analyse

    def failing(
        conn: Any, pid: str, body: str, published: str | None, found: Any = None, **kw: Any
    ) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk on fire")
        real(conn, pid, body, published, found, **kw)

    monkeypatch.setattr(library, "_analyse", failing)
    with pytest.raises(RuntimeError):
        library.import_markdown(vault)
    assert library.stats()["passages"] == 3  # the first batch only
    monkeypatch.setattr(library, "_analyse", real)
    res = library.import_markdown(vault)
    assert len(res.ids) == 4 and res.already_present == 3
    assert library.stats()["passages"] == 7
    assert len(library.search("number", limit=None).hits) == 7


def test_cancel_keeps_whole_batches_and_progress_is_reported(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = numbered_notes(tmp_path / "vault", 7, lambda n: f"Note {n}.\n")
    monkeypatch.setattr(interchange_ops, "IMPORT_BATCH", 2)
    seen: list[tuple[int, int]] = []
    res = library.import_markdown(
        vault, progress=lambda d, t: seen.append((d, t)), cancel=lambda: len(seen) >= 5
    )
    assert res.cancelled
    assert len(res.ids) == 4 == library.stats()["passages"]
    assert seen[0] == (1, 7) and all(t == 7 for _, t in seen)
    # Export progress and cancel.
    steps: list[tuple[int, int]] = []
    report = library.export_markdown(tmp_path / "out", progress=lambda d, t: steps.append((d, t)))
    assert steps[-1][0] == steps[-1][1] and not report.cancelled
    stopped = library.export_markdown(tmp_path / "out2", cancel=lambda: True)
    assert stopped.cancelled and stopped.written == []


def test_a_note_the_database_refuses_is_skipped_alone(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    vault = tmp_path / "vault"
    vault.mkdir()
    for name in ("a", "b"):
        (vault / f"{name}.md").write_text(
            f"---\nurl: https://example.com/story\nreliability: B\n---\nText {name}.\n",
            encoding="utf-8",
        )
    real = library.store.add_tags
    calls = {"n": 0}

    def refuse_first(conn: Any, pid: str, paths: Any) -> list[str]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise sqlite3.IntegrityError("CHECK constraint failed")
        return real(conn, pid, paths)

    monkeypatch.setattr(library.store, "add_tags", refuse_first)
    res = library.import_markdown(vault)
    assert res.skipped == [("a.md", "refused by the database (CHECK constraint failed)")]
    assert len(res.ids) == 1 and len(res.source_ids) == 1
    p = library.get(res.ids[0])
    assert p.body == "Text b." and p.source is not None and p.source.id == res.source_ids[0]
    assert p.grade == "B?"
    assert library.stats()["sources"] == 1 and library.stats()["passages"] == 1


@pytest.mark.parametrize("seeded", [False, True])
def test_large_import_indexes_once_at_the_end(
    seeded: bool, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = numbered_notes(
        tmp_path / "vault", 6, lambda n: f"Quokka note {n}. [[n{(n + 1) % 6}]]\n"
    )
    if seeded:  # more passages than the import: upsert, not rebuild
        library.create(None, [PassageDraft(body=f"other {n}") for n in range(10)])
    monkeypatch.setattr(interchange_ops, "DEFER_INDEX_AT", 3)
    monkeypatch.setattr(interchange_ops, "IMPORT_BATCH", 2)
    res = library.import_markdown(vault)
    assert len(res.ids) == 6 and res.links == 6
    assert sorted(h.id for h in library.search("quokka", limit=None).hits) == sorted(res.ids)
    assert library.index.generation == library.store.generation
    assert library.check(repair=False).ok


def test_import_undo_trashes_the_imported_notes(library: Library) -> None:
    res = library.import_markdown(FIXTURES / "obsidian_vault")
    assert library.undo_status()[0] == "import 4 Markdown notes"
    library.undo()
    assert library.stats()["passages"] == 0 and library.stats()["trashed"] == 4
    library.redo()
    assert library.stats()["passages"] == len(res.ids)


def test_import_folder_errors(library: Library, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="No such folder"):
        library.import_markdown(tmp_path / "missing")
    (tmp_path / "f.md").write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="is a file"):
        library.import_markdown(tmp_path / "f.md")
    (tmp_path / "empty" / ".obsidian").mkdir(parents=True)
    (tmp_path / "empty" / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(UserError, match="No Markdown notes found"):
        library.import_markdown(tmp_path / "empty")


def test_markdown_for_clipboard(seeded_library: Library) -> None:
    ids = seeded_library.store.passage_ids()[:3]
    text = seeded_library.markdown_for_clipboard(ids)
    assert text.count("\n\n— **") == 3 and text.endswith("\n")
    for p in seeded_library.passages(ids):
        assert "> " + p.body.split("\n")[0] in text
        assert f"**{p.title}**" in text
        assert p.source is not None and p.source.title in text
        if p.grade:
            assert f"Grade {p.grade}" in text
    tokens = MarkdownIt("commonmark").parse(text)
    assert [t.type for t in tokens].count("blockquote_open") == 3
    assert seeded_library.markdown_for_clipboard([]) == ""
    lone = seeded_library.create(None, [PassageDraft(body="Line one\n\nline two", title="Own")])
    seeded_library.grade(lone.ids[0], credibility=2)
    own = seeded_library.markdown_for_clipboard(lone.ids)
    assert own == (
        "> Line one\n>\n> line two\n\n— **Own** · Grade ?2 (information probably true)\n"
    )


def test_large_import_widens_the_page_cache_meanwhile(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = numbered_notes(tmp_path / "vault", 4, lambda n: f"Note {n}.\n")
    monkeypatch.setattr(interchange_ops, "DEFER_INDEX_AT", 3)
    conn = library.store.conn
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    during: list[int] = []
    library.import_markdown(
        vault, progress=lambda d, t: during.append(conn.execute("PRAGMA cache_size").fetchone()[0])
    )
    assert during[0] == -interchange_ops.IMPORT_CACHE_KIB
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == before
