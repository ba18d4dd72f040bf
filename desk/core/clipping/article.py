"""Cut an article's text into paragraphs, leaving page chrome out.

Works on plain text copied from news pages (any script) and on Markdown.
Every paragraph is a ``Block`` with exact offsets into the text, so
``text[block.start:block.end] == block.body`` always holds; nothing here
rewrites the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desk.core.text import is_cjk

# ---------------------------------------------------------------------------
# Blocks


@dataclass(frozen=True)
class Block:
    """A paragraph (or a line) of the text with its exact span."""

    start: int
    end: int
    body: str


def _span(text: str, start: int, end: int) -> Block | None:
    """The block of ``text[start:end]`` with whitespace trimmed at both ends."""
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    if lead == len(chunk):
        return None
    s, e = start + lead, end - trail
    return Block(s, e, text[s:e])


def _lines(text: str, start: int, end: int) -> list[Block]:
    out: list[Block] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        b = _span(text, pos, stop)
        if b is not None:
            out.append(b)
        pos = stop + 1
    return out


_BLANK_RUN = re.compile(r"\n[^\S\n]*\n\s*")
_TERMINAL = '.!?。！？…:;»"”’)»'


def _hard_wrapped(lines: list[Block]) -> bool:
    """True when a block's lines are one paragraph wrapped at a fixed width."""
    if len(lines) < 2:
        return True
    if _cjk_share("".join(b.body for b in lines)) > 0.5:
        # Chinese is never wrapped by hand: each line is a paragraph.
        return False
    heads = lines[:-1]
    if any(len(b.body) > 100 for b in heads):
        return False
    open_ends = sum(1 for b in heads if b.body[-1] not in _TERMINAL)
    return open_ends * 2 >= len(heads)


def text_blocks(text: str) -> list[Block]:
    """Paragraphs of plain text: blank-line separated, or one per line.

    A blank-line separated chunk whose lines look like separate paragraphs
    (long lines, or lines ending in sentence punctuation, as in text copied
    from a page with single newlines) is cut into lines; a hard-wrapped
    paragraph stays whole.
    """
    blocks: list[Block] = []
    pos = 0
    bounds: list[tuple[int, int]] = []
    for m in _BLANK_RUN.finditer(text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    for s, e in bounds:
        lines = _lines(text, s, e)
        if not lines:
            continue
        if _hard_wrapped(lines):
            b = _span(text, s, e)
            if b is not None:
                blocks.append(b)
        else:
            blocks.extend(lines)
    return blocks


def split_lines(block: Block, text: str) -> list[Block]:
    """The non-empty lines of one block."""
    return _lines(text, block.start, block.end)


# ---------------------------------------------------------------------------
# Markdown blocks

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])(?:\s|$)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+[ \t]*)?$")
_IMAGE_ONLY = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)\s*)+$")


def markdown_blocks(text: str) -> list[Block]:
    """Paragraphs of Markdown: fenced code and lists stay one block each."""
    lines: list[tuple[int, int]] = []
    pos = 0
    while pos <= len(text):
        nl = text.find("\n", pos)
        stop = len(text) if nl < 0 else nl
        lines.append((pos, stop))
        if nl < 0:
            break
        pos = nl + 1

    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    fence: str | None = None
    for s, e in lines:
        line = text[s:e]
        if fence is not None:
            current.append((s, e))
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
            continue
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)
            current.append((s, e))
            continue
        if not line.strip():
            if current:
                groups.append(current)
                current = []
            continue
        if _HEADING.match(line):
            # A heading is its own block even without blank lines around it.
            if current:
                groups.append(current)
            groups.append([(s, e)])
            current = []
            continue
        current.append((s, e))
    if current:
        groups.append(current)

    blocks: list[Block] = []
    for group in groups:
        b = _span(text, group[0][0], group[-1][1])
        if b is None:
            continue
        prev = blocks[-1] if blocks else None
        if prev is not None and _continues_list(prev, b, text):
            merged = _span(text, prev.start, b.end)
            assert merged is not None
            blocks[-1] = merged
        else:
            blocks.append(b)
    return blocks


def _continues_list(prev: Block, block: Block, text: str) -> bool:
    """A loose list (items split by blank lines) stays one paragraph."""
    prev_first = prev.body.split("\n", 1)[0]
    if not _LIST_ITEM.match(prev_first) and not prev.body.startswith((" ", "\t")):
        return False
    line_start = text.rfind("\n", 0, block.start) + 1
    indented = block.start > line_start and not text[line_start : block.start].strip()
    if _LIST_ITEM.match(block.body.split("\n", 1)[0]):
        return bool(_LIST_ITEM.match(prev_first)) or indented
    return indented and bool(_LIST_ITEM.match(prev_first))


def heading_text(body: str) -> str | None:
    """The text of an ATX heading block, else None."""
    if "\n" in body:
        return None
    m = _HEADING.match(body)
    return m.group(2).strip() if m else None


def heading_level(body: str) -> int:
    m = _HEADING.match(body) if "\n" not in body else None
    return len(m.group(1)) if m else 0


def is_image_only(body: str) -> bool:
    return bool(_IMAGE_ONLY.match(body.strip()))


# ---------------------------------------------------------------------------
# Page chrome

_CREDIT_WORDS = (
    r"Photos?|Photograph|Photo\s+credit|Picture|Image|Illustration|Credit|"
    r"Фото|Фотография|Фото\s*и\s*видео|Иллюстрация|Сурат|Акс|"
    r"图片|照片|摄影|图片来源|圖片|"
    r"عکس|تصویر|صورة|عکس‌ها|المصدر"
)
_CREDIT = re.compile(rf"(?:^|[\s.(\[|—–-])(?:{_CREDIT_WORDS})\s*(?:[:：/]|by\b)", re.IGNORECASE)
_AGENCIES = (
    r"Getty\s*Images?|Getty|AFP|Reuters|AP\s+Photo|AP|EPA|Shutterstock|Xinhua|Anadolu|"
    r"ИТАР-ТАСС|ТАСС|РИА\s+Новости|Спутник|新华社|中新社"
)
_CREDIT_END = re.compile(
    rf"(?:(?<![A-Za-zА-Яа-яЁё])(?:{_CREDIT_WORDS})\s*(?:[:：/]|by\b)\s*[^.。!?]{{0,120}}|"
    # An agency credit after a caption sentence or a slash: "... river. Getty Images".
    rf"(?:^|[.。!?]\s+|\s[/|]\s*)(?:{_AGENCIES})(?:\s*(?:/|\||via\b)\s*[^.。!?]{{0,60}})?)"
    r"[)\]]?\s*$",
    re.IGNORECASE,
)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_GETTY = re.compile(r"Getty\s*Images?", re.IGNORECASE)
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|svg|heic)$", re.IGNORECASE)
_FILE_NAME = re.compile(r"^[^\W_]+(?:[-_][^\W_]*)+(?:\s*\(\d{1,3}\))?$")
_FILE_NUMBERED = re.compile(r"\(\d{1,3}\)$")


def is_image_name(line: str) -> bool:
    """A line that is an image's file name left behind by copying a page.

    ``Tajikistan-Afghanistan-Border (1)``, ``Tajikistan-Emomali-Rahmon- (1)``,
    ``IMG_2041.jpg``: hyphen- or underscore-joined words without spaces,
    optionally numbered, or a name with an image extension.
    """
    line = line.strip()
    if not line or len(line) > 150:
        return False
    if " " not in line and _IMAGE_EXT.search(line):
        return True
    if not _FILE_NAME.match(line):
        return False
    name = _FILE_NUMBERED.sub("", line).strip()
    if " " in name:
        return False
    joins = len(re.findall(r"[-_]", name))
    return bool(_FILE_NUMBERED.search(line)) or joins >= 2


def is_caption(line: str) -> bool:
    """A photo caption or credit line (``... Photo: AFP / Name``, ``Фото: ТАСС``)."""
    line = line.strip()
    if not line or len(line) > 600 or "\n" in line:
        return False
    # A credit at the end of a line: a caption if the credit is marked as one
    # (``Photo:``, ``(Фото: ...)``) or a photo agency ends a short line.
    if _CREDIT_END.search(line) and (
        _CREDIT.search(line) or len(line) < 300 or _GETTY.search(line)
    ):
        return True
    return (
        bool(re.match(rf"^\(?(?:{_CREDIT_WORDS})\s*[:：]", line, re.IGNORECASE)) and len(line) < 300
    )


_WEEKDAYS = (
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Mon|Tue|Wed|Thu|Fri|Sat|Sun|"
    r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    r"Душанбе|Сешанбе|Чоршанбе|Панҷшанбе|Ҷумъа|Шанбе|Якшанбе|"
    r"星期[一二三四五六日天]|周[一二三四五六日]|"
    r"دوشنبه|سه‌شنبه|چهارشنبه|پنجشنبه|جمعه|شنبه|یکشنبه"
)
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
_DATEISH = re.compile(
    rf"(?:\b(?:{_WEEKDAYS})\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\d{4}\s*年\s*\d{1,2}\s*月|"
    r"[۰-۹0-9]{4}/[۰-۹0-9]{1,2}/[۰-۹0-9]{1,2})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d{2}|[۱۲][۰-۹]{3}")
_BYLINE = re.compile(
    r"^(?:By|Written by|Автор|Автор:|Муаллиф|作者|记者|نویسنده|بقلم)[:：\s]\s*(?P<name>[^\n]{2,80})$",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    r"^(?:Published|Posted|Published on|Опубликовано|Дата публикации|发布时间|发布日期|"
    r"تاریخ انتشار|منتشر شده)[:：\s]\s*(?P<date>[^\n]{4,60})$",
    re.IGNORECASE,
)


def is_banner(line: str) -> bool:
    """The page's own header line: a date banner, not part of the article.

    ``We're Live Bangla Thursday, June 01, 2023``: short, carries a weekday or
    a full date, and is not a sentence. Its date is the day the page was
    viewed, never the article's publication date.
    """
    line = line.strip()
    if not line or len(line) > 120 or line[-1] in ".!?。！？":
        return False
    return bool(_DATEISH.search(line)) and bool(_YEAR.search(line) or re.search(_WEEKDAYS, line))


def byline(line: str) -> str | None:
    """The author's name from a ``By Jane Smith`` line, else None."""
    m = _BYLINE.match(line.strip())
    if not m:
        return None
    name = _MD_LINK.sub(r"\1", m.group("name"))
    # "Jane Smith · 29 October 2021", "Jane Smith | Dushanbe"
    name = re.split(r"\s+[·|•–—]\s+|\s*,\s*(?=\d)", name)[0].strip(" *_")
    if not name or len(name.split()) > 8 or name[-1] in ".!?。":
        return None
    return name


def published_line(line: str) -> str | None:
    """The date (ISO, maybe partial) of a ``Published: ...`` line, else None."""
    m = _PUBLISHED.match(line.strip())
    return parse_date(m.group("date")) if m else None


_MONTH_NUMBERS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan", "января", "январь"),
            ("february", "feb", "февраля", "февраль"),
            ("march", "mar", "марта", "март"),
            ("april", "apr", "апреля", "апрель"),
            ("may", "мая", "май"),
            ("june", "jun", "июня", "июнь"),
            ("july", "jul", "июля", "июль"),
            ("august", "aug", "августа", "август"),
            ("september", "sep", "sept", "сентября", "сентябрь"),
            ("october", "oct", "октября", "октябрь"),
            ("november", "nov", "ноября", "ноябрь"),
            ("december", "dec", "декабря", "декабрь"),
        ],
        start=1,
    )
    for name in names
}


def parse_date(value: str) -> str | None:
    """``2021-10-28``, ``28.10.2021``, ``28 October 2021``, ``October 28, 2021``,
    ``2021年10月28日`` to ISO; None when no full date is recognised."""
    value = value.strip()
    m = re.search(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)", value) or re.search(
        r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", value
    )
    if m:
        y, mo, d = (int(g) for g in m.groups())
    elif m := re.search(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b", value):
        d, mo, y = (int(g) for g in m.groups())
    elif m := re.search(r"\b(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})\b", value):
        d, y = int(m.group(1)), int(m.group(3))
        mo = _MONTH_NUMBERS.get(m.group(2).casefold(), 0)
    elif m := re.search(r"\b([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b", value):
        d, y = int(m.group(2)), int(m.group(3))
        mo = _MONTH_NUMBERS.get(m.group(1).casefold(), 0)
    else:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1000 <= y <= 2999):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _words(line: str) -> list[str]:
    return line.split()


def _cjk_share(line: str) -> float:
    """Share of Han/kana among the letters of (the start of) ``line``."""
    letters = [c for c in line[:200] if c.isalpha()]
    return sum(1 for c in letters if is_cjk(c)) / max(len(letters), 1)


def looks_like_headline(line: str) -> bool:
    """A short line without a final full stop: a headline or a standfirst."""
    line = line.strip()
    if "\n" in line or not line or line[-1] in ".。:;,，：；":
        return False
    if _cjk_share(line) > 0.5:
        return 4 <= len(line) <= 60
    n = len(_words(line))
    return 2 <= n <= 30 and len(line) <= 250


def _title_cased(line: str) -> bool:
    words = [w for w in _words(line) if w[:1].isalpha()]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[:1].isupper())
    return caps / len(words) >= 0.6


def looks_like_standfirst(line: str) -> bool:
    """A sub-headline: short or title-cased, no final sentence punctuation."""
    line = line.strip()
    if "\n" in line or not line or line[-1] in ".!?。！？:;,，：；…":
        return False
    if _cjk_share(line) > 0.5:
        return 6 <= len(line) <= 120
    n = len(_words(line))
    if n < 3 or len(line) > 300:
        return False
    return _title_cased(line) or n <= 25


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
    headings: list[Block] = field(default_factory=list)


def _is_chrome(line: str) -> str | None:
    if is_image_name(line):
        return "image"
    if is_caption(line):
        return "caption"
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
        if markdown and (is_image_only(block.body) or block.body.startswith(("```", "~~~"))):
            if is_image_only(block.body):
                continue
            kept.append(block)
            continue
        lines = split_lines(block, text)
        run: list[Block] = []
        for line in lines:
            kind = _is_chrome(line.body)
            if kind is None:
                run.append(line)
                continue
            if kind == "image":
                art.image_names += 1
            else:
                art.captions += 1
            if run:
                b = _span(text, run[0].start, run[-1].end)
                if b is not None:
                    kept.append(b)
                run = []
        if run:
            if len(run) == len(lines):
                kept.append(block)
            else:
                b = _span(text, run[0].start, run[-1].end)
                if b is not None:
                    kept.append(b)

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
        for _ in range(3):
            if i >= len(kept) - 1:
                break
            body = kept[i].body
            if art.author is None and (name := byline(body)):
                art.author = name
                i += 1
                continue
            if art.published is None and (date := published_line(body)):
                art.published = date
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

    for block in kept[i:]:
        if markdown and heading_level(block.body):
            art.headings.append(block)
            continue
        art.body.append(block)
    return art


# ---------------------------------------------------------------------------
# Titles

_MD_MARKS = re.compile(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)|`+")
_SENTENCE_END = re.compile(
    r"[.!?…](?=[\"”’')\]]*\s+[\"“‘'(\[]*[A-ZА-ЯЁ\u0600-\u06FF0-9])|[。！？](?=.)"
)
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "ms",
        "mrs",
        "dr",
        "st",
        "mt",
        "no",
        "jr",
        "sr",
        "vs",
        "gen",
        "col",
        "lt",
        "sgt",
        "prof",
        "rep",
        "sen",
        "gov",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "approx",
        "est",
    ]
)


def _first_sentence(text: str) -> str:
    for m in _SENTENCE_END.finditer(text):
        if m.group() == ".":
            word = re.search(r"([^\W\d_]+)\.?$", text[: m.start()])
            w = word.group(1) if word else ""
            # "U.S. officials", "Mr. Wang": not the end of a sentence.
            if len(w) == 1 or w.casefold() in _ABBREVIATIONS:
                continue
        return text[: m.start() + 1]
    return text


_CLAUSE = re.compile(r"[，、；：,;:—–]")


def plain_text(body: str) -> str:
    """Markdown to one line of plain text (headings, emphasis, links, lists undone)."""
    lines = []
    for line in body.strip().splitlines():
        if _FENCE.match(line):
            continue
        line = re.sub(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[*+-]\s+|\d{1,9}[.)]\s+)", "", line)
        lines.append(line)
    text = " ".join(lines)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_MARKS.sub("", text)
    text = text.replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


def make_title(body: str, limit: int = 80) -> str:
    """A readable title from a passage: its first sentence, shortened.

    Args:
        body: the passage (plain text or Markdown; markup is dropped).
        limit: the longest title in characters for alphabetic text; text in
            Chinese (no spaces) gets half of it, cut at a clause mark when one
            is near the end.

    Returns:
        The title without a final full stop, ending in ``…`` when cut; ``""``
        for an empty body.
    """
    text = plain_text(body)
    if not text:
        return ""
    sentence = _first_sentence(text).strip()
    cjk = _cjk_share(sentence) > 0.5
    cap = max(limit // 2, 8) if cjk else max(limit, 8)
    if len(sentence) <= cap:
        return sentence.rstrip(".。").rstrip() or sentence
    cut = sentence[: cap - 1]
    if cjk:
        clauses = [mm.start() for mm in _CLAUSE.finditer(cut)]
        if clauses and clauses[-1] >= cap // 3:
            cut = cut[: clauses[-1]]
    else:
        space = cut.rfind(" ")
        if space >= cap // 2:
            cut = cut[:space]
        cut = cut.rstrip(" ,;:—–-")
    return cut.rstrip() + "…"
