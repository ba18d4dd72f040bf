"""Markdown export: a library as a folder that opens as an Obsidian vault.

One note per passage under ``notes/``, an index note per tag (``tags/``) and
per source (``sources/``), and ``index.md`` at the top. A passage note is:

- YAML front matter holding everything exactly (id, title, tags, source,
  grades, entities, dates, and the outgoing links by id);
- the body as a block quote, every line prefixed ``"> "`` (an empty line
  is ``">"``), so any Markdown in it stays inside the quote;
- a citation paragraph starting with ``"— "`` (for people only);
- ``## Annotations``: one ``"- "`` item per annotation, its further lines
  indented by two spaces (an empty line stays empty);
- ``## Links`` and ``## Backlinks``: ``[[wikilinks]]`` to the other notes'
  file stems, for people and Obsidian; import reads the ids in the front
  matter instead.

The functions here are pure and stream: nothing touches the database.
:mod:`desk.core.interchange.vault_writer` writes the files (``write_vault``
is re-exported here).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from desk.core.interchange import frontmatter
from desk.core.interchange.filenames import NamePlanner
from desk.core.interchange.layout import (
    ANNOTATIONS_HEADING,
    BACKLINKS_HEADING,
    CITATION_PREFIX,
    INDEX_FILE,
    KIND_INDEX,
    KIND_KEY,
    KIND_PASSAGE,
    KIND_SOURCE_INDEX,
    KIND_TAG_INDEX,
    LINKS_HEADING,
    NOTES_DIR,
    SOURCES_DIR,
    TAGS_DIR,
    ExportFile,
    normalise_text,
)
from desk.core.interchange.vault_writer import ExportReport as ExportReport
from desk.core.interchange.vault_writer import write_vault as write_vault
from desk.core.types import Link, Passage, Source

ANCHOR_KEYS = ("start", "end", "created", "updated")

RELIABILITY_MEANINGS = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_MEANINGS = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


# --- inline Markdown for people -------------------------------------------

_ESCAPE = re.compile(r"([\\`*_\[\]<>#|~&!])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _one_line(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def md_text(text: str) -> str:
    """Text as inline CommonMark that shows exactly as typed, on one line."""
    return _ESCAPE.sub(r"\\\1", _one_line(text))


def _label(text: str) -> str:
    # Obsidian shows a wikilink label raw, so replace what would end the link
    # or turn into HTML elsewhere rather than backslash-escape it.
    table = str.maketrans({"[": "(", "]": ")", "|": "¦", "<": "‹", ">": "›", "\\": "∖"})
    return _one_line(text).translate(table)


def wikilink(stem: str, label: str | None = None) -> str:
    """``[[stem|label]]``; the label is left out when it adds nothing."""
    shown = _label(label) if label is not None else ""
    if not shown or shown == stem:
        return f"[[{stem}]]"
    return f"[[{stem}|{shown}]]"


_SAFE_URL = re.compile(r"^https?://[^\s<>\x00-\x1f\x7f]+$", re.IGNORECASE)


def _url_md(url: str) -> str:
    return f"<{url}>" if _SAFE_URL.match(url) else md_text(url)


def grade_meaning(reliability: str | None, credibility: int | None) -> str:
    """``B2 (usually reliable; probably true)`` style words for a grade."""
    parts = []
    if reliability in RELIABILITY_MEANINGS:
        parts.append(f"source {RELIABILITY_MEANINGS[reliability]}")
    if credibility in CREDIBILITY_MEANINGS:
        parts.append(f"information {CREDIBILITY_MEANINGS[credibility]}")
    return "; ".join(parts)


# --- one passage ------------------------------------------------------------


def _sorted_tags(tags: Iterable[str]) -> list[str]:
    return sorted(dict.fromkeys(tags), key=lambda t: (t.casefold(), t))


def _outgoing(p: Passage) -> list[Link]:
    links = [link for link in p.links if link.outgoing]
    return sorted(links, key=lambda k: (k.other_id, k.kind, k.note or ""))


def _incoming(p: Passage) -> list[Link]:
    links = [link for link in p.links if not link.outgoing] + list(p.backlinks)
    seen: dict[tuple[str, str], Link] = {}
    for link in links:
        seen.setdefault((link.other_id, link.kind), link)
    return sorted(seen.values(), key=lambda k: (k.other_id, k.kind))


def _entity_names(p: Passage, entity_names: Mapping[str, str] | None) -> list[str]:
    names = [e.name for e in p.entities]
    if entity_names:
        names += [entity_names[m.entity_key] for m in p.mentions if m.entity_key in entity_names]
    return sorted(dict.fromkeys(names), key=lambda n: (n.casefold(), n))


def passage_front_matter(
    p: Passage, entity_names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The front matter of a passage note, in the order it is written."""
    src = p.source
    data: dict[str, Any] = {
        "id": p.id,
        "title": p.title,
        "aliases": [p.title] if p.title.strip() else [],
        "tags": _sorted_tags(p.tags),
        "source": src.title if src else None,
        "url": src.url if src else None,
        "publisher": src.publisher if src else None,
        "author": src.author if src else None,
        "published": src.published if src else None,
        "reliability": src.reliability if src else None,
        "credibility": p.credibility,
        "entities": _entity_names(p, entity_names),
        "created": p.created,
        "updated": p.updated,
        "language": p.language,
    }
    if src is not None:
        extra = {
            "originator": src.originator,
            "retrieved": src.retrieved_at,
            "source-language": src.language,
        }
        data.update({k: v for k, v in extra.items() if v is not None})
    if p.kind != KIND_PASSAGE:
        data["kind"] = p.kind
    if p.start is not None:
        data["start"] = p.start
    if p.end is not None:
        data["end"] = p.end
    links = []
    for link in _outgoing(p):
        entry: dict[str, Any] = {"id": link.other_id, "kind": link.kind}
        if link.note is not None:
            entry["note"] = normalise_text(link.note)
        links.append(entry)
    if links:
        data["links"] = links
    anchors = [
        {k: v for k, v in zip(ANCHOR_KEYS, (a.start, a.end, a.created, a.updated), strict=True)}
        for a in p.annotations
    ]
    if any(v is not None for a in anchors for v in a.values()):
        # Spans and dates of the annotations, in the order of the list below.
        data["annotation-anchors"] = [
            {k: v for k, v in a.items() if v is not None} for a in anchors
        ]
    data[KIND_KEY] = KIND_PASSAGE
    return data


def quote_lines(body: str) -> list[str]:
    """The body as block quote lines: ``"> "`` + line, ``">"`` for an empty line."""
    return [f"> {line}" if line else ">" for line in normalise_text(body).split("\n")]


def annotation_lines(body: str) -> list[str]:
    """One annotation as a list item; further lines indented, empty lines empty."""
    first, *rest = normalise_text(body).split("\n")
    return [f"- {first}" if first else "-"] + [f"  {line}" if line else "" for line in rest]


def citation(p: Passage) -> str | None:
    """``— *Title*, Author, Publisher, 2021-11. <url> · Grade B2 (...)`` or None."""
    src = p.source
    text = ""
    if src is not None:
        head = [f"*{md_text(src.title)}*"] if _one_line(src.title) else []
        head += [md_text(x) for x in (src.author, src.publisher, src.published) if x and x.strip()]
        text = ", ".join(head) + "." if head else ""
        if src.url:
            text = f"{text} {_url_md(src.url)}".strip()
    grade = p.grade
    if grade:
        meaning = grade_meaning(src.reliability if src else None, p.credibility)
        graded = f"Grade {md_text(grade)}" + (f" ({meaning})" if meaning else "")
        text = f"{text} · {graded}" if text else graded
    return CITATION_PREFIX + text if text else None


def _link_target(link: Link, names: NamePlanner) -> str:
    if link.other_id in names:
        return wikilink(names.stem_for(link.other_id), link.other_title)
    return f"*{md_text(link.other_title) or md_text(link.other_id)}* (not in this export)"


def render_passage(
    p: Passage,
    names: NamePlanner,
    entity_names: Mapping[str, str] | None = None,
) -> str:
    """The Markdown note of one passage.

    Args:
        p: the passage with its source, tags, annotations and links filled in.
        names: file names of every passage in the export (link targets).
        entity_names: entity key -> name, for mentions not in ``p.entities``.

    Returns:
        The note text, ``\\n`` line ends, ending in one newline.
    """
    blocks: list[list[str]] = [quote_lines(p.body)]
    cite = citation(p)
    if cite:
        blocks.append([cite])
    if p.annotations:
        blocks.append([ANNOTATIONS_HEADING])
        blocks.append([line for a in p.annotations for line in annotation_lines(a.body)])
    out = _outgoing(p)
    if out:
        blocks.append([LINKS_HEADING])
        lines = []
        for link in out:
            note = f" — {md_text(link.note)}" if link.note and _one_line(link.note) else ""
            lines.append(f"- {link.kind} {_link_target(link, names)}{note}")
        blocks.append(lines)
    back = _incoming(p)
    if back:
        blocks.append([BACKLINKS_HEADING])
        blocks.append([f"- {_link_target(link, names)} ({link.kind})" for link in back])
    text = "\n\n".join("\n".join(block) for block in blocks)
    return frontmatter.dump(passage_front_matter(p, entity_names)) + "\n" + text + "\n"


# --- the vault ----------------------------------------------------------------


def tag_planner(tags: Iterable[str], *, taken: Iterable[str] = ()) -> NamePlanner:
    """File names of tag index notes: ``actor/china`` -> ``actor - china.md``."""
    return NamePlanner(
        ((t, t.replace("/", " - ")) for t in tags),
        taken=["index", *taken],
        suffix_of=lambda key: ["tag", "tag " + hashlib.sha1(key.encode()).hexdigest()[:6]],
    )


def source_planner(sources: Iterable[Source], *, taken: Iterable[str] = ()) -> NamePlanner:
    """File names of source notes, keyed by ``str(source.id)``."""
    return NamePlanner(
        ((str(s.id), s.title) for s in sources),
        taken=["index", *taken],
        suffix_of=lambda key: ["source", f"source {key}"],
    )


def _entry_key(title: str, pid: str) -> tuple[str, str, str]:
    return (_one_line(title).casefold(), title, pid)


def render_vault(
    passages: Iterable[Passage],
    *,
    library_name: str = "Desk",
    names: NamePlanner | None = None,
    sources: Iterable[Source] | None = None,
    entity_names: Mapping[str, str] | None = None,
) -> Iterator[ExportFile]:
    """Every file of an export: notes, then source notes, tag notes and ``index.md``.

    Args:
        passages: the passages to export, with links, annotations and source.
        library_name: the heading of ``index.md``.
        names: the planner of passage file names. Give it (with ``sources``)
            to stream: passages are then rendered one at a time and only
            titles are kept for the index notes. Without it, ``passages`` is
            read into a list first to plan the names.
        sources: every source the passages cite (for their file names).
        entity_names: entity key -> name, see :func:`render_passage`.

    Yields:
        :class:`ExportFile` values; the same library gives the same files.
    """
    if names is None or sources is None:
        plist = sorted(passages, key=lambda p: p.id)
        if names is None:
            names = NamePlanner((p.id, p.title) for p in plist)
        if sources is None:
            sources = {p.source.id: p.source for p in plist if p.source}.values()
        passages = plist
    source_list = sorted({s.id: s for s in sources}.values(), key=lambda s: s.id)
    src_names = source_planner(source_list, taken=names.stems())
    by_tag: dict[str, list[tuple[tuple[str, str, str], str]]] = {}
    by_source: dict[int, list[tuple[tuple[str, str, str], str]]] = {}
    unsourced: list[tuple[tuple[str, str, str], str]] = []
    count = 0
    for p in passages:
        count += 1
        yield ExportFile(
            f"{NOTES_DIR}/{names.name_for(p.id)}", render_passage(p, names, entity_names)
        )
        grade = f" · {p.grade}" if p.grade else ""
        entry = (_entry_key(p.title, p.id), wikilink(names.stem_for(p.id), p.title) + grade)
        for tag in dict.fromkeys(p.tags):
            by_tag.setdefault(tag, []).append(entry)
        if p.source is not None and str(p.source.id) in src_names:
            by_source.setdefault(p.source.id, []).append(entry)
        else:
            unsourced.append(entry)
    tags = sorted(by_tag, key=lambda t: (t.casefold(), t))
    tag_names = tag_planner(tags, taken=names.stems() | src_names.stems())
    for src in source_list:
        entries = sorted(by_source.get(src.id, []))
        yield ExportFile(
            f"{SOURCES_DIR}/{src_names.name_for(str(src.id))}", _render_source(src, entries)
        )
    for tag in tags:
        yield ExportFile(
            f"{TAGS_DIR}/{tag_names.name_for(tag)}", _render_tag(tag, sorted(by_tag[tag]))
        )
    yield ExportFile(
        INDEX_FILE,
        _render_index(
            library_name,
            count,
            [
                (wikilink(src_names.stem_for(str(s.id)), s.title), len(by_source.get(s.id, [])))
                for s in sorted(source_list, key=lambda s: _entry_key(s.title, str(s.id)))
            ],
            [(wikilink(tag_names.stem_for(t), t), len(by_tag[t])) for t in tags],
            [text for _, text in sorted(unsourced)],
        ),
    )


def _list(entries: Iterable[tuple[Any, str]]) -> list[str]:
    return [f"- {text}" for _, text in entries]


def _render_source(src: Source, entries: list[tuple[Any, str]]) -> str:
    data = {
        "title": src.title,
        "url": src.url,
        "publisher": src.publisher,
        "author": src.author,
        "published": src.published,
        "originator": src.originator,
        "retrieved": src.retrieved_at,
        "language": src.language,
        "reliability": src.reliability,
        KIND_KEY: KIND_SOURCE_INDEX,
    }
    facts = [
        ("Author", src.author and md_text(src.author)),
        ("Publisher", src.publisher and md_text(src.publisher)),
        ("Originator", src.originator and md_text(src.originator)),
        ("Published", src.published and md_text(src.published)),
        ("Retrieved", src.retrieved_at and md_text(src.retrieved_at)),
        ("Language", src.language and md_text(src.language)),
        ("URL", src.url and _url_md(src.url)),
    ]
    lines = [f"- **{k}:** {v}" for k, v in facts if v]
    if src.reliability:
        meaning = RELIABILITY_MEANINGS.get(src.reliability, "")
        tail = f" — {meaning}" if meaning else ""
        lines.append(f"- **Reliability:** {md_text(src.reliability)}{tail}")
    blocks = [f"# {md_text(src.title) or 'Untitled source'}"]
    if lines:
        blocks.append("\n".join(lines))
    blocks.append(f"## Passages ({len(entries)})")
    if entries:
        blocks.append("\n".join(_list(entries)))
    return frontmatter.dump(data) + "\n" + "\n\n".join(blocks) + "\n"


def _render_tag(tag: str, entries: list[tuple[Any, str]]) -> str:
    # Not "tag": Obsidian still reads that deprecated key as the note's tags.
    data = {"title": tag, "desk-tag": tag, KIND_KEY: KIND_TAG_INDEX}
    noun = "note" if len(entries) == 1 else "notes"
    blocks = [f"# Tag: {md_text(tag)}", f"{len(entries)} {noun}.", "\n".join(_list(entries))]
    return frontmatter.dump(data) + "\n" + "\n\n".join(blocks) + "\n"


def _render_index(
    library_name: str,
    count: int,
    sources: list[tuple[str, int]],
    tags: list[tuple[str, int]],
    unsourced: list[str],
) -> str:
    data = {"title": library_name, KIND_KEY: KIND_INDEX}
    noun = "note" if count == 1 else "notes"
    snoun = "source" if len(sources) == 1 else "sources"
    blocks = [
        f"# {md_text(library_name) or 'Desk'}",
        f"{count} {noun} from {len(sources)} {snoun}, {len(tags)} tags.",
    ]
    if sources:
        blocks += ["## Sources", "\n".join(f"- {link} ({n})" for link, n in sources)]
    if tags:
        blocks += ["## Tags", "\n".join(f"- {link} ({n})" for link, n in tags)]
    if unsourced:
        blocks += [
            f"## Notes without a source ({len(unsourced)})",
            "\n".join(f"- {t}" for t in unsourced),
        ]
    return frontmatter.dump(data) + "\n" + "\n\n".join(blocks) + "\n"
