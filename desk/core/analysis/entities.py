"""Find gazetteer entities in passage text, and expand names at query time.

Matching works on text folded by :func:`desk.core.text.fold_keep_offsets` (case,
diacritics, script variants, dashes as spaces), so ``Rakhmón``, ``RAKHMON`` and
``Rakhmon’s`` all find ``Rakhmon``; spans are mapped back to the original text.

All spellings of all entities are compiled into one regular expression shaped
like a trie (one branch per first letter, then per next letter ...), so a
passage is scanned once whatever the size of the gazetteer; Python's regex
engine skips a branch on its first literal, which keeps the scan fast. A plain
alternation of 3,000 spellings is tried spelling by spelling at every
position and is much slower; a token-dictionary scan in Python cannot do
substring matching for Chinese, which has no spaces.

Rules:

- whole words: a match never starts or ends inside a word of a spaced
  script; a spelling that starts or ends with a Han or kana character needs
  no boundary on that side;
- spaces in a spelling match any run of whitespace, hyphens or dashes;
- a possessive (``Beijing's``) still matches; ``Xi'an`` does not match ``Xi``;
- short all-caps spellings (2 to 6 letters: ``UN``, ``ETIM``, ``ISIS-K``,
  ``ООН``) match only text that has no lower-case letter there, so ``un``,
  ``Un`` and ``unclear`` never match ``UN``;
- at one position the longest spelling wins and mentions never overlap;
- a spelling right before a dollar sign is a currency (``US$``), not a mention;
- a Cyrillic spelling also matches its Russian and Tajik case forms
  (``Таджикистана``, ``Китаем``, ``Тоҷикистонро``; see :func:`inflections`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from desk.core.analysis.gazetteer import GazetteerEntry, fold_phrase
from desk.core.text import fold
from desk.core.types import Mention

# Han ideographs and kana: scripts written without spaces.
_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
# A letter or digit of a spaced script: what a match may not touch.
_WORD = rf"[^\W{_CJK_RANGES}]"
_LEFT = rf"(?<!{_WORD})"
# Not followed by a letter, nor by an apostrophe and a letter unless that is
# a possessive ``'s``.
_RIGHT = rf"(?:(?<!{_WORD})|(?!{_WORD})(?!'(?!s(?!{_WORD})){_WORD}))"
# "US$8.5 million", "HK$", "$US": a currency, not the country.
_NOT_CURRENCY = r"(?![$＄])"
_CJK_CHAR = re.compile(rf"[{_CJK_RANGES}]")
_WORD_CHAR = re.compile(r"\w")

_MAX_ACRONYM_LETTERS = 6

# Dots between the parts of a transliterated name in Chinese and Japanese.
_NAME_DOTS = "\u00b7\u30fb\u2027\u2022\uff65\u22c5\u2219"
_DROP_DOTS = {ord(c): None for c in _NAME_DOTS}


def _is_acronym(spelling: str) -> bool:
    letters = [c for c in spelling if c.isalpha()]
    return 2 <= len(letters) <= _MAX_ACRONYM_LETTERS and all(c.isupper() for c in letters)


def _needs_boundary(ch: str) -> bool:
    return bool(_WORD_CHAR.match(ch)) and not _CJK_CHAR.match(ch)


class _FoldCache(dict[str, str]):
    """Per-character results of :func:`fold_keep_offsets`' folding, memoised."""

    def __init__(self) -> None:
        super().__init__()
        # Characters that fold to anything but exactly one character, and a
        # regex finding any of them (rebuilt when one is added, which is rare).
        self.uneven: set[str] = set()
        self.uneven_rx: re.Pattern[str] | None = None

    def __missing__(self, ch: str) -> str:
        # Exactly fold_keep_offsets' rule for one character.
        folded = (" " if ch in "-\x00" else ch.lower()) if ch.isascii() else fold(ch)
        if len(folded) != 1 and ch not in self.uneven:
            self.uneven.add(ch)
            self.uneven_rx = re.compile("[" + "".join(map(re.escape, sorted(self.uneven))) + "]")
        if len(self) < 200_000:
            self[ch] = folded
        return folded


class _FoldTable(dict[int, str]):
    """:data:`_FOLD_CACHE` keyed by code point, for :meth:`str.translate`."""

    def __missing__(self, code: int) -> str:
        folded = _FOLD_CACHE[chr(code)]
        if len(self) < 200_000:
            self[code] = folded
        return folded


_FOLD_CACHE = _FoldCache()
_FOLD_TABLE = _FoldTable()
# ASCII folds one to one: lower case, hyphens and NULs to spaces.
_ASCII_SPACES = str.maketrans("-\x00", "  ")


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Same result as :func:`desk.core.text.fold_keep_offsets`, much faster.

    Returns:
        ``(folded, origin)``; ``origin`` is None when every character folded
        to exactly one character, i.e. offsets are unchanged.
    """
    if text.isascii():
        return text.lower().translate(_ASCII_SPACES), None
    folded = text.translate(_FOLD_TABLE)
    # Folding the text registered any uneven character it holds.
    rx = _FOLD_CACHE.uneven_rx
    if rx is None or rx.search(text) is None:
        return folded, None
    parts = list(map(_FOLD_CACHE.__getitem__, text))
    origin: list[int] = []
    for i, part in enumerate(parts):
        origin.extend([i] * len(part))
    origin.append(len(text))
    return "".join(parts), origin


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    terminal: bool = False


def _trie_pattern(spellings: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any folded spelling, longest first, with boundaries."""
    root = _Node()
    for spelling in spellings:
        node = root
        for ch in spelling:
            node = node.children.setdefault(ch, _Node())
        node.terminal = True

    def emit(node: _Node) -> str:
        alternatives = [_char(ch) + emit(child) for ch, child in node.children.items()]
        if node.terminal:
            # Last, so that longer spellings are tried first.
            alternatives.append("")
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    spaced = [_char(ch) + emit(n) for ch, n in root.children.items() if _needs_boundary(ch)]
    unspaced_firsts = [ch for ch in root.children if not _needs_boundary(ch)]
    unspaced = [_char(ch) + emit(root.children[ch]) for ch in unspaced_firsts]
    parts = []
    if spaced:
        parts.append(_LEFT + "(?:" + "|".join(spaced) + ")")
    if unspaced:
        # One class test per position instead of one per Han first character.
        first = "[" + "".join(re.escape(ch) for ch in unspaced_firsts) + "]"
        parts.append(f"(?={first})(?:" + "|".join(unspaced) + ")")
    if not parts:
        return None
    # The right boundary is checked once, after the trie: when it fails the
    # engine backtracks into the trie to a shorter spelling. It applies only
    # when the spelling ended with a letter of a spaced script. (Repeating
    # it at every leaf makes compiling take seconds: the class is large.)
    return re.compile("(?:" + "|".join(parts) + ")" + _RIGHT + _NOT_CURRENCY)


def _char(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    if ch in _NAME_DOTS:
        # 埃莫马利·拉赫蒙 is also written with another dot, or none.
        return f"[{_NAME_DOTS}]?"
    return re.escape(ch)


_CYRILLIC_WORD = re.compile(r"^[\u0400-\u04ff]+(?:-[\u0400-\u04ff]+)*$")
_VOWELS = set("аеёиоуыэюяӣӯ")
# Endings that follow the stem, by how the nominative ends. Russian case
# endings first, then Tajik suffixes (-ро object, -и/-ӣ izofa, -у "and").
_TAJIK = ("ро", "и", "ӣ", "у", "ҳо")
_AFTER_CONSONANT = ("а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "ым", *_TAJIK)
_REPLACE_LAST = {
    "й": ("я", "ю", "ем", "е", "и", "йро", "йи"),
    "ь": ("я", "ю", "ем", "е", "и", "ью"),
    "а": ("ы", "и", "е", "у", "ой", "ою", "аро"),
    "я": ("и", "ю", "ей", "е", "яро"),
}
# Russian adjectives before the noun ("Центральная Азия" -> "Центральной Азии").
_ADJECTIVE = {
    "ая": ("ой", "ую", "ою"),
    "яя": ("ей", "юю", "ею"),
    "ый": ("ого", "ому", "ым", "ом"),
    "ой": ("ого", "ому", "ым", "ом"),
    "ий": ("ого", "его", "ому", "ему", "им", "ом", "ем"),
    "ое": ("ого", "ому", "ым", "ом"),
    "ее": ("его", "ему", "им", "ем"),
}
_MIN_STEM = 4
_MAX_WORDS = 3


def _noun_forms(word: str) -> list[str]:
    final = word[-1].lower()
    if final in _REPLACE_LAST:
        return [word[:-1] + e for e in _REPLACE_LAST[final]]
    if final in _VOWELS:
        return [word + "ро"]
    return [word + e for e in _AFTER_CONSONANT]


def inflections(spelling: str) -> list[str]:
    """Case forms of a Cyrillic name, in Russian and Tajik.

    The last word takes case endings and Tajik suffixes (``Таджикистан`` ->
    ``Таджикистана``, ``Китай`` -> ``Китая``, ``Тоҷикистон`` ->
    ``Тоҷикистонро``, ``Эмомали Рахмон`` -> ``Эмомали Рахмона``); Russian
    adjectives before it agree (``Центральная Азия`` -> ``Центральной
    Азии``). Acronyms, words shorter than four letters, names of more than
    three words and other scripts give ``[]``.
    """
    words = spelling.split()
    if not words or len(words) > _MAX_WORDS:
        return []
    last = words[-1]
    if len(last) < _MIN_STEM or not _CYRILLIC_WORD.match(last) or last.isupper():
        return []
    options: list[list[str]] = []
    for word in words[:-1]:
        ending = word[-2:].lower()
        if len(word) > _MIN_STEM and _CYRILLIC_WORD.match(word) and ending in _ADJECTIVE:
            options.append([word, *(word[:-2] + e for e in _ADJECTIVE[ending])])
        else:
            options.append([word])
    options.append([last, *_noun_forms(last)])
    forms = [" ".join(combo) for combo in itertools.product(*options)]
    return [f for f in forms if f != " ".join(words)]


class EntityMatcher:
    """Finds the entities of a gazetteer in text.

    Args:
        entries: the gazetteer (see :func:`load_gazetteer`).
    """

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self._entries = list(entries)
        # Folded spelling -> [(entry index, acronym only?)], gazetteer order.
        # Folded the way passage text is, character by character.
        # Keyed by lookup form (see _lookup_form); _forms keeps the match
        # forms (dots kept) each lookup form came from, for the trie.
        self._owners: dict[str, list[tuple[int, bool]]] = {}
        self._forms: dict[str, set[str]] = {}
        # Folded spelling -> entry indexes, and the same plus keys (query time).
        self._by_spelling: dict[str, list[int]] = {}
        self._by_phrase: dict[str, list[int]] = {}
        for index, entry in enumerate(self._entries):
            for spelling in entry.spellings():
                folded = fold_phrase(spelling)
                if not folded:
                    continue
                _add(self._by_spelling, folded, index)
                _add(self._by_phrase, folded, index)
                form = _match_form(spelling)
                lookup = _lookup_form(form)
                self._forms.setdefault(lookup, set()).add(form)
                owners = self._owners.setdefault(lookup, [])
                acronym = _is_acronym(spelling)
                for n, (other, other_acronym) in enumerate(owners):
                    if other == index:
                        # Any non-acronym spelling of the entity lifts the case rule.
                        owners[n] = (index, other_acronym and acronym)
                        break
                else:
                    owners.append((index, acronym))
            _add(self._by_phrase, fold_phrase(entry.key), index)
            _add(self._by_phrase, entry.key.casefold(), index)
        # Russian and Tajik case endings of each Cyrillic spelling, unless a
        # real spelling (of any entity) already reads that way.
        for index, entry in enumerate(self._entries):
            for spelling in entry.spellings():
                if _is_acronym(spelling):
                    continue
                for variant in inflections(spelling):
                    form = _match_form(variant)
                    lookup = _lookup_form(form)
                    if lookup in self._owners:
                        continue
                    self._forms[lookup] = {form}
                    self._owners[lookup] = [(index, False)]
        # Spellings that need no case check: the key straight away.
        self._direct = {
            spelling: self._entries[owners[0][0]].key
            for spelling, owners in self._owners.items()
            if not owners[0][1]
        }
        # Compiled on first use: query expansion (expand, keys_for) needs no
        # pattern, and compiling a large gazetteer's takes a noticeable moment.
        self._compiled: tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None = None

    def _patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """The trie of every spelling, and of those not limited to capitals."""
        if self._compiled is None:
            pattern = _trie_pattern(f for forms in self._forms.values() for f in forms)
            plain = _trie_pattern(
                form
                for lookup, owners in self._owners.items()
                if not all(a for _, a in owners)
                for form in self._forms[lookup]
            )
            self._compiled = (pattern, plain)
        return self._compiled

    @property
    def entries(self) -> list[GazetteerEntry]:
        """The gazetteer this matcher was built from."""
        return list(self._entries)

    def find(self, text: str) -> list[Mention]:
        """Every entity mention in ``text``.

        Mentions do not overlap: at a position the longest spelling wins,
        and a spelling shared by several entities is credited to the first
        of them in gazetteer order (see :func:`alias_conflicts`).

        Returns:
            Mentions sorted by start; ``start``/``end`` index ``text`` itself.
        """
        pattern, plain_pattern = self._patterns()
        if pattern is None or not text:
            return []
        folded, origin = fold_with_offsets(text)
        mentions: list[Mention] = []
        direct = self._direct
        pos = 0
        search = pattern.search
        while True:
            m = search(folded, pos)
            if m is None:
                break
            start, end = m.span()
            # The common case: a spelling whose first owner has no case rule.
            key = direct.get(m.group())
            if key is None:
                key = self._owner(m.group(), text, start, end, origin)
                if key is None and plain_pattern is not None:
                    m = plain_pattern.match(folded, start)
                    if m is not None:
                        end = m.end()
                        key = self._owner(m.group(), text, start, end, origin)
                if key is None:
                    pos = start + 1
                    continue
            if origin is None:
                mentions.append(Mention(key, start, end, text[start:end]))
            else:
                o_start, o_end = _original_span(start, end, origin)
                mentions.append(Mention(key, o_start, o_end, text[o_start:o_end]))
            pos = end
        return mentions

    def _owner(
        self, matched: str, text: str, start: int, end: int, origin: list[int] | None
    ) -> str | None:
        owners = self._owners.get(_lookup_form(matched))
        if not owners:
            return None
        upper: bool | None = None
        for index, acronym in owners:
            if acronym:
                if upper is None:
                    o_start, o_end = _original_span(start, end, origin)
                    upper = not any(c.islower() for c in text[o_start:o_end])
                if not upper:
                    continue
            return self._entries[index].key
        return None

    def expand(self, phrase: str) -> list[str]:
        """Query-time alias expansion.

        Returns:
            If ``phrase`` (folded) is a name or alias of an entity: every
            name and alias of that entity (of each such entity), folded,
            without repeats, the phrase's own entity first; else ``[]``.
        """
        indexes = self._phrase_entries(phrase, keys=False)
        out: list[str] = []
        for index in indexes:
            for spelling in self._entries[index].spellings():
                folded = fold_phrase(spelling)
                if folded and folded not in out:
                    out.append(folded)
        return out

    def keys_for(self, phrase: str) -> list[str]:
        """Keys of the entities whose key, name or an alias folds to ``phrase``."""
        return [self._entries[i].key for i in self._phrase_entries(phrase, keys=True)]

    def _phrase_entries(self, phrase: str, *, keys: bool) -> list[int]:
        folded = fold_phrase(phrase)
        candidates = [folded]
        if folded.endswith("'s"):
            candidates.append(folded[:-2].rstrip())
        table = self._by_phrase if keys else self._by_spelling
        for candidate in candidates:
            found = table.get(candidate)
            if found:
                return sorted(found)
        return []


def _add(table: dict[str, list[int]], phrase: str, index: int) -> None:
    if phrase:
        indexes = table.setdefault(phrase, [])
        if index not in indexes:
            indexes.append(index)


def _match_form(spelling: str) -> str:
    """A spelling folded exactly as passage text is (per character)."""
    return " ".join(fold_with_offsets(spelling)[0].split())


def _lookup_form(matched: str) -> str:
    """What a match and a spelling are compared by: one space, no name dots."""
    return " ".join(matched.split()).translate(_DROP_DOTS)


def _original_span(start: int, end: int, origin: list[int] | None) -> tuple[int, int]:
    if origin is None:
        return start, end
    # origin[end] also takes in characters folded away (accents, joiners)
    # right after the match.
    return origin[start], max(origin[end], origin[end - 1] + 1)
