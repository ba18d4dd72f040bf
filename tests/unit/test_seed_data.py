"""The sample collection and the gazetteer in seeds/ are readable, consistent data.

No Qt and no project code: only PyYAML and the files themselves, so these
checks hold whatever the loader that reads them does.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
SEED_NAME = "000_ba4f672ab29fddc4.txt"

PASSAGE_KINDS = {"passage", "standfirst"}
LINK_KINDS = {"relates", "supports", "contradicts", "same-event"}
ENTITY_KINDS = {"person", "organisation", "place", "facility", "programme", "event"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_PATH = re.compile(r"^[a-z0-9-]+(?:/[a-z0-9-]+)+$")

# Every actor and place the seed README names (../shared/seeds/README.md),
# plus the ones the collection leans on. Each must resolve to an entity by its
# name or one of its aliases.
README_NAMES = [
    "China",
    "Tajikistan",
    "Afghanistan",
    "Taliban",
    "Haqqani network",
    "ETIM",
    "East Turkistan Islamic Movement",
    "Turkistan Islamic Party",
    "ISIS-K",
    "Islamic State-Khorasan",
    "Jamaat Ansarullah",
    "Mahdi Arsalon",
    "Emomali Rahmon",
    "Xi Jinping",
    "Wang Yi",
    "Mullah Abdul Ghani Baradar",
    "UN",
    "United Nations",
    "SCO",
    "Belt and Road Initiative",
    "BRI",
    "CPEC",
    "NATO",
    "United States",
    "al-Qaeda",
    "Uighurs",
    "Radio Free Europe",
    "Asia Times",
    "Majlisi Oli",
    "Tajik interior ministry",
    "Vakhon",
    "Gorno-Badakhshan",
    "Pamirs",
    "Xinjiang",
    "Badakhshan province",
    "Wakhan corridor",
    "Murghab",
    "Shaymak",
    "Dushanbe",
    "Pyandj",
    "Kabul",
    "Qatar",
    "Doha",
    "Central Asia",
    "Beijing",
]

# Spellings that the article itself uses: each must be a gazetteer name or
# alias, and must really occur in article.txt, so that a mention finder run on
# the seed finds them.
ARTICLE_SPELLINGS = [
    "Rakhmon",
    "Rahmon",  # only in a photo caption, see test_rahmon_spelling_is_caption_only
    "Emomali Rakhmon",
    "Jamaat Ansarullah",
    "Ansarullah",
    "Ansorullo",
    "Tajik Taliban",
    "Arsalon",
    "Mahdi Arsalon",
    "ETIM",
    "East Turkistan Islamic Movement",
    "ISIS-K",
    "Islamic State-Khorasan",
    "Haqqani network",
    "Xi Jinping",
    "Wang Yi",
    "Baradar",
    "Mullah Abdul Ghani Baradar",
    "al-Qaeda",
    "Uighur",
    "NATO",
    "US",
    "SCO",
    "Shanghai Cooperation Organization",
    "BRI",
    "Belt and Road Initiative",
    "CPEC",
    "China-Pakistan Economic Corridor",
    "Radio Free Europe",
    "Asia Times",
    "Vakhon",
    "Gorno-Badakhshan",
    "Gorno-Badakhshan Autonomous Province",
    "Pamir",
    "Xinjiang",
    "Badakhshan province",
    "Wakhan",
    "Wakhan corridor",
    "Murghab",
    "Shaymak",
    "Pyandj",
    "Dushanbe",
    "Kabul",
    "Qatar",
    "Beijing",
    "Central Asia",
    "Tajikistan-Afghanistan border",
]


def _load(name: str):
    with (SEEDS / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def collection() -> dict:
    return _load("collection.yaml")


@pytest.fixture(scope="module")
def entities() -> list[dict]:
    return _load("gazetteer.yaml")["entities"]


@pytest.fixture(scope="module")
def article() -> str:
    return (SEEDS / "article.txt").read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def passages(collection) -> list[dict]:
    return collection["passages"]


def _shared_seed() -> Path | None:
    candidates = []
    if os.environ.get("DESK_SEED_DIR"):
        candidates.append(Path(os.environ["DESK_SEED_DIR"]) / SEED_NAME)
    candidates += [
        REPO.parent / "shared" / "seeds" / SEED_NAME,
        Path("/work/shared/seeds") / SEED_NAME,
    ]
    return next((p for p in candidates if p.is_file()), None)


# --- the article -----------------------------------------------------------


def test_article_is_byte_identical_to_the_seed():
    seed = _shared_seed()
    if seed is None:
        pytest.skip("shared seed document not available")
    assert (SEEDS / "article.txt").read_bytes() == seed.read_bytes()


def test_source_points_at_the_article(collection):
    assert collection["source"]["text_file"] == "article.txt"
    assert (SEEDS / collection["source"]["text_file"]).is_file()


# --- the source ------------------------------------------------------------


def test_source_fields(collection):
    src = collection["source"]
    assert src["title"] == "China looks to Tajiks to spy Afghan terror risks"
    assert src["publisher"] == "Asia Times"
    assert src["language"] == "en"
    assert src["reliability"] in set("ABCDEF")
    assert src["note"] and len(src["note"]) > 100
    assert src["url"] is None or src["url"].startswith("https://asiatimes.com/2021/11/")


def test_published_is_the_articles_date_not_the_banner(collection):
    published = str(collection["source"]["published"])
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", published)
    assert published.startswith("2021")


# --- passages --------------------------------------------------------------


def test_enough_passages_with_unique_slug_ids(passages):
    assert len(passages) >= 15
    ids = [p["id"] for p in passages]
    assert len(ids) == len(set(ids))
    assert all(SLUG.match(i) for i in ids)


def test_every_quote_occurs_exactly_once(passages, article):
    for p in passages:
        assert article.count(p["quote"]) == 1, p["id"]


def test_quotes_keep_out_page_chrome(passages):
    for p in passages:
        q = p["quote"]
        assert "Photo:" not in q, p["id"]
        assert "We're Live" not in q, p["id"]
        assert "(1)" not in q, p["id"]


def test_passage_fields(passages):
    for p in passages:
        assert p["kind"] in PASSAGE_KINDS, p["id"]
        assert isinstance(p["title"], str) and p["title"].strip(), p["id"]
        assert p["tags"], p["id"]
    assert sum(p["kind"] == "standfirst" for p in passages) == 1


def test_credibility_in_range_and_few_ungraded(passages):
    ungraded = [p["id"] for p in passages if "credibility" not in p]
    assert len(ungraded) <= 2
    for p in passages:
        if "credibility" in p:
            c = p["credibility"]
            assert isinstance(c, int) and not isinstance(c, bool), p["id"]
            assert 1 <= c <= 6, p["id"]


def test_the_uncorroborated_report_is_graded_below_the_official_statement(passages):
    by_id = {p["id"]: p for p in passages}
    assert by_id["p-rfe-handover-claim"]["credibility"] >= 4
    assert by_id["p-no-chinese-troops"]["credibility"] <= 2


def test_enough_annotations(passages):
    notes = [a for p in passages for a in p.get("annotations", [])]
    assert len(notes) >= 5
    assert all(isinstance(a, str) and a.strip() for a in notes)


# --- tags ------------------------------------------------------------------


def test_tags_declared_described_and_used(collection, passages):
    declared = [t["path"] for t in collection["tags"]]
    assert len(declared) == len(set(declared))
    assert all(TAG_PATH.match(t) for t in declared)
    assert all(t["description"].strip() for t in collection["tags"])
    used = {t for p in passages for t in p["tags"]}
    assert used <= set(declared), used - set(declared)
    assert len(used) >= 8


# --- links -----------------------------------------------------------------


def test_links_are_typed_and_point_at_passages(collection, passages):
    ids = {p["id"] for p in passages}
    links = collection["links"]
    assert len(links) >= 5
    pairs = set()
    for link in links:
        assert link["from"] in ids, link
        assert link["to"] in ids, link
        assert link["from"] != link["to"], link
        assert link["kind"] in LINK_KINDS, link
        pair = (link["from"], link["to"])
        assert pair not in pairs, link
        pairs.add(pair)


def test_required_links(collection):
    links = {(k["from"], k["to"]): k["kind"] for k in collection["links"]}

    def linked(a, b):
        return links.get((a, b)) or links.get((b, a))

    # Vakhon outpost <-> Shaymak base <-> Wakhan corridor (guards since 2015)
    assert linked("p-outpost-location", "p-shaymak-base")
    assert linked("p-shaymak-base", "p-border-guards-2015")
    assert linked("p-un-foreign-fighters", "p-etim-china-wary")
    assert links[("p-wang-conditions", "p-china-presses-taliban-etim")] == "supports"
    assert links[("p-rfe-handover-claim", "p-no-chinese-troops")] == "contradicts"


# --- saved searches --------------------------------------------------------


def test_saved_searches(collection):
    searches = collection["saved_searches"]
    assert len(searches) >= 2
    names = [s["name"] for s in searches]
    assert len(names) == len(set(names))
    assert all(s["query"].strip() for s in searches)
    keys = {e["key"] for e in _load("gazetteer.yaml")["entities"]}
    tags = {t["path"] for t in collection["tags"]}
    for s in searches:
        for key in re.findall(r"entity:(\S+)", s["query"]):
            assert key in keys, s
        for tag in re.findall(r"tag:(\S+)", s["query"]):
            assert tag in tags, s


# --- gazetteer -------------------------------------------------------------


def test_gazetteer_shape(entities):
    assert 45 <= len(entities) <= 60
    keys = [e["key"] for e in entities]
    assert len(keys) == len(set(keys))
    for e in entities:
        assert SLUG.match(e["key"]), e["key"]
        assert e["kind"] in ENTITY_KINDS, e["key"]
        assert e["name"].strip(), e["key"]
        assert e["description"].strip(), e["key"]


def test_aliases_are_clean(entities):
    for e in entities:
        aliases = e["aliases"]
        assert aliases, e["key"]
        for a in aliases:
            assert isinstance(a, str), (e["key"], a)
            assert a.strip() and a == a.strip(), (e["key"], a)
        folded = [n.casefold() for n in [e["name"], *aliases]]
        assert len(folded) == len(set(folded)), e["key"]


def test_no_alias_names_two_entities(entities):
    owners: dict[str, list[str]] = {}
    for e in entities:
        for n in {e["name"].casefold(), *(a.casefold() for a in e["aliases"])}:
            owners.setdefault(n, []).append(e["key"])
    shared = {n: ks for n, ks in owners.items() if len(ks) > 1}
    assert not shared


def test_ambiguous_common_words_are_not_aliases(entities):
    # Common words in English or Persian that happen to be names.
    banned = {"wang", "xi", "center", "دوشنبه", "رحمان", "برادر"}
    for e in entities:
        for a in e["aliases"]:
            assert a.casefold() not in banned, (e["key"], a)
            # "US" and "TIP" are only safe as acronyms (matched case-sensitively).
            if a.casefold() in {"us", "tip"}:
                assert a.isupper(), (e["key"], a)


def _names(entities) -> dict[str, str]:
    out = {}
    for e in entities:
        for n in [e["name"], *e["aliases"]]:
            out[n.casefold()] = e["key"]
    return out


@pytest.mark.parametrize("name", README_NAMES)
def test_readme_entity_present(entities, name):
    assert name.casefold() in _names(entities)


@pytest.mark.parametrize("spelling", ARTICLE_SPELLINGS)
def test_article_spelling_is_known_and_really_in_the_article(entities, article, spelling):
    assert spelling.casefold() in _names(entities), spelling
    assert spelling in article, spelling


def test_variant_spellings_fold_to_one_entity(entities):
    names = _names(entities)
    assert names["rakhmon"] == names["rahmon"] == "emomali-rahmon"
    assert names["ansarullah"] == names["ansorullo"] == "jamaat-ansarullah"
    assert names["isis-k"] == names["islamic state-khorasan"] == "isis-k"
    assert names["etim"] == names["turkistan islamic party"] == "etim"


def test_rahmon_spelling_is_caption_only(article, passages):
    # "Rahmon" is in a photo caption only; captions are not passages.
    assert "Rahmon" in article
    assert not any("Rahmon" in p["quote"] for p in passages)
    assert any("Rakhmon" in p["quote"] for p in passages)


def test_every_script_is_represented(entities):
    aliases = [a for e in entities for a in e["aliases"]]

    def count(pattern):
        return sum(bool(re.search(pattern, a)) for a in aliases)

    assert count(r"[\u0400-\u04FF]") >= 40  # Russian and Tajik Cyrillic
    assert count(r"[\u4E00-\u9FFF]") >= 30  # Chinese
    assert count(r"[\u0600-\u06FF]") >= 20  # Persian / Dari
    assert Counter(e["kind"] for e in entities)["person"] >= 5
