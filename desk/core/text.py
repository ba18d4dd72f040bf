"""Text folding shared by the search analyzer, entity matching and sorting.

One place decides what counts as "the same letters" across the scripts an
analyst reads: NFKC, case folding, diacritics dropped (Latin and Cyrillic:
``Rakhmón`` = ``rakhmon``, ``ӣ`` = ``и``), Perso-Arabic variants unified
(Arabic kaf/yeh to Persian, alef forms to bare alef, tatweel and harakat
removed), Traditional Chinese folded to Simplified, and hyphens and dashes
treated as spaces.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus, etc.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_ARABIC_MAP = {
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
    "\u0623": "\u0627",  # alef with hamza above
    "\u0625": "\u0627",  # alef with hamza below
    "\u0622": "\u0627",  # alef with madda
    "\u0671": "\u0627",  # alef wasla
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above
    "\u0624": "\u0648",  # waw with hamza
    "\u0626": "\u06cc",  # yeh with hamza
    "\u0640": "",  # tatweel
}


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {ord(c): " " for c in _DASHES}
    table.update({ord(c): "" for c in _INVISIBLE})
    table.update({ord(k): v for k, v in _ARABIC_MAP.items()})
    # Typographic apostrophes fold to the ASCII one.
    for c in "\u2019\u2018\u02bc\u02bb`\u00b4":
        table[ord(c)] = "'"
    table[0] = " "
    return table


_TABLE = _build_table()


def _t2s_table() -> dict[int, str]:
    from desk.core._t2s import T2S

    return {ord(t): s for t, s in T2S.items()}


@lru_cache(maxsize=1)
def _chinese_table() -> dict[int, str]:
    return _t2s_table()


def strip_marks(text: str) -> str:
    """Drop combining marks (accents, Arabic harakat) after canonical decomposition."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def fold(text: str) -> str:
    """Fold ``text`` for matching; the result may differ in length.

    Use :func:`fold_keep_offsets` when positions in the original matter.
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_TABLE).casefold()
    text = strip_marks(text)
    return text.translate(_chinese_table())


def fold_char(ch: str) -> str:
    """Fold one character; may return '' (dropped) or several characters."""
    return fold(ch)


def fold_keep_offsets(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` character by character, keeping a map back to it.

    Returns:
        ``(folded, origin)`` where ``origin[i]`` is the index in ``text`` of
        the character that produced ``folded[i]``; ``origin`` has one extra
        final entry equal to ``len(text)`` so end offsets map too.
    """
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            f = ch.lower() if ch != "-" else " "
            if ch == "\x00":
                f = " "
        else:
            f = fold(ch)
        out.append(f)
        origin.extend([i] * len(f))
    origin.append(len(text))
    return "".join(out), origin


def is_cjk(ch: str) -> bool:
    """True for a Han ideograph (the characters bigram indexing applies to)."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2A6DF
        or 0xF900 <= o <= 0xFAFF
        or 0x3040 <= o <= 0x30FF  # kana, indexed the same way
    )


def plural(word: str) -> str:
    """The English plural of a noun in our messages: ``entity`` → ``entities``."""
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "sh", "ch")):
        return word + "es"
    return word + "s"


def count_of(n: int, word: str, *, sep: str = "") -> str:
    """``n`` and the noun, plural unless ``n`` is 1: ``count_of(3, "passage")`` → ``3 passages``.

    ``sep=","`` groups thousands (``12,400 passages``).
    """
    number = f"{n:,}" if sep == "," else str(n)
    return f"{number} {word if n == 1 else plural(word)}"
