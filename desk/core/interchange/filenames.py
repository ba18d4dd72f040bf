"""File names for exported notes: readable, portable, unique and stable.

A stem is made from the title, so the vault reads well in a file manager
and in Obsidian's quick switcher. It is safe on Linux, macOS and Windows
(no separators, no reserved names, no trailing dots) and on Obsidian (no
characters that break ``[[wikilinks]]``). Collisions, compared the way
case-insensitive file systems compare, get a suffix taken from the id, so a
name never depends on the order notes were added in.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from desk.core.errors import UserError

FALLBACK_STEM = "untitled"
SUFFIX_SEP = " — "
# Windows device names, reserved with any extension and any case; the
# superscript digits count as digits to Windows too.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{dev}{n}" for dev in ("COM", "LPT") for n in "123456789¹²³"]
)
# Forbidden on Windows (and "/" everywhere), plus what breaks wikilinks
# and Obsidian heading/block references.
_FORBIDDEN = frozenset('/\\:*?"<>|#^[]')
# Bidirectional controls could make "gpj.exe" look like "exe.jpg".
_INVISIBLE = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = re.compile(r"\s+")


def _clean_char(ch: str) -> str:
    if ch in _FORBIDDEN:
        return " "
    if ch in _INVISIBLE:
        return ""
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Zl", "Zp", "Cs", "Co", "Cn"):
        return " " if ch.isspace() else ""
    return ch


class _CleanTable(dict[int, str]):
    """``str.translate`` table of :func:`_clean_char`, filled in as characters are met."""

    def __missing__(self, code: int) -> str:
        self[code] = out = _clean_char(chr(code))
        return out


_CLEAN = _CleanTable()


def _truncate_utf8(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    # Decoding with "ignore" drops a multibyte sequence split at the end.
    return data[:max_bytes].decode("utf-8", "ignore")


def _strip_edges(text: str) -> str:
    return text.strip(" .")


def _is_reserved(stem: str) -> bool:
    first = stem.split(".", 1)[0].rstrip(" ")
    return first.upper() in _RESERVED


def safe_stem(title: str, *, max_bytes: int = 120) -> str:
    """Return a file name stem (no extension) for ``title``.

    Args:
        title: any text, possibly hostile (``../../x``, ``CON``, NUL, RTL).
        max_bytes: the longest stem in UTF-8 bytes; cut on a character boundary.

    Returns:
        A non-empty NFC stem without path separators, control characters,
        leading or trailing dots and spaces, and not a Windows device name.
    """
    text = unicodedata.normalize("NFC", title or "")
    text = text.translate(_CLEAN)
    text = _SPACES.sub(" ", text)
    text = _strip_edges(text)
    text = _strip_edges(_truncate_utf8(text, max(1, max_bytes)))
    if not text:
        text = FALLBACK_STEM
    if _is_reserved(text):
        text = _strip_edges(_truncate_utf8("_" + text, max(1, max_bytes)))
    # NFC again: cutting bytes may split a sequence that composes differently.
    return unicodedata.normalize("NFC", text)


def fold(name: str) -> str:
    """How case-insensitive file systems (Windows, macOS) compare names."""
    return unicodedata.normalize("NFC", name).casefold()


def _hash_suffix(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def id_suffixes(key: str) -> list[str]:
    """Suffix candidates from an id: its first 6, 8, 12, 16 characters, then all of it."""
    out: list[str] = []
    for cand in (key[:6], key[:8], key[:12], key[:16], key):
        if cand and cand not in out:
            out.append(cand)
    return out


class NamePlanner:
    """Unique, stable file names (``Title.md``) for a set of items.

    The item with the smallest id keeps the bare title; every other item
    with the same title (compared case-insensitively) gets ``" — "`` and the
    start of its own id, lengthened until unique. An item's name depends only
    on its title and the items sharing that title, so adding or removing an
    unrelated note renames nothing.

    Args:
        ids_titles: (id, title) for every item that will be written.
        taken: stems already used elsewhere in the vault (``index``, ...).
        suffix_of: the texts a duplicate may get after ``" — "``, in order of
            preference, derived from its id; defaults to the id's first 6,
            8, 12, 16 characters, then the whole id.
        extension: appended to each stem.
        max_bytes: the stem limit handed to :func:`safe_stem`.
    """

    def __init__(
        self,
        ids_titles: Iterable[tuple[str, str]],
        *,
        taken: Iterable[str] = ("index",),
        suffix_of: Callable[[str], Sequence[str]] | None = None,
        extension: str = ".md",
        max_bytes: int = 120,
    ) -> None:
        self._extension = extension
        self._names: dict[str, str] = {}
        suffix_source = suffix_of or id_suffixes
        used = {fold(t) for t in taken}
        items = sorted({str(i): t for i, t in ids_titles}.items())
        stems = {key: safe_stem(title, max_bytes=max_bytes) for key, title in items}
        leaders: dict[str, str] = {}
        for key, stem in stems.items():
            leaders.setdefault(fold(stem), key)
        later: list[str] = []
        for key, stem in stems.items():
            if leaders[fold(stem)] == key and fold(stem) not in used:
                self._names[key] = stem
                used.add(fold(stem))
            else:
                later.append(key)
        groups: dict[str, list[str]] = {}
        for key in later:
            groups.setdefault(fold(stems[key]), []).append(key)
        # How many duplicates of each title could claim each suffix: counted once
        # per group, not per member (1,000 notes called "Untitled" were quadratic).
        claims: dict[str, Counter[str]] = {}
        for title_key, keys in groups.items():
            claims[title_key] = Counter(fold(c) for k in keys for c in suffix_source(k))
        for key in later:
            # A suffix another duplicate of the same title could also claim
            # is skipped, so no name depends on which duplicate came first.
            counts = claims[fold(stems[key])]
            mine = Counter(fold(c) for c in suffix_source(key))
            own = [c for c in suffix_source(key) if counts[fold(c)] == mine[fold(c)]]
            stem = self._suffixed(stems[key], own, key, used, max_bytes)
            self._names[key] = stem
            used.add(fold(stem))

    @staticmethod
    def _suffixed(
        stem: str, suffixes: Sequence[str], key: str, used: set[str], max_bytes: int
    ) -> str:
        digest = _hash_suffix(key)
        for cand in [*suffixes, digest[:10], digest]:
            tail = SUFFIX_SEP + safe_stem(cand, max_bytes=64)
            tail_bytes = len(tail.encode("utf-8"))
            head = _strip_edges(_truncate_utf8(stem, max(max_bytes - tail_bytes, 1)))
            name = safe_stem((head or FALLBACK_STEM) + tail, max_bytes=max_bytes + tail_bytes)
            if fold(name) not in used:
                return name
        # Unreachable in practice: it takes two keys with the same SHA-1.
        n = 2
        while fold(f"{stem} ({n})") in used:
            n += 1
        return f"{stem} ({n})"

    def stem_for(self, key: str) -> str:
        """The stem (no extension) of an item; KeyError for an unknown id."""
        return self._names[key]

    def name_for(self, passage_id: str) -> str:
        """The file name (``Title.md``) of an item; KeyError for an unknown id."""
        return self._names[passage_id] + self._extension

    def __contains__(self, key: object) -> bool:
        return key in self._names

    def stems(self) -> set[str]:
        """Every stem planned, for vault-wide uniqueness of other planners."""
        return set(self._names.values())


def ensure_inside(root: Path, candidate: Path) -> Path:
    """Resolve ``candidate`` (relative ones against ``root``) and check it is under ``root``.

    Symbolic links are followed, so a link pointing out of ``root`` is refused.

    Returns:
        The resolved path.

    Raises:
        UserError: the path is ``root`` itself or lies outside it.
    """
    base = Path(root).resolve()
    path = candidate if Path(candidate).is_absolute() else base / candidate
    resolved = Path(path).resolve()
    if resolved == base or not resolved.is_relative_to(base):
        raise UserError(f"Refusing to touch a path outside the folder: {candidate}")
    return resolved
