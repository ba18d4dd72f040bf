"""Cut text into blocks (paragraphs) with exact offsets.

Works on plain text copied from news pages (any script) and on Markdown.
Every paragraph is a ``Block`` with exact offsets into the text, so
``text[block.start:block.end] == block.body`` always holds; nothing here
rewrites the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desk.core.text import is_cjk

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def cjk_share(line: str) -> float:
    """Share of Han/kana among the letters of (the start of) ``line``."""
    letters = [c for c in line[:200] if c.isalpha()]
    return sum(1 for c in letters if is_cjk(c)) / max(len(letters), 1)


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
_TERMINAL = '.!?。！？…:;»"”’)'


def _hard_wrapped(lines: list[Block]) -> bool:
    """True when a block's lines are one paragraph wrapped at a fixed width."""
    if len(lines) < 2:
        return True
    if cjk_share("".join(b.body for b in lines)) > 0.5:
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
