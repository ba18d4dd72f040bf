"""Markdown import: our own exports exactly, Obsidian vaults and Joplin exports well.

A note with ``desk-kind: passage`` in its front matter was written by
:mod:`desk.core.interchange.markdown_export` and is read back exactly: the
body from the block quote, annotations from their list, links by id from the
front matter. Any other note is read the way Obsidian reads it: title from
the front matter, the first ``# heading`` or the file name; tags from the
front matter and from ``#hashtags`` in the text; ``[[wikilinks]]`` as links
of kind ``relates`` (or the kind written before them, ``- supports [[x]]``).

Nothing here touches the database; the library turns the drafts into notes
and resolves wikilink names to ids. Finding, reading and decoding the files
is in :mod:`~desk.core.interchange.vault_files`, Markdown scanning (tags,
wikilinks, headings, :class:`LinkResolver`) in
:mod:`~desk.core.interchange.markdown_scan`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desk.core.errors import UserError
from desk.core.interchange import frontmatter
from desk.core.interchange.layout import (
    ANNOTATIONS_HEADING,
    BACKLINKS_HEADING,
    CITATION_PREFIX,
    INDEX_KINDS,
    KIND_KEY,
    KIND_PASSAGE,
    LINKS_HEADING,
    normalise_text,
)
from desk.core.interchange.markdown_scan import LinkResolver as LinkResolver
from desk.core.interchange.markdown_scan import file_stem, first_heading, hashtags, wikilinks
from desk.core.interchange.vault_files import MAX_FILE_BYTES as MAX_FILE_BYTES
from desk.core.interchange.vault_files import NOTE_SUFFIXES as NOTE_SUFFIXES
from desk.core.interchange.vault_files import (
    NoteFile,
    decode_bytes,
    note_files,
    read_note_file,
)
from desk.core.types import (
    CREDIBILITY_GRADES,
    LINK_KINDS,
    PASSAGE_KINDS,
    RELIABILITY_GRADES,
    PassageDraft,
    SourceDraft,
)

Progress = Callable[[int, str], None]
Cancel = Callable[[], bool]
OnSkip = Callable[[str, str], None]


@dataclass(frozen=True)
class AnnotationAnchor:
    """Where an annotation sits in the passage body, and when it was written."""

    start: int | None = None
    end: int | None = None
    created: str | None = None
    updated: str | None = None


@dataclass
class ImportedNote:
    """One note read from a Markdown file.

    ``links`` are ``(target, kind, note)``. For our own notes
    (``desk_kind == "passage"``) ``target`` is a passage id; otherwise it is
    a wikilink target as written (a file name without ``.md``, maybe with a
    folder, or a title or alias), which the library resolves.
    """

    path: str
    id: str | None
    draft: PassageDraft
    source: SourceDraft | None
    annotations: list[str]
    links: list[tuple[str, str, str | None]]
    tags: list[str]
    reliability: str | None
    entities: list[str]
    warnings: list[str]
    desk_kind: str | None = None
    aliases: list[str] = field(default_factory=list)
    # One per annotation, same order: span in the body and dates, when known.
    annotation_anchors: list[AnnotationAnchor] = field(default_factory=list)

    @property
    def links_by_id(self) -> bool:
        """Whether link targets are passage ids (our own export) or names."""
        return self.desk_kind == KIND_PASSAGE


# --- front matter fields --------------------------------------------------------------


def _tag_list(value: object) -> list[str]:
    items = re.split(r"[,\s]+", value) if isinstance(value, str) else frontmatter.text_list(value)
    return [t for t in (i.strip().lstrip("#").strip() for i in items) if t]


def _credibility(value: object, warnings: list[str]) -> int | None:
    if value is None or value == "":
        return None
    try:
        grade = int(str(value).strip())
    except ValueError:
        grade = 0
    if grade not in CREDIBILITY_GRADES:
        warnings.append(f"credibility {value!r} is not 1-6; left ungraded")
        return None
    return grade


def _reliability(value: object, warnings: list[str]) -> str | None:
    text = frontmatter.scalar_text(value)
    if text is None or not text.strip():
        return None
    grade = text.strip().upper()
    if grade not in RELIABILITY_GRADES:
        warnings.append(f"reliability {text!r} is not A-F; left ungraded")
        return None
    return grade


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _text(data: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        text = frontmatter.scalar_text(data.get(key))
        if text is not None:
            return text
    return None


# --- notes ----------------------------------------------------------------------------


def parse_note(text: str, *, filename: str) -> ImportedNote:
    """Read one Markdown note.

    Args:
        text: the file's text (any line ends; a BOM is dropped).
        filename: its path inside the vault, ``/``-separated (for the
            fallback title and for messages).

    Returns:
        The note; problems are in ``warnings``, never raised.
    """
    text = normalise_text(text.removeprefix("\ufeff"))
    warnings: list[str] = []
    source, body = frontmatter.split(text)
    data: dict[str, Any] = {}
    if source is not None:
        try:
            data = frontmatter.load(source)
        except frontmatter.FrontMatterError as exc:
            warnings.append(f"front matter ignored ({exc}); the text is kept as the body")
            body = text
    kind = frontmatter.scalar_text(data.get(KIND_KEY))
    if kind == KIND_PASSAGE:
        return _parse_own(data, body, filename, warnings)
    note = _parse_foreign(data, body, filename, warnings)
    note.desk_kind = kind if kind in INDEX_KINDS else None
    return note


def _source_draft(data: dict[str, Any], title: str, reliability: str | None) -> SourceDraft:
    return SourceDraft(
        title=title,
        url=_text(data, "url", "source_url"),
        publisher=_text(data, "publisher"),
        author=_text(data, "author"),
        published=_text(data, "published"),
        language=_text(data, "source-language"),
        reliability=reliability,
        originator=_text(data, "originator"),
        retrieved_at=_text(data, "retrieved"),
    )


def _parse_own(data: dict[str, Any], body: str, filename: str, warnings: list[str]) -> ImportedNote:
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the file
    i = 0
    while i < len(lines) and lines[i] == "":
        i += 1
    quote: list[str] = []
    while i < len(lines) and lines[i].startswith(">"):
        line = lines[i]
        quote.append(line[2:] if line.startswith("> ") else line[1:])
        i += 1
    if not quote:
        warnings.append("no block quote found; the text is kept as the body")
    annotations: list[str] = []
    extra: list[str] = []
    citation_done = False
    while i < len(lines):
        line = lines[i]
        if line == "":
            i += 1
        elif line == ANNOTATIONS_HEADING:
            i, items = _read_items(lines, i + 1)
            annotations.extend(items)
        elif line in (LINKS_HEADING, BACKLINKS_HEADING):
            i, _ = _read_items(lines, i + 1)  # links come from the front matter
        else:
            start = i
            i += 1
            while i < len(lines) and lines[i] != "" and not lines[i].startswith("## "):
                i += 1
            if not (citation_done or extra or annotations) and line.startswith(CITATION_PREFIX):
                citation_done = True
            else:
                extra.append("\n".join(lines[start:i]))
            continue
        citation_done = citation_done or line != ""
    body_text = "\n".join(quote) if quote else body.strip("\n")
    if extra and quote:
        annotations.append("\n\n".join(extra))
        warnings.append("text outside the note's sections was kept as an annotation")

    title_value = data.get("title")
    title = title_value if isinstance(title_value, str) else frontmatter.scalar_text(title_value)
    reliability = _reliability(data.get("reliability"), warnings)
    source_value = data.get("source")
    source = None
    if isinstance(source_value, str) or frontmatter.scalar_text(source_value) is not None:
        stitle = source_value if isinstance(source_value, str) else str(source_value)
        source = _source_draft(data, stitle, reliability)
    note_kind = _text(data, "kind") or KIND_PASSAGE
    if note_kind not in PASSAGE_KINDS:
        warnings.append(f"unknown passage kind {note_kind!r}; read as a passage")
        note_kind = KIND_PASSAGE
    links: list[tuple[str, str, str | None]] = []
    raw_links = data.get("links")
    for entry in raw_links if isinstance(raw_links, list) else []:
        if not isinstance(entry, dict):
            continue
        target = frontmatter.scalar_text(entry.get("id"))
        link_kind = frontmatter.scalar_text(entry.get("kind")) or "relates"
        if target is None:
            continue
        if link_kind not in LINK_KINDS:
            warnings.append(f"unknown link kind {link_kind!r}; read as relates")
            link_kind = "relates"
        note_value = entry.get("note")
        note = note_value if isinstance(note_value, str) else frontmatter.scalar_text(note_value)
        links.append((target, link_kind, note))
    tags = frontmatter.text_list(data.get("tags"))
    pid = _text(data, "id")
    anchors = _anchors(data.get("annotation-anchors"), len(annotations))
    draft = PassageDraft(
        body=body_text,
        title=title if title is not None else file_stem(filename),
        kind=note_kind,
        start=_int(data.get("start")),
        end=_int(data.get("end")),
        credibility=_credibility(data.get("credibility"), warnings),
        language=_text(data, "language"),
        tags=tuple(tags),
        id=pid,
        created=_text(data, "created"),
        updated=_text(data, "updated"),
    )
    return ImportedNote(
        path=filename,
        id=pid,
        draft=draft,
        source=source,
        annotations=annotations,
        links=links,
        tags=tags,
        reliability=reliability,
        entities=frontmatter.text_list(data.get("entities")),
        warnings=warnings,
        desk_kind=KIND_PASSAGE,
        aliases=frontmatter.text_list(data.get("aliases")),
        annotation_anchors=anchors,
    )


def _anchors(value: object, count: int) -> list[AnnotationAnchor]:
    """``annotation-anchors`` aligned with ``count`` annotations (padded or cut)."""
    raw = value if isinstance(value, list) else []
    out: list[AnnotationAnchor] = []
    for n in range(count):
        entry = raw[n] if n < len(raw) and isinstance(raw[n], dict) else {}
        out.append(
            AnnotationAnchor(
                start=_int(entry.get("start")),
                end=_int(entry.get("end")),
                created=frontmatter.scalar_text(entry.get("created")),
                updated=frontmatter.scalar_text(entry.get("updated")),
            )
        )
    return out


def _read_items(lines: list[str], i: int) -> tuple[int, list[str]]:
    """Read ``- item`` lines with indented continuations; returns (next line, items)."""
    while i < len(lines) and lines[i] == "":
        i += 1
    items: list[list[str]] = []
    while i < len(lines):
        line = lines[i]
        if line == "-" or line.startswith("- "):
            items.append([line[2:]])
        elif items and (line == "" or line.startswith(" ")):
            items[-1].append(line[2:] if line.startswith("  ") else line.lstrip(" "))
        else:
            break
        i += 1
    if i < len(lines) and items and items[-1][-1] == "" and len(items[-1]) > 1:
        items[-1].pop()  # the blank line before the next heading
    return i, ["\n".join(item) for item in items]


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE))


def _parse_foreign(
    data: dict[str, Any], body: str, filename: str, warnings: list[str]
) -> ImportedNote:
    lines = body.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    text = "\n".join(lines)
    title = _text(data, "title")
    if title is None or not title.strip():
        heading, line_no = first_heading(text)
        if heading is not None and line_no is not None:
            title = heading
            if line_no == 0:  # the heading only restates the title
                text = "\n".join(lines[1:]).strip("\n")
        else:
            title = file_stem(filename)
    tags = _tag_list(data.get("tags")) + _tag_list(data.get("tag")) + hashtags(text)
    tags = list(dict.fromkeys(tags))
    reliability = _reliability(data.get("reliability"), warnings)
    url = _text(data, "url", "source_url")
    src_name = _text(data, "source")
    if src_name is not None and _looks_like_url(src_name):
        url = url or src_name
        src_name = None
    publisher = _text(data, "publisher")
    source = None
    if url or src_name or publisher:
        src_title = src_name or publisher or (urlsplit(url).hostname if url else None) or title
        source = SourceDraft(
            title=src_title,
            url=url,
            publisher=publisher,
            author=_text(data, "author"),
            published=_text(data, "published", "date"),
            reliability=reliability,
            originator=_text(data, "originator"),
        )
    pid = _text(data, "desk_id", "desk-id")
    draft = PassageDraft(
        body=text,
        title=title,
        kind=KIND_PASSAGE,
        credibility=_credibility(data.get("credibility"), warnings),
        language=_text(data, "language", "lang"),
        tags=tuple(tags),
        id=pid,
        created=_text(data, "created", "date created"),
        updated=_text(data, "updated", "modified", "date modified"),
    )
    return ImportedNote(
        path=filename,
        id=pid,
        draft=draft,
        source=source,
        annotations=[],
        links=wikilinks(text),
        tags=tags,
        reliability=reliability,
        entities=frontmatter.text_list(data.get("entities")),
        warnings=warnings,
        aliases=frontmatter.text_list(data.get("aliases")),
    )


# --- folders --------------------------------------------------------------------------


def parse_vault(
    root: Path,
    *,
    files: Iterable[NoteFile] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    on_skip: OnSkip | None = None,
) -> Iterator[ImportedNote]:
    """Read every note of a Markdown folder (an Obsidian vault, a Joplin export, ours).

    Hidden folders and files (``.obsidian/``, ``.trash/``, ``.git/``) are
    skipped, and so are Desk's own index notes (by their ``desk-kind``),
    links that point out of ``root``, and files over 20 MB.

    Args:
        root: the folder.
        files: its note files when the caller listed them already
            (:func:`~desk.core.interchange.vault_files.note_files` of the
            resolved folder), so that it is walked once.
        progress: called as ``progress(files_read, relpath)``.
        cancel: polled before each file; True stops the walk.
        on_skip: called as ``on_skip(relpath, reason)`` for each file left out
            that the user should hear about.

    Yields:
        One :class:`ImportedNote` per note, in path order.

    Raises:
        UserError: ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise UserError(f"Not a folder: {root}")
    base = root.resolve()

    def skip(rel: str, reason: str) -> None:
        if on_skip is not None:
            on_skip(rel, reason)

    done = 0
    for file in note_files(base) if files is None else files:
        if cancel is not None and cancel():
            return
        raw = read_note_file(base, file, skip)
        if raw is None:
            continue
        text, warning = decode_bytes(raw)
        note = parse_note(text, filename=file.rel)
        if warning:
            note.warnings.insert(0, warning)
        done += 1
        if progress is not None:
            progress(done, file.rel)
        if note.desk_kind in INDEX_KINDS:
            continue
        yield note
