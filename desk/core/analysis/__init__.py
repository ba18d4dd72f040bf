"""Pure text analysis: gazetteer entities, dates, Admiralty grading.

No I/O beyond reading a gazetteer file, no database, no Qt.

- :mod:`.gazetteer`: ``GazetteerEntry``, ``load_gazetteer``, ``alias_conflicts``
- :mod:`.entities`: ``EntityMatcher`` (``find``, ``expand``, ``keys_for``)
- :mod:`.dates`: ``extract_dates``
- :mod:`.grading`: ``RELIABILITY``, ``CREDIBILITY``, ``parse_*``, ``badge``, ``describe``

The names are also available from this package; submodules load on first
use, so ``desk.core.analysis.grading`` does not pay for compiling the date
and entity patterns.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ENTITY_KINDS": "gazetteer",
    "GazetteerEntry": "gazetteer",
    "alias_conflicts": "gazetteer",
    "load_gazetteer": "gazetteer",
    "EntityMatcher": "entities",
    "extract_dates": "dates",
    "CREDIBILITY": "grading",
    "RELIABILITY": "grading",
    "badge": "grading",
    "describe": "grading",
    "parse_credibility": "grading",
    "parse_grade": "grading",
    "parse_reliability": "grading",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
