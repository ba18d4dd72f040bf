"""YAML front matter: split a note into front matter and body, dump and load it.

Only PyYAML's safe loader and safe dumper are used, so a hostile note
(``!!python/object/apply:os.system``) can run nothing. Strings that hold a
line break or a character YAML folds or drops (NEL, U+2028, U+2029, BOM,
control characters) are emitted double-quoted, where PyYAML writes them as
escapes; plain or single-quoted style would fold ``\\x85`` into a space.

PyYAML's C classes (libyaml) are used when they are built in, with the pure
Python ones as the reference: the C emitter writes the same bytes except
that it escapes characters beyond U+FFFF (``"\\U0001F600"`` where Python
writes the emoji) and folds lines past the width, so such documents are
dumped again in Python. The C parser differs from the Python one on some
unusual input (tabs, tags, block scalars, flow collections, very deep
nesting, which crashes it), so it only reads front matter free of those,
and any error is reported by the Python parser.

Most front matter, ours in particular, needs neither:
:mod:`desk.core.interchange.plain_yaml` writes and reads it directly, byte
for byte as PyYAML does.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import yaml

from desk.core.interchange import plain_yaml

FENCE = "---"
# A line that is "---" or "..." (trailing blanks allowed) closes it.
_CLOSER = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
WIDTH = plain_yaml.WIDTH
# Characters PyYAML folds or rewrites in plain and single-quoted scalars:
# line breaks, NEL, U+2028, U+2029, BOM and control characters but tab.
_NEEDS_DOUBLE_QUOTES = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff]")

HAS_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))
# Whether dump() and load() use libyaml and the plain_yaml fast path; tests
# turn them off to compare with pure PyYAML.
use_libyaml = HAS_LIBYAML
use_plain_yaml = True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if _NEEDS_DOUBLE_QUOTES.search(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that never lets a line break or a control char out raw."""


_Dumper.add_representer(str, _represent_str)

if HAS_LIBYAML:

    class _CDumper(yaml.CSafeDumper):
        """The same representer over libyaml's emitter."""

    _CDumper.add_representer(str, _represent_str)


def _dump_with(dumper: type, data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=WIDTH,
    )


def dump(data: dict[str, Any]) -> str:
    """Return ``data`` as a front matter block, fences and trailing newline included.

    Keys must be non-empty plain words (ours all are): libyaml writes an
    empty key as ``'': x`` where Python writes ``? ''``.
    """
    text = plain_yaml.dump(data) if use_plain_yaml else None
    if text is None:
        if use_libyaml and HAS_LIBYAML:
            text = _dump_with(_CDumper, data)
            # libyaml escapes every character beyond U+FFFF as \\U........ and
            # folds lines past WIDTH; Python does neither, so let it redo those.
            if "\\U" in text or len(text) >= WIDTH:
                text = _dump_with(_Dumper, data)
        else:
            text = _dump_with(_Dumper, data)
    return f"{FENCE}\n{text}{FENCE}\n"


class FrontMatterError(ValueError):
    """The front matter block exists but is not safe, valid YAML mapping."""


def split(text: str) -> tuple[str | None, str]:
    """Split ``text`` (newlines already ``\\n``) into (yaml source or None, body).

    The front matter must open on the first line with ``---`` and close with a
    line that is exactly ``---`` or ``...``. The body is what follows the
    closing fence, without the newline that ends the fence.
    """
    if not text.startswith(FENCE + "\n"):
        return None, text
    start = len(FENCE) + 1
    m = _CLOSER.search(text, start)
    if m is None:
        return None, text
    end = m.end()
    return text[start : m.start()], text[end + 1 :] if end < len(text) else ""


# What the C parser reads differently from the Python one (found by
# comparing both on random documents): tabs, CR and control characters,
# NEL/U+2028/U+2029/BOM, tags, block scalars and non-empty flow collections.
_C_UNSAFE = re.compile(
    "[\\t\\r\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff!]"
    "|(?:^|[\\s\\[{,?:-])[|>]|\\[(?!\\])|\\{(?!\\})"
)
# Nesting costs one of these characters per level; the C parser recurses
# on the C stack, which a few thousand levels overflow (a crash, not an error).
_C_MAX_INDICATORS = 400


def _c_can_read(source: str) -> bool:
    if _C_UNSAFE.search(source):
        return False
    return source.count("-") + source.count(":") + source.count("?") <= _C_MAX_INDICATORS


def _safe_load(source: str) -> Any:
    if use_libyaml and HAS_LIBYAML and _c_can_read(source):
        try:
            return yaml.load(source, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass  # the Python parser says what is wrong, in its words
    return yaml.load(source, Loader=yaml.SafeLoader)


def load(source: str) -> dict[str, Any]:
    """Parse a front matter block with the safe loader.

    Raises:
        FrontMatterError: unsafe tags, invalid YAML, or not a mapping.
    """
    if use_plain_yaml:
        plain = plain_yaml.load(source)
        if plain is not None:
            return plain
    try:
        data = _safe_load(source)
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
