"""The Whoosh schema of the passage index and how an IndexDoc fills it.

Field names are private to ``desk.core.search``; callers speak IndexDoc and the
query language.
"""

from __future__ import annotations

import calendar
import re

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from desk.core.search.analysis import DeskTokenizer, sections
from desk.core.text import fold
from desk.core.types import IndexDoc

# Fields a plain word searches, with their weights (BM25F per-field boosts).
# Every text of a passage also goes into one ``all`` field, each part with its
# weight carried on the tokens (title 3, tags and entity names 2, annotations 1.5,
# source 1.2, body 1): one posting list per word instead of six keeps queries fast.
DEFAULT_FIELDS: dict[str, float] = {"all": 1.0}
FIELD_ALIASES = {"body": "all"}  # body: searches the combined field (body dominates it)

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def sort_key() -> ID:
    """A field that is only a per-document column (a sort key, a stamp): nothing
    searches its values, so it gets no postings (one term per passage each)."""
    field = ID(sortable=True)
    field.indexed = False  # an attribute, so the pickled schema is a plain ID
    return field


def make_schema() -> Schema:
    """Build the schema (the analyzer instance is pickled into the TOC)."""
    ana = DeskTokenizer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        upd=sort_key(),
        source_name=ID(sortable=True),
        title=TEXT(analyzer=ana, stored=True),
        body=STORED,
        all=TEXT(analyzer=ana),
        notes=TEXT(analyzer=ana),
        tagtext=TEXT(analyzer=ana),
        tag=KEYWORD(commas=True),
        source=TEXT(analyzer=ana),
        publisher=TEXT(analyzer=ana),
        domain=ID,
        source_id=ID,
        entity=KEYWORD(commas=True),
        names=TEXT(analyzer=ana),
        lang=ID,
        rel=ID,
        cred=ID,
        pub_lo=ID,
        pub_hi=ID,
        clip_day=ID,
        flags=KEYWORD,
        clip_key=sort_key(),
        pub_key=sort_key(),
        title_key=sort_key(),
        source_key=sort_key(),
        info=STORED,
    )


def date_range(value: str) -> tuple[str, str] | None:
    """The first and last day of a partial ISO date, as sortable strings.

    ``2021`` -> ``("2021-01-01", "2021-12-31")``; ``2021-02`` -> ``(.., "2021-02-28")``.
    Returns None for anything that is not a (partial) date.
    """
    m = _DATE_RE.match(value.strip()[:10])
    if not m:
        return None
    year = int(m.group(1))
    if m.group(2) is None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if m.group(3) is None:
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    day = int(m.group(3))
    if not 1 <= day <= last:
        return None
    d = f"{year:04d}-{month:02d}-{day:02d}"
    return d, d


def tag_prefixes(tags: tuple[str, ...]) -> list[str]:
    """Every ancestor path of every tag, folded: ``place/wakhan`` -> place, place/wakhan."""
    out: set[str] = set()
    for tag in tags:
        parts = [p.strip() for p in fold(tag).replace(",", " ").split("/") if p.strip()]
        for i in range(1, len(parts) + 1):
            out.add("/".join(parts[:i]))
    return sorted(out)


def grade_badge(reliability: str, credibility: int | None) -> str | None:
    """``B2``, ``B?``, ``?2`` or None when both are ungraded."""
    if not reliability and credibility is None:
        return None
    return f"{reliability or '?'}{credibility if credibility is not None else '?'}"


def doc_fields(doc: IndexDoc) -> dict[str, object]:
    """The Whoosh field values of one passage."""
    tags = tag_prefixes(doc.tags)
    flags = []
    if doc.trashed:
        flags.append("trashed")
    if not doc.tags:
        flags.append("untagged")
    if not doc.reliability and doc.credibility is None:
        flags.append("ungraded")
    if doc.annotations.strip():
        flags.append("annotated")
    fields: dict[str, object] = {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "all": sections(
            [
                ("e", doc.title),
                ("d", " ".join(t.replace("/", " ") for t in doc.tags)),
                ("d", "\n".join(doc.entity_names)),
                ("c", doc.annotations),
                ("b", " ".join(x for x in (doc.source_title, doc.publisher, doc.domain) if x)),
                ("a", doc.body),
            ]
        ),
        "notes": doc.annotations,
        "tagtext": " ".join(t.replace("/", " ") for t in doc.tags),
        "tag": ",".join(tags),
        "source": " ".join(x for x in (doc.source_title, doc.publisher, doc.domain) if x),
        "publisher": doc.publisher,
        "source_id": str(doc.source_id) if doc.source_id is not None else "",
        "entity": ",".join(fold(k).replace(",", " ") for k in doc.entities),
        "names": "\n".join(doc.entity_names),
        "rel": (doc.reliability or "?").upper(),
        "cred": str(doc.credibility) if doc.credibility is not None else "?",
        "flags": " ".join(flags),
        "clip_key": doc.clipped or "",
        "pub_key": doc.published or "",
        "title_key": fold(doc.title)[:80],
        "source_key": fold(doc.source_title)[:80],
        "source_name": doc.source_title,
        "upd": doc.updated or "",
        "info": {
            "tags": tuple(doc.tags),
            "published": doc.published or None,
            "grade": grade_badge(doc.reliability, doc.credibility),
            "source_title": doc.source_title or None,
            "publisher": doc.publisher or None,
            "domain": doc.domain or None,
            "url": doc.url or None,
            "clipped": doc.clipped or None,
            "updated": doc.updated,
        },
    }
    if doc.domain:
        fields["domain"] = fold(doc.domain).removeprefix("www.")
    if doc.language:
        fields["lang"] = fold(doc.language)
    rng = date_range(doc.published) if doc.published else None
    if rng:
        fields["pub_lo"], fields["pub_hi"] = rng
    if doc.clipped:
        fields["clip_day"] = doc.clipped[:10]
    return {k: v for k, v in fields.items() if v != "" or k in ("title", "body")}
