"""Entity and date analysis find exactly what they found before they were sped up.

``tests/fixtures/analysis_expected.json`` holds the mentions and dates found
by the analysis as it was before its prefilters and faster folding (seed
article paragraphs, the Chinese, Dari and Russian clipping fixtures, passages
of ``tests/perf/bench_analysis.py`` and of the perf corpus), with the seed
gazetteer. A change that alters any of them must be deliberate: regenerate
the file and say why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desk.core.analysis.dates import extract_dates
from desk.core.analysis.entities import EntityMatcher, fold_with_offsets
from desk.core.analysis.gazetteer import load_gazetteer
from desk.core.text import fold_keep_offsets
from desk.paths import seeds_dir

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "analysis_expected.json"


@pytest.fixture(scope="module")
def matcher() -> EntityMatcher:
    return EntityMatcher(load_gazetteer(seeds_dir() / "gazetteer.yaml"))


def _expected() -> list[dict[str, Any]]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_analysis_finds_what_was_recorded(matcher: EntityMatcher) -> None:
    items = _expected()
    assert len(items) > 100 and sum(len(i["dates"]) for i in items) > 100
    for item in items:
        text = item["text"]
        mentions = [[m.entity_key, m.start, m.end, m.surface] for m in matcher.find(text)]
        dates = [
            [d.date, d.precision, d.start, d.end, d.text, d.approximate]
            for d in extract_dates(text, item["published"])
        ]
        assert (mentions, dates) == (item["mentions"], item["dates"]), item["where"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ascii - with a hyphen\x00and a NUL",
        "Rakhmón’s RAKHMON Таджикистана",
        "ﬁne ligature ß straße İstanbul",
        "e\u0301 \u200c زن\u200cها",
        "中国·北京 埃莫马利・拉赫蒙",
        "Ⅻ ㎞ ＡＢＣ",
    ],
)
def test_fast_fold_is_fold_keep_offsets(text: str) -> None:
    folded, origin = fold_with_offsets(text)
    slow, slow_origin = fold_keep_offsets(text)
    assert folded == slow
    assert (origin or list(range(len(text) + 1))) == slow_origin
