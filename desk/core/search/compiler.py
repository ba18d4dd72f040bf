"""Compiling the parsed query language (see ``query.py``) into Whoosh queries.

Pure: no index access. Prefix/wildcard/fuzzy queries are left for the index to
expand with a cap (``runner._Expander``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from desk.core.search.analysis import analyze, iter_pieces, stem_word
from desk.core.search.query import (
    _CRED,
    _REL,
    MAX_TERMS,
    Expand,
    Filter,
    Not,
    Or,
    QueryFilter,
    Word,
    parse,
)
from desk.core.search.schema import DEFAULT_FIELDS, FIELD_ALIASES, date_range
from desk.core.text import fold, is_cjk


@dataclass
class Compiler:
    """Turns the AST into a Whoosh query.

    Args:
        fuzzy: the forgiving pass (edit distance by word length; not for CJK/phrases).
        expand: alias expansion, folded term -> folded alias spellings.
        entity_keys: ``entity:`` value -> entity keys.
    """

    fuzzy: bool = False
    expand: Expand | None = None
    entity_keys: Expand | None = None
    count: int = 0

    def compile(self, node: Any) -> wq.Query | None:
        if node is None:
            return None
        if isinstance(node, Word):
            return self.word(node)
        if isinstance(node, Filter):
            return self.filter(node)
        if isinstance(node, Not):
            inner = self.compile(node.child)
            return wq.Not(inner) if inner is not None else None
        kids = [q for q in (self.compile(c) for c in node.children) if q is not None]
        if not kids:
            return None
        if isinstance(node, Or):
            return kids[0] if len(kids) == 1 else wq.Or(kids)
        if all(isinstance(k, wq.Not) for k in kids):
            kids.insert(0, wq.Every())
        return kids[0] if len(kids) == 1 else wq.And(kids)

    # words ----------------------------------------------------------------------------
    def _fields(self, node: Word) -> dict[str, float]:
        if node.field:
            return {FIELD_ALIASES.get(node.field, node.field): 1.0}
        return DEFAULT_FIELDS

    def word(self, node: Word) -> wq.Query | None:
        self.count += 1
        if self.count > MAX_TERMS:
            return None
        text = node.text
        if not node.phrase and ("*" in text or "?" in text):
            return self._multi(node)
        alts = [self._text_query(node, text, node.fuzzy)]
        if self.expand is not None and not self.fuzzy:
            key = " ".join(analyze(text, stem=False))
            try:
                aliases = list(self.expand(key))[:20] if key else []
            except Exception:
                aliases = []
            for alias in aliases:
                if fold(alias) != key:
                    alts.append(self._text_query(node, alias, None))
        alts = [a for a in alts if a is not None]
        if not alts:
            return None
        return alts[0] if len(alts) == 1 else wq.Or(alts)

    def _text_query(self, node: Word, text: str, fuzzy: int | None) -> wq.Query | None:
        pieces = list(iter_pieces(text))
        if not pieces:
            return None
        per_field = []
        for fname, boost in self._fields(node).items():
            if len(pieces) == 1:
                q = self._leaf(fname, pieces[0].text, pieces[0].han, fuzzy, text)
            elif not node.phrase and all(p.han for p in pieces):
                # An unquoted Han run: its bigrams AND'ed. Whoosh phrase matching of
                # common bigrams is ~10x slower, and the bigrams of one run rarely
                # co-occur out of order. A quoted run stays an exact phrase.
                q = wq.And([wq.Term(fname, p.text) for p in pieces])
            else:
                q = wq.Phrase(fname, [p.text for p in pieces])
            q.boost = boost
            per_field.append(q)
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def _leaf(self, fname: str, term: str, han: bool, fuzzy: int | None, raw: str = "") -> wq.Query:
        if han:
            if len(term) == 1:  # a lone character also starts a bigram
                return wq.Or([wq.Term(fname, term), wq.Prefix(fname, term)])
            return wq.Term(fname, term)
        dist = None
        if fuzzy is not None:
            dist = fuzzy or (1 if len(term) < 8 else 2)
        elif self.fuzzy and len(term) >= 4 and not term.isdigit():
            dist = 1 if len(term) < 8 else 2
        if dist:
            dist = min(dist, 2)
            q: wq.Query = wq.FuzzyTerm(fname, term, maxdist=dist, prefixlength=1)
            surface = analyze(raw, stem=False) if raw else []
            if len(surface) == 1 and surface[0] != term:  # "corrider~" vs stem "corrid"
                q = wq.Or([q, wq.FuzzyTerm(fname, surface[0], maxdist=dist, prefixlength=1)])
            return q
        return wq.Term(fname, term)

    def _multi(self, node: Word) -> wq.Query | None:
        raw = fold(node.text)
        parts = [p for p in re.split(r"[^\w*?]+", raw) if p]
        if not parts:
            return None
        pat = parts[-1]
        head = [t for p in parts[:-1] for t in analyze(p)]
        per_field = []
        for fname, boost in self._fields(node).items():
            if pat.endswith("*") and "*" not in pat[:-1] and "?" not in pat:
                base = pat[:-1]
                st = stem_word(base)
                n = 0
                while n < min(len(st), len(base)) and st[n] == base[n]:
                    n += 1
                leaf: wq.Query = wq.Prefix(fname, base[: max(n, 1)] if n else base)
            else:
                leaf = wq.Wildcard(fname, pat)
            q = wq.And([wq.Term(fname, t) for t in head] + [leaf]) if head else leaf
            q.boost = boost
            per_field.append(q)
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    # filters --------------------------------------------------------------------------
    def filter(self, node: Filter) -> wq.Query | None:
        f, op, v = node.field, node.op, node.value
        if f == "flag":
            return wq.Term("flags", v)
        if f == "tag":
            path = "/".join(p.strip() for p in fold(v).replace(",", " ").split("/") if p.strip())
            if path.endswith("*"):
                return wq.Prefix("tag", path[:-1])
            return wq.Term("tag", path)
        if f == "lang":
            return wq.Term("lang", fold(v).strip())
        if f == "source":
            words = Word(v, "source", True)
            alts = [self._text_query(words, v, None), wq.Term("domain", fold(v).strip())]
            return wq.Or([a for a in alts if a is not None])
        if f == "entity":
            keys: list[str] = []
            if self.entity_keys is not None:
                try:
                    keys = list(self.entity_keys(v))
                except Exception:
                    keys = []
            keys = keys or [v]
            alts = [wq.Term("entity", fold(k).strip()) for k in keys]
            names = self._text_query(Word(v, "names", True), v, None)
            if names is not None:
                alts.append(names)
            return wq.Or(alts)
        if f in ("rel", "cred"):
            scale = _REL if f == "rel" else _CRED
            if v == "?":
                return wq.Term(f, "?")
            idx = scale.index(v)
            pick = {
                "=": scale[idx],
                "<=": scale[: idx + 1],
                "<": scale[:idx],
                ">=": scale[idx:],
                ">": scale[idx + 1 :],
            }[op]
            if not pick:
                return wq.NullQuery
            terms = [wq.Term(f, c) for c in pick]
            return terms[0] if len(terms) == 1 else wq.Or(terms)
        if f in ("published", "clipped"):
            rng = date_range(v)
            if rng is None:
                return None
            lo_f, hi_f = ("pub_lo", "pub_hi") if f == "published" else ("clip_day", "clip_day")
            qlo, qhi = rng
            if op == "=":
                return wq.And([wq.TermRange(lo_f, None, qhi), wq.TermRange(hi_f, qlo, None)])
            if op == ">=":
                return wq.TermRange(hi_f, qlo, None)
            if op == ">":
                return wq.TermRange(hi_f, qhi, None, startexcl=True)
            if op == "<=":
                return wq.TermRange(lo_f, None, qhi)
            return wq.TermRange(lo_f, None, qlo, endexcl=True)
        return None


def has_cjk(text: str) -> bool:
    """True when ``text`` contains a Han/kana character."""
    return any(is_cjk(c) for c in text)


def restrict_query(restrict: QueryFilter | None) -> tuple[wq.Query | None, bool, list[str]]:
    """The Whoosh query for a browse filter, whether it asks for the trash, and notices."""
    if restrict is None:
        return None, False, []
    comp = Compiler()
    parts: list[wq.Query] = []
    notices: list[str] = []
    if restrict.tag:
        q = comp.filter(Filter("tag", "=", restrict.tag))
        if q is not None:
            parts.append(q)
    if restrict.source_id is not None:
        parts.append(wq.Term("source_id", str(restrict.source_id)))
    if restrict.entity:
        parts.append(wq.Term("entity", fold(restrict.entity).strip()))
    if restrict.trashed:
        parts.append(wq.Term("flags", "trashed"))
    if restrict.untagged:
        parts.append(wq.Term("flags", "untagged"))
    if restrict.clipped_since and date_range(restrict.clipped_since[:10]):
        parts.append(wq.TermRange("clip_day", restrict.clipped_since[:10], None))
    trashed = restrict.trashed
    if restrict.extra:
        extra = parse(restrict.extra)
        notices.extend(extra.notices)
        trashed = trashed or extra.include_trashed
        q = comp.compile(extra.node)
        if q is not None:
            parts.append(q)
    if not parts:
        return None, trashed, notices
    return (parts[0] if len(parts) == 1 else wq.And(parts)), trashed, notices
