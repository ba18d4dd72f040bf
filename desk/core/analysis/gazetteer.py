"""The gazetteer: the entities Desk recognises, with their aliases in any script.

The file is YAML (``seeds/gazetteer.yaml``)::

    entities:
      - key: emomali-rahmon
        name: Emomali Rahmon
        kind: person
        description: President of Tajikistan since 1992.
        aliases: [Rahmon, Rakhmon, Эмомали Рахмон, 埃莫马利·拉赫蒙]

It is read with ``yaml.safe_load`` only: a ``!!python/...`` tag is an error,
never code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from desk.core.errors import UserError
from desk.core.text import fold

ENTITY_KINDS = ("person", "organisation", "place", "facility", "programme", "event")

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class GazetteerEntry:
    """One entity of the gazetteer.

    ``aliases`` are the other spellings (any script); ``name`` is not repeated
    in them.
    """

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    description: str | None = None

    def spellings(self) -> tuple[str, ...]:
        """The display name followed by every alias."""
        return (self.name, *self.aliases)


def fold_phrase(text: str) -> str:
    """Fold a name for comparison: :func:`fold`, then whitespace runs to one space."""
    return _SPACES.sub(" ", fold(text)).strip()


def load_gazetteer(path: Path) -> list[GazetteerEntry]:
    """Read and check a gazetteer file.

    Args:
        path: the YAML file.

    Returns:
        The entries in file order.

    Raises:
        UserError: the file is missing or unreadable, is not YAML, or an entry
            is malformed (the message names the file and the entry).
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: gazetteer file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read gazetteer: {exc}") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"{path}: not a valid gazetteer (YAML error: {reason})", str(exc)) from None
    return parse_gazetteer(data, source=str(path))


def parse_gazetteer(data: Any, source: str = "gazetteer") -> list[GazetteerEntry]:
    """Check already-parsed gazetteer data (see :func:`load_gazetteer`).

    Args:
        data: a mapping with an ``entities`` list, or the list itself.
        source: what to call the data in error messages (usually the path).

    Raises:
        UserError: on any malformed entry.
    """
    if isinstance(data, dict):
        if "entities" not in data:
            raise UserError(f"{source}: no 'entities' list at the top level")
        items = data["entities"]
    else:
        items = data
    if items is None:
        return []
    if not isinstance(items, list):
        raise UserError(f"{source}: 'entities' must be a list of entries, not {_kind_of(items)}")
    entries: list[GazetteerEntry] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        entry = _parse_entry(item, f"{source}: entity #{number}")
        if entry.key in seen:
            raise UserError(
                f"{source}: entity #{number}: key '{entry.key}' is already used by "
                f"entity #{seen[entry.key]}"
            )
        seen[entry.key] = number
        entries.append(entry)
    return entries


def alias_conflicts(entries: Iterable[GazetteerEntry]) -> dict[str, list[str]]:
    """Spellings shared by several entities (allowed, but worth a warning).

    Returns:
        Folded spelling -> keys of the entities that use it, only for
        spellings used by more than one entity; keys in gazetteer order.
    """
    owners: dict[str, list[str]] = {}
    for entry in entries:
        for spelling in entry.spellings():
            folded = fold_phrase(spelling)
            if not folded:
                continue
            keys = owners.setdefault(folded, [])
            if entry.key not in keys:
                keys.append(entry.key)
    return {alias: keys for alias, keys in owners.items() if len(keys) > 1}


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "empty"
    return f"a {type(value).__name__}"


def _text_field(item: dict[str, Any], field: str, where: str, *, required: bool) -> str | None:
    value = item.get(field)
    if value is None:
        if required:
            raise UserError(f"{where}: missing '{field}'")
        return None
    if not isinstance(value, str):
        raise UserError(
            f"{where}: '{field}' must be text, not {_kind_of(value)} (quote it in the YAML)"
        )
    value = value.strip()
    if required and not value:
        raise UserError(f"{where}: '{field}' is empty")
    return value or None


def _parse_entry(item: Any, where: str) -> GazetteerEntry:
    if not isinstance(item, dict):
        raise UserError(f"{where}: must be a mapping with key, name and kind, not {_kind_of(item)}")
    key = _text_field(item, "key", where, required=True)
    assert key is not None
    where = f"{where} ({key})"
    if any(ch.isspace() for ch in key):
        raise UserError(f"{where}: key must be a slug without spaces")
    name = _text_field(item, "name", where, required=True)
    assert name is not None
    kind = _text_field(item, "kind", where, required=True)
    assert kind is not None
    if kind not in ENTITY_KINDS:
        raise UserError(f"{where}: kind '{kind}' is not one of {', '.join(ENTITY_KINDS)}")
    description = _text_field(item, "description", where, required=False)
    raw_aliases = item.get("aliases")
    if raw_aliases is None:
        raw_aliases = []
    elif isinstance(raw_aliases, str):
        raw_aliases = [raw_aliases]
    if not isinstance(raw_aliases, list):
        raise UserError(f"{where}: 'aliases' must be a list, not {_kind_of(raw_aliases)}")
    aliases: list[str] = []
    for alias in raw_aliases:
        if not isinstance(alias, str):
            raise UserError(
                f"{where}: alias {alias!r} must be text, not {_kind_of(alias)} (quote it in the YAML)"
            )
        alias = alias.strip()
        # Spellings that differ only in case stay: case decides acronym matching.
        if not fold_phrase(alias) or alias == name or alias in aliases:
            continue
        aliases.append(alias)
    return GazetteerEntry(
        key=key, name=name, kind=kind, aliases=tuple(aliases), description=description
    )
