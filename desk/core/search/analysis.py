"""The one analyzer Desk uses for every text field, on the index and the query side.

Text is folded character by character exactly as :func:`desk.core.text.fold_keep_offsets`
does (THE definition of "same letters"; memoised here for speed), then cut into tokens:

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

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as _porter_stem

from desk.core.text import fold

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


def stem_word(word: str) -> str:
    """Stem one folded word (no Han characters) the way the index does (memoised)."""
    return _STEMS[word]


def _stem(word: str) -> str:
    """:func:`stem_word`, uncached."""
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
    if "\u0600" <= first <= "\u06ff":
        # Persian/Dari plural: پاسگاه‌ها (the ZWNJ is folded away) -> پاسگاه.
        for suffix in FA_PLURALS:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
    return word


# Folded Persian plural endings, longest first (index format 2).
FA_PLURALS = ("هایی", "های", "ها")


@dataclass(frozen=True)
class Piece:
    """One analysed token: its index term, position and span in the original text."""

    text: str
    pos: int
    start: int
    end: int
    han: bool = False


_HAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
_RUN_RE = re.compile(f"(?P<han>[{_HAN}]+)|[^\\W_{_HAN}]+")


class _FoldCache(dict[str, str]):
    """Per-character fold, memoised; identical to ``fold_keep_offsets``'s rule."""

    def __missing__(self, ch: str) -> str:
        f = (" " if ch in "-\x00" else ch.lower()) if ch.isascii() else fold(ch)
        self[ch] = f
        return f


_FOLD_CHARS = _FoldCache()


def fold_offsets(text: str) -> tuple[str, list[int] | None]:
    """Like :func:`desk.core.text.fold_keep_offsets`, but memoised per character.

    Returns ``origin=None`` when every character folded to exactly one (the common
    case), meaning offsets are unchanged.
    """
    parts = list(map(_FOLD_CHARS.__getitem__, text))
    folded = "".join(parts)
    if len(folded) == len(text) and all(len(p) == 1 for p in parts):
        return folded, None
    origin: list[int] = []
    for i, p in enumerate(parts):
        origin.extend([i] * len(p))
    origin.append(len(text))
    return folded, origin


def iter_tuples(text: str, stem: bool = True) -> Iterator[tuple[str, int, int, int, bool]]:
    """Fast core of :func:`iter_pieces`: ``(term, pos, start, end, han)`` tuples."""
    folded, origin = fold_offsets(text)
    pos = 0
    stemmer = _STEMS.__getitem__ if stem else None
    for m in _RUN_RE.finditer(folded):
        s, e = m.span()
        run = m.group()
        if m.group("han") is None:
            if origin is not None:
                s, e = origin[s], origin[e]
            yield (stemmer(run) if stemmer else run), pos, s, e, False
            pos += 1
        elif len(run) == 1:
            if origin is not None:
                s, e = origin[s], origin[e]
            yield run, pos, s, e, True
            pos += 1
        else:
            for i in range(len(run) - 1):
                a, b = s + i, s + i + 2
                if origin is not None:
                    a, b = origin[a], origin[b]
                yield run[i : i + 2], pos, a, b, True
                pos += 1


class _FoldTable(dict[int, str]):
    """``_FOLD_CHARS`` keyed by code point, for ``str.translate``."""

    def __missing__(self, code: int) -> str:
        f = _FOLD_CHARS[chr(code)]
        self[code] = f
        return f


class _StemCache(dict[str, str]):
    """The one memo of :func:`stem_word`: a dict, so a known word costs one C-level
    lookup; cleared when it grows past ``limit`` words."""

    limit = 300_000

    def __missing__(self, word: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        stem = self[word] = _stem(word)
        return stem


_FOLD_TABLE = _FoldTable()


def fold_fast(text: str) -> str:
    """``text`` folded character by character as the index folds it (one C call)."""
    return text.translate(_FOLD_TABLE)


_STEMS = _StemCache()
_HAN_RE = re.compile(f"[{_HAN}]")
_WORD_RE = re.compile(r"[^\W_]+")
_TERM_RE = re.compile(f"([{_HAN}]+)|([^\\W_{_HAN}]+)")


def index_terms(text: str) -> list[str]:
    """The terms :func:`iter_tuples` yields, in order, without offsets (term i is at
    position i): the bulk indexing path, several times faster."""
    folded = fold_fast(text)
    if _HAN_RE.search(folded) is None:  # no bigrams: every loop runs in C
        return list(map(_STEMS.__getitem__, _WORD_RE.findall(folded)))
    out: list[str] = []
    add = out.append
    for han, word in _TERM_RE.findall(folded):
        if word:
            add(_STEMS[word])
        elif len(han) == 1:
            add(han)
        else:
            out.extend([han[i : i + 2] for i in range(len(han) - 1)])
    return out


def iter_pieces(text: str, *, stem: bool = True) -> Iterator[Piece]:
    """Cut ``text`` into tokens with positions and original character offsets.

    Args:
        text: the original (unfolded) text.
        stem: apply stemming (False gives the folded surface words, for prefixes).
    """
    for t, pos, s, e, han in iter_tuples(text, stem):
        yield Piece(t, pos, s, e, han)


def analyze(text: str, *, stem: bool = True) -> list[str]:
    """The index terms of ``text`` in order (convenience for the query side and tests)."""
    return [p.text for p in iter_pieces(text, stem=stem)]


def fold_text(text: str) -> str:
    """Re-export of :func:`desk.core.text.fold` for callers of this module."""
    return fold(text)


SECTION = "\x1e"
# Section boost codes for the combined ``all`` field (see ``schema.doc_fields``).
BOOSTS = {"a": 1.0, "b": 1.2, "c": 1.5, "d": 2.0, "e": 3.0}
_SECTION_GAP = 16  # positions between sections, so phrases never straddle two


def sections(parts: list[tuple[str, str]]) -> str:
    """Encode ``(boost_code, text)`` parts as one value for the ``all`` field."""
    return "".join(SECTION + code + text.replace(SECTION, " ") for code, text in parts if text)


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
        if value.startswith(SECTION):
            yield from self._sections(t, value, positions, start_pos)
            return
        for text, pos, s, e, _han in iter_tuples(value):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + s
                t.endchar = start_char + e
            yield t

    @staticmethod
    def _sections(t: Token, value: str, positions: bool, start_pos: int) -> Iterator[Token]:
        base = start_pos
        for sec in value[1:].split(SECTION):
            if not sec:
                continue
            boost = BOOSTS.get(sec[0], 1.0)
            last = -1
            for text, pos, _s, _e, _han in iter_tuples(sec[1:]):
                t.text = text
                t.boost = boost
                t.stopped = False
                if positions:
                    t.pos = base + pos
                last = pos
                yield t
            base += last + 1 + _SECTION_GAP


def desk_analyzer() -> DeskTokenizer:
    """The analyzer for every text field."""
    return DeskTokenizer()
