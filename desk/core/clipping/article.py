"""Cut an article's text into paragraphs, leaving page chrome out.

Works on plain text copied from news pages (any script) and on Markdown.
The pieces live in :mod:`.blocks` (paragraph cutting), :mod:`.chrome`
(captions, banners, bylines, date lines) and :mod:`.titles`; this module
puts them together in :func:`parse_text` and re-exports their public names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desk.core.clipping.blocks import (
    Block,
    _span,
    heading_level,
    heading_text,
    is_image_only,
    markdown_blocks,
    split_lines,
    text_blocks,
)
from desk.core.clipping.chrome import (
    byline,
    is_banner,
    is_boilerplate,
    is_caption,
    is_image_name,
    is_menu,
    looks_like_headline,
    looks_like_standfirst,
    parse_date,
    published_line,
)
from desk.core.clipping.datelines import chinese_dateline, date_line, dateline_date
from desk.core.clipping.titles import make_title, plain_text

__all__ = [
    "Article",
    "Block",
    "byline",
    "date_line",
    "dateline_date",
    "heading_level",
    "heading_text",
    "is_banner",
    "is_boilerplate",
    "is_caption",
    "is_image_name",
    "is_image_only",
    "is_menu",
    "looks_like_headline",
    "looks_like_standfirst",
    "make_title",
    "markdown_blocks",
    "parse_date",
    "parse_text",
    "plain_text",
    "published_line",
    "split_lines",
    "text_blocks",
]

# ---------------------------------------------------------------------------
# Article structure


@dataclass
class Article:
    """What :func:`parse_text` found: head, body paragraphs and what it left out."""

    title: Block | None = None
    standfirst: Block | None = None
    body: list[Block] = field(default_factory=list)
    banner: str | None = None
    author: str | None = None
    published: str | None = None
    image_names: int = 0
    captions: int = 0
    boilerplate: int = 0
    headings: list[Block] = field(default_factory=list)


def _is_chrome(line: str) -> str | None:
    if is_image_name(line):
        return "image"
    if is_caption(line):
        return "caption"
    if is_boilerplate(line):
        return "boilerplate"
    return None


def _without_chrome(block: Block, lines: list[Block], text: str, art: Article) -> list[Block]:
    """``block`` less its chrome lines (counted on ``art``), one block per run of lines left."""
    runs: list[list[Block]] = [[]]
    for line in lines:
        kind = _is_chrome(line.body)
        if kind is None:
            runs[-1].append(line)
            continue
        if kind == "image":
            art.image_names += 1
        elif kind == "caption":
            art.captions += 1
        else:
            art.boilerplate += 1
        runs.append([])
    if len(runs) == 1:
        return [block] if lines else []
    spans = (_span(text, run[0].start, run[-1].end) for run in runs if run)
    return [b for b in spans if b is not None]


_HEAD_PARTS = re.compile(r"\s+[·|•—–-]\s+")


def _head_line(body: str) -> tuple[str | None, str | None, bool] | None:
    """(author, date, date is explicit) of a byline or date line, else None.

    ``By Jane Smith · 29 October 2021``, ``March 12, 2024, 8:30 AM``,
    ``Published: 28.10.2021``, ``۲۲ حوت ۱۴۰۲ - نویسنده: احمد رحیمی``. A date
    beside a byline counts less than one on a line of its own.
    """
    if "\n" in body:
        # "Автор: Иван Петров" and "Опубликовано: 12.03.2024" on two lines.
        heads = [_head_line(line) for line in body.split("\n") if line.strip()]
        if not heads or any(h is None for h in heads):
            return None
        found = [h for h in heads if h is not None]
        author = next((a for a, _, _ in found if a), None)
        explicit = next((d for _, d, e in found if d and e), None)
        side = next((d for _, d, e in found if d and not e), None)
        return author, explicit or side, explicit is not None
    if date := published_line(body) or date_line(body):
        return None, date, True
    author: str | None = None
    date = None
    for part in _HEAD_PARTS.split(body.strip()):
        if author is None and (name := byline(part)):
            author = name
        elif date is None and (found := published_line(part) or date_line(part)):
            date = found
        else:
            break
    else:
        return author, date, False
    if name := byline(body):
        return name, None, False
    return None


def parse_text(text: str, *, markdown: bool = False) -> Article:
    """Find the head (banner, headline, standfirst) and body paragraphs.

    Args:
        text: the whole text; every offset refers to it.
        markdown: cut with Markdown rules (fences, lists, headings) and take
            the first ``#`` heading as the title.
    """
    art = Article()
    blocks = markdown_blocks(text) if markdown else text_blocks(text)

    # Lines of each block that are chrome are dropped; what is left of a block
    # stays one paragraph per contiguous run of lines.
    kept: list[Block] = []
    for block in blocks:
        if markdown and is_image_only(block.body):
            continue
        if markdown and block.body.startswith(("```", "~~~")):
            kept.append(block)
            continue
        lines = split_lines(block, text)
        if not markdown and is_menu([line.body for line in lines], at_top=not kept):
            art.boilerplate += len(lines)
            continue
        kept.extend(_without_chrome(block, lines, text, art))

    i = 0
    if markdown:
        # The first heading (any level, before any paragraph) is the title.
        if kept and heading_level(kept[0].body):
            art.title = kept[0]
            i = 1
    else:
        if len(kept) > 1 and is_banner(kept[0].body) and "\n" not in kept[0].body:
            art.banner = kept[0].body
            i = 1
        if len(kept) > i + 1 and looks_like_headline(kept[i].body):
            art.title = kept[i]
            i += 1

    # Bylines, date lines and the standfirst follow the headline in any order.
    if art.title is not None:
        side_date: str | None = None
        for _ in range(4):
            if i >= len(kept) - 1:
                break
            body = kept[i].body
            head = _head_line(body)
            if head is not None:
                author, date, explicit = head
                art.author = art.author or author
                if explicit:
                    art.published = art.published or date
                else:
                    side_date = side_date or date
                i += 1
                continue
            if art.standfirst is None and len(kept) > i + 1:
                sf = heading_text(body) if markdown else None
                if markdown and sf is not None and heading_level(body) >= 2:
                    art.standfirst = kept[i]
                    i += 1
                    continue
                if looks_like_standfirst(body) and not heading_level(body):
                    art.standfirst = kept[i]
                    i += 1
                    continue
            break
        art.published = art.published or side_date

    for block in kept[i:]:
        if markdown and heading_level(block.body):
            art.headings.append(block)
            continue
        art.body.append(block)
    if art.published is None and art.body:
        art.published = dateline_date(art.body[0].body)
    if art.author is None and art.body and (cn := chinese_dateline(art.body[0].body)):
        art.author = cn[1]
    return art
