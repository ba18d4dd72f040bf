"""Markdown export: note format, index notes, determinism, safe writing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from desk.core.errors import UserError
from desk.core.interchange import frontmatter, vault_writer
from desk.core.interchange.filenames import NamePlanner
from desk.core.interchange.layout import MANIFEST_NAME, ExportFile
from desk.core.interchange.markdown_export import render_passage, render_vault
from desk.core.interchange.vault_writer import write_vault
from desk.core.types import Annotation, Entity, Link, Passage, Source

SOURCE = Source(
    id=1,
    title="China looks to Tajiks to spy Afghan terror risks",
    url="https://asiatimes.com/2021/11/china-looks-to-tajiks/",
    publisher="Asia Times",
    published="2021-11",
    reliability="B",
)


def outpost(**over: object) -> Passage:
    fields: dict[str, object] = {
        "id": "p-outpost-announcement",
        "title": "Parliament announces Chinese-funded security outpost",
        "body": "When Tajikistan’s parliament said on October 28 that China will finance\n"
        "the construction of a “security outpost” ...",
        "source": SOURCE,
        "credibility": 2,
        "created": "2026-11-27T10:00:00Z",
        "updated": "2026-11-27T11:00:00Z",
        "language": "en",
        "tags": ("place/vakhon", "actor/china"),
        "annotations": (Annotation(1, "p-outpost-announcement", "Announced by the Majlisi Oli."),),
        "links": (Link("p-etim", "ETIM and the Taliban", "supports", "same border"),),
        "backlinks": (Link("p-rahmon", "Rahmon refuses", "relates", outgoing=False),),
        "entities": (
            Entity(1, "china", "China", "country"),
            Entity(2, "tj", "Tajikistan", "country"),
        ),
    }
    fields.update(over)
    return Passage(**fields)  # type: ignore[arg-type]


def library() -> list[Passage]:
    return [
        outpost(),
        Passage(
            id="p-etim",
            title="ETIM and the Taliban",
            body="China has pressed the Taliban to cut ties with the ETIM.",
            source=SOURCE,
            tags=("actor/china", "group/etim"),
            links=(Link("p-outpost-announcement", "Parliament announces", "relates"),),
        ),
        Passage(id="p-rahmon", title="Rahmon refuses", body="Rahmon has refused to recognise."),
    ]


def split_note(text: str) -> tuple[dict[str, object], str]:
    source, body = frontmatter.split(text)
    assert source is not None
    return yaml.safe_load(source), body


def test_note_layout() -> None:
    p = outpost()
    names = NamePlanner((q.id, q.title) for q in library())
    text = render_passage(p, names)
    assert text.startswith("---\nid: p-outpost-announcement\ntitle: ")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text
    data, body = split_note(text)
    assert data["id"] == p.id
    assert data["title"] == p.title
    assert data["aliases"] == [p.title]
    assert data["tags"] == ["actor/china", "place/vakhon"]
    assert data["source"] == SOURCE.title
    assert data["published"] == "2021-11"
    assert data["reliability"] == "B"
    assert data["credibility"] == 2
    assert data["entities"] == ["China", "Tajikistan"]
    assert data["created"] == "2026-11-27T10:00:00Z"
    assert data["links"] == [{"id": "p-etim", "kind": "supports", "note": "same border"}]
    assert data["desk-kind"] == "passage"
    assert body.startswith("\n> When Tajikistan’s parliament")  # blank line after the fence
    assert "\n— *China looks to Tajiks to spy Afghan terror risks*, Asia Times, 2021-11." in body
    assert "<https://asiatimes.com/2021/11/china-looks-to-tajiks/>" in body
    assert "Grade B2" in body
    assert "\n## Annotations\n\n- Announced by the Majlisi Oli.\n" in body
    assert "\n- supports [[ETIM and the Taliban]] — same border\n" in body
    assert "\n## Backlinks\n\n- [[Rahmon refuses]] (relates)\n" in body


def test_commonmark_blockquote_and_yaml() -> None:
    body = "# not a heading\n---\n> nested\n\n* list\n<script>alert(1)</script>\ntrailing  "
    p = outpost(body=body, title="<b>bold</b> [x](y) | *t*")
    text = render_passage(p, NamePlanner([(p.id, p.title), ("p-etim", "ETIM")]))
    source, rest = frontmatter.split(text)
    assert source is not None
    assert yaml.safe_load(source)["title"] == p.title
    tokens = MarkdownIt("commonmark").parse(rest)
    kinds = [t.type for t in tokens]
    assert kinds[0] == "blockquote_open"
    depth = 0
    for t in tokens:
        depth += t.nesting if t.type.startswith("blockquote") else 0
        if t.type == "heading_open":
            # Only our own section headings are headings outside the quote.
            assert depth == 0 or t.tag == "h1"
    inline = "".join(t.content for t in tokens if t.type == "inline")
    assert "not a heading" in inline
    html = MarkdownIt("commonmark").render(rest)
    # The body is not escaped (it is Markdown); the title never reaches the body raw.
    assert "<b>bold</b>" not in html


def test_special_titles_in_links_and_citation() -> None:
    src = Source(id=2, title="A *star* & <tag> [x]", url="javascript:alert(1)")
    p = outpost(source=src, links=(Link("p-x", "a|b]] [[c\nd", "contradicts", "why\nnot"),))
    text = render_passage(p, NamePlanner([(p.id, p.title), ("p-x", "a|b]] [[c\nd")]))
    html = MarkdownIt("commonmark").render(frontmatter.split(text)[1])
    assert "<tag>" not in html
    assert 'href="javascript' not in html
    line = next(x for x in text.splitlines() if x.startswith("- contradicts"))
    assert line.count("[[") == 1 and line.count("]]") == 1
    assert line.endswith("— why not")


def test_vault_files_and_indexes() -> None:
    files = {f.relpath: f.text for f in render_vault(library(), library_name="Tajik desk")}
    assert set(files) == {
        "notes/Parliament announces Chinese-funded security outpost.md",
        "notes/ETIM and the Taliban.md",
        "notes/Rahmon refuses.md",
        "sources/China looks to Tajiks to spy Afghan terror risks.md",
        "tags/actor - china.md",
        "tags/group - etim.md",
        "tags/place - vakhon.md",
        "index.md",
    }
    index = files["index.md"]
    assert split_note(index)[0] == {"title": "Tajik desk", "desk-kind": "index"}
    assert "- [[China looks to Tajiks to spy Afghan terror risks]] (2)" in index
    assert "- [[actor - china|actor/china]] (2)" in index
    assert "## Notes without a source (1)\n\n- [[Rahmon refuses]]" in index
    tag = files["tags/actor - china.md"]
    assert split_note(tag)[0]["desk-kind"] == "tag-index"
    assert "- [[ETIM and the Taliban]]" in tag
    src = files["sources/China looks to Tajiks to spy Afghan terror risks.md"]
    assert split_note(src)[0]["desk-kind"] == "source-index"
    assert "**Reliability:** B — usually reliable" in src
    assert "## Passages (2)" in src
    for text in files.values():
        MarkdownIt("commonmark").parse(text)


def test_vault_names_unique_across_folders() -> None:
    passages = [
        Passage(id="p-1", title="china", body="x", tags=("china",)),
        Passage(id="p-2", title="index", body="y", source=Source(id=5, title="china")),
    ]
    files = [f.relpath for f in render_vault(passages)]
    stems = [p.rsplit("/", 1)[-1].casefold() for p in files]
    assert len(set(stems)) == len(stems), files


def test_export_is_deterministic() -> None:
    a = list(render_vault(library()))
    b = list(render_vault(list(reversed(library()))))
    assert sorted(a, key=lambda f: f.relpath) == sorted(b, key=lambda f: f.relpath)


def test_streaming_with_planner_matches() -> None:
    lib = library()
    names = NamePlanner((p.id, p.title) for p in lib)
    streamed = list(render_vault(iter(lib), names=names, sources=[SOURCE]))
    assert {f.relpath: f.text for f in streamed} == {f.relpath: f.text for f in render_vault(lib)}


def test_link_to_passage_outside_export() -> None:
    p = outpost(links=(Link("p-gone", "Gone note", "relates"),), backlinks=())
    text = render_passage(p, NamePlanner([(p.id, p.title)]))
    assert "- relates *Gone note* (not in this export)" in text
    assert split_note(text)[0]["links"] == [{"id": "p-gone", "kind": "relates"}]


def test_write_vault_creates_then_unchanged(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    first = write_vault(render_vault(library()), dest)
    assert len(first.written) == 8 and not first.unchanged
    manifest = json.loads((dest / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(first.written)
    mtimes = {p: p.stat().st_mtime_ns for p in dest.rglob("*.md")}
    second = write_vault(render_vault(library()), dest)
    assert not second.written and len(second.unchanged) == 8
    assert {p: p.stat().st_mtime_ns for p in dest.rglob("*.md")} == mtimes
    assert not list(dest.rglob(".desk-tmp-*"))


def test_exported_files_get_an_ordinary_mode(tmp_path: Path) -> None:
    # The vault is handed on: files are readable by others unless the umask says no.
    old = os.umask(0o022)
    try:
        write_vault(render_vault(library()), tmp_path / "open")
        os.umask(0o077)
        write_vault(render_vault(library()), tmp_path / "private")
    finally:
        os.umask(old)
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "open").rglob("*.md")} == {0o644}
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "private").rglob("*.md")} == {0o600}


def test_write_vault_updates_changed_removes_stale_keeps_foreign(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    (dest / "notes").mkdir(parents=True)
    (dest / "notes" / "My own thoughts.md").write_text("mine", encoding="utf-8")
    (dest / "README.md").write_text("readme", encoding="utf-8")
    (dest / ".obsidian").mkdir()
    (dest / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    write_vault(render_vault(library()), dest)
    lib = library()
    lib[0] = outpost(title="Outpost renamed", body="changed")
    lib[1] = Passage(
        id="p-etim",
        title="ETIM and the Taliban",
        body=lib[1].body,
        source=SOURCE,
        tags=lib[1].tags,
        links=lib[1].links,
    )
    del lib[2]  # trashed
    report = write_vault(render_vault(lib), dest)
    assert "notes/Outpost renamed.md" in report.written
    assert "notes/Parliament announces Chinese-funded security outpost.md" in report.removed
    assert "notes/Rahmon refuses.md" in report.removed
    assert not (dest / "notes" / "Rahmon refuses.md").exists()
    assert (dest / "notes" / "My own thoughts.md").read_text(encoding="utf-8") == "mine"
    assert (dest / "README.md").read_text(encoding="utf-8") == "readme"
    assert (dest / ".obsidian" / "app.json").exists()
    assert "notes/My own thoughts.md" not in report.removed


def test_write_vault_never_overwrites_foreign_file(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    (dest / "notes").mkdir(parents=True)
    target = dest / "notes" / "Rahmon refuses.md"
    target.write_text("someone else's note", encoding="utf-8")
    report = write_vault(render_vault(library()), dest)
    assert report.conflicts == ["notes/Rahmon refuses.md"]
    assert target.read_text(encoding="utf-8") == "someone else's note"
    # Our own note from an earlier export without a manifest is recognised.
    (dest / MANIFEST_NAME).unlink()
    (dest / "notes" / "ETIM and the Taliban.md").write_text(
        "---\ndesk-kind: passage\n---\n\n> old\n", encoding="utf-8"
    )
    again = write_vault(render_vault(library()), dest)
    assert "notes/ETIM and the Taliban.md" in again.written


def test_write_vault_refuses_paths_outside(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    outside = tmp_path / "outside"
    outside.mkdir()
    dest.mkdir()
    (dest / "escape").symlink_to(outside, target_is_directory=True)
    bad = [
        "../evil.md",
        "notes/../../evil.md",
        str(tmp_path / "abs.md"),
        "/abs.md",
        "C:/evil.md",
        "notes\\..\\..\\evil.md",
        "escape/evil.md",
        MANIFEST_NAME,
        ".obsidian/app.json",
        "",
        "notes//x.md",
    ]
    report = write_vault([ExportFile(p, "x") for p in bad] + [ExportFile("ok.md", "fine")], dest)
    assert sorted(report.refused) == sorted(bad)
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside", "vault"]
    assert (dest / "ok.md").read_text(encoding="utf-8") == "fine"


def test_tampered_manifest_removes_nothing_outside(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    dest.mkdir()
    victim = tmp_path / "victim.md"
    victim.write_text("keep", encoding="utf-8")
    manifest = {"files": ["../victim.md", str(victim), "notes/gone.md"]}
    (dest / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    ours = "---\ndesk-kind: index\n---\n"
    write_vault([ExportFile("index.md", ours)], dest)
    assert victim.read_text(encoding="utf-8") == "keep"
    (dest / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    report = write_vault([ExportFile("index.md", ours + "\n# Desk\n")], dest)
    assert report.warnings and report.written == ["index.md"]


def test_cancel_keeps_old_files(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    write_vault(render_vault(library()), dest)
    seen: list[str] = []
    report = write_vault(
        render_vault(library()[:1]),
        dest,
        progress=lambda n, rel: seen.append(rel),
        cancel=lambda: len(seen) >= 1,
    )
    assert report.cancelled and not report.removed
    assert (dest / "notes" / "Rahmon refuses.md").exists()
    manifest = json.loads((dest / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert "notes/Rahmon refuses.md" in manifest["files"]


def test_title_case_change_renames_file(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    write_vault(render_vault([Passage(id="p-1", title="Foo", body="x")]), dest)
    report = write_vault(render_vault([Passage(id="p-1", title="foo", body="x")]), dest)
    assert [p.name for p in (dest / "notes").iterdir()] == ["foo.md"]
    assert "notes/foo.md" in report.written


def test_stale_file_made_foreign_is_kept(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    write_vault(render_vault(library()), dest)
    adopted = dest / "notes" / "Rahmon refuses.md"
    adopted.write_text("# Rahmon\n\nMy own rewrite, no front matter.\n", encoding="utf-8")
    report = write_vault(render_vault(library()[:2]), dest)
    assert "notes/Rahmon refuses.md" not in report.removed
    assert adopted.exists()


def test_leftovers_of_a_killed_export_are_removed(tmp_path: Path) -> None:
    dest = tmp_path / "vault"
    write_vault(render_vault(library()), dest)
    leftover = dest / "notes" / ".desk-tmp-123-4.part"
    leftover.write_text("---\ndesk-kind: passage\n", encoding="utf-8")
    theirs = dest / "notes" / ".hidden-note.md"
    theirs.write_text("mine", encoding="utf-8")
    write_vault(render_vault(library()), dest)
    assert not leftover.exists()
    assert theirs.read_text(encoding="utf-8") == "mine"


def test_a_failed_export_leaves_whole_notes_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "vault"
    write_vault(render_vault(library()), dest)
    before = {p: p.read_bytes() for p in dest.rglob("*.md")}
    changed = library()
    changed[2] = Passage(id="p-rahmon", title="Rahmon refuses", body="A new text.")
    changed[1] = Passage(id="p-etim", title="ETIM and the Taliban", body="Also new.")
    monkeypatch.setattr(vault_writer, "BATCH_FILES", 1)
    real = os.replace
    calls = {"n": 0}

    def fail_second(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(vault_writer.os, "replace", fail_second)
    with pytest.raises(UserError, match="No space left"):
        write_vault(render_vault(changed), dest)
    new = {dest / f.relpath: f.text.encode() for f in render_vault(changed)}
    after = {p: p.read_bytes() for p in dest.rglob("*.md")}
    assert set(after) == set(before)
    # Each note holds its old text or its new one, whole; one was renamed in.
    assert all(after[p] in (before[p], new.get(p)) for p in after)
    assert sum(after[p] != before[p] for p in after) == 1
    assert not list(dest.rglob(".desk-tmp-*"))


def test_files_are_flushed_per_batch_not_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if vault_writer._SYNCFS is None:
        pytest.skip("no syncfs here: each file is fsync-ed")
    flushes = {"fsync": 0, "syncfs": 0}
    real = vault_writer._SYNCFS

    def count_fsync(fd: int) -> None:
        flushes["fsync"] += 1

    def count_syncfs(fd: int) -> int:
        flushes["syncfs"] += 1
        return real(fd)

    monkeypatch.setattr(vault_writer.os, "fsync", count_fsync)
    monkeypatch.setattr(vault_writer, "_SYNCFS", count_syncfs)
    monkeypatch.setattr(vault_writer, "BATCH_FILES", 3)
    report = write_vault(render_vault(library()), tmp_path / "vault")
    assert len(report.written) == 8
    assert flushes["fsync"] == 0
    # Three batches, the manifest, and the renames at the end.
    assert flushes["syncfs"] == 5


# --- libyaml, the fast emitter and pure Python agree ------------------------------------------------

# Characters YAML treats specially, emoji beyond U+FFFF (libyaml escapes
# them), line breaks of every kind and control characters.
YAML_TEXT = st.text(
    st.sampled_from(
        [
            *"ab :-#'\"\t\n\r\\/?[]{},&*!|>%@`~.=+019eEnNyY_",
            *("\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\xa0", "\u00e9", "\u0301"),
            *("\u2028", "\u2029", "\ufeff", "\ufffe", "\u0436", "\u4e2d", "\U0001f600"),
        ]
    ),
    max_size=12,
)


@contextmanager
def pure_python_yaml() -> Iterator[None]:
    """PyYAML's pure Python emitter and parser, the reference."""
    frontmatter.use_libyaml = False
    frontmatter.use_plain_yaml = False
    try:
        yield
    finally:
        frontmatter.use_libyaml = frontmatter.HAS_LIBYAML
        frontmatter.use_plain_yaml = True


# Keys are always our own plain words; values are anything.
KEYS = st.sampled_from(["id", "title", "tags", "links", "note", "desk-kind", "x-1"])
FRONT_MATTER = st.dictionaries(
    KEYS,
    st.one_of(
        st.none(),
        st.integers(),
        YAML_TEXT,
        st.lists(YAML_TEXT, max_size=3),
        st.lists(st.dictionaries(KEYS, st.none() | YAML_TEXT, max_size=3), max_size=2),
    ),
    max_size=5,
)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=FRONT_MATTER)
def test_fast_paths_dump_and_load_like_pure_python(data: dict[str, object]) -> None:
    fast = frontmatter.dump(data)
    source, _ = frontmatter.split(fast)
    assert source is not None
    loaded = frontmatter.load(source)
    with pure_python_yaml():
        assert frontmatter.dump(data) == fast
        assert frontmatter.load(source) == loaded == data


@pytest.mark.skipif(not frontmatter.HAS_LIBYAML, reason="PyYAML is built without libyaml")
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    source=st.lists(
        st.one_of(
            YAML_TEXT,
            st.sampled_from(["- ", ": ", "? ", "\n  ", "\n- ", "!!str ", "&a ", "*a", "|\n "]),
        ),
        max_size=8,
    ).map("".join)
)
def test_libyaml_reads_any_front_matter_like_pure_python(source: str) -> None:
    def read() -> object:
        try:
            return frontmatter.load(source)
        except frontmatter.FrontMatterError as exc:
            return ("error", str(exc))

    fast = read()
    with pure_python_yaml():
        assert read() == fast


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    for source in ("[" * 50_000 + "]" * 50_000, "a:\n" + "- " * 50_000 + "x"):
        with pytest.raises(frontmatter.FrontMatterError):
            frontmatter.load(source)
