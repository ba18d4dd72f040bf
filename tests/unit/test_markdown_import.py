"""Markdown import: exact round trip of our notes, Obsidian and Joplin folders, hostile files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from desk.core.interchange import frontmatter
from desk.core.interchange.filenames import NamePlanner
from desk.core.interchange.markdown_export import (
    normalise_text,
    render_passage,
    render_vault,
    write_vault,
)
from desk.core.interchange.markdown_import import (
    AnnotationAnchor,
    ImportedNote,
    LinkResolver,
    decode_bytes,
    hashtags,
    parse_note,
    parse_vault,
    wikilinks,
)
from desk.core.types import LINK_KINDS, Annotation, Entity, Link, Passage, Source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

HOSTILE_TEXTS = [
    "",
    " ",
    "---",
    "title\n---\nmore",
    "a: b",
    "# heading",
    "#tag",
    "'quoted' \"double\"",
    "&anchor *alias !!python/object",
    "[[wiki|link]]",
    "> quote",
    "- item",
    "yes",
    "2021-10-28",
    "null",
    "~",
    "😀 emoji 👨‍👩‍👧",
    "Таджикистан",
    "طالبان",
    "中国安全哨所",
    "e\u0301 combining",
    "\u200f\u202eRTL marks\u202c",
    "x" * 300,
    "trailing spaces   ",
    "\ttab",
    "line\nbreak",
    "cr\r\nlf",
    "nel\x85ls\u2028ps\u2029",
    "\ufeffbom",
]

# Text an analyst could paste: every script, marks, emoji, Markdown syntax, no
# lone surrogates. NUL is tested on its own (it becomes U+FFFD, as in CommonMark).
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        st.sampled_from(list("\n\r\t >#-*_[]|`~:!&'\"\\")),
        st.sampled_from(["ж", "ع", "中", "😀", "\u0301", "\u200f", "\u202e", "\u2028", "\x85"]),
    ),
    max_size=80,
)
LINES = st.lists(
    st.sampled_from(["---", "> x", "#", "## Annotations", "## Links", "- a", "  ", "", "— c"]),
    max_size=6,
).map("\n".join)
BODY = st.one_of(TEXT, LINES, st.tuples(TEXT, LINES, TEXT).map("\n".join))


def passage(
    title: str = "T",
    body: str = "b",
    tags: tuple[str, ...] = (),
    annotations: tuple[str, ...] = (),
    links: tuple[tuple[str, str, str | None], ...] = (),
    source: Source | None = None,
    pid: str = "p-1",
) -> Passage:
    return Passage(
        id=pid,
        title=title,
        body=body,
        tags=tags,
        source=source,
        credibility=3,
        created="2026-11-27T10:00:00Z",
        annotations=tuple(Annotation(n, pid, a) for n, a in enumerate(annotations)),
        links=tuple(Link(t, f"title of {t}", k, n) for t, k, n in links),
    )


def round_trip(p: Passage, others: tuple[tuple[str, str], ...] = ()) -> ImportedNote:
    names = NamePlanner([(p.id, p.title), *others])
    text = render_passage(p, names)
    return parse_note(text, filename="notes/" + names.name_for(p.id))


def assert_same(p: Passage, note: ImportedNote) -> None:
    assert note.warnings == []
    assert note.desk_kind == "passage"
    assert note.id == p.id
    assert note.draft.id == p.id
    assert note.draft.body == normalise_text(p.body)
    assert note.draft.title == p.title
    assert sorted(note.tags) == sorted(set(p.tags))
    assert note.draft.tags == tuple(note.tags)
    assert note.annotations == [normalise_text(a.body) for a in p.annotations]
    expected = [
        (k.other_id, k.kind, None if k.note is None else normalise_text(k.note)) for k in p.links
    ]
    assert sorted(note.links, key=repr) == sorted(expected, key=repr)
    assert note.draft.credibility == p.credibility
    assert note.draft.created == p.created
    if p.source is None:
        assert note.source is None
    else:
        assert note.source is not None
        assert note.source.title == p.source.title
        assert note.source.url == p.source.url
        assert note.source.publisher == p.source.publisher
        assert note.source.published == p.source.published
        assert note.reliability == p.source.reliability


def test_round_trip_full_note() -> None:
    src = Source(
        id=3,
        title="China looks to Tajiks",
        url="https://asiatimes.com/x",
        publisher="Asia Times",
        author="Jane Doe",
        published="2021-11",
        reliability="B",
        originator="Majlisi Oli",
        retrieved_at="2026-11-27T09:00:00Z",
        language="en",
    )
    p = Passage(
        id="p-outpost",
        title="Parliament announces outpost",
        body="When Tajikistan’s parliament said ...\n\n> inner quote\n",
        kind="standfirst",
        source=src,
        start=10,
        end=42,
        language="en",
        credibility=2,
        created="2026-11-27T10:00:00Z",
        updated="2026-11-28T10:00:00Z",
        tags=("actor/china", "place/vakhon"),
        annotations=(
            Annotation(1, "p-outpost", "first\nsecond line", 5, 9, "2026-11-27T10:05:00Z"),
            Annotation(2, "p-outpost", ""),
        ),
        links=(Link("p-b", "B", "supports", "why"), Link("p-c", "C", "same-event")),
        entities=(Entity(1, "china", "China", "country"),),
    )
    note = round_trip(p, (("p-b", "B"), ("p-c", "C")))
    assert_same(p, note)
    assert note.draft.kind == "standfirst"
    assert (note.draft.start, note.draft.end) == (10, 42)
    assert note.draft.language == "en"
    assert note.draft.updated == "2026-11-28T10:00:00Z"
    assert note.entities == ["China"]
    assert note.source is not None
    assert note.source.author == "Jane Doe"
    assert note.source.originator == "Majlisi Oli"
    assert note.source.retrieved_at == "2026-11-27T09:00:00Z"
    assert note.source.language == "en"
    assert note.aliases == [p.title]
    assert note.annotation_anchors == [
        AnnotationAnchor(5, 9, "2026-11-27T10:05:00Z", None),
        AnnotationAnchor(),
    ]


def test_round_trip_hostile_strings() -> None:
    for n, text in enumerate(HOSTILE_TEXTS):
        src = Source(id=n, title=text, publisher=text, author=text, published=text)
        p = passage(
            title=text,
            body=text,
            tags=(text, f"{text}/child") if text else (),
            annotations=(text, text + "\n"),
            links=((f"id {text}", "contradicts", text),),
            source=src,
            pid=f"p-{n}",
        )
        assert_same(p, round_trip(p))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    title=TEXT,
    body=BODY,
    tags=st.lists(TEXT, max_size=4).map(tuple),
    annotations=st.lists(BODY, max_size=3).map(tuple),
    links=st.lists(
        st.tuples(TEXT, st.sampled_from(LINK_KINDS), st.none() | TEXT),
        max_size=3,
        unique_by=lambda x: (x[0], x[1]),
    ).map(tuple),
    source_title=st.none() | TEXT,
)
def test_round_trip_any_text(
    title: str,
    body: str,
    tags: tuple[str, ...],
    annotations: tuple[str, ...],
    links: tuple[tuple[str, str, str | None], ...],
    source_title: str | None,
) -> None:
    src = None if source_title is None else Source(id=1, title=source_title, url=source_title)
    p = passage(title=title, body=body, tags=tags, annotations=annotations, links=links, source=src)
    text = render_passage(p, NamePlanner([(p.id, p.title)]))
    assert "\r" not in text
    source, rest = frontmatter.split(text)
    assert source is not None
    assert yaml.safe_load(source)["title"] == title
    tokens = MarkdownIt("commonmark").parse(rest)
    assert tokens[0].type == "blockquote_open"
    assert_same(p, parse_note(text, filename="notes/x.md"))


def test_nul_in_body_becomes_replacement_character() -> None:
    p = passage(title="a\x00b", body="x\x00y", annotations=("\x00",))
    note = round_trip(p)
    assert note.draft.body == "x\ufffdy"
    assert note.annotations == ["\ufffd"]
    assert note.draft.title == "a\x00b"  # exact in front matter (YAML escape)


def test_crlf_file_reads_the_same() -> None:
    p = passage(body="one\ntwo\n\nthree", annotations=("a\nb",))
    text = render_passage(p, NamePlanner([(p.id, p.title)]))
    note = parse_note(text.replace("\n", "\r\n"), filename="x.md")
    assert note.draft.body == p.body
    assert note.annotations == ["a\nb"]


def test_user_added_text_is_kept_as_annotation() -> None:
    p = passage(annotations=("mine",))
    text = render_passage(p, NamePlanner([(p.id, p.title)])) + "\nAdded in Obsidian.\n"
    note = parse_note(text, filename="x.md")
    assert note.annotations == ["mine", "Added in Obsidian."]
    assert note.warnings


def test_vault_round_trip(tmp_path: Path) -> None:
    src = Source(id=1, title="Asia Times", reliability="C")
    lib = [
        passage(
            pid="p-a",
            title="Same",
            body="A",
            tags=("x",),
            links=(("p-b", "supports", "n"),),
            source=src,
        ),
        passage(pid="p-b", title="same", body="B", tags=("x", "y/z"), annotations=("note",)),
        passage(pid="p-c", title="", body="", links=(("p-a", "relates", None),)),
    ]
    dest = tmp_path / "vault"
    write_vault(render_vault(lib), dest)
    skipped: list[tuple[str, str]] = []
    notes = {n.id: n for n in parse_vault(dest, on_skip=lambda r, why: skipped.append((r, why)))}
    assert set(notes) == {"p-a", "p-b", "p-c"}  # index, tag and source notes skipped
    assert skipped == []
    for p in lib:
        assert_same(p, notes[p.id])
    # Export -> import -> export is byte-identical.
    again = {f.relpath: f.text for f in render_vault(lib)}
    assert again == {
        p.relative_to(dest).as_posix(): p.read_text(encoding="utf-8") for p in dest.rglob("*.md")
    }


def test_obsidian_vault_fixture() -> None:
    skipped: list[tuple[str, str]] = []
    notes = {
        n.path: n
        for n in parse_vault(
            FIXTURES / "obsidian_vault", on_skip=lambda r, w: skipped.append((r, w))
        )
    }
    assert set(notes) == {"Dushanbe.md", "ETIM.md", "Vakhon outpost.md", "people/Rahmon.md"}
    vakhon = notes["Vakhon outpost.md"]
    assert vakhon.draft.title == "Vakhon outpost"  # from the first heading
    assert not vakhon.draft.body.startswith("# Vakhon")
    assert vakhon.tags == ["china", "security", "tajikistan", "place/vakhon", "followup"]
    assert vakhon.links == [
        ("ETIM", "relates", None),
        ("people/Rahmon", "relates", None),
        ("Dushanbe", "relates", None),
    ]
    assert vakhon.aliases == ["Security outpost"]
    assert vakhon.id is None and vakhon.source is None and vakhon.warnings == []
    etim = notes["ETIM.md"]
    assert etim.draft.title == "ETIM"  # from the file name
    assert etim.tags == ["group/militant"]
    assert etim.links == [
        ("Vakhon outpost", "supports", "the outpost watches the corridor"),
        ("people/Rahmon", "relates", None),
    ]
    rahmon = notes["people/Rahmon.md"]
    assert rahmon.draft.title == "Emomali Rahmon"
    assert rahmon.tags == ["person", "leader"]
    assert rahmon.draft.created == "2021-10-28"
    dushanbe = notes["Dushanbe.md"]
    assert dushanbe.draft.title == "Dushanbe"
    assert dushanbe.tags == ["place", "dushanbe"]
    assert skipped == []


def test_joplin_export_fixture() -> None:
    notes = {n.path: n for n in parse_vault(FIXTURES / "joplin_export")}
    assert set(notes) == {"Tajikistan outpost.md", "Research/ETIM notes.md"}
    outpost = notes["Tajikistan outpost.md"]
    assert outpost.draft.title == "China to fund Tajik outpost"
    assert outpost.tags == ["china", "tajikistan"]
    assert outpost.draft.created == "2021-11-01T09:30:00Z"
    assert outpost.draft.updated == "2021-11-02T10:00:00Z"
    assert outpost.source is not None
    assert outpost.source.url is not None and outpost.source.url.startswith(
        "https://asiatimes.com/"
    )
    assert outpost.source.author == "Asia Times staff"
    assert outpost.draft.body.startswith("When Tajikistan's parliament")
    etim = notes["Research/ETIM notes.md"]
    assert etim.draft.title == "ETIM and the Taliban"
    assert etim.tags == ["etim", "afghanistan/north"]
    assert etim.source is None and etim.id is None


def test_hashtags() -> None:
    text = (
        "#one and #two/three, not#four, `#code`, # heading, #1984 but #y1984.\n"
        "http://x.com/#anchor [[Note#Heading]] [x](#anchor) \\#escaped #ünïcode #中文\n"
        "```\n#fenced\n```\n~~~md\n#tilde\n~~~\n#last/"
    )
    assert hashtags(text) == ["one", "two/three", "y1984", "ünïcode", "中文", "last"]


def test_wikilinks() -> None:
    text = (
        "[[A]] [[B|label]] [[C#Head]] [[D#^block|x]] ![[img.png]] [[]] [[#local]]\n"
        "`[[code]]` [[E.md]] [md](F%20G.md) [web](https://x.com/a.md)\n"
        "- contradicts [[H]] — a \\*note\\*\n"
    )
    assert wikilinks(text) == [
        ("A", "relates", None),
        ("B", "relates", None),
        ("C", "relates", None),
        ("D", "relates", None),
        ("E", "relates", None),
        ("F G", "relates", None),
        ("H", "contradicts", "a *note*"),
    ]


def test_title_fallbacks() -> None:
    assert (
        parse_note("---\ntitle: From FM\n---\n# Heading\n", filename="f.md").draft.title
        == "From FM"
    )
    note = parse_note("\n# Heading *x*\n\ntext", filename="dir/f.md")
    assert note.draft.title == "Heading *x*"
    assert note.draft.body == "text"
    assert parse_note("## Sub\ntext", filename="dir/My note.md").draft.title == "My note"
    assert parse_note("", filename="empty.md").draft.body == ""


def test_tags_front_matter_forms() -> None:
    def tags(fm: str) -> list[str]:
        return parse_note(f"---\n{fm}\n---\nx", filename="a.md").tags

    assert tags("tags: [a, '#b', c/d]") == ["a", "b", "c/d"]
    assert tags("tags: a b, c") == ["a", "b", "c"]
    assert tags("tags: '#a, #b/c'") == ["a", "b/c"]  # unquoted, YAML reads " #b" as a comment
    assert tags("tags:\n  - one\n  - 2") == ["one", "2"]
    assert tags("tag: old") == ["old"]
    assert tags("tags: [[nested], {a: b}, ok]") == ["ok"]


def test_unsafe_yaml_executes_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payloads = [
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f"title: !!python/object/apply:os.system ['touch {marker}']",
        f"title: !!python/object/apply:builtins.open ['{marker}', 'w']",
        f"!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    ]
    for n, payload in enumerate(payloads):
        path = tmp_path / "vault" / f"evil{n}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"---\n{payload}\n---\n\nBody text stays.\n", encoding="utf-8")
    notes = list(parse_vault(tmp_path / "vault"))
    assert not marker.exists()
    assert len(notes) == len(payloads)
    for note in notes:
        assert note.warnings and "front matter ignored" in note.warnings[0]
        assert "Body text stays." in note.draft.body


def test_malformed_front_matter_kept_as_text() -> None:
    note = parse_note("---\ntitle: [unclosed\n---\nbody", filename="a.md")
    assert note.warnings and note.draft.body.endswith("body")
    assert parse_note("---\njust a line\n---\nbody", filename="a.md").warnings
    alias_bomb = "---\na: &a [x, x]\nb: &b [*a, *a]\ntags: [*b, *b]\n---\nbody"
    assert parse_note(alias_bomb, filename="a.md").tags == []


def test_non_utf8_files(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "ru.md").write_bytes("# Таджикистан\n\nПограничный пост.\n".encode("cp1251"))
    (vault / "fr.md").write_bytes("# Café\n\nUn poste frontière près de Vakhon.\n".encode("cp1252"))
    (vault / "bin.md").write_bytes(bytes(range(256)))
    (vault / "u16.md").write_bytes("# Ünï\n\nx".encode("utf-16"))
    notes = {n.path: n for n in parse_vault(vault)}
    assert notes["ru.md"].draft.title == "Таджикистан"
    assert "cp1251" in notes["ru.md"].warnings[0]
    assert notes["fr.md"].draft.title == "Café"
    assert notes["fr.md"].warnings
    assert notes["bin.md"].warnings
    assert notes["u16.md"].draft.title == "Ünï" and notes["u16.md"].warnings == []
    assert decode_bytes(b"\xef\xbb\xbfplain") == ("plain", None)


def test_vault_skips(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".trash").mkdir()
    (vault / ".obsidian" / "x.md").write_text("# no", encoding="utf-8")
    (vault / ".trash" / "old.md").write_text("# no", encoding="utf-8")
    (vault / ".hidden.md").write_text("# no", encoding="utf-8")
    (vault / "notes.txt").write_text("# no", encoding="utf-8")
    (vault / "ok.md").write_text("# yes", encoding="utf-8")
    outside = tmp_path / "secret.md"
    outside.write_text("# secret", encoding="utf-8")
    (vault / "link.md").symlink_to(outside)
    (vault / "inside-link.md").symlink_to(vault / "ok.md")
    (tmp_path / "outdir").mkdir()
    (tmp_path / "outdir" / "deep.md").write_text("# deep", encoding="utf-8")
    (vault / "dirlink").symlink_to(tmp_path / "outdir", target_is_directory=True)
    with (vault / "huge.md").open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    (vault / "tags").mkdir()
    (vault / "tags" / "t.md").write_text("---\ndesk-kind: tag-index\n---\n# t", encoding="utf-8")
    (vault / "tags" / "mine.md").write_text("# my own tags note", encoding="utf-8")
    skipped: dict[str, str] = {}
    progress: list[int] = []
    notes = [
        n.path
        for n in parse_vault(
            vault,
            on_skip=lambda r, why: skipped.__setitem__(r, why),
            progress=lambda n, r: progress.append(n),
        )
    ]
    assert notes == ["inside-link.md", "ok.md", "tags/mine.md"]
    assert set(skipped) == {"link.md", "huge.md"}
    assert "20 MB" in skipped["huge.md"]
    assert progress


def test_vault_order_and_files_that_are_not_files(tmp_path: Path) -> None:
    for rel in ("b.md", "a/z.md", "a/b/y.md", "a/a.md", "c/x.MD", "Z.markdown", "a.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"Note {rel}.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.md")  # opening it would wait for a writer forever
    (tmp_path / "broken.md").symlink_to(tmp_path / "gone.md")
    notes = [n.path for n in parse_vault(tmp_path)]
    # Each folder's files in name order, then its folders (as os.walk goes).
    assert notes == ["Z.markdown", "a.md", "b.md", "a/a.md", "a/z.md", "a/b/y.md", "c/x.MD"]


def test_cancel_stops_walk(tmp_path: Path) -> None:
    for n in range(5):
        (tmp_path / f"n{n}.md").write_text("x", encoding="utf-8")
    seen: list[str] = []
    for note in parse_vault(tmp_path, cancel=lambda: len(seen) >= 2):
        seen.append(note.path)
    assert seen == ["n0.md", "n1.md"]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.tuples(st.text(max_size=60), st.text()).map(lambda t: f"---\n{t[0]}\n---\n{t[1]}"),
        st.lists(
            st.sampled_from(
                [
                    "---",
                    "desk-kind: passage",
                    "desk-kind: [x]",
                    "title: [a",
                    "tags: {a: b}",
                    "links: [{id: [1], kind: 7}, x, {id: a}]",
                    "credibility: nine",
                    "reliability: Z",
                    "start: 1.5",
                    "created: 2021-02-30",
                    "> q",
                    ">",
                    "- a",
                    "## Annotations",
                    "## Links",
                    "— c",
                    "",
                    "  x",
                    "# H",
                    "[[x|y]]",
                    "#t",
                    "```",
                ]
            ),
            max_size=20,
        ).map("\n".join),
    )
)
def test_parse_note_never_raises(text: str) -> None:
    note = parse_note(text, filename="dir/note.md")
    assert isinstance(note.draft.body, str)
    assert note.draft.title is not None


def test_invalid_yaml_values_warn() -> None:
    for fm in ("created: 2021-02-30", "a: !!int 'zz'", "a: " + "[" * 3000 + "]" * 3000):
        note = parse_note(f"---\n{fm}\n---\nbody", filename="a.md")
        assert note.warnings and note.draft.body.endswith("body")


def test_link_resolver_on_obsidian_fixture() -> None:
    notes = list(parse_vault(FIXTURES / "obsidian_vault"))
    resolver = LinkResolver()
    for note in notes:
        resolver.add(note)
    assert resolver.resolve("Vakhon outpost") == "Vakhon outpost.md"
    assert resolver.resolve("vakhon OUTPOST.md") == "Vakhon outpost.md"
    assert resolver.resolve("people/Rahmon") == "people/Rahmon.md"
    assert resolver.resolve("Rahmon") == "people/Rahmon.md"
    assert resolver.resolve("Emomali Rahmon") == "people/Rahmon.md"  # title
    assert resolver.resolve("Security outpost") == "Vakhon outpost.md"  # alias
    assert resolver.resolve("Nowhere") is None
    resolved = {
        (n.path, resolver.resolve(target), kind) for n in notes for target, kind, _ in n.links
    }
    assert ("ETIM.md", "Vakhon outpost.md", "supports") in resolved
    assert ("Vakhon outpost.md", "ETIM.md", "relates") in resolved
    assert ("Vakhon outpost.md", "Dushanbe.md", "relates") in resolved


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_vault_round_trip_any_titles(titles: list[str]) -> None:
    lib = [
        passage(pid=f"p-{n:02d}", title=t, body=t, tags=(t,) if t.strip() else ())
        for n, t in enumerate(titles)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "vault"
        report = write_vault(render_vault(lib), dest)
        assert not report.refused and not report.conflicts
        notes = {n.id: n for n in parse_vault(dest)}
        assert set(notes) == {p.id for p in lib}
        for p in lib:
            assert_same(p, notes[p.id])
        assert all(Path(tmp) / "vault" in f.parents for f in Path(tmp).rglob("*") if f.is_file())
