"""Cheap highlighted snippets: find the first match, analyse only a window around it.

Highlights are wrapped in STX (``\\x02``) and ETX (``\\x03``): the CLI turns them
into bold or brackets, the window into ``<b>`` after escaping.
"""

from __future__ import annotations

from desk.core.search.analysis import fold_fast, iter_pieces

HL_START = "\x02"
HL_END = "\x03"
_WIDTH = 240
_LEAD = 70


def _first_hit(body: str, needles: list[str]) -> int:
    """Approximate index in ``body`` of the first needle (-1 if none is found)."""
    if not needles:
        return -1
    folded = fold_fast(body)
    best = -1
    for needle in needles:
        at = folded.find(needle)
        if at >= 0 and (best < 0 or at < best):
            best = at
    if best < 0 or len(folded) == len(body):
        return best
    # Folding changed the length (ligatures, dropped marks): scale back.
    return int(best * len(body) / max(len(folded), 1))


def make_snippet(body: str, terms: set[str], width: int = _WIDTH) -> str:
    """A plain-text window of ``body`` with every token in ``terms`` marked.

    Args:
        body: the stored passage text.
        terms: index terms (as the analyzer produces them) to highlight.
        width: about how many characters to show.
    """
    body = body.replace(HL_START, "").replace(HL_END, "")
    if not body:
        return ""
    needles = sorted({t[:-1] if len(t) > 5 else t for t in terms if t}, key=len, reverse=True)
    at = _first_hit(body, needles)
    start = 0
    if at > _LEAD:
        start = at - _LEAD
        space = body.find(" ", start, at)
        if 0 <= space < at:
            start = space + 1
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start + width // 2, end)
        if space > 0:
            end = space
    window = body[start:end]
    spans: list[list[int]] = []
    for piece in iter_pieces(window):
        if piece.text in terms:
            if spans and piece.start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], piece.end)  # overlapping Han bigrams
            else:
                spans.append([piece.start, piece.end])
    out: list[str] = []
    last = 0
    for s, e in spans:
        out.append(window[last:s])
        out.append(HL_START + window[s:e] + HL_END)
        last = e
    out.append(window[last:])
    text = " ".join("".join(out).split())
    if start > 0:
        text = "…" + text
    if end < len(body):
        text += "…"
    return text
