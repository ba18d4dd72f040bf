"""What a write changed, so views refresh only that (Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Flags and ids of what one operation changed.

    ``initiator`` is whatever the caller passed (e.g. the widget that made
    the change) so it can skip echoing the change back to itself.
    """

    passages: frozenset[str] = field(default_factory=frozenset)
    created: bool = False
    deleted: bool = False
    tags: bool = False
    annotations: bool = False
    links: bool = False
    sources: bool = False
    entities: bool = False
    saved_searches: bool = False
    everything: bool = False
    initiator: object | None = None
    notice: str | None = None  # something the user should read (background work)

    @classmethod
    def all(cls, initiator: object | None = None) -> Changes:
        return cls(everything=True, initiator=initiator)

    @classmethod
    def message(cls, text: str) -> Changes:
        """Nothing changed, but background work has something to say."""
        return cls(notice=text)

    @property
    def only_notice(self) -> bool:
        return self.notice is not None and self == Changes(notice=self.notice)

    def touches(self, pid: str) -> bool:
        return self.everything or pid in self.passages
