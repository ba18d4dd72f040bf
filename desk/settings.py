"""Declared settings: name, type, default, help (no Qt; window state lives in ``ui/state.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One user setting."""

    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "search/debounce_ms",
        int,
        0,
        "Delay after a keystroke before searching (keystrokes made while a search runs"
        " are folded into the next one anyway).",
    ),
    Setting("search/page_size", int, 200, "Hits fetched per page in the notes list."),
    Setting("search/max_hits", int, 5000, "Most hits the notes list will page in."),
    Setting(
        "annotation/autosave_ms",
        int,
        800,
        "Delay after typing stops before an annotation is saved.",
    ),
    Setting("library/recent_days", int, 14, "What 'Recent' in the browse pane means, in days."),
    Setting("appearance/scheme", str, "system", "Colour scheme: system, light or dark."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def default(name: str) -> Any:
    """The default value of a declared setting."""
    return BY_NAME[name].default
