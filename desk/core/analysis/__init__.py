"""Pure text analysis: gazetteer entities, dates, Admiralty grading.

No I/O beyond reading a gazetteer file, no database, no Qt.
"""

from __future__ import annotations

from desk.core.analysis.dates import extract_dates
from desk.core.analysis.entities import EntityMatcher
from desk.core.analysis.gazetteer import (
    ENTITY_KINDS,
    GazetteerEntry,
    alias_conflicts,
    load_gazetteer,
)
from desk.core.analysis.grading import (
    CREDIBILITY,
    RELIABILITY,
    badge,
    describe,
    parse_credibility,
    parse_grade,
    parse_reliability,
)

__all__ = [
    "CREDIBILITY",
    "ENTITY_KINDS",
    "RELIABILITY",
    "EntityMatcher",
    "GazetteerEntry",
    "alias_conflicts",
    "badge",
    "describe",
    "extract_dates",
    "load_gazetteer",
    "parse_credibility",
    "parse_grade",
    "parse_reliability",
]
