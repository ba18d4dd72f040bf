"""Evaluating a compiled query to every matching docnum with its BM25F score.

Whoosh's collectors score one posting at a time through several layers of matcher
objects (about 3 µs a posting); a broad word at 100k passages matches ~40k of them.
:class:`Evaluator` reads each term's postings a block at a time straight from the
W3 postings file (ids, weights and, for phrases, positions), scores a whole block in
one comprehension and combines terms with dict and set operations. The result is the
exact set of matches (for totals and browse counts) plus scores, at a fraction of
the cost. Query shapes it does not know are handed to Whoosh's own matchers, so the
answer is always the same set of documents Whoosh would find.

Scoring is Whoosh's BM25F (B=0.75, K1=1.2, idf = log(N / (df + 1)) + 1, per-field
lengths quantised as Whoosh stores them) for text fields; filter fields (tags,
grades, dates, flags, ids) only select and add nothing to the score.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from itertools import accumulate
from math import log
from pickle import loads
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

B = 0.75
K1 = 1.2
Scores = dict[int, float]


class SegmentCache:
    """What the evaluator keeps between queries, keyed by segment id first.

    Segments never change once written (deletions live in the TOC), so a segment's
    field-length bytes and a term's decoded postings stay valid until the segment is
    merged away; :meth:`prune` drops those of vanished segments. Decoded postings
    (compact arrays, 8 bytes a posting) are kept least-recently-used within a budget:
    search as you type asks for the same words at every keystroke.
    """

    def __init__(self, budget_bytes: int = 48 << 20) -> None:
        self.lengths: dict[tuple[str, str], bytes] = {}
        self.postings: OrderedDict[tuple[str, str, Any], tuple[array, array]] = OrderedDict()
        self.budget = budget_bytes
        self.used = 0

    def get_postings(self, key: tuple[str, str, Any]) -> tuple[array, array] | None:
        got = self.postings.get(key)
        if got is not None:
            self.postings.move_to_end(key)
        return got

    def put_postings(self, key: tuple[str, str, Any], ids: array, weights: array) -> None:
        size = _size((ids, weights))
        if size > self.budget // 4:
            return
        old = self.postings.pop(key, None)
        if old is not None:
            self.used -= _size(old)
        self.postings[key] = (ids, weights)
        self.used += size
        while self.used > self.budget and self.postings:
            _k, dropped = self.postings.popitem(last=False)
            self.used -= _size(dropped)

    def prune(self, live: set[str]) -> None:
        """Forget everything about segments not in ``live``."""
        for key in [k for k in self.lengths if k[0] not in live]:
            del self.lengths[key]
        for key in [k for k in self.postings if k[0] not in live]:
            self.used -= _size(self.postings.pop(key))


def _size(entry: tuple[array, array]) -> int:
    ids, weights = entry
    return ids.itemsize * len(ids) + weights.itemsize * len(weights) + 200


class Evaluator:
    """Match sets with scores for one searcher (one per query; caches per segment).

    Args:
        searcher: the long-lived Whoosh searcher.
        cache: the :class:`SegmentCache` the caller keeps across queries.
    """

    def __init__(self, searcher: Any, cache: SegmentCache) -> None:
        self.s = searcher
        reader = searcher.reader()
        self.leaves: list[tuple[Any, int]] = list(reader.leaf_readers())
        self.fields = dict(reader.schema.items())
        self.n_all = reader.doc_count_all()
        self.cache = cache
        self._tables: dict[str, list[float]] = {}

    # ---- public ---------------------------------------------------------------------
    def evaluate(self, q: wq.Query) -> Scores:
        """Every live (not deleted) docnum matching ``q``, with its score."""
        return self._eval(q)

    def deleted(self) -> set[int]:
        """Global docnums of deleted documents still present in segments."""
        out: set[int] = set()
        for r, base in self.leaves:
            if r.has_deletions():
                out.update(base + d for d in r._perdoc.deleted_docs())
        return out

    # ---- nodes ----------------------------------------------------------------------
    def _eval(self, q: Any) -> Scores:
        boost = getattr(q, "boost", 1.0)
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, boost)
        if isinstance(q, wq.And):
            return self._and(q.subqueries, boost)
        if isinstance(q, wq.Or) and not q.minmatch:
            return self._or(q.subqueries, boost)
        if isinstance(q, wq.AndNot):
            pos = self._eval(q.a)
            for d in self._eval(q.b):
                pos.pop(d, None)
            return pos
        if isinstance(q, wq.Not):
            every = self._every()
            for d in self._eval(q.query):
                every.pop(d, None)
            return every
        if isinstance(q, wq.Every):
            return self._every()
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return {}
        if isinstance(q, wq.Phrase) and q.slop == 1 and self._positional(q.fieldname):
            return self._phrase(q.fieldname, q.words, boost)
        if isinstance(q, (wq.TermRange, wq.Prefix)) and not self._scored(q.fieldname):
            return self._multi(q)
        return self._whoosh(q)

    def _and(self, kids: Iterable[Any], boost: float) -> Scores:
        pos = [k for k in kids if not isinstance(k, wq.Not)]
        neg = [k.query for k in kids if isinstance(k, wq.Not)]
        if not pos:
            out = self._every()
        else:
            parts = sorted((self._eval(k) for k in pos), key=len)
            out = parts[0]
            for other in parts[1:]:
                if not out:
                    break
                out = {d: sc + other[d] for d, sc in out.items() if d in other}
        for k in neg:
            if not out:
                break
            for d in self._eval(k):
                out.pop(d, None)
        return _scaled(out, boost)

    def _or(self, kids: Iterable[Any], boost: float) -> Scores:
        out: Scores = {}
        for k in _unsubsumed(list(kids)):
            part = self._eval(k)
            if not out:
                out = part
                continue
            if len(part) > len(out):
                out, part = part, out
            get = out.get
            for d, sc in part.items():
                out[d] = get(d, 0.0) + sc
        return _scaled(out, boost)

    def _every(self) -> Scores:
        out: Scores = {}
        for r, base in self.leaves:
            out.update(dict.fromkeys(range(base, base + r.doc_count_all()), 0.0))
            _drop_deleted(r, base, out)
        return out

    # ---- terms ----------------------------------------------------------------------
    def _scored(self, fieldname: str) -> bool:
        field = self.fields.get(fieldname)
        return bool(field is not None and field.scorable)

    def _positional(self, fieldname: str) -> bool:
        field = self.fields.get(fieldname)
        return bool(field is not None and field.format.supports("positions"))

    def _norm(self, r: Any, fieldname: str) -> tuple[bytes, list[float]]:
        """Each doc's quantised length byte, and K1 * ((1 - B) + B * len / avg) per byte
        (the table is the same for every segment and term: built once per field)."""
        key = (r.segment().segment_id(), fieldname)
        lengths = self.cache.lengths.get(key)
        if lengths is None:
            lengths = self.cache.lengths[key] = _length_bytes(r, fieldname)
        table = self._tables.get(fieldname)
        if table is None:
            avg = self.s.avg_field_length(fieldname) or 1.0
            table = [K1 * ((1 - B) + B * byte_to_length(b) / avg) for b in range(256)]
            self._tables[fieldname] = table
        return lengths, table

    def _term(self, fieldname: str, text: Any, boost: float) -> Scores:
        if fieldname not in self.fields:
            return {}
        scored = self._scored(fieldname)
        idf = 0.0
        if scored:
            df = self.s.doc_frequency(fieldname, text)
            if not df:
                return {}
            idf = (log(self.n_all / (df + 1)) + 1) * boost
        out: Scores = {}
        for r, base in self.leaves:
            got = self._cached_postings(r, fieldname, text)
            if got is None:
                continue
            ids, weights = got
            if scored:
                lengths, norm = self._norm(r, fieldname)
                k = idf * (K1 + 1)
                out.update(
                    {
                        base + d: k * w / (w + norm[lengths[d]])
                        for d, w in zip(ids, weights, strict=True)
                    }
                )
            else:
                out.update(dict.fromkeys([base + d for d in ids] if base else ids, 0.0))
            _drop_deleted(r, base, out)
        return out

    def _cached_postings(self, r: Any, fieldname: str, text: Any) -> tuple[array, array] | None:
        key = (r.segment().segment_id(), fieldname, text)
        got = self.cache.get_postings(key)
        if got is None:
            raw = postings(r, fieldname, text, weights=True, values=False)
            if raw is None:
                return None
            got = (array("i", raw[0]), array("f", raw[1]))
            self.cache.put_postings(key, *got)
        return got

    def _phrase(self, fieldname: str, words: list[Any], boost: float) -> Scores:
        """Docs where ``words`` occur at consecutive positions, scored like an And."""
        if len(words) < 2:
            return self._term(fieldname, words[0], boost) if words else {}
        idfs = []
        for w in words:
            df = self.s.doc_frequency(fieldname, w)
            if not df:
                return {}
            idfs.append((log(self.n_all / (df + 1)) + 1) * boost * (K1 + 1))
        out: Scores = {}
        n = len(words)
        for r, base in self.leaves:
            key = (r.segment().segment_id(), fieldname, ("\x00phrase", *words))
            hit = self.cache.get_postings(key)
            if hit is None:
                hit = self._phrase_matches(r, fieldname, words)
                if hit is None:
                    continue
                self.cache.put_postings(key, *hit)
            ids, inter = hit  # matching docs, and each word's weight in each (interleaved)
            if not ids:
                continue
            lengths, norm = self._norm(r, fieldname)
            nds = [norm[lengths[d]] for d in ids]
            if n == 2:
                k0, k1 = idfs
                out.update(
                    {
                        base + d: k0 * a / (a + nd) + k1 * b / (b + nd)
                        for d, a, b, nd in zip(ids, inter[0::2], inter[1::2], nds, strict=True)
                    }
                )
            else:
                for j, d in enumerate(ids):
                    nd = nds[j]
                    out[base + d] = sum(
                        idfs[i] * inter[j * n + i] / (inter[j * n + i] + nd) for i in range(n)
                    )
            _drop_deleted(r, base, out)
        return out

    def _phrase_matches(
        self, r: Any, fieldname: str, words: list[Any]
    ) -> tuple[array, array] | None:
        """One segment's docs (deleted ones too) where ``words`` are consecutive.

        Returns the docnums and, interleaved, each word's weight in each of them;
        cached by the caller, since a segment never changes (Lucene caches
        per-segment query results the same way). None when a word is absent.
        """
        # Candidates from the (cached) ids first; then positions are read only
        # from the blocks that hold a candidate.
        cached = [self._cached_postings(r, fieldname, w) for w in words]
        if any(c is None for c in cached):
            return None
        by_size = sorted(cached, key=lambda c: len(c[0]))  # type: ignore[index]
        cand = set(by_size[0][0])  # type: ignore[index]
        for c in by_size[1:]:
            cand.intersection_update(c[0])  # type: ignore[index]
        wanted = sorted(cand)
        ids = array("i")
        inter = array("f")
        if not wanted:
            return ids, inter
        cols = []
        for w in words:
            got = postings(r, fieldname, w, weights=True, values=True, only=wanted)
            if got is None or got[0] != wanted:  # cannot happen: same segment, same ids
                raise IndexError(f"postings of {w!r} disagree with their cached ids")
            cols.append(got)
        weights = [c[1] for c in cols]
        for j, d in _adjacent(wanted, [c[2] for c in cols]):
            ids.append(d)
            inter.extend([ws[j] for ws in weights])
        return ids, inter

    def _multi(self, q: Any) -> Scores:
        out: Scores = {}
        for r, base in self.leaves:
            for tb in q._btexts(r):
                got = postings(r, q.fieldname, tb, weights=False, values=False)
                if got is not None:
                    out.update(dict.fromkeys([base + d for d in got[0]], 0.0))
            _drop_deleted(r, base, out)
        return out

    def _whoosh(self, q: Any) -> Scores:
        """Any other query through Whoosh's own matcher (deletions already excluded)."""
        out: Scores = {}
        m = q.matcher(self.s)
        while m.is_active():
            out[m.id()] = m.score()
            m.next()
        return out


def _required(q: Any) -> frozenset[tuple[str, Any]] | None:
    """The terms every match of ``q`` must contain, when that is all ``q`` asks.

    Only for a term, a phrase and an And of terms; None for anything else.
    """
    if isinstance(q, wq.Term):
        return frozenset([(q.fieldname, q.text)])
    if isinstance(q, wq.Phrase):
        return frozenset((q.fieldname, w) for w in q.words)
    if isinstance(q, wq.And) and all(isinstance(k, wq.Term) for k in q.subqueries):
        return frozenset((k.fieldname, k.text) for k in q.subqueries)
    return None


def _unsubsumed(kids: list[Any]) -> list[Any]:
    """Drop alternatives of an Or whose matches are a subset of another's.

    Alias expansion turns ``Rahmon`` into ``rahmon OR "emomali rahmon" OR
    "president rahmon" ...``: every doc the phrases find, the bare word finds too,
    and checking positions of a common word (``president``) is the expensive part.
    A phrase or And is dropped when a plain term or And of terms (no positions)
    asks for a subset of its words; the documents found are the same.
    """
    if len(kids) < 2:
        return kids
    req = [_required(k) for k in kids]
    plain = [
        r for k, r in zip(kids, req, strict=True) if r is not None and not isinstance(k, wq.Phrase)
    ]
    out = []
    seen: set[Any] = set()
    for k, r in zip(kids, req, strict=True):
        if r is not None:
            phrase = isinstance(k, wq.Phrase)
            key = (k.fieldname, tuple(k.words)) if phrase else r
            if key in seen:
                continue  # the same alternative twice
            if any(p <= r if phrase else p < r for p in plain):
                continue  # a plainer alternative finds all its documents
            seen.add(key)
        out.append(k)
    return out


def _scaled(scores: Scores, boost: float) -> Scores:
    if boost == 1.0 or not scores:
        return scores
    return {d: sc * boost for d, sc in scores.items()}


def _deltas(value: bytes) -> list[int]:
    """The position deltas of one posting of a ``Positions`` field.

    Whoosh writes a 4-byte count and a pickled list of deltas (decoded here with
    one C call instead of ``Positions.decode_positions``).
    """
    try:
        return loads(value[4:])  # type: ignore[no-any-return]
    except Exception:  # Whoosh tolerates a value without the pickle's final "."
        return loads(value[4:] + b".")  # type: ignore[no-any-return]


_BACK = (-1).__add__


def _adjacent(ids: list[int], cols: list[list[bytes]]) -> Iterator[tuple[int, int]]:
    """(index, docnum) of the docs where the words of ``cols`` occur consecutively.

    ``cols[i][j]`` is the positions value of word ``i`` in doc ``ids[j]``.
    """
    if len(cols) == 2:  # the common case, kept tight
        for j, (d, va, vb) in enumerate(zip(ids, cols[0], cols[1], strict=True)):
            pa, pb = _deltas(va), _deltas(vb)
            if len(pa) == 1 and len(pb) == 1:
                if pb[0] - pa[0] == 1:
                    yield j, d
            elif not set(accumulate(pa)).isdisjoint(map(_BACK, accumulate(pb))):
                yield j, d
        return
    for j, d in enumerate(ids):
        starts = set(accumulate(_deltas(cols[0][j])))
        for i in range(1, len(cols)):
            starts.intersection_update(map((-i).__add__, accumulate(_deltas(cols[i][j]))))
            if not starts:
                break
        if starts:
            yield j, d


def _length_bytes(r: Any, fieldname: str) -> bytes:
    """A segment's quantised field lengths, one byte per doc, read in one go."""
    n = r.doc_count_all()
    col = r._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if col is None:
        return bytes(n)
    raw = col._dbfile.get(col._basepos, min(col._count, n))
    return raw + bytes(n - len(raw))


def _drop_deleted(r: Any, base: int, out: Scores) -> None:
    if r.has_deletions():
        for d in r._perdoc.deleted_docs():
            out.pop(base + d, None)


def postings(
    r: Any,
    fieldname: str,
    text: Any,
    *,
    weights: bool,
    values: bool,
    only: list[int] | None = None,
) -> tuple[list[int], list[float], list[Any]] | None:
    """One segment's postings of a term as parallel lists (deleted docs included).

    ``only`` (sorted docnums) keeps just those docs, and blocks that cannot hold
    one of them are skipped by their header without being decoded.
    """
    try:
        tb = r._text_to_bytes(fieldname, text)
        m = r._terms.matcher(fieldname, tb, r.schema[fieldname].format)
    except (TermNotFound, KeyError):
        return None
    ids: list[int] = []
    ws: list[float] = []
    vs: list[Any] = []
    if not isinstance(m, W3LeafMatcher):  # postings inlined in the terms file
        keep = set(only) if only is not None else None
        while m.is_active():
            if keep is None or m.id() in keep:
                ids.append(m.id())
                ws.append(m.weight() if weights else 0.0)
                vs.append(m.value() if values else None)
            m.next()
        return ids, (ws if weights else []), (vs if values else [])
    if only is not None:
        return _some_postings(m, only, weights, values)
    byteids = m._byteids
    while m.is_active():
        if m._data is None:
            m._read_data()
        raw = m._data[0]  # ids as deltas (Whoosh's delta_decode, but in C)
        ids.extend(raw if byteids else accumulate(raw))
        if weights:
            m._read_weights()
            ws.extend(m._weights)
        if values:
            m._read_values()
            vs.extend(m._values)
        m._next_block()
    return ids, ws, vs


def _some_postings(
    m: Any, only: list[int], weights: bool, values: bool
) -> tuple[list[int], list[float], list[Any]]:
    """The postings of ``only`` (sorted) from a W3 matcher, skipping blocks without any."""
    ids: list[int] = []
    ws: list[float] = []
    vs: list[Any] = []
    keep = set(only)
    i, n = 0, len(only)
    while m.is_active() and i < n:
        maxid = m._maxid
        if only[i] > maxid:  # no wanted doc in this block: skip it undecoded
            m._next_block()
            continue
        m._read_ids()
        block_ids = m._ids
        if weights:
            m._read_weights()
        if values:
            m._read_values()
        for j, d in enumerate(block_ids):
            if d in keep:
                ids.append(d)
                if weights:
                    ws.append(m._weights[j])
                if values:
                    vs.append(m._values[j])
        i = bisect_right(only, maxid, i)
        m._next_block()
    return ids, ws, vs
