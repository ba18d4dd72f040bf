"""See also: rank the passages related to one passage, and say why.

Pure over plain data gathered by the caller. A candidate scores for:

- each entity it shares with the passage, weighted by rarity
  (``log(1 + N / df)``, N live passages, df those mentioning the entity):
  sharing "Shaymak" says more than sharing "China";
- each tag it shares, weighted by depth (``place/wakhan`` over ``place``)
  and by rarity the same way;
- a direct link, either way (strong: :data:`LINK_WEIGHT`);
- each passage linked to both (a two-hop link, :data:`HOP2_WEIGHT`).

The reasons read like ``shares ETIM, Badakhshan · tag place/wakhan ·
linked (supports)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

LINK_WEIGHT = 4.0
HOP2_WEIGHT = 1.0
TAG_WEIGHT = 0.35
MAX_NAMES = 3


@dataclass(frozen=True)
class Related:
    """One "see also" passage: its score and the reasons for it."""

    id: str
    title: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
        }


def rarity(df: int, n: int) -> float:
    """``log(1 + n / df)``: an IDF that stays positive for a term in every passage."""
    return math.log(1.0 + n / max(df, 1))


def rank_related(
    pid: str,
    *,
    titles: Mapping[str, str],
    mentions: Mapping[str, Iterable[str]],
    entity_names: Mapping[str, str],
    tags: Mapping[str, Iterable[str]],
    links: Sequence[tuple[str, str, str]],
    limit: int = 10,
    n_passages: int | None = None,
    entity_df: Mapping[str, int] | None = None,
    tag_df: Mapping[str, int] | None = None,
) -> list[Related]:
    """The passages most related to ``pid``, best first.

    Args:
        pid: the passage.
        titles: every live passage id -> title (the candidates; N).
        mentions: passage id -> entity keys it mentions.
        entity_names: entity key -> display name.
        tags: passage id -> tag paths.
        links: (from id, to id, kind) between passages.
        limit: how many to return.
        n_passages: N, when ``titles`` holds only the candidates.
        entity_df: entity key -> passages mentioning it, when ``mentions``
            holds only the candidates' (default: counted from ``mentions``).
        tag_df: the same for tags.

    Returns:
        Up to ``limit`` :class:`Related`, highest score first, ties by title.
    """
    n = max(n_passages if n_passages is not None else len(titles), 1)
    ents = {p: set(ks) for p, ks in mentions.items() if p in titles}
    tagsets = {p: set(ts) for p, ts in tags.items() if p in titles}
    if entity_df is None:
        entity_df = _counts(ents.values())
    if tag_df is None:
        tag_df = _counts(tagsets.values())

    neighbours: dict[str, dict[str, str]] = {}
    for a, b, kind in links:
        if a in titles and b in titles and a != b:
            neighbours.setdefault(a, {})[b] = kind
            neighbours.setdefault(b, {})[a] = kind

    scores: dict[str, float] = {}
    shared_entities: dict[str, list[tuple[float, str]]] = {}
    shared_tags: dict[str, list[tuple[float, str]]] = {}
    my_entities = ents.get(pid, set())
    my_tags = tagsets.get(pid, set())
    for other in titles:
        if other == pid:
            continue
        common = my_entities & ents.get(other, set())
        for k in common:
            w = rarity(entity_df.get(k, 1), n)
            scores[other] = scores.get(other, 0.0) + w
            shared_entities.setdefault(other, []).append((w, entity_names.get(k, k)))
        for t in my_tags & tagsets.get(other, set()):
            depth = t.count("/") + 1
            w = TAG_WEIGHT * depth * rarity(tag_df.get(t, 1), n)
            scores[other] = scores.get(other, 0.0) + w
            shared_tags.setdefault(other, []).append((w, t))

    direct = neighbours.get(pid, {})
    for other in direct:
        scores[other] = scores.get(other, 0.0) + LINK_WEIGHT
    via: dict[str, list[str]] = {}
    for middle in direct:
        for other in neighbours.get(middle, {}):
            if other == pid:
                continue
            via.setdefault(other, []).append(middle)
            scores[other] = scores.get(other, 0.0) + HOP2_WEIGHT

    ranked = sorted(
        (p for p, s in scores.items() if s > 0), key=lambda p: (-scores[p], titles[p], p)
    )
    out = []
    for other in ranked[:limit]:
        reasons = []
        if other in shared_entities:
            names = [name for _, name in sorted(shared_entities[other], key=lambda x: -x[0])]
            more = len(names) - MAX_NAMES
            reasons.append(
                "shares " + ", ".join(names[:MAX_NAMES]) + (f" and {more} more" if more > 0 else "")
            )
        if other in shared_tags:
            paths = [t for _, t in sorted(shared_tags[other], key=lambda x: (-x[0], x[1]))]
            more = len(paths) - MAX_NAMES
            reasons.append(
                ("tags " if len(paths) > 1 else "tag ")
                + ", ".join(paths[:MAX_NAMES])
                + (f" and {more} more" if more > 0 else "")
            )
        if other in direct:
            reasons.append(f"linked ({direct[other]})")
        if other in via:
            middles = sorted(titles[m] for m in via[other])
            reasons.append("linked via " + "; ".join(_short(t) for t in middles[:2]))
        out.append(Related(other, titles[other], scores[other], reasons))
    return out


def _counts(sets: Iterable[set[str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for items in sets:
        for item in items:
            out[item] = out.get(item, 0) + 1
    return out


def _short(title: str, width: int = 40) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"
