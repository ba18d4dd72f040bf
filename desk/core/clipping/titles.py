"""Titles: Markdown to one line of plain text, and a title from a passage."""

from __future__ import annotations

import re

from desk.core.clipping.blocks import _FENCE, _MD_LINK, cjk_share

# ---------------------------------------------------------------------------
# Titles

_MD_MARKS = re.compile(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)|`+")
_SENTENCE_END = re.compile(
    r"[.!?…](?=[\"”’')\]]*\s+[\"“‘'(\[]*[A-ZА-ЯЁ\u0600-\u06FF0-9])|[。！？](?=.)"
)
_LAST_WORD = re.compile(r"([^\W\d_]+)\.?$")
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


_WORD_WINDOW = 24  # longer than any abbreviation: only the end of the text is looked at


def _first_sentence(text: str) -> str:
    for m in _SENTENCE_END.finditer(text):
        if m.group() == ".":
            # The word before the stop, looked for in a short window (searching
            # all the text before it made abbreviation-heavy text quadratic).
            start = max(0, m.start() - _WORD_WINDOW)
            word = _LAST_WORD.search(text, start, m.start())
            w = word.group(1) if word else ""
            if word and start and word.start() == start:
                w = text[start - 1 : m.start()]  # cut by the window: long, not an abbreviation
            # "U.S. officials", "Mr. Wang": not the end of a sentence.
            if len(w) == 1 or w.casefold() in _ABBREVIATIONS:
                continue
        return text[: m.start() + 1]
    return text


_CLAUSE = re.compile(r"[，、；：,;:—–]")
# A heading's hashes, a quote's ">", a list item's bullet or number.
_LINE_MARKER = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[*+-]\s+|\d{1,9}[.)]\s+)")
_SPACES = re.compile(r"\s+")


def plain_text(body: str) -> str:
    """Markdown to one line of plain text (headings, emphasis, links, lists undone)."""
    lines = []
    for line in body.strip().splitlines():
        if _FENCE.match(line):
            continue
        line = _LINE_MARKER.sub("", line)
        lines.append(line)
    text = " ".join(lines)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_MARKS.sub("", text)
    text = text.replace("\\", "")
    return _SPACES.sub(" ", text).strip()


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
    cjk = cjk_share(sentence) > 0.5
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
