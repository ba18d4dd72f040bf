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
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial
from itertools import accumulate, compress, islice, repeat
from math import log
from operator import add, itemgetter, not_
from pickle import loads
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from desk.core import gcpause
from desk.core.text import is_cjk

B = 0.75
K1 = 1.2
Scores = dict[int, float]


class SegmentCache:
    """What the evaluator keeps between queries, keyed by segment id first.

    Segments never change once written (deletions live in the TOC), so a segment's
    field-length bytes and a term's decoded postings stay valid until the segment is
    merged away; :meth:`prune` drops those of vanished segments. Decoded postings
    (compact arrays, 8 bytes a posting), a term's positions (one pickle of every
    posting's deltas, ~2 bytes a position) and phrase matches are kept
    least-recently-used within one budget: search as you type asks for the same
    words at every keystroke.
    """

    def __init__(self, budget_bytes: int = 64 << 20) -> None:
        self.lengths: dict[tuple[str, str], bytes] = {}
        self.postings: OrderedDict[tuple[str, str, Any], Any] = OrderedDict()
        self.budget = budget_bytes
        self.used = 0

    def get_postings(self, key: tuple[str, str, Any]) -> tuple[array, array] | None:
        return self._get(key)  # type: ignore[no-any-return]

    def put_postings(self, key: tuple[str, str, Any], ids: array, weights: array) -> None:
        self._put(key, (ids, weights))

    def get_positions(self, key: tuple[str, str, Any]) -> bytes | None:
        """A term's positions as kept by :meth:`put_positions` (key as for postings)."""
        return self._get((*key[:2], ("\x00positions", key[2])))  # type: ignore[no-any-return]

    def put_positions(self, key: tuple[str, str, Any], pickled: bytes) -> None:
        self._put((*key[:2], ("\x00positions", key[2])), pickled)

    def _get(self, key: tuple[str, str, Any]) -> Any:
        got = self.postings.get(key)
        if got is not None:
            self.postings.move_to_end(key)
        return got

    def _put(self, key: tuple[str, str, Any], entry: Any) -> None:
        size = _size(entry)
        if size > self.budget // 4:
            return
        old = self.postings.pop(key, None)
        if old is not None:
            self.used -= _size(old)
        self.postings[key] = entry
        self.used += size
        while self.used > self.budget and self.postings:
            _k, dropped = self.postings.popitem(last=False)
            self.used -= _size(dropped)

    def clear(self) -> None:
        """Forget everything (benchmarks use it to time a first query)."""
        self.lengths.clear()
        self.postings.clear()
        self.used = 0

    def prune(self, live: set[str]) -> None:
        """Forget everything about segments not in ``live``."""
        for key in [k for k in self.lengths if k[0] not in live]:
            del self.lengths[key]
        for key in [k for k in self.postings if k[0] not in live]:
            self.used -= _size(self.postings.pop(key))


def _size(entry: tuple[array, array] | bytes) -> int:
    if isinstance(entry, bytes):
        return len(entry) + 100
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
        with gcpause.paused():
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
        terms = [t for k in pos for t in _plain_terms(k)]
        rest = [k for k in pos if not _plain_terms(k)]
        if not pos:
            out = self._every()
        else:
            parts = [self._terms_and(terms)] if terms else []
            if not (parts and not parts[0]):  # no doc has every word: the rest cannot help
                parts.extend(self._eval(k) for k in rest)
            parts.sort(key=len)
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
        if neg and pos:  # Whoosh scores each Not of an And 1.0 (an InverseMatcher's weight)
            extra = float(len(neg))
            out = {d: sc + extra for d, sc in out.items()}
        return _scaled(out, boost)

    def _terms_and(self, terms: list[wq.Term]) -> Scores:
        """Docs holding every one of ``terms``, scored as the sum of their BM25F scores.

        Ids are intersected first, rarest term first, and only the survivors are
        scored: an And of dense terms (the bigrams of a Chinese word) keeps few docs
        of many, and scoring each term's every posting would cost far more.
        """
        idfs: list[float | None] = []
        for t in terms:
            if t.fieldname not in self.fields:
                return {}
            if not self._scored(t.fieldname):
                idfs.append(None)
                continue
            df = self.s.doc_frequency(t.fieldname, t.text)
            if not df:
                return {}
            idfs.append((log(self.n_all / (df + 1)) + 1) * t.boost * (K1 + 1))
        out: Scores = {}
        for r, base in self.leaves:
            got = [self._cached_postings(r, t.fieldname, t.text) for t in terms]
            if any(g is None for g in got):
                continue
            cols: list[tuple[array, array]] = got  # type: ignore[assignment]
            smallest, *others = sorted(cols, key=lambda c: len(c[0]))
            cand = set(smallest[0])
            for ids, _ws in others:
                cand.intersection_update(ids)
                if not cand:
                    break
            if not cand:
                continue
            docs = list(compress(smallest[0], map(cand.__contains__, smallest[0])))
            total: list[float] | None = None
            nds: dict[str, list[float]] = {}
            for t, k, (ids, ws) in zip(terms, idfs, cols, strict=True):
                if k is None:
                    continue
                nd = nds.get(t.fieldname)
                if nd is None:
                    lengths, norm = self._norm(r, t.fieldname)
                    nd = nds[t.fieldname] = [norm[lengths[d]] for d in docs]
                wts = compress(ws, map(cand.__contains__, ids))
                col = [k * w / (w + n) for w, n in zip(wts, nd, strict=True)]
                total = col if total is None else list(map(add, total, col))
            keys = map(base.__add__, docs)
            out.update(
                zip(keys, total, strict=True) if total is not None else dict.fromkeys(keys, 0.0)
            )
            _drop_deleted(r, base, out)
        return out

    def _or(self, kids: Iterable[Any], boost: float) -> Scores:
        out: Scores = {}
        for k in _unsubsumed(list(kids)):
            part = self._eval(k)
            if not out:
                out = part
                continue
            if len(part) > len(out):
                out, part = part, out
            summed = map(add, map(out.get, part, repeat(0.0)), part.values())
            out.update(zip(part, summed, strict=True))
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
            got, _values = self._read_postings(r, fieldname, text)
        return got

    def _read_postings(
        self, r: Any, fieldname: str, text: Any
    ) -> tuple[tuple[array, array] | None, list[bytes] | None]:
        """Read and cache a term's postings; returns the ids and weights, and the values.

        The blocks are decoded whole anyway, so keeping a positional term's
        positions costs a slice and a join per posting: they are kept when they are
        small (most words; not the dense bigrams of Chinese text), so that a phrase
        of words searched before reads no postings again.
        """
        key = (r.segment().segment_id(), fieldname, text)
        positional = self._positional(fieldname)
        raw = postings(r, fieldname, text, weights=True, values=positional)
        if raw is None:
            return None, None
        got = (array("i", raw[0]), array("f", raw[1]))
        self.cache.put_postings(key, *got)
        if not positional:
            return got, None
        values = raw[2]
        if sum(got[1]) <= _KEEP_POSITIONS * len(values):  # weights: positions, boosted
            pickled = _positions_pickle(values)
            if pickled is not None:
                self.cache.put_positions(key, pickled)
        return got, values

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
            ids, inter = hit  # matching docs, then each word's weight in each (word-major)
            m = len(ids)
            if not m:
                continue
            lengths, norm = self._norm(r, fieldname)
            nds = [norm[lengths[d]] for d in ids]
            if n == 2:
                k0, k1 = idfs
                out.update(
                    {
                        base + d: k0 * a / (a + nd) + k1 * b / (b + nd)
                        for d, a, b, nd in zip(ids, inter[:m], inter[m:], nds, strict=True)
                    }
                )
            else:  # word by word, a column at a time
                total: list[float] = [0.0] * m
                for i, k in enumerate(idfs):
                    col = inter[i * m : (i + 1) * m]
                    scores = [k * w / (w + nd) for w, nd in zip(col, nds, strict=True)]
                    total = list(map(add, total, scores))
                out.update(zip(map(base.__add__, ids), total, strict=True))
            _drop_deleted(r, base, out)
        return out

    def _phrase_matches(
        self, r: Any, fieldname: str, words: list[Any]
    ) -> tuple[array, array] | None:
        """One segment's docs (deleted ones too) where ``words`` are consecutive.

        Returns the docnums and, word after word, each word's weight in each of them;
        cached by the caller, since a segment never changes (Lucene caches
        per-segment query results the same way). None when a word is absent.

        Candidates (docs with every word) come from the ids; each word's positions
        come from its kept positions pickle, else from the values of a full read
        (then kept), else from the blocks holding a candidate (see
        :meth:`_deltas_of`). Everything per candidate runs in C-level maps: a
        dense phrase has tens of thousands of candidates.
        """
        got: list[tuple[array, array]] = []
        fresh: dict[Any, list[bytes] | None] = {}  # values of words read just now
        for w in words:
            cached = self.cache.get_postings((r.segment().segment_id(), fieldname, w))
            if cached is None:
                cached, fresh[w] = self._read_postings(r, fieldname, w)
                if cached is None:
                    return None
            got.append(cached)
        # Word by word in the anchor's coordinates (word i at p + anchor - i); docs
        # drop out as soon as a word is not where it should be, and later words'
        # positions are decoded only for the docs still in.
        order = _phrase_order(words, got)
        anchor = order[0]
        rarest = min(got, key=lambda g: len(g[0]))
        alive = set(rarest[0])
        for g in got:
            if g is not rarest:
                alive.intersection_update(g[0])
        docs = sorted(alive)
        if not docs:
            return array("i"), array("f")

        def deltas(i: int) -> list[list[int]]:
            w = words[i]
            return self._deltas_of(r, fieldname, w, got[i][0], alive, fresh.get(w))

        common: Any = map(set, map(accumulate, deltas(anchor)))
        for step, i in enumerate(order[1:]):
            shift = anchor - i
            pos: Any = map(partial(accumulate, initial=shift), deltas(i))
            if shift > 0:  # the initial value itself could pass for a position
                pos = map(islice, pos, repeat(1), repeat(None))
            if step == len(order) - 2:
                keep = list(map(not_, map(set.isdisjoint, common, pos)))
            else:
                common = list(map(set.intersection, common, pos))
                keep = list(map(bool, common))
            if not all(keep):
                docs = list(compress(docs, keep))
                alive = set(docs)
                if not docs:
                    break
                if step < len(order) - 2:
                    common = list(compress(common, keep))
        inter = array("f")
        for ids, ws in got:
            inter.extend(compress(ws, map(alive.__contains__, ids)))
        return array("i", docs), inter

    def _deltas_of(
        self,
        r: Any,
        fieldname: str,
        text: Any,
        ids: array,
        docs: set[int],
        values: list[bytes] | None,
    ) -> list[list[int]]:
        """A term's position deltas in each of ``docs``, in docnum order.

        From its cached positions; else, when most blocks hold one of ``docs``, from
        all its values (``values``, or read now), whose positions are then kept;
        else from the values of ``docs`` only (read from the blocks holding one).
        """
        mask = list(map(docs.__contains__, ids))
        key = (r.segment().segment_id(), fieldname, text)
        pickled = self.cache.get_positions(key)
        dense = len(docs) * _DENSE >= len(ids)
        if pickled is None and dense:
            if values is None:
                _got, values = self._read_postings(r, fieldname, text)
                pickled = self.cache.get_positions(key)
            if pickled is None and values is not None:
                pickled = _positions_pickle(values)
                if pickled is not None:
                    self.cache.put_positions(key, pickled)
        if pickled is not None:
            every = loads(pickled)
            if len(every) != len(ids):  # cannot happen: same segment, same term
                raise IndexError(f"positions of {text!r} disagree with their cached ids")
            return list(compress(every, mask))
        if values is not None:
            vals = list(compress(values, mask))
        else:
            vals = _values_where(r, fieldname, text, mask)
        if len(vals) != len(docs):  # cannot happen: same segment, same ids
            raise IndexError(f"postings of {text!r} disagree with their cached ids")
        pickled = _positions_pickle(vals)
        return loads(pickled) if pickled is not None else [_deltas(v) for v in vals]

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


def _phrase_order(words: list[Any], got: list[tuple[array, array]]) -> list[int]:
    """The order to check a phrase's words in: the likeliest-to-fail pair first.

    That is the rarest adjacent pair, except that two bigrams of one Han run
    (``塔吉 吉克``) go last: wherever both occur they almost always come from that
    run, so checking them rules little out. Of the pair, the word with fewer
    positions a posting (its weights) comes first: its positions become the sets
    the other's are looked up in. The other words follow, rarest first.
    """
    n = len(words)
    if n == 1:
        return [0]

    def pair_cost(i: int) -> tuple[bool, int]:
        return _one_run(words[i], words[i + 1]), len(got[i][0]) + len(got[i + 1][0])

    first = min(range(n - 1), key=pair_cost)
    pair = sorted((first, first + 1), key=lambda i: sum(got[i][1]) / max(len(got[i][1]), 1))
    rest = sorted((i for i in range(n) if i not in pair), key=lambda i: len(got[i][0]))
    return pair + rest


def _one_run(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are consecutive bigrams of one Han run (``塔吉 吉克``)."""
    return (
        isinstance(a, str)
        and isinstance(b, str)
        and len(a) == len(b) == 2
        and a[1] == b[0]
        and is_cjk(a[1])
    )


def _plain_terms(q: Any) -> list[wq.Term]:
    """``q``'s terms when ``q`` is a term or an unboosted And of such (else [])."""
    if isinstance(q, wq.Term):
        return [q]
    if not (isinstance(q, wq.And) and q.boost == 1.0 and q.subqueries):
        return []
    out = []
    for k in q.subqueries:
        got = _plain_terms(k)
        if not got:
            return []
        out.extend(got)
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


_KEEP_POSITIONS = 8  # a posting on average (~21 bytes); denser terms' only for phrases
_DENSE = 64  # docs in one of this many postings: most blocks hold one, read them all
_PICKLED_BODY = itemgetter(slice(6, -1))  # count (4), PROTO 2 (2) | body | STOP (1)


def _positions_pickle(values: list[bytes]) -> bytes | None:
    """One pickle of the list of every value's position deltas (None if unusual).

    The values' pickle bodies (each pushes one list) are spliced into one pickle of
    a list of lists: one ``loads`` decodes them all, and the result is compact
    enough to keep. None for values not in the shape ``Positions.encode`` writes
    (protocol 2, final STOP); one term's values come from one writer, so a sample
    is checked, not each value (a misfit would also fail the length check on load).
    """
    sample = values[::32] + values[-1:]
    if not (
        all(map(bytes.startswith, sample, repeat(b"\x80\x02"), repeat(4)))
        and all(map(bytes.endswith, sample, repeat(b".")))
    ):
        return None
    return b"\x80\x02(" + b"".join(map(_PICKLED_BODY, values)) + b"l."


def _values_where(r: Any, fieldname: str, text: Any, mask: list[bool]) -> list[Any]:
    """The values of a term's postings where ``mask`` (one flag per posting) is set.

    Blocks without a flagged posting are skipped by their header, undecoded.
    """
    tb = r._text_to_bytes(fieldname, text)
    m = r._terms.matcher(fieldname, tb, r.schema[fieldname].format)
    out: list[Any] = []
    at = 0
    if not isinstance(m, W3LeafMatcher):  # postings inlined in the terms file
        while m.is_active():
            if mask[at]:
                out.append(m.value())
            at += 1
            m.next()
        return out
    while m.is_active():
        n = m._blocklength
        part = mask[at : at + n]
        if any(part):
            m._read_values()
            out.extend(compress(m._values, part))
        at += n
        m._next_block()
    if at != len(mask):
        raise IndexError(f"postings of {text!r} disagree with their cached ids")
    return out


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
) -> tuple[list[int], list[float], list[Any]] | None:
    """One segment's postings of a term as parallel lists (deleted docs included)."""
    try:
        tb = r._text_to_bytes(fieldname, text)
        m = r._terms.matcher(fieldname, tb, r.schema[fieldname].format)
    except (TermNotFound, KeyError):
        return None
    ids: list[int] = []
    ws: list[float] = []
    vs: list[Any] = []
    if not isinstance(m, W3LeafMatcher):  # postings inlined in the terms file
        while m.is_active():
            ids.append(m.id())
            ws.append(m.weight() if weights else 0.0)
            vs.append(m.value() if values else None)
            m.next()
        return ids, (ws if weights else []), (vs if values else [])
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
