"""The block evaluator (``scoring.py``) finds exactly what Whoosh finds, scored as Whoosh does."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from whoosh import query as wq

from desk.core.search import SearchIndex
from desk.core.search.compiler import Compiler
from desk.core.search.query import parse
from desk.core.search.runner import _Expander
from desk.core.search.scoring import Evaluator, SegmentCache
from tests.unit.test_search_index import DOCS, doc

QUERIES = [
    "border",
    "border wakhan",
    "border OR граница",
    "border -wakhan",
    "NOT border",
    '"tajik afghan"',
    '"border clashes near"',
    "title:frontier",
    "tag:place",
    "tag:place/wakhan OR tag:actor/china",
    "source:eurasianet",
    "publisher:tass",
    "entity:rahmon",
    "lang:ru",
    "grade:B2",
    "reliability:<=C",
    "credibility:<3",
    "published:2021",
    "published:>=2021-10",
    "clipped:<2026-01-05",
    "bord*",
    "тадж*",
    "smugling~",
    "塔吉克斯坦 边境",
    '"塔吉克斯坦与阿富汗"',
    "哨",
    "is:annotated",
    "has:annotation OR is:untagged",
    "(border OR frontier) AND NOT tag:place/wakhan",
    "",
]

MORE = [
    doc("p7", "Border guards and smugglers on the Panj river.", tags=("topic/border",)),
    doc(
        "p8",
        "Another border post, near the Wakhan corridor.",
        source_title="Asia-Plus",
        source_id=5,
    ),
]


@pytest.fixture
def ix(tmp_path: Path) -> SearchIndex:
    index = SearchIndex.open(tmp_path / "index")
    index.rebuild(DOCS, total=len(DOCS), generation=1)
    # A second and third segment, and deletions in the first (edits replace docs).
    index.upsert(MORE, generation=2)
    changed = dataclasses.replace(DOCS[0], body="Clashes on the Tajik-Afghan border, again.")
    index.upsert([changed], generation=3)
    index.delete(["p5"], generation=4)
    assert index.segment_count() >= 2
    yield index
    index.close()


def compiled(ix: SearchIndex, text: str) -> wq.Query:
    q = Compiler(fuzzy=text.endswith("~")).compile(parse(text).node)
    if q is None:
        return wq.Every()
    if isinstance(q, wq.Not):
        q = wq.And([wq.Every(), q])
    return _Expander(ix._searcher.reader())(q)


@pytest.mark.parametrize("text", QUERIES)
def test_same_documents_as_whoosh(ix: SearchIndex, text: str) -> None:
    q = compiled(ix, text)
    s = ix._searcher
    got = set(Evaluator(s, SegmentCache()).evaluate(q))
    assert got == set(s.docs_for_query(q))


@pytest.mark.parametrize("text", ["border", "border wakhan", "border OR corridor", "tajik"])
def test_scores_match_whoosh_bm25f(ix: SearchIndex, text: str) -> None:
    q = compiled(ix, text)
    s = ix._searcher
    ours = Evaluator(s, SegmentCache()).evaluate(q)
    theirs = {hit.docnum: hit.score for hit in s.search(q, limit=None)}
    assert ours.keys() == theirs.keys() and ours
    for d, score in theirs.items():
        assert ours[d] == pytest.approx(score, rel=1e-5)


def test_deleted_documents_never_match(ix: SearchIndex) -> None:
    s = ix._searcher
    ev = Evaluator(s, SegmentCache())
    assert ev.deleted()  # the replaced p1 and the deleted p5 are still in segment one
    for text in ("border", "Рахмон", "", "NOT wakhan"):
        assert not set(ev.evaluate(compiled(ix, text))) & ev.deleted()


def test_search_totals_and_order_through_the_index(ix: SearchIndex) -> None:
    # "border": p1 (edited, new segment), p4, p7, p8; p6 matches but is in the trash.
    res = ix.search("border", limit=2)
    assert res.total == 4 and len(res.hits) == 2
    assert [h.score for h in res.hits] == sorted((h.score for h in res.hits), reverse=True)
    assert {h.id for h in ix.search("border", limit=None).hits} == {"p1", "p4", "p7", "p8"}
    assert {h.id for h in ix.search("border is:trashed", limit=None).hits} == {"p6"}
    newest = ix.search("border", limit=None, sort="newest").hits
    assert [h.clipped for h in newest] == sorted((h.clipped for h in newest), reverse=True)


def test_counts_are_optional(ix: SearchIndex) -> None:
    full = ix.search("border")
    assert full.tag_counts["topic/border"] == 2 and full.source_counts["Asia-Plus"] == 1
    bare = ix.search("border", counts=False)
    assert bare.total == full.total and not bare.tag_counts and not bare.source_counts


def test_cached_postings_never_outlive_a_change(ix: SearchIndex) -> None:
    assert {h.id for h in ix.search("corridor", limit=None).hits} == {"p8"}
    assert ix._segment_cache.postings  # the words were cached
    ix.delete(["p8"], generation=5)
    assert ix.search("corridor").total == 0
    ix.upsert([doc("p9", "A new corridor post.")], generation=6)
    assert [h.id for h in ix.search("corridor").hits] == ["p9"]
    ix.optimize()  # merges: the old segments' cache entries go with them
    live = set(ix._pool.segment_ids())
    assert {k[0] for k in ix._segment_cache.postings} <= live
    assert [h.id for h in ix.search("corridor").hits] == ["p9"]


def test_segment_cache_keeps_within_its_budget() -> None:
    from array import array

    cache = SegmentCache(budget_bytes=10_000)
    for i in range(50):
        cache.put_postings(("seg", "all", f"w{i}"), array("i", range(100)), array("f", [1.0] * 100))
    assert cache.used <= 10_000 and len(cache.postings) < 50
    assert cache.get_postings(("seg", "all", "w49")) is not None  # newest kept
    assert cache.get_postings(("seg", "all", "w0")) is None  # oldest dropped
    cache.prune(set())
    assert not cache.postings and cache.used == 0


def test_subsumed_alternatives_are_skipped_not_their_documents() -> None:
    from desk.core.search.scoring import _unsubsumed

    rahmon = wq.Term("all", "rahmon")
    full = wq.Phrase("all", ["emomali", "rahmon"])
    other = wq.Phrase("all", ["emomali", "rahmonov"])
    pair = wq.And([wq.Term("all", "emomali"), wq.Term("all", "rahmon")])
    assert _unsubsumed([rahmon, full, other, full]) == [rahmon, other]
    # An And of the same words finds more than the phrase: the phrase goes, the And stays.
    assert _unsubsumed([full, pair]) == [pair]
    assert _unsubsumed([pair, full]) == [pair]
    # A phrase is never dropped for another phrase with fewer words (order matters).
    assert _unsubsumed([full, wq.Phrase("all", ["rahmon"])]) == [
        full,
        wq.Phrase("all", ["rahmon"]),
    ]
    # Different fields never subsume each other.
    title = wq.Term("title", "rahmon")
    assert _unsubsumed([title, full]) == [title, full]


def test_alias_expansion_finds_the_same_documents_as_whoosh(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "aliases")
    docs = [
        doc("a1", "President Rahmon met the delegation."),
        doc("a2", "Emomali Rahmonov, as he was then known, spoke."),
        doc("a3", "Эмомали Рахмон провёл встречу."),
        doc("a4", "拉赫蒙总统会见了代表团。"),
        doc("a5", "The president of China spoke."),
    ]
    index.rebuild(docs, total=len(docs), generation=1)
    aliases = ["emomali rahmon", "emomali rahmonov", "president rahmon", "rahmon", "рахмон",
               "эмомали рахмон", "拉赫蒙"]  # fmt: skip
    q = Compiler(expand=lambda key: aliases if "rahmon" in key else []).compile(
        parse("Rahmon").node
    )
    s = index._searcher
    assert set(Evaluator(s, SegmentCache()).evaluate(q)) == set(s.docs_for_query(q))
    assert len(set(s.docs_for_query(q))) == 4
    index.close()


@pytest.mark.parametrize("sort", ["relevance", "newest", "title"])
@pytest.mark.parametrize("text", ["border", ""])
def test_pages_with_offset_are_slices_of_the_whole_list(
    ix: SearchIndex, sort: str, text: str
) -> None:
    whole = [h.id for h in ix.search(text, limit=None, sort=sort).hits]
    assert len(whole) >= 4
    pages = [
        [h.id for h in ix.search(text, limit=2, offset=k, sort=sort).hits]
        for k in range(0, len(whole), 2)
    ]
    assert [pid for page in pages for pid in page] == whole
    assert ix.search(text, limit=5, offset=len(whole), sort=sort).hits == []
    assert [h.id for h in ix.search(text, limit=2, offset=-3, sort=sort).hits] == whole[:2]


def test_a_phrase_answered_from_the_cache_is_the_same_answer(ix: SearchIndex) -> None:
    s = ix._searcher
    cache = SegmentCache()
    q = compiled(ix, '"tajik afghan"')
    first = Evaluator(s, cache).evaluate(q)
    assert first and any(k[2][0] == "\x00phrase" for k in cache.postings)
    again = Evaluator(s, cache).evaluate(q)
    assert again == first == Evaluator(s, SegmentCache()).evaluate(q)
    assert set(first) == set(s.docs_for_query(q))
    # A deletion after the phrase was cached is still honoured (cache is per segment).
    ix.search('"tajik afghan"')
    gone = ix.search('"tajik afghan"', limit=1).hits[0].id
    ix.delete([gone], generation=9)
    assert gone not in {h.id for h in ix.search('"tajik afghan"', limit=None).hits}
