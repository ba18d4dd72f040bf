"""The common case of front matter, written and read without PyYAML, byte for byte as it.

Front matter is a mapping of plain keys to scalars, lists of scalars and
lists of mappings of scalars, and most of its strings are printable text on
one line. PyYAML's emitter (block style, width 1,000,000) writes such a
string plain or single-quoted, the same wherever it sits, by rules simple
enough to apply here (``Emitter.analyze_scalar`` and
``choose_scalar_style``), with PyYAML's own implicit resolvers deciding
whether a plain string would read back as something else (``yes``, ``12``,
``2021-01-01T10:00:00Z``).

:func:`dump` writes what it can and returns None for anything else (control
characters, line breaks, nested lists, other types, text near the width),
which then goes through PyYAML. :func:`load` reads a document back the same
way and accepts its reading only when :func:`dump` writes it back to the
very same text: that text is then what PyYAML writes for the value, and
PyYAML reads it back as that value. Tests compare both with pure PyYAML on
random data.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

WIDTH = 1_000_000

# Printable for PyYAML's emitter with allow_unicode, no line break (NEL,
# U+2028, U+2029) and no BOM.
_ONE_LINE = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]*"
)
# What keeps a printable one-line string from being plain in block context
# (Emitter.analyze_scalar): "---" or "..." first, a leading indicator, "?"
# or "-" alone or before a space, ":" before a space or at the end, " #",
# a leading or trailing space.
_NOT_PLAIN = re.compile(
    r"""^(?:---|\.\.\.)|^[#,\[\]{}&*!|>'"%@`]|^[?-](?: |\Z)|:(?: |\Z)| #|^ | \Z"""
)
_KEY = re.compile("[A-Za-z][A-Za-z0-9_-]*")
_KEY_LINE = re.compile("([A-Za-z][A-Za-z0-9_-]*):(?: (.*))?")
_DECIMAL = re.compile("-?(?:0|[1-9][0-9]*)")
_RESOLVERS = yaml.SafeDumper.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"


def _tag(text: str) -> str:
    """The type PyYAML reads a non-empty plain scalar as."""
    for tag, regexp in _RESOLVERS.get(text[0], ()):
        if regexp.match(text):
            return str(tag)
    return _STR


# Keys seen to be plain words, and how strings are written: the same few
# keys and many repeated values (sources, tags, kinds, entity names) come
# in every note. Bounded: emptied when full, so values that keep coming
# back return and a folder of unique titles holds little memory.
_GOOD_KEYS: set[str] = set()
_WRITTEN: dict[str, str] = {}
_MEMO_MAX = 8192


def _key_ok(key: object) -> bool:
    if key in _GOOD_KEYS:
        return True
    ok = isinstance(key, str) and _KEY.fullmatch(key) is not None and _tag(key) == _STR
    if ok:
        if len(_GOOD_KEYS) >= _MEMO_MAX:
            _GOOD_KEYS.clear()
        _GOOD_KEYS.add(key)  # type: ignore[arg-type]
    return ok


# --- writing -----------------------------------------------------------------------


class _NotPlain(Exception):
    """The document is not one :func:`dump` writes."""


def _string(value: str) -> str | None:
    if not value:
        return "''"
    if _ONE_LINE.fullmatch(value) is None:
        return None
    if _NOT_PLAIN.search(value) is None and _tag(value) == _STR:
        return value
    return "'" + value.replace("'", "''") + "'"


def _scalar(value: object) -> str | None:
    if isinstance(value, str):
        text = _WRITTEN.get(value)
        if text is None:
            text = _string(value)
            if text is None:
                return None
            if len(_WRITTEN) >= _MEMO_MAX:
                _WRITTEN.clear()
            _WRITTEN[value] = text
        return text
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    return None


def _plain(value: object) -> str:
    """``value`` as :func:`_scalar` writes it; raises _NotPlain when it takes PyYAML."""
    text = _scalar(value)
    if text is None:
        raise _NotPlain
    return text


def _item_lines(item: object) -> list[str]:
    """The lines of one list item: a scalar, or a mapping of scalars."""
    if not isinstance(item, dict):
        return [f"- {_plain(item)}"]
    if not item:
        return ["- {}"]
    lines = []
    lead = "- "
    for k, v in item.items():
        if not _key_ok(k):
            raise _NotPlain
        lines.append(f"{lead}{k}: {_plain(v)}")
        lead = "  "
    return lines


def dump(data: dict[str, Any]) -> str | None:
    """``data`` as PyYAML's block style writes it, or None when it takes PyYAML."""
    lines: list[str] = []
    try:
        for key, value in data.items():
            if not _key_ok(key):
                return None
            if not isinstance(value, list):
                lines.append(f"{key}: {_plain(value)}")
            elif not value:
                lines.append(f"{key}: []")
            else:
                lines.append(f"{key}:")
                for item in value:
                    lines.extend(_item_lines(item))
    except _NotPlain:
        return None
    text = "\n".join(lines) + "\n" if lines else "{}\n"
    # Past the width PyYAML would fold a line; let it.
    return text if len(text) < WIDTH else None


# --- reading -----------------------------------------------------------------------


def _value(text: str) -> object:
    if text.startswith("'"):
        inner = text[1:-1]
        if len(text) < 2 or not text.endswith("'") or "'" in inner.replace("''", ""):
            raise _NotPlain
        return inner.replace("''", "'")
    if not text:
        raise _NotPlain
    tag = _tag(text)
    if tag == _STR:
        return text
    if tag == _INT and _DECIMAL.fullmatch(text):
        return int(text)
    if text == "null":
        return None
    if text in ("true", "false"):
        return text == "true"
    raise _NotPlain


def _items(lines: list[str], i: int) -> tuple[int, list[Any]]:
    """The ``- `` items from line ``i`` on; returns (next line, items)."""
    items: list[Any] = []
    while i < len(lines) and lines[i].startswith("- "):
        first = lines[i][2:]
        i += 1
        if first == "{}":
            items.append({})
            continue
        m = _KEY_LINE.fullmatch(first)
        if m is None or m.group(2) is None:
            items.append(_value(first))  # a key alone would open a nested block
            continue
        entry = {m.group(1): _value(m.group(2))}
        while i < len(lines) and lines[i].startswith("  "):
            m = _KEY_LINE.fullmatch(lines[i][2:])
            if m is None or m.group(2) is None:
                raise _NotPlain
            entry[m.group(1)] = _value(m.group(2))
            i += 1
        items.append(entry)
    return i, items


def load(source: str) -> dict[str, Any] | None:
    """What PyYAML's safe loader reads from ``source``, or None when it takes PyYAML."""
    if not source.endswith("\n"):
        return None
    lines = source[:-1].split("\n")
    data: dict[str, Any] = {}
    i = 0
    try:
        while i < len(lines):
            m = _KEY_LINE.fullmatch(lines[i])
            if m is None:
                return None
            key, rest = m.group(1), m.group(2)
            i += 1
            if rest is None:
                i, data[key] = _items(lines, i)
            elif rest == "[]":
                data[key] = []
            else:
                data[key] = _value(rest)
    except _NotPlain:
        return None
    return data if dump(data) == source else None
