"""The one analyzer Desk uses for every text field, on the index and the query side.

Text is folded with :func:`desk.core.text.fold_keep_offsets` (THE definition of
"same letters"), then cut into tokens:

* Latin words: Porter-stemmed (``clashes`` -> ``clash``).
* Cyrillic words (Russian, Tajik): a light suffix stripper keeping at least four
  letters, so ``Таджикистане``/``Таджикистана`` -> ``таджикистан``.
* Han (and kana) runs: overlapping character bigrams; a lone character is a unigram.
* Anything else (Perso-Arabic, digits ...): the folded word as is.

Hyphens and dashes are folded to spaces, so ``Tajik-Afghan`` is two adjacent tokens
and the phrase ``"tajik afghan"`` matches it. Token ``startchar``/``endchar`` point
into the ORIGINAL text, for highlighting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as _porter_stem

from desk.core.text import fold, fold_keep_offsets, is_cjk

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Folded Russian/Tajik endings, longest first.  ``fold`` strips marks, so ``й``
# arrives as ``и`` and ``ё`` as ``е``; Tajik ``ӣ``/``ӯ`` as ``и``/``у``.
_CYR_SUFFIXES = tuple(
    sorted(
        {
            # Russian noun and adjective endings
            "иями",
            "ями",
            "ами",
            "ого",
            "его",
            "ому",
            "ему",
            "ими",
            "ыми",
            "ых",
            "их",
            "ая",
            "яя",
            "ое",
            "ее",
            "ые",
            "ие",
            "ии",
            "ыи",
            "ои",
            "ей",
            "ом",
            "ем",
            "ах",
            "ях",
            "ов",
            "ев",
            "ам",
            "ям",
            "ую",
            "юю",
            "ию",
            "ья",
            "ье",
            "а",
            "я",
            "о",
            "е",
            "ы",
            "и",
            "у",
            "ю",
            "ь",
            # Tajik plural, object and izafa endings
            "ҳои",
            "ҳо",
            "ро",
        },
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 4


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """Stem one folded word (no Han characters) the way the index does."""
    if not word:
        return word
    first = word[0]
    if first.isdigit():
        return word
    if _is_latin(first):
        if word.isascii() and word.isalpha() and len(word) > 2:
            return _porter_stem(word)
        return word
    if _is_cyrillic(first):
        for suffix in _CYR_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                return word[: -len(suffix)]
        return word
    return word


@dataclass(frozen=True)
class Piece:
    """One analysed token: its index term, position and span in the original text."""

    text: str
    pos: int
    start: int
    end: int
    han: bool = False


def _han_pieces(run: str, base: int, origin: list[int]) -> Iterator[tuple[str, int, int]]:
    if len(run) == 1:
        yield run, origin[base], origin[base + 1]
        return
    for i in range(len(run) - 1):
        yield run[i : i + 2], origin[base + i], origin[base + i + 2]


def iter_pieces(text: str, *, stem: bool = True) -> Iterator[Piece]:
    """Cut ``text`` into tokens with positions and original character offsets.

    Args:
        text: the original (unfolded) text.
        stem: apply stemming (False gives the folded surface words, for prefixes).
    """
    folded, origin = fold_keep_offsets(text)
    pos = 0
    for m in _WORD_RE.finditer(folded):
        word = m.group()
        base = m.start()
        if not any(is_cjk(c) for c in word):
            yield Piece(stem_word(word) if stem else word, pos, origin[base], origin[m.end()])
            pos += 1
            continue
        # Split the run into Han and non-Han stretches.
        i = 0
        n = len(word)
        while i < n:
            j = i
            han = is_cjk(word[i])
            while j < n and is_cjk(word[j]) == han:
                j += 1
            part = word[i:j]
            if han:
                for t, s, e in _han_pieces(part, base + i, origin):
                    yield Piece(t, pos, s, e, han=True)
                    pos += 1
            else:
                yield Piece(
                    stem_word(part) if stem else part,
                    pos,
                    origin[base + i],
                    origin[base + j],
                )
                pos += 1
            i = j


def analyze(text: str, *, stem: bool = True) -> list[str]:
    """The index terms of ``text`` in order (convenience for the query side and tests)."""
    return [p.text for p in iter_pieces(text, stem=stem)]


def fold_text(text: str) -> str:
    """Re-export of :func:`desk.core.text.fold` for callers of this module."""
    return fold(text)


class DeskTokenizer(Tokenizer):
    """Whoosh tokenizer wrapping :func:`iter_pieces` (top level so the schema pickles)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = fold(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for piece in iter_pieces(value):
            t.text = piece.text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = piece.text
            if positions:
                t.pos = start_pos + piece.pos
            if chars:
                t.startchar = start_char + piece.start
                t.endchar = start_char + piece.end
            yield t


def desk_analyzer() -> DeskTokenizer:
    """The analyzer for every text field."""
    return DeskTokenizer()
