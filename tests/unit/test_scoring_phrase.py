"""Phrases and Ands of terms in the block evaluator: the same documents and scores as Whoosh.

Whatever the evaluator has cached (nothing, the words' ids, their positions too) and
whichever way it reads positions (all of a term's, or only the blocks holding a
candidate), a phrase must find what Whoosh's own phrase matcher finds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pickle import dumps, loads

import pytest
from whoosh import query as wq

from desk.core.search import SearchIndex, scoring
from desk.core.search.compiler import Compiler
from desk.core.search.query import parse
from desk.core.search.runner import _Expander
from desk.core.search.scoring import Evaluator, SegmentCache
from desk.core.types import IndexDoc
from tests.unit.test_search_index import doc

WORDS = ["alpha", "bravo", "delta", "echo", "kilo", "lima", "oscar", "tango"]
HAN = "塔吉克斯坦边境阿富汗中国"


def _corpus(rng: random.Random, start: int, n: int) -> list[IndexDoc]:
    out = []
    for i in range(start, start + n):
        if i % 5 == 0:
            body = "".join(rng.choice(HAN) for _ in range(rng.randint(8, 80))) + "。"
            body += "塔吉克斯坦边境" if i % 3 else ""
        else:
            # Long bodies too: positions past 255 pickle as two-byte ints.
            k = rng.choice((5, 30, 400))
            words = [rng.choice(WORDS[: 3 + i % 6]) for _ in range(rng.randint(k // 2, k))]
            body = " ".join(words) + "."
        out.append(doc(f"p{i}", body))
    return out


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    rng = random.Random(7)
    index = SearchIndex.open(tmp_path_factory.mktemp("phrases") / "index")
    first = _corpus(rng, 1, 160)
    # A word in one document only: Whoosh keeps its posting inline in the terms file.
    first.append(doc("p500", "zyzzyva alpha bravo alpha bravo delta"))
    index.rebuild(first, total=len(first), generation=1)
    index.upsert(_corpus(rng, 200, 60), generation=2)
    index.upsert(_corpus(rng, 1, 12), generation=3)  # edits: replaced docs stay, deleted
    index.delete(["p20", "p41", "p205"], generation=4)
    assert index.segment_count() >= 2
    yield index
    index.close()


def compiled(ix: SearchIndex, text: str) -> wq.Query:
    q = Compiler().compile(parse(text).node)
    assert q is not None
    return _Expander(ix._searcher.reader())(q)


PHRASES = [
    '"alpha bravo"',
    '"bravo alpha"',
    '"alpha alpha"',
    '"alpha bravo delta"',
    '"alpha bravo alpha"',
    '"delta delta delta"',
    '"echo kilo lima"',
    '"oscar tango"',
    '"zyzzyva alpha"',
    '"bravo alpha bravo delta"',
    '"塔吉克斯坦边境"',
    '"塔吉克斯坦 边境"',
    '"边境 阿富汗"',
    '"富汗中"',
]


def whoosh_scores(ix: SearchIndex, q: wq.Query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in ix._searcher.search(q, limit=None)}


def assert_same(ours: dict[int, float], theirs: dict[int, float]) -> None:
    assert ours.keys() == theirs.keys()
    for d, score in theirs.items():
        assert ours[d] == pytest.approx(score, rel=1e-5)


@pytest.mark.parametrize("text", PHRASES)
def test_phrases_match_whoosh_from_a_cold_cache(ix: SearchIndex, text: str) -> None:
    q = compiled(ix, text)
    theirs = whoosh_scores(ix, q)
    assert_same(Evaluator(ix._searcher, SegmentCache()).evaluate(q), theirs)


@pytest.mark.parametrize("dense", [0, 10**9], ids=["blocks-with-candidates", "whole-terms"])
@pytest.mark.parametrize("keep", [0, 10**6], ids=["ids-only", "with-positions"])
@pytest.mark.parametrize("warm", [False, True], ids=["cold", "words-searched-first"])
def test_every_way_of_reading_positions_gives_the_same_answer(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch, dense: int, keep: int, warm: bool
) -> None:
    monkeypatch.setattr(scoring, "_DENSE", dense)
    monkeypatch.setattr(scoring, "_KEEP_POSITIONS", keep)
    s = ix._searcher
    for text in PHRASES:
        q = compiled(ix, text)
        cache = SegmentCache()
        if warm:  # the words alone first, as search as you type asks them
            Evaluator(s, cache).evaluate(compiled(ix, text.strip('"')))
        first = Evaluator(s, cache).evaluate(q)
        assert_same(first, whoosh_scores(ix, q))
        assert Evaluator(s, cache).evaluate(q) == first  # now from the phrase cache


def test_small_positions_are_kept_for_later_phrases(
    ix: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = ix._searcher

    def kept_after_words(limit: int) -> tuple[set[str], SegmentCache]:
        monkeypatch.setattr(scoring, "_KEEP_POSITIONS", limit)
        cache = SegmentCache()
        Evaluator(s, cache).evaluate(compiled(ix, "alpha bravo"))
        keys = [k[2] for k in cache.postings if isinstance(k[2], tuple)]
        return {k[1] for k in keys if k[0] == "\x00positions"}, cache

    assert kept_after_words(0)[0] == set()  # dense positions: only a phrase keeps them
    kept, cache = kept_after_words(10**6)
    assert kept == {"alpha", "bravo"}
    q = compiled(ix, '"bravo alpha"')
    assert_same(Evaluator(s, cache).evaluate(q), whoosh_scores(ix, q))


@pytest.mark.parametrize(
    "text",
    [
        "alpha bravo",
        "alpha bravo delta echo",
        "alpha alpha",
        "塔吉克斯坦 边境",
        "塔吉克斯坦边境",
        "alpha -bravo",
        "alpha bravo -delta",
        "(alpha -bravo) OR delta",
        '"alpha bravo" delta',
        "(alpha OR oscar) bravo",
        "title:passage alpha",
        "alpha zyzzyva",
        "alpha nosuchword",
    ],
)
def test_and_of_terms_matches_whoosh(ix: SearchIndex, text: str) -> None:
    q = compiled(ix, text)
    assert_same(Evaluator(ix._searcher, SegmentCache()).evaluate(q), whoosh_scores(ix, q))


def test_boosted_and_nested_ands(ix: SearchIndex) -> None:
    a, b, d = (wq.Term("all", w) for w in ("alpha", "bravo", "delta"))
    queries = [
        wq.And([wq.And([a, b]), d]),
        wq.And([wq.And([a, b], boost=2.0), d]),
        wq.And([wq.Term("all", "alpha", boost=3.0), b], boost=0.5),
        wq.And([a, wq.Term("flags", "nosuchflag")]),
        wq.And([a, wq.Term("nosuchfield", "x")]),
    ]
    for q in queries:
        ours = Evaluator(ix._searcher, SegmentCache()).evaluate(q)
        assert_same(ours, whoosh_scores(ix, q))


def test_positions_pickle_splices_values_and_refuses_other_shapes() -> None:
    values = [b"\x00\x00\x00\x01" + dumps(p, 2) for p in ([5], [3, 1, 300], [70000], [0, 2])]
    pickled = scoring._positions_pickle(values)
    assert pickled is not None
    assert loads(pickled) == [[5], [3, 1, 300], [70000], [0, 2]]
    assert scoring._positions_pickle([]) is not None
    # Without the final STOP (Whoosh tolerates it) or in another protocol: one by one.
    assert scoring._positions_pickle([values[0][:-1]]) is None
    assert scoring._positions_pickle([b"\x00\x00\x00\x01" + dumps([5], 4)]) is None
    assert scoring._deltas(values[1][:-1]) == [3, 1, 300]


def test_garbage_collection_is_paused_only_while_evaluating(ix: SearchIndex) -> None:
    import gc

    q = compiled(ix, '"alpha bravo"')
    assert gc.isenabled()
    Evaluator(ix._searcher, SegmentCache()).evaluate(q)
    assert gc.isenabled()
    gc.disable()
    try:
        Evaluator(ix._searcher, SegmentCache()).evaluate(q)
        assert not gc.isenabled()  # the caller's choice stands
    finally:
        gc.enable()
