"""Running one search against a :class:`SearchIndex`: passes, counts, hits, snippets."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from whoosh import query as wq

from desk.core.search.analysis import iter_pieces, stem_word
from desk.core.search.compiler import Compiler, has_cjk, restrict_query
from desk.core.search.query import ParsedQuery, QueryFilter, parse
from desk.core.search.scoring import Evaluator, postings
from desk.core.search.snippets import make_snippet
from desk.core.types import Hit, SearchResult

if TYPE_CHECKING:
    from desk.core.search.index import SearchIndex

MAX_EXPANSION = 512
SORTS = {
    "newest": ("clip_key", True),
    "oldest": ("clip_key", False),
    "published": ("pub_key", True),
    "source": ("source_key", False),
    "title": ("title_key", False),
}
_TRASH = wq.Term("flags", "trashed")


class _Expander:
    """Replace prefix/wildcard/fuzzy queries by an Or of at most MAX_EXPANSION terms."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.capped = False

    def __call__(self, q: wq.Query) -> wq.Query:
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            words = []
            source = (
                (t for t, _d in near_terms(self.reader, q.fieldname, q.text, q.maxdist))
                if isinstance(q, wq.FuzzyTerm)
                else q._btexts(self.reader)
            )
            for t in source:
                words.append(t.decode("utf-8") if isinstance(t, bytes) else t)
                if len(words) >= MAX_EXPANSION:
                    self.capped = True
                    break
            if not words:
                return wq.NullQuery
            terms = [wq.Term(q.fieldname, w, boost=q.boost) for w in words]
            return terms[0] if len(terms) == 1 else wq.Or(terms, boost=q.boost)
        return q.apply(self)


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        best = i
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            cur.append(v)
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def near_terms(reader: Any, fieldname: str, text: str, maxdist: int) -> list[tuple[str, int]]:
    """Index terms within ``maxdist`` edits of ``text`` sharing its first letter.

    Whoosh's own ``terms_within`` walks a Levenshtein automaton in pure Python and
    takes seconds on a large lexicon; a length filter plus a bounded DP is far cheaper.
    """
    out = []
    if not text:
        return out
    n = len(text)
    for tb in reader.expand_prefix(fieldname, text[0]):
        t = tb.decode("utf-8") if isinstance(tb, bytes) else tb
        if abs(len(t) - n) > maxdist or t == text:
            continue
        d = _distance(text, t, maxdist)
        if d <= maxdist:
            out.append((t, d))
    return out


def _all_terms(q: wq.Query | None) -> set[str]:
    if q is None:
        return set()
    out = set()
    for _field, text in q.iter_all_terms():
        out.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return out


def _docs_by_term(r: Any, fieldname: str) -> Iterator[tuple[str, list[int]]]:
    """Each term of one segment's field with its docnums (deleted ones too)."""
    for tb in r.lexicon(fieldname):
        got = postings(r, fieldname, tb, weights=False, values=False)
        if got is not None:
            yield tb.decode("utf-8"), got[0]


def _count_maps(ix: SearchIndex, reader: Any) -> tuple[list[Any], list[str]]:
    """Per-docnum tag paths and source titles, built once per segment and cached.

    Read from the ``tag`` and ``source_name`` postings a block at a time (a few
    hundred terms), not from per-document columns (one read per document).
    """
    tags_all: list[Any] = []
    src_all: list[str] = []
    for r, _base in reader.leaf_readers():
        segid = r.segment().segment_id() if hasattr(r, "segment") else None
        cached = ix._count_cache.get(segid) if segid else None
        if cached is None:
            n = r.doc_count_all()
            tags: list[list[str]] = [[] for _ in range(n)]
            src: list[str] = [""] * n
            for t, ids in _docs_by_term(r, "tag"):
                for d in ids:
                    tags[d].append(t)
            for t, ids in _docs_by_term(r, "source_name"):
                for d in ids:
                    src[d] = t
            cached = [tags, src]
            if segid:
                ix._count_cache[segid] = cached
        tags_all.extend(cached[0])
        src_all.extend(cached[1])
    return tags_all, src_all


def _run(
    ix: SearchIndex,
    s: Any,
    q: wq.Query,
    exclude: set[int],
    limit: int | None,
    sort: str,
    offset: int = 0,
) -> tuple[list[tuple[int, float]], list[int]]:
    """Hits ``offset`` to ``offset + limit`` as (docnum, score), and every matching docnum."""
    scores = Evaluator(s, ix._segment_cache).evaluate(q)
    if exclude:
        if len(exclude) < len(scores):
            for d in exclude:
                scores.pop(d, None)
        else:
            scores = {d: sc for d, sc in scores.items() if d not in exclude}
    every = list(scores)
    n = len(every) if limit is None else min(offset + limit, len(every))
    if sort in SORTS:
        fieldname, reverse = SORTS[sort]
        keys = _column(ix, s, fieldname)
        pick = heapq.nlargest if reverse else heapq.nsmallest
        return [(d, 0.0) for d in pick(n, every, key=keys.__getitem__)][offset:], every
    if scores and all(map(next(iter(scores.values())).__eq__, scores.values())):
        # Nothing to rank by (a filter-only query such as ``tag:x``): newest first,
        # across segments, as the empty query lists them.
        keys = _column(ix, s, SORTS["newest"][0])
        best = heapq.nlargest(n, every, key=keys.__getitem__)
        return [(d, scores[d]) for d in best][offset:], every
    return heapq.nlargest(n, scores.items(), key=itemgetter(1))[offset:], every


def _column(ix: SearchIndex, s: Any, fieldname: str) -> list[Any]:
    """A sortable column's value for every global docnum, cached per segment."""
    keys: list[Any] = []
    for r, _ in s.reader().leaf_readers():
        n = r.doc_count_all()
        segid = r.segment().segment_id()
        col = ix._column_cache.get((segid, fieldname))
        if col is None:
            reader = r.column_reader(fieldname) if n else []
            col = [reader[d] for d in range(n)]
            ix._column_cache[(segid, fieldname)] = col
        keys.extend(col)
    return keys


def _sorted_all(ix: SearchIndex, s: Any, sort: str, trash: set[int]) -> list[int]:
    """Every live docnum in ``sort`` order, cached until the index changes."""
    key = (ix._version, sort, bool(trash))
    cache = ix._sorted_cache
    if key in cache:
        return cache[key]
    fieldname, reverse = SORTS[sort]
    keys = _column(ix, s, fieldname)
    live: list[int] = []
    for r, base in s.reader().leaf_readers():
        if r.has_deletions():
            # Whoosh 2.7.4 readers have no deleted_docs(); all_doc_ids() yields the live ones.
            live.extend(base + d for d in r.all_doc_ids())
        else:
            live.extend(range(base, base + r.doc_count_all()))
    if trash:
        live = [d for d in live if d not in trash]
    live.sort(key=keys.__getitem__, reverse=reverse)
    cache.clear()
    cache[key] = live
    return live


def run_search(
    ix: SearchIndex,
    text: str,
    limit: int | None,
    restrict: QueryFilter | None,
    sort: str,
    expand: Callable[[str], list[str]] | None,
    entity_keys: Callable[[str], list[str]] | None,
    counts: bool = True,
    offset: int = 0,
) -> SearchResult:
    s = ix._searcher
    reader = s.reader()
    parsed: ParsedQuery = parse(text or "")
    notices = list(parsed.notices)
    rq, want_trash, rnotes = restrict_query(restrict)
    notices.extend(rnotes)
    include_trash = want_trash or parsed.include_trashed
    trash = set() if include_trash else _trash_set(ix, s)

    def build(fuzzy: bool) -> tuple[wq.Query | None, bool]:
        comp = Compiler(fuzzy=fuzzy, expand=expand, entity_keys=entity_keys)
        q = comp.compile(parsed.node)
        if isinstance(q, wq.Not):
            q = wq.And([wq.Every(), q])
        if q is None:
            return None, comp.count > 40
        ex = _Expander(reader)
        q = ex(q)
        if ex.capped and not fuzzy:
            notices.append(f"A wildcard matched too many words; used the first {MAX_EXPANSION}")
        return q, comp.count > 40

    q, _ = build(False)
    empty = q is None
    if sort == "relevance" and empty:
        sort = "newest"
    if empty and rq is None and sort in SORTS:
        every = _sorted_all(ix, s, sort, trash)
        page = every[offset:] if limit is None else every[offset : offset + limit]
        top = [(d, 0.0) for d in page]
        hits = _hits(s, set(), top, False)
        result = SearchResult(hits, len(every), notices=notices, terms=parsed.words)
        if counts:
            _fill_counts(ix, reader, result, every, True, include_trash)
        return result
    if empty:
        q = wq.Every()
    if rq is not None:
        q = wq.And([q, rq])
    top, every = _run(ix, s, q, trash, limit, sort, offset)
    fuzzy = False
    if not every and not empty:
        fq, _ = build(True)
        if fq is not None:
            if rq is not None:
                fq = wq.And([fq, rq])
            ftop, fevery = _run(ix, s, fq, trash, limit, sort, offset)
            if fevery:
                fuzzy, q, top, every = True, fq, ftop, fevery
                shown = " ".join(parsed.words) or text
                notices.append(f"Showing close matches for “{shown}”")
    hits = _hits(s, _all_terms(q), top, fuzzy)
    result = SearchResult(hits, len(every), notices=notices, fuzzy=fuzzy, terms=parsed.words)
    if counts:
        _fill_counts(ix, reader, result, every, False, include_trash)
    if not empty and (len(every) < 3 or fuzzy):
        result.suggestions = _suggest(s, parsed, text)
    return result


def _trash_set(ix: SearchIndex, s: Any) -> set[int]:
    key = ("trash", ix._version)
    cache = getattr(ix, "_trash_cache", None)
    if cache is not None and cache[0] == key:
        return cache[1]
    trash = set(s.docs_for_query(_TRASH))
    ix._trash_cache = (key, trash)
    return trash


def _hits(s: Any, highlight: set[str], top: list[tuple[int, float]], fuzzy: bool) -> list[Hit]:
    hits = []
    for rank, (docnum, score) in enumerate(top):
        stored = s.stored_fields(docnum)
        info = stored.get("info") or {}
        body = stored.get("body", "")
        hits.append(
            Hit(
                id=stored["id"],
                title=stored.get("title", ""),
                snippet=make_snippet(body, highlight) if rank < 50 else "",
                score=float(score),
                tags=tuple(info.get("tags", ())),
                published=info.get("published"),
                grade=info.get("grade"),
                source_title=info.get("source_title"),
                source_url=info.get("url"),
                source_publisher=info.get("publisher"),
                clipped=info.get("clipped"),
                exact=not fuzzy,
            )
        )
    return hits


def _fill_counts(
    ix: SearchIndex,
    reader: Any,
    result: SearchResult,
    matched: list[int],
    cacheable: bool,
    include_trash: bool,
) -> None:
    key = (ix._version, include_trash)
    if cacheable and ix._empty_cache is not None and ix._empty_cache[0] == key:
        result.tag_counts, result.source_counts = ix._empty_cache[1]
        return
    tags, src = _count_maps(ix, reader)
    tc = Counter(chain.from_iterable(map(tags.__getitem__, matched)))
    sc = Counter(map(src.__getitem__, matched))
    sc.pop("", None)  # no source (src is filled with "" and lexicon terms only)
    result.tag_counts = dict(tc)
    result.source_counts = dict(sc)
    if cacheable:
        ix._empty_cache = (key, (result.tag_counts, result.source_counts))


def _surface(s: Any, term: str) -> str:
    """A real word whose stem is ``term`` (``smuggl`` -> ``smuggling``), read from a passage."""
    for docnum in s.docs_for_query(wq.Term("all", term)):
        stored = s.stored_fields(docnum)
        for text in (stored.get("title", ""), stored.get("body", "")):
            for piece in iter_pieces(text, stem=False):
                if stem_word(piece.text) == term:
                    return piece.text
        break
    return term


def _suggest(s: Any, parsed: ParsedQuery, text: str) -> list[str]:
    words = parsed.words
    if not words or len(words) > 6:
        return []
    reader = s.reader()
    changed = False
    out = []
    for w in words:
        stem = stem_word(w)
        if len(w) < 4 or has_cjk(w) or s.doc_frequency("all", stem):
            out.append(w)
            continue
        dist = 2 if len(w) >= 8 else 1
        near = near_terms(reader, "all", w, dist) or near_terms(reader, "all", stem, dist)
        if near:
            best = min(near, key=lambda td: (td[1], -reader.doc_frequency("all", td[0])))
            out.append(_surface(s, best[0]))
            changed = True
        else:
            out.append(w)
    return [" ".join(out)] if changed else []
