"""Clipping: files and pasted text to a source and its passages.

One entry per input kind: :func:`read_file` for a file on disk,
:func:`clip_text` for pasted text, Markdown or HTML. Both return a
:class:`ClippedDocument`; nothing here touches the library, the service
stores what it gets.

``source.text`` is the captured text (the decoded file for plain text, the
body without front matter for Markdown, the cleaned Markdown for HTML) and
every passage's ``start``/``end`` are offsets into it:
``source.text[p.start:p.end] == p.body``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from desk.core.clipping.article import (
    Article,
    Block,
    heading_text,
    make_title,
    parse_text,
    plain_text,
)
from desk.core.clipping.decode import MAX_BYTES, decode_bytes
from desk.core.clipping.html import html_to_markdown, iso_date
from desk.core.clipping.language import guess_language
from desk.core.errors import UserError
from desk.core.text import count_of
from desk.core.types import PassageDraft, SourceDraft

__all__ = [
    "MAX_BYTES",
    "ClippedDocument",
    "clip_text",
    "decode_bytes",
    "guess_language",
    "make_title",
    "read_file",
]

FORMATS = ("txt", "md", "html")
SPLITS = ("paragraphs", "none")
_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".mdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HTML_SNIFF = re.compile(
    r"\A\s*(?:<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<(?:!doctype\s+)?html|<head[\s>]|<body[\s>])",
    re.IGNORECASE,
)
_MD_SNIFF = re.compile(r"\A---\n|^#{1,6} \S|^```|\[[^\]]+\]\([^)]+\)", re.MULTILINE)


@dataclass(frozen=True)
class ClippedDocument:
    """A source about to be created and the passages cut from it.

    Attributes:
        source: title, url, publisher, author, published, language and
            ``text``, the captured text the passages' offsets refer to.
        passages: in reading order; a standfirst first (``kind='standfirst'``).
        format: ``'txt'``, ``'md'`` or ``'html'``.
        notices: one-line things the user should know
            (``"3 photo captions left out"``).
    """

    source: SourceDraft
    passages: list[PassageDraft]
    format: str
    notices: list[str] = field(default_factory=list)


def _passage(block: Block, kind: str, language: str | None) -> PassageDraft:
    return PassageDraft(
        body=block.body,
        title=make_title(block.body),
        kind=kind,
        start=block.start,
        end=block.end,
        language=language,
    )


def _whole(text: str, body: list[Block], headings: list[Block]) -> Block:
    """One block from the first to the last body paragraph.

    It is the exact span unless chrome (captions, image names) was cut from
    between paragraphs: then the body is the kept paragraphs (and headings)
    joined by blank lines, and ``start``/``end`` still give the span it came
    from.
    """
    first, last = body[0], body[-1]
    kept = sorted(
        [*body, *(h for h in headings if first.start < h.start < last.end)],
        key=lambda b: b.start,
    )
    between = (text[a.end : b.start] for a, b in pairwise(kept))
    if not any(gap.strip() for gap in between):
        return Block(first.start, last.end, text[first.start : last.end])
    return Block(first.start, last.end, "\n\n".join(b.body for b in kept))


def _str_field(meta: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, _dt.datetime):
            return value.date().isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return ", ".join(v.strip() for v in value if v.strip()) or None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _front_matter(text: str, notices: list[str]) -> tuple[dict[str, Any], str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError:
        notices.append("The front matter is not valid YAML; it was left out")
        data = None
    return (data if isinstance(data, dict) else {}), text[m.end() :]


def _build(
    text: str,
    art: Article,
    *,
    fmt: str,
    split: str,
    title: str | None,
    url: str | None = None,
    publisher: str | None = None,
    author: str | None = None,
    published: str | None = None,
    language: str | None = None,
    notices: list[str],
    fallback_title: str | None = None,
) -> ClippedDocument:
    body = list(art.body)
    if not body and art.standfirst is None:
        # Everything looked like chrome or a headline: keep it rather than nothing.
        whole = text.strip()
        if not whole:
            raise UserError("There is no text to clip")
        start = text.index(whole)
        body = [Block(start, start + len(whole), whole)]
        art.title = None
        art.image_names = art.captions = art.boilerplate = 0

    lang = language or guess_language("\n".join(b.body for b in body))
    passages: list[PassageDraft] = []
    if art.standfirst is not None:
        passages.append(_passage(art.standfirst, "standfirst", lang))
    if body:
        if split == "none":
            passages.append(_passage(_whole(text, body, art.headings), "passage", lang))
        else:
            passages.extend(_passage(b, "passage", lang) for b in body)

    if art.captions:
        notices.append(count_of(art.captions, "photo caption") + " left out")
    if art.image_names:
        notices.append(count_of(art.image_names, "image file name") + " left out")
    if art.boilerplate:
        notices.append(
            count_of(art.boilerplate, "line") + " of site boilerplate left out"
            " (menus, buttons, credits, copyright)"
        )
    if art.banner:
        notices.append(f"Page banner left out (not taken as the date): {art.banner}")

    if title is None and art.title is not None:
        title = (
            plain_text(heading_text(art.title.body) or art.title.body)
            if fmt != "txt"
            else art.title.body
        )
    if not title:
        title = fallback_title or make_title(body[0].body if body else text) or "Untitled"
    source = SourceDraft(
        title=title,
        url=url,
        publisher=publisher,
        author=author or art.author,
        published=published or art.published,
        language=lang,
        text=text,
    )
    return ClippedDocument(source=source, passages=passages, format=fmt, notices=notices)


def _clip(text: str, fmt: str, split: str, fallback_title: str | None = None) -> ClippedDocument:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise UserError("There is no text to clip")
    notices: list[str] = []

    if fmt == "txt":
        art = parse_text(text)
        published = art.published  # from a "Published: ..." line, never the banner
        return _build(
            text,
            art,
            fmt=fmt,
            split=split,
            title=None,
            published=published,
            notices=notices,
            fallback_title=fallback_title,
        )

    if fmt == "md":
        meta, body_text = _front_matter(text, notices)
        art = parse_text(body_text, markdown=True)
        return _build(
            body_text,
            art,
            fmt=fmt,
            split=split,
            title=_str_field(meta, "title"),
            url=_str_field(meta, "url", "source_url", "link", "source"),
            publisher=_str_field(meta, "publisher", "site", "site_name"),
            author=_str_field(meta, "author", "authors", "byline"),
            published=iso_date(_str_field(meta, "published", "date", "published_at")),
            language=_str_field(meta, "language", "lang"),
            notices=notices,
            fallback_title=fallback_title,
        )

    page = html_to_markdown(text)
    if not page.markdown.strip():
        raise UserError("The page has no readable text; nothing was imported")
    art = parse_text(page.markdown, markdown=True)
    art.captions += page.captions
    if page.images:
        notices.append(count_of(page.images, "image") + " left out")
    return _build(
        page.markdown,
        art,
        fmt=fmt,
        split=split,
        title=page.title,
        url=page.url,
        publisher=page.publisher,
        author=page.author,
        published=page.published,
        language=page.language,
        notices=notices,
        fallback_title=fallback_title,
    )


def clip_text(text: str, *, fmt: str = "txt", split: str = "none") -> ClippedDocument:
    """Clip pasted text, Markdown or HTML.

    Args:
        text: what was pasted.
        fmt: ``'txt'``, ``'md'`` or ``'html'``.
        split: ``'none'`` (one passage with the whole body) or ``'paragraphs'``.

    Raises:
        UserError: when there is nothing to clip.
        ValueError: on an unknown ``fmt`` or ``split`` (a programming error).
    """
    return _clip(text, fmt, split)


def _sniff(text: str) -> str:
    if (
        _HTML_SNIFF.match(text)
        or len(re.findall(r"</?(?:p|div|span|a|br)\b[^>]*>", text[:20000], re.I)) >= 3
    ):
        return "html"
    if _MD_SNIFF.search(text[:20000]):
        return "md"
    return "txt"


def read_file(path: Path, *, split: str = "paragraphs") -> ClippedDocument:
    """Clip a ``.txt``, ``.md`` or ``.html`` file (other names are sniffed).

    Args:
        path: the file.
        split: ``'paragraphs'`` (one passage per paragraph) or ``'none'``.

    Raises:
        UserError: when the file is missing, unreadable, too large, binary,
            empty or undecodable; nothing partial is returned.
    """
    path = Path(path)
    name = path.name or str(path)
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    try:
        if not path.exists():
            raise UserError(f"{path} does not exist")
        if path.is_dir():
            raise UserError(f"{path} is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(
                f"{name} is too large to clip ({size / 1024 / 1024:.0f} MB; "
                f"the limit is {MAX_BYTES // 1024 // 1024} MB); nothing was imported"
            )
        data = path.read_bytes()
    except PermissionError:
        raise UserError(f"{path} cannot be read: permission denied") from None
    except OSError as exc:
        raise UserError(f"{path} cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise UserError(f"{name} is too large to clip; nothing was imported")

    text = decode_bytes(data, name)
    fmt = _EXTENSIONS.get(path.suffix.lower()) or _sniff(text)
    stem = " ".join(path.stem.replace("_", " ").split())
    if not re.search(r"[^\W\d_]{3}", stem) or re.fullmatch(r"[\d\W_]*[0-9a-f]{8,}[\d\W_]*", stem):
        stem = ""  # "000_ba4f672ab29fddc4" is an id, not a title
    return _clip(text, fmt, split, fallback_title=stem or None)
