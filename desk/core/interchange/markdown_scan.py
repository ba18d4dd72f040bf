"""Markdown as Obsidian reads it: ``#tags``, ``[[wikilinks]]``, the first heading.

Code (fenced, indented, and spans) is left out, as Obsidian does.
:class:`LinkResolver` finds the note a wikilink names among the notes of
an import.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from desk.core.types import LINK_KINDS

if TYPE_CHECKING:
    from desk.core.interchange.markdown_import import ImportedNote

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_H1 = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# Obsidian tags: anything but whitespace and punctuation, except _ - /.
_HASHTAG = re.compile(
    r"(?<!\S)#([^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~，。、；：！？（）【】「」《》“”‘’«»]+)"
)
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_MDLINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+\.md)\)", re.IGNORECASE)
_KINDS = "|".join(re.escape(k) for k in LINK_KINDS)
_KIND_ITEM = re.compile(rf"^\s*[-*+][ \t]+({_KINDS})[ \t]+\[\[([^\[\]\n]+?)\]\](.*)$")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _code_mask(text: str) -> list[str]:
    """The lines of ``text`` with fenced code blocks and code spans blanked."""
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append("")
            continue
        if m:
            fence = m.group(1)
            out.append("")
            continue
        if line.startswith(("    ", "\t")) and (not out or not out[-1].strip()):
            out.append("")  # indented code after a blank line
            continue
        out.append(_CODE_SPAN.sub(lambda s: " " * len(s.group(0)), line))
    return out


def hashtags(text: str) -> list[str]:
    """``#tags`` in Markdown text, as Obsidian finds them (``#a/b`` nested)."""
    found: list[str] = []
    for line in _code_mask(text):
        for m in _HASHTAG.finditer(line):
            tag = m.group(1).strip("/")
            if tag and any(not c.isdigit() and c not in "/-" for c in tag):
                found.append(tag)
    return list(dict.fromkeys(found))


def _link_target(inner: str) -> str:
    target = inner.split("|", 1)[0].split("#", 1)[0].split("^", 1)[0].strip()
    if target.lower().endswith(".md"):
        target = target[:-3]
    return target


def wikilinks(text: str) -> list[tuple[str, str, str | None]]:
    """Links in Markdown text: ``[[x]]``, ``[[x|label]]``, ``[[x#h]]``, ``[t](x.md)``.

    Embeds (``![[x]]``) are not links. A list item ``- supports [[x]] — why``
    gives kind ``supports`` and note ``why``; every other link is ``relates``.
    """
    links: list[tuple[str, str, str | None]] = []
    for line in _code_mask(text):
        m = _KIND_ITEM.match(line)
        if m:
            target = _link_target(m.group(2))
            rest = m.group(3).strip()
            note = None
            if rest.startswith("— "):
                note = _UNESCAPE.sub(r"\1", rest[2:].strip()) or None
            if target:
                links.append((target, m.group(1), note))
            continue
        for w in _WIKILINK.finditer(line):
            target = _link_target(w.group(2))
            if w.group(1) != "!" and target:
                links.append((target, "relates", None))
        for md in _MDLINK.finditer(line):
            url = md.group(1)
            if urlsplit(url).scheme:
                continue
            target = _link_target(unquote(url))
            if target:
                links.append((target, "relates", None))
    seen: dict[tuple[str, str], tuple[str, str, str | None]] = {}
    for link in links:
        seen.setdefault((link[0], link[1]), link)
    return list(seen.values())


def first_heading(text: str) -> tuple[str | None, int | None]:
    """The first level-1 ATX heading outside code and the line it is on."""
    for n, line in enumerate(_code_mask(text)):
        m = _H1.match(line)
        if m and m.group(1).strip():
            return _UNESCAPE.sub(r"\1", m.group(1).strip()), n
    return None, None


def file_stem(filename: str) -> str:
    """A file name without folders and extension (``a/b.md`` -> ``b``)."""
    return PurePosixPath(filename.replace("\\", "/")).stem


def _name_parts(path: str) -> tuple[str, str]:
    """The stem and suffix of a note's relative path, as :class:`PurePosixPath` gives them.

    Several times faster than building a path; a note's path (``folder/name.md``)
    has no empty or ``.`` parts for the path to tidy.
    """
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:
        return name[:dot], name[dot:]
    return name, ""


# --- wikilink targets -----------------------------------------------------------------


class LinkResolver:
    """Finds the note a wikilink target names, the way Obsidian does.

    Feed it every note of the import (:meth:`add`), then :meth:`resolve`
    each ``(target, kind, note)`` of notes whose ``links_by_id`` is False.
    Comparison ignores case. Order: the path without ``.md``
    (``people/Rahmon``), then the file name (the shortest path wins when
    several folders hold the same name), then a title or alias.
    """

    def __init__(self) -> None:
        self._paths: dict[str, str] = {}
        self._stems: dict[str, str] = {}
        self._titles: dict[str, str] = {}

    def add(self, note: ImportedNote) -> None:
        """Remember a note's path, file name, title and aliases."""
        path = note.path
        suffix = _name_parts(path)[1]
        bare = path[: -len(suffix)] if suffix else path
        self._paths.setdefault(bare.casefold(), path)
        stem = _name_parts(path.replace("\\", "/"))[0].casefold()  # file_stem(path)
        known = self._stems.get(stem)
        if known is None or (known.count("/"), known) > (path.count("/"), path):
            self._stems[stem] = path
        for name in [note.draft.title or "", *note.aliases]:
            if name.strip():
                self._titles.setdefault(name.strip().casefold(), path)

    def resolve(self, target: str) -> str | None:
        """The path of the note ``target`` names, or None."""
        key = target.strip().removeprefix("/").casefold()
        if key.endswith(".md"):
            key = key[:-3]
        return (
            self._paths.get(key)
            or self._stems.get(PurePosixPath(key).name)
            or self._titles.get(key)
        )
