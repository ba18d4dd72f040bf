"""The Whoosh passage index, on a real index in tmp_path."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.core.search import QueryFilter, SearchIndex
from desk.core.search.snippets import HL_END, HL_START
from desk.core.types import IndexDoc


def doc(i: str, body: str, **kw: object) -> IndexDoc:
    base: dict[str, object] = {
        "id": i,
        "title": kw.pop("title", f"Passage {i}"),
        "body": body,
        "clipped": kw.pop("clipped", f"2026-01-{int(i[1:]) % 28 + 1:02d}T10:00:00Z"),
        "updated": "2026-01-01T00:00:00Z",
    }
    base.update(kw)
    return IndexDoc(**base)  # type: ignore[arg-type]


DOCS = [
    doc("p1", "Border clashes near the Wakhan corridor were reported.", tags=("place/wakhan", "topic/border"),
        source_title="Eurasianet report", publisher="Eurasianet", domain="eurasianet.org",
        source_id=1, reliability="B", credibility=2, published="2021-11", language="en",
        entities=("rahmon",), entity_names=("Emomali Rahmon", "Rakhmon")),
    doc("p2", "Граница с Таджикистаном. Учения прошли в Таджикистане у границы Таджикистана.",
        tags=("place/gbao",), source_title="TASS", publisher="TASS", source_id=2, reliability="D",
        credibility=4, published="2019-03-05", language="ru"),
    doc("p3", "中国在塔吉克斯坦与阿富汗边境附近建设哨所。", tags=("actor/china",), source_title="Xinhua",
        source_id=3, reliability="C", credibility=3, published="2021", language="zh"),
    doc("p4", "The Tajik-Afghan border is long; the Tajik–Afghan frontier too.", title="Frontier",
        annotations="Check this against satellite imagery.", source_title="Eurasianet report",
        source_id=1, reliability="A", credibility=1, published="2021-10-28"),
    doc("p5", "Президент Рахмон посетил Хорог. كتاب and کتاب and می\u200cخواهم.", source_title="Ozodi",
        source_id=4),
    doc("p6", "Trashed passage about the border.", trashed=True, tags=("topic/border",)),
]  # fmt: skip


@pytest.fixture
def ix(tmp_path: Path) -> SearchIndex:
    index = SearchIndex.open(tmp_path / "index")
    index.rebuild(DOCS, total=len(DOCS), generation=1)
    yield index
    index.close()


def ids(ix: SearchIndex, q: str, **kw: object) -> list[str]:
    return [h.id for h in ix.search(q, **kw).hits]  # type: ignore[arg-type]


def test_open_missing_creates_empty(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "nope")
    assert index.status == "missing" and index.generation is None
    assert index.doc_count() == 0 and index.search("x").hits == []
    index.close()


def test_open_readonly_missing(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "nope", readonly=True)
    assert index.status == "missing" and index.search("x").total == 0
    assert not (tmp_path / "nope").exists()


def test_generation_survives_reopen(ix: SearchIndex, tmp_path: Path) -> None:
    ix.upsert([doc("p9", "new words")], generation=7)
    ix.close()
    again = SearchIndex.open(tmp_path / "index")
    assert again.status == "ok" and again.generation == 7 and again.doc_count() == 7
    again.close()


def test_garbled_index_is_corrupt(ix: SearchIndex, tmp_path: Path) -> None:
    ix.close()
    for f in (tmp_path / "index").iterdir():
        if f.suffix in (".toc", ".seg"):
            f.write_bytes(b"\x00garbage" * 10)
    bad = SearchIndex.open(tmp_path / "index")
    assert bad.status == "corrupt"
    res = bad.search("border")
    assert res.hits == [] and res.notices
    bad.upsert([doc("p1", "x")], generation=2)  # ignored, never raises
    assert bad.rebuild(DOCS, total=len(DOCS), generation=3)
    assert bad.status == "ok" and ids(bad, "wakhan") == ["p1"]
    bad.close()


@pytest.mark.parametrize("suffix", [".pst", ".trm", ".col"])
def test_truncated_segment_file_is_corrupt(ix: SearchIndex, tmp_path: Path, suffix: str) -> None:
    ix.close()
    hit = [f for f in (tmp_path / "index").iterdir() if f.suffix == suffix]
    assert hit, sorted(p.name for p in (tmp_path / "index").iterdir())
    for f in hit:
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    assert SearchIndex.open(tmp_path / "index").status == "corrupt"


def test_missing_segment_file_is_corrupt(ix: SearchIndex, tmp_path: Path) -> None:
    ix.close()
    next((tmp_path / "index").glob("*.pst")).unlink()
    assert SearchIndex.open(tmp_path / "index").status == "corrupt"


def test_open_reads_no_segment_into_memory(tmp_path: Path) -> None:
    """Segments are plain files read on demand (no mmap copy of a compound file)."""
    big = SearchIndex.open(tmp_path / "big")
    docs = [doc(f"b{i}", f"border patrol {i} " + "garrison wakhan " * 200) for i in range(300)]
    big.rebuild(docs, total=len(docs), generation=1)
    assert not list((tmp_path / "big").glob("*.seg"))  # no compound segment
    big.close()
    again = SearchIndex.open(tmp_path / "big")
    storage = again._ix.storage
    assert storage.supports_mmap is False
    assert again.search("garrison").total == 300
    again.close()


def test_deleted_dir_is_missing(ix: SearchIndex, tmp_path: Path) -> None:
    import shutil

    ix.close()
    shutil.rmtree(tmp_path / "index")
    assert SearchIndex.open(tmp_path / "index").status == "missing"


def test_stale_generation_stamp_reads_none(ix: SearchIndex, tmp_path: Path) -> None:
    (tmp_path / "index" / "desk-generation.json").write_text('{"generation": 1, "toc": 999}')
    ix.close()
    assert SearchIndex.open(tmp_path / "index").generation is None


def test_english_stemming(ix: SearchIndex) -> None:
    assert ids(ix, "clash") == ["p1"]
    assert ids(ix, "clashing") == ["p1"]


def test_russian_forms(ix: SearchIndex) -> None:
    assert ids(ix, "Таджикистан") == ["p2"]
    assert ids(ix, "границы") == ["p2"]


def test_chinese_bigrams_and_traditional(ix: SearchIndex) -> None:
    assert ids(ix, "塔吉克斯坦 边境") == ["p3"]
    assert ids(ix, "邊境") == ["p3"]
    assert ids(ix, "哨") == ["p3"]


def test_dari_plurals_with_zwnj_space_or_joined(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "fa")
    docs = [
        doc("f1", "پاسگاه\u200cهای مرزی در بدخشان تقویت شد."),  # plural, with a ZWNJ
        doc("f2", "یک پاسگاه تازه ساخته شد."),  # singular
        doc("f3", "او تنها آمد."),  # ends in ها but is not a plural
    ]
    index.rebuild(docs, total=len(docs), generation=1)
    for q in ("پاسگاه\u200cها", "پاسگاهها", "پاسگاه ها", "پاسگاه‌های", "پاسگاه"):
        assert set(ids(index, q)) == {"f1", "f2"}, q
    assert ids(index, "تنها") == ["f3"]
    assert ids(index, '"پاسگاه های مرزی"') == ["f1"]
    index.close()


def test_dari_variants(ix: SearchIndex) -> None:
    assert ids(ix, "كتاب") == ["p5"]
    assert ids(ix, "میخواهم") == ["p5"]


def test_hyphen_dash_space(ix: SearchIndex) -> None:
    assert ids(ix, '"tajik afghan"') == ["p4"]
    assert ids(ix, "Tajik–Afghan") == ["p4"]


def test_fields_and_tags(ix: SearchIndex) -> None:
    assert ids(ix, "title:frontier") == ["p4"]
    assert set(ids(ix, "tag:place")) == {"p1", "p2"}
    assert ids(ix, "tag:place/wakhan") == ["p1"]
    assert set(ids(ix, "source:eurasianet")) == {"p1", "p4"}
    assert ids(ix, "source:eurasianet.org") == ["p1"]
    assert ids(ix, "publisher:tass") == ["p2"]
    assert ids(ix, "lang:zh") == ["p3"]
    assert ids(ix, "entity:rahmon") == ["p1"]
    assert ids(ix, "has:annotation") == ["p4"]
    assert ids(ix, "satellite") == ["p4"]  # annotations count


def test_grades(ix: SearchIndex) -> None:
    assert ids(ix, "grade:B2") == ["p1"]
    assert ids(ix, "grade:B") == ["p1"]
    assert set(ids(ix, "reliability:<=B")) == {"p1", "p4"}
    assert set(ids(ix, "credibility:<3")) == {"p1", "p4"}
    assert set(ids(ix, "is:ungraded")) == {"p5"}
    hit = ix.search("wakhan").hits[0]
    assert (
        hit.grade == "B2"
        and hit.published == "2021-11"
        and hit.tags == ("place/wakhan", "topic/border")
    )


def test_partial_published_dates(ix: SearchIndex) -> None:
    assert set(ids(ix, "published:2021")) == {"p1", "p3", "p4"}
    assert set(ids(ix, "published:2021-11")) == {"p1", "p3"}
    assert set(ids(ix, "published:>=2021-11")) == {"p1", "p3"}
    assert ids(ix, "published:<2021") == ["p2"]
    assert set(ids(ix, "clipped:>=2026-01-05")) == {"p4", "p5"}


def test_empty_query_lists_all_newest_first(ix: SearchIndex) -> None:
    res = ix.search("")
    assert [h.id for h in res.hits] == ["p5", "p4", "p3", "p2", "p1"]
    assert res.total == 5


def test_filter_only_query_lists_newest_first_across_segments(ix: SearchIndex) -> None:
    # Nothing to rank by: newest first, like the empty query, even when the newer
    # passages sit in a later segment than the older ones.
    ix.upsert(
        [doc("p27", "Late note.", tags=("topic/border",), clipped="2026-02-27T10:00:00Z")],
        generation=2,
    )
    ix.upsert(
        [doc("p9", "Early note.", tags=("topic/border",), clipped="2025-12-01T10:00:00Z")],
        generation=3,
    )
    assert ix.segment_count() >= 2
    assert ids(ix, "tag:topic/border") == ["p27", "p1", "p9"]
    assert ids(ix, "tag:topic/border", limit=1, offset=1) == ["p1"]


def test_trash(ix: SearchIndex) -> None:
    assert "p6" not in ids(ix, "border")
    assert ids(ix, "is:trashed") == ["p6"]
    assert ids(ix, "", restrict=QueryFilter(trashed=True)) == ["p6"]


def test_sorts(ix: SearchIndex) -> None:
    assert ids(ix, "", sort="oldest")[0] == "p1"
    assert ids(ix, "", sort="title")[0] == "p4"
    assert ids(ix, "", sort="published")[:2] == ["p1", "p4"]


def test_restrict_filters(ix: SearchIndex) -> None:
    assert set(ids(ix, "", restrict=QueryFilter(source_id=1))) == {"p1", "p4"}
    assert ids(ix, "border", restrict=QueryFilter(tag="place")) == ["p1"]
    assert set(ids(ix, "", restrict=QueryFilter(untagged=True))) == {"p4", "p5"}
    assert ids(ix, "", restrict=QueryFilter(entity="rahmon")) == ["p1"]
    assert ids(ix, "", restrict=QueryFilter(extra="lang:ru")) == ["p2"]


def test_boolean_operators(ix: SearchIndex) -> None:
    assert set(ids(ix, "wakhan OR frontier")) == {"p1", "p4"}
    assert ids(ix, "border -wakhan") == ["p4"]
    assert ids(ix, "border AND NOT wakhan") == ["p4"]
    assert set(ids(ix, "(wakhan OR frontier) border")) == {"p1", "p4"}


def test_prefix_and_explicit_fuzzy(ix: SearchIndex) -> None:
    assert ids(ix, "corrid*") == ["p1"]
    assert ids(ix, "corrider~") == ["p1"]


def test_fuzzy_fallback(ix: SearchIndex) -> None:
    res = ix.search("corrdor")
    assert res.fuzzy and [h.id for h in res.hits] == ["p1"]
    assert not res.hits[0].exact
    assert res.notices == ["Showing close matches for “corrdor”"]
    assert res.suggestions == ["corridor"]
    exact = ix.search("corridor")
    assert not exact.fuzzy and exact.hits[0].exact and exact.suggestions == []


def test_did_you_mean_gives_a_real_word(ix: SearchIndex) -> None:
    res = ix.search("clashis")
    assert res.fuzzy and res.suggestions == ["clashes"]


def test_no_fuzzy_for_short_words(ix: SearchIndex) -> None:
    assert ix.search("tas").hits == []


def test_alias_expansion(ix: SearchIndex) -> None:
    def expand(term: str) -> list[str]:
        return {"rahmon": ["рахмон"]}.get(term, [])

    assert ids(ix, "title:Rahmon") == []
    assert set(ids(ix, "rahmon", expand=expand)) == {"p1", "p5"}


def test_entity_keys(ix: SearchIndex) -> None:
    assert ids(ix, "entity:president", entity_keys=lambda v: ["rahmon"]) == ["p1"]


def test_ranking_title_above_body(ix: SearchIndex) -> None:
    assert ids(ix, "frontier OR wakhan")[0] == "p4"


def test_snippet_highlights(ix: SearchIndex) -> None:
    hit = ix.search("corridor").hits[0]
    assert f"{HL_START}corridor{HL_END}" in hit.snippet
    res = ix.search("塔吉克斯坦")
    assert f"{HL_START}塔吉克斯坦{HL_END}" in res.hits[0].snippet
    assert res.terms == ["塔吉", "吉克", "克斯", "斯坦"] or res.terms


def test_counts_over_all_matches(ix: SearchIndex) -> None:
    res = ix.search("", limit=1)
    assert res.tag_counts["place"] == 2 and res.tag_counts["place/wakhan"] == 1
    assert res.source_counts["Eurasianet report"] == 2
    assert len(res.hits) == 1 and res.total == 5


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced',
        "(border",
        "AND",
        "*",
        "~",
        "foo:bar",
        "x" * 10_000,
        "a\x00b",
        "\ud800",
        "\u200f\u202e",
        "published:>",
        "grade:Z9",
        "tag:",
        "-",
        "()",
        "w*",
    ],
)
def test_malformed_queries_never_raise(ix: SearchIndex, text: str) -> None:
    res = ix.search(text)
    assert isinstance(res.total, int)


def test_upsert_is_visible_immediately_and_replaces(ix: SearchIndex) -> None:
    old = ix.search("wakhan").hits[0]
    ix.upsert([dataclasses.replace(DOCS[0], body="Edited: the Murghab plateau.")], generation=2)
    assert ids(ix, "murghab") == ["p1"]
    assert ids(ix, "wakhan") == ["p1"]  # still in the tag text, once
    assert ids(ix, "clashes") == []
    assert ix.doc_count() == 6 and ix.generation == 2 and old.id == "p1"
    for n in range(3):
        ix.upsert([doc(f"p{10 + n}", f"fresh note {n}")], generation=3 + n)
    assert len(ids(ix, "fresh")) == 3


def test_delete(ix: SearchIndex) -> None:
    ix.delete(["p1", "nope"], generation=5)
    assert ids(ix, "wakhan") == []
    assert "p1" not in ix.ids() and ix.doc_count() == 5


def test_ids_and_optimize(ix: SearchIndex) -> None:
    ix.upsert([doc("p20", "one")], generation=2)
    ix.upsert([doc("p21", "two")], generation=3)
    assert ix.segment_count() >= 2
    ix.optimize()
    assert ix.segment_count() == 1
    got = ix.ids()
    assert set(got) == {f"p{n}" for n in (1, 2, 3, 4, 5, 6, 20, 21)}
    assert got["p1"] == "2026-01-01T00:00:00Z"
    assert ids(ix, "two") == ["p21"]


def test_rebuild_cancel_keeps_old(ix: SearchIndex, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    many = [doc(f"p{n}", f"bulk {n}") for n in range(100, 700)]
    done = ix.rebuild(many, total=600, generation=9, progress=lambda a, b: seen.append((a, b)),
                      cancel=lambda: len(seen) >= 2)  # fmt: skip
    assert done is False and ix.generation == 1
    assert ids(ix, "wakhan") == ["p1"]
    assert not (tmp_path / "index.new").exists()
    assert ix.rebuild(many, total=600, generation=9)
    assert ix.doc_count() == 600 and ids(ix, "wakhan") == []


def test_killed_swap_is_recovered(ix: SearchIndex, tmp_path: Path) -> None:
    ix.close()
    (tmp_path / "index").rename(tmp_path / "index.old")
    again = SearchIndex.open(tmp_path / "index")
    assert again.status == "ok" and ids(again, "wakhan") == ["p1"]
    again.close()


def test_wildcard_expansion_is_capped(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "i")
    body = " ".join(f"w{n:04d}x" for n in range(600))
    index.upsert([doc("p1", body)], generation=1)
    res = index.search("w*")
    assert res.hits and any("first 512" in n for n in res.notices)
    index.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=60))
def test_arbitrary_queries_never_raise(ix: SearchIndex, text: str) -> None:
    res = ix.search(text, limit=5)
    assert res.total >= 0 and ix.status == "ok"


def test_an_index_from_an_older_format_is_outdated_but_searchable(
    ix: SearchIndex, tmp_path: Path
) -> None:
    import json

    stamp = tmp_path / "index" / "desk-generation.json"
    data = json.loads(stamp.read_text())
    assert data["format"] >= 2
    del data["format"]  # what Desk 0.1 wrote
    stamp.write_text(json.dumps(data))
    ix.close()
    old = SearchIndex.open(tmp_path / "index")
    assert old.status == "outdated" and old.generation == 1
    assert ids(old, "wakhan") == ["p1"]  # still answers until it is rebuilt
    assert old.rebuild(DOCS, total=len(DOCS), generation=2)
    old.close()
    again = SearchIndex.open(tmp_path / "index")
    assert again.status == "ok"
    again.close()
