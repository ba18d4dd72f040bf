"""Plain records passed between the store, the index, the faces and the tests.

Dates are ISO 8601 strings. ``published`` may be partial (``2021``,
``2021-10`` or ``2021-10-28``); timestamps (``created``, ``updated``,
``clipped``) are UTC and end in ``Z``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NewType

PassageId = NewType("PassageId", str)

LINK_KINDS = ("relates", "supports", "contradicts", "same-event")
RELIABILITY_GRADES = ("A", "B", "C", "D", "E", "F")
CREDIBILITY_GRADES = (1, 2, 3, 4, 5, 6)
PASSAGE_KINDS = ("passage", "standfirst", "caption", "note")


@dataclass(frozen=True)
class Source:
    """Where passages come from: an article, a report, a transcript."""

    id: int
    title: str
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None
    retrieved_at: str | None = None
    language: str | None = None
    reliability: str | None = None
    originator: str | None = None
    sha256: str | None = None
    created: str | None = None
    passage_count: int = 0


@dataclass(frozen=True)
class Annotation:
    """The analyst's own words on a passage, optionally on a span of it."""

    id: int
    passage_id: str
    body: str
    start: int | None = None
    end: int | None = None
    created: str | None = None
    updated: str | None = None


@dataclass(frozen=True)
class Link:
    """A typed link seen from one passage: ``other_id`` is the far end."""

    other_id: str
    other_title: str
    kind: str
    note: str | None = None
    outgoing: bool = True
    other_trashed: bool = False


@dataclass(frozen=True)
class Entity:
    """A person, organisation, place ... with its aliases in any script."""

    id: int
    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    mention_count: int = 0


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in a passage body (character span)."""

    entity_key: str
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class DateMention:
    """A date a passage mentions, resolved at its precision.

    ``date`` is ISO 8601 at ``precision``: ``2021-10-28`` (day), ``2021-06``
    (month), ``2006`` (year); ``approximate`` keeps the best date with a flag.
    """

    date: str
    precision: str  # "day" | "month" | "year"
    start: int
    end: int
    text: str
    approximate: bool = False


@dataclass(frozen=True)
class Passage:
    """A clipped passage with everything the reader shows."""

    id: str
    title: str
    body: str
    kind: str = "passage"
    source: Source | None = None
    start: int | None = None
    end: int | None = None
    language: str | None = None
    credibility: int | None = None
    created: str | None = None
    updated: str | None = None
    trashed_at: str | None = None
    tags: tuple[str, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    links: tuple[Link, ...] = ()
    backlinks: tuple[Link, ...] = ()
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[DateMention, ...] = ()

    @property
    def grade(self) -> str | None:
        """The Admiralty badge (``B2``), ``B?``/``?2`` when half graded, else None."""
        rel = self.source.reliability if self.source else None
        if rel is None and self.credibility is None:
            return None
        return f"{rel or '?'}{self.credibility if self.credibility is not None else '?'}"


@dataclass(frozen=True)
class SourceDraft:
    """Metadata of a source about to be created (or matched to an existing one)."""

    title: str
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    reliability: str | None = None
    originator: str | None = None
    text: str | None = None
    retrieved_at: str | None = None


@dataclass(frozen=True)
class PassageDraft:
    """A passage about to be created.

    ``start``/``end`` are offsets into the source's captured text when the
    passage was cut from it. ``id`` is kept when importing our own exports.
    """

    body: str
    title: str | None = None
    kind: str = "passage"
    start: int | None = None
    end: int | None = None
    credibility: int | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    id: str | None = None
    created: str | None = None
    updated: str | None = None


@dataclass(frozen=True)
class IndexDoc:
    """What the search index knows of one passage (derived from SQLite)."""

    id: str
    title: str
    body: str
    annotations: str = ""
    tags: tuple[str, ...] = ()
    source_title: str = ""
    publisher: str = ""
    domain: str = ""
    url: str = ""
    source_id: int | None = None
    entities: tuple[str, ...] = ()  # entity keys
    entity_names: tuple[str, ...] = ()  # every name and alias, for text matching
    language: str = ""
    reliability: str = ""  # "" when ungraded
    credibility: int | None = None
    published: str = ""  # partial ISO
    clipped: str = ""  # ISO timestamp
    updated: str = ""
    trashed: bool = False


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: str
    title: str
    snippet: str
    score: float
    tags: tuple[str, ...] = ()
    published: str | None = None
    grade: str | None = None
    source_title: str | None = None
    source_url: str | None = None
    source_publisher: str | None = None
    clipped: str | None = None
    exact: bool = True

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "snippet": self.snippet,
            "score": round(self.score, 4),
            "tags": list(self.tags),
            "published": self.published,
            "grade": self.grade,
            "source": {
                "title": self.source_title,
                "url": self.source_url,
                "publisher": self.source_publisher,
            },
        }


@dataclass
class SearchResult:
    """Hits of one query, with what the user should be told about it."""

    hits: list[Hit]
    total: int
    notices: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    fuzzy: bool = False
    tag_counts: dict[str, int] = field(default_factory=dict)
    source_counts: dict[str, int] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)  # words to highlight
