"""YAML front matter: split a note into front matter and body, dump and load it.

Only PyYAML's safe loader and safe dumper are used, so a hostile note
(``!!python/object/apply:os.system``) can run nothing. Strings that hold a
line break or a character YAML folds or drops (NEL, U+2028, U+2029, BOM,
control characters) are emitted double-quoted, where PyYAML writes them as
escapes; plain or single-quoted style would fold ``\\x85`` into a space.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import yaml

FENCE = "---"
_CLOSERS = ("---", "...")
# Characters PyYAML folds or rewrites in plain and single-quoted scalars.
_NEEDS_DOUBLE_QUOTES = frozenset("\n\r\x85\u2028\u2029\ufeff")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that never lets a line break or a control char out raw."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if any(ch in _NEEDS_DOUBLE_QUOTES or (ord(ch) < 0x20 and ch != "\t") for ch in data) or any(
        0x7F <= ord(ch) <= 0x9F for ch in data
    ):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


_Dumper.add_representer(str, _represent_str)


def dump(data: dict[str, Any]) -> str:
    """Return ``data`` as a front matter block, fences and trailing newline included."""
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    )
    return f"{FENCE}\n{text}{FENCE}\n"


class FrontMatterError(ValueError):
    """The front matter block exists but is not safe, valid YAML mapping."""


def split(text: str) -> tuple[str | None, str]:
    """Split ``text`` (newlines already ``\\n``) into (yaml source or None, body).

    The front matter must open on the first line with ``---`` and close with a
    line that is exactly ``---`` or ``...``. The body is what follows the
    closing fence, without the newline that ends the fence.
    """
    if not text.startswith(FENCE + "\n") and text != FENCE:
        return None, text
    start = len(FENCE) + 1
    pos = start
    while pos <= len(text):
        end = text.find("\n", pos)
        line = text[pos:] if end == -1 else text[pos:end]
        if line.rstrip(" \t") in _CLOSERS:
            body = "" if end == -1 else text[end + 1 :]
            return text[start:pos], body
        if end == -1:
            break
        pos = end + 1
    return None, text


def load(source: str) -> dict[str, Any]:
    """Parse a front matter block with the safe loader.

    Raises:
        FrontMatterError: unsafe tags, invalid YAML, or not a mapping.
    """
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FrontMatterError(first) from None
    except RecursionError:
        raise FrontMatterError("front matter nested too deeply") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        # PyYAML's constructors raise these for values such as 2021-02-30
        # or !!int 'zz'.
        raise FrontMatterError(f"invalid value ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a mapping of keys to values")
    return {str(k): v for k, v in data.items()}


def scalar_text(value: object) -> str | None:
    """A front matter scalar as text: dates in ISO 8601, UTC times ending in ``Z``.

    Returns None for None and for containers (lists, mappings), which a
    scalar field never holds in a note we can trust.
    """
    if value is None or isinstance(value, (list, dict, set, tuple)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        # A time without a zone is taken as UTC (Joplin means local time;
        # the machine's zone would make imports differ between machines).
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def text_list(value: object) -> list[str]:
    """A front matter list of scalars (or one scalar) as a list of texts."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        text = scalar_text(item)
        if text is not None:
            out.append(text)
    return out
