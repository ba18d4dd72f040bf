"""An index built by bulk.py, whose short posting lists are inlined in the terms
file, answers every kind of query, deletion, upsert and merge exactly as the same
passages written by Whoosh's own writer (which never inlines)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from whoosh import query as wq

from desk.core.search import SearchIndex, bulk
from desk.core.types import IndexDoc
from tests.perf.corpus import generate

QUERIES = [
    "border", "security cooperation", '"joint patrol"', '"tajik afghan"', "title:border",
    "tag:place/gbao", "grade:B2 border", "published:2021 drone", "clipped:<2026-01-01",
    "clipped:>2019-06", "lang:ru", "Таджикистане", "边境", "secur*", "smugling", "",
    "entity:rahmon", "source:reuters", "notes:check", "notes:twice", "-border drone",
]  # fmt: skip


def _docs(n: int) -> list[IndexDoc]:
    docs = list(generate(n))
    docs[1] = dataclasses.replace(docs[1], annotations="Check this; check it twice.")
    docs[2] = dataclasses.replace(docs[2], entities=("rahmon",), entity_names=("Rahmon",))
    return docs


def _both(tmp_path: Path, docs: list[IndexDoc]) -> tuple[SearchIndex, SearchIndex]:
    built = SearchIndex.open(tmp_path / "bulk")
    assert built.rebuild(docs, total=len(docs), generation=1, procs=1)
    whoosh = SearchIndex.open(tmp_path / "whoosh")
    whoosh.upsert(docs, generation=1)  # fewer than index.BULK: Whoosh's writer
    return built, whoosh


def _rare_words(ix: SearchIndex, field: str, limit: int = 40) -> list[str]:
    """Words of ``field`` that only one or a few passages hold (inlined in bulk)."""
    r = ix._searcher.reader()
    out = []
    for t in r.lexicon(field):
        if r.doc_frequency(field, t) <= 3:
            out.append(t.decode("utf-8"))
        if len(out) >= limit:
            break
    return out


def _results(ix: SearchIndex, queries: list[str]) -> list[object]:
    out = []
    for q in queries:
        for sort in ("relevance", "newest", "title", "published"):
            res = ix.search(q, limit=None, sort=sort)
            hits = [(h.id, round(h.score, 9), h.snippet) for h in res.hits]
            out.append((q, sort, res.total, hits, res.notices, res.suggestions, res.fuzzy,
                        res.tag_counts, res.source_counts, res.terms))  # fmt: skip
    return out


def _whoosh_hits(ix: SearchIndex, q: wq.Query) -> list[tuple[str, float]]:
    s = ix._searcher
    return [(hit["id"], round(hit.score, 6)) for hit in s.search(q, limit=None)]


def test_queries_match_whooshs_own_index(tmp_path: Path) -> None:
    built, whoosh = _both(tmp_path, _docs(300))
    rare = _rare_words(built, "all")
    rare_titles = _rare_words(built, "title", 10)
    assert rare and rare_titles
    queries = [*QUERIES, *rare, *(f"title:{w}" for w in rare_titles), *(f"{w}*" for w in rare[:8])]
    queries += [f'"{a} {b}"' for a, b in zip(rare[:10], rare[10:20], strict=True)]
    queries += [f"{w}~" for w in rare[:5] if len(w) > 4]
    assert _results(built, queries) == _results(whoosh, queries)
    assert built.ids() == whoosh.ids()
    rb, rw = built._searcher.reader(), whoosh._searcher.reader()
    for field in ("all", "title", "id", "clip_day", "notes"):
        assert list(rb.lexicon(field)) == list(rw.lexicon(field))
        for t in rb.lexicon(field):
            assert rb.doc_frequency(field, t) == rw.doc_frequency(field, t)
            assert rb.frequency(field, t) == rw.frequency(field, t)
    # Whoosh's own matchers (the evaluator's fallback) over inlined postings.
    whoosh_queries = [
        wq.Term("all", rare[0]),
        wq.Or([wq.Term("all", w) for w in rare[:6]]),
        wq.And([wq.Term("all", rare[0]), wq.Term("all", "border")]),
        wq.Prefix("all", rare[1][:3]),
        wq.FuzzyTerm("all", rare[2], maxdist=1),
        wq.Phrase("all", ["joint", "patrol"]),
        wq.TermRange("clip_day", "2019-01-01", "2021-12-31"),
        wq.Term("id", "p0000007"),
        wq.Not(wq.Term("all", rare[3])),
    ]
    for q in whoosh_queries:
        assert _whoosh_hits(built, q) == _whoosh_hits(whoosh, q), q
    built.close()
    whoosh.close()


def test_delete_upsert_and_merge_match_whooshs_own_index(tmp_path: Path) -> None:
    docs = _docs(300)
    built, whoosh = _both(tmp_path, docs)
    rare = _rare_words(built, "all")
    gone = [d.id for d in docs[::17]]
    edited = [dataclasses.replace(d, body=d.body + " zqedited") for d in docs[5:40:7]]
    for ix in (built, whoosh):
        ix.delete(gone, generation=2)  # by docnum through the searcher
        ix.upsert(edited, generation=3)  # a small Whoosh segment beside the big one
    queries = [*QUERIES, "zqedited", *rare]
    assert _results(built, queries) == _results(whoosh, queries)
    assert built.ids() == whoosh.ids()
    # Whoosh's writer deleting by term (its path when our view is stale).
    for ix in (built, whoosh):
        w = ix._writer()
        for pid in [*gone[:3], docs[6].id]:
            w.delete_by_term("id", pid)
        ix._commit(w, 4)
    assert built.ids() == whoosh.ids() and docs[6].id not in built.ids()
    # Merging reads the inlined postings back through Whoosh's matchers.
    for ix in (built, whoosh):
        ix.optimize()
        assert ix.segment_count() == 1
    assert _results(built, queries) == _results(whoosh, queries)
    rb, rw = built._searcher.reader(), whoosh._searcher.reader()
    for field in ("all", "id", "title"):
        for t in rb.lexicon(field):
            mb, mw = rb.postings(field, t), rw.postings(field, t)
            assert list(mb.items_as("positions" if field != "id" else "frequency")) == list(
                mw.items_as("positions" if field != "id" else "frequency")
            )
    built.close()
    whoosh.close()


def _upsert_in_two(path: Path, docs: list[IndexDoc], schema: object) -> SearchIndex:
    """An index of ``docs``: ten through Whoosh's writer, the rest built in bulk."""
    from desk.core.search.index import _storage

    path.mkdir()
    _storage(path, False).create_index(schema)
    ix = SearchIndex.open(path)
    ix.upsert(docs[:10], generation=1)
    segs, _ = bulk.build_segments(path, docs[10:], total=len(docs) - 10)
    w = ix._writer()
    w.commit(mergetype=lambda _w, segments: [*segments, *segs])
    ix._committed(2)
    return ix


def test_bulk_upsert_into_an_index_with_indexed_sort_keys(tmp_path: Path) -> None:
    """An index made before sort keys lost their postings keeps its (pickled) schema;
    a bulk upsert into it follows that schema, and everything reads the same."""
    from desk.core.search.schema import make_schema

    docs = _docs(120)
    old = make_schema()
    for name in ("upd", "clip_key", "pub_key", "title_key", "source_key"):
        old[name].indexed = True
    ix = _upsert_in_two(tmp_path / "old", docs, old)
    r = ix._searcher.reader()
    assert r.schema["upd"].indexed and r.doc_frequency("upd", docs[50].updated) >= 1
    new = _upsert_in_two(tmp_path / "new", docs, make_schema())
    assert not new._searcher.reader().schema["upd"].indexed
    assert _results(ix, QUERIES) == _results(new, QUERIES)
    assert ix.ids() == new.ids()
    ix.close()
    new.close()
