"""Throughput of the analysis core: entity finding and date extraction.

Run ``python tests/perf/bench_analysis.py``. Builds a deterministic
500-entity gazetteer (Latin, Cyrillic, Chinese and Persian spellings,
acronyms) and 5,000 passages of 300 to 2,000 characters in mixed English,
Russian and Chinese, then prints passages per second (median of 5 runs).
The target is at least 2,000 passages/s for each.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desk.core.analysis.dates import extract_dates
from desk.core.analysis.entities import EntityMatcher
from desk.core.analysis.gazetteer import ENTITY_KINDS, GazetteerEntry

SEED = 20211028
N_ENTITIES = 500
N_PASSAGES = 5000
RUNS = 5

_LATIN = "bcdfghjklmnprstvz"
_VOWELS = "aeiou"
_CYR = "бвгдзклмнпрстфхаеиоуя"
# 400 distinct Han characters, so Chinese spellings do not share a few first characters.
_HAN = "中国北京塔吉克斯坦阿富汗伊斯兰运动组织边境安全部队新疆瓦罕走廊主席政府联合报告" + "".join(
    chr(0x4E00 + 37 * i) for i in range(360)
)
_PERSIAN = "ابپتجچحخدرزسشصعفقکگلمنوهی"

_EN = (  # noqa: SIM905
    "the parliament said that China will finance construction of a security outpost near "
    "its border with Afghanistan and analysts say the facility is a spy station in all but "
    "name while police forces will monitor militant groups across the mountains reports "
    "indicate fighters operating in the region were assisting government forces"
).split()
_RU = (  # noqa: SIM905
    "парламент заявил что Китай профинансирует строительство пограничной заставы на границе "
    "с Афганистаном аналитики считают что объект будет использоваться для наблюдения"
).split()
_ZH = "塔吉克斯坦议会表示中国将资助在其与阿富汗边境附近建设安全哨所分析人士认为该设施实际上是一个情报站"
_DATES = [
    "on October 28",
    "in June 2021",
    "back in 2006",
    "in August this year",
    "since at least 2015",
    "28 октября 2021 года",
    "2021年10月28日",
    "last month",
    "a decade ago",
    "mid-2020",
    "US$8.5 million",
    "1,300-kilometer",
]


def _word(rng: random.Random, letters: str = _LATIN) -> str:
    n = rng.randint(2, 4)
    return "".join(rng.choice(letters) + rng.choice(_VOWELS) for _ in range(n))


def make_gazetteer(rng: random.Random) -> list[GazetteerEntry]:
    entries = []
    for i in range(N_ENTITIES):
        words = [_word(rng).capitalize() for _ in range(rng.randint(1, 3))]
        name = " ".join(words)
        aliases = [words[-1]] if len(words) > 1 else []
        aliases.append("".join(rng.choice(_CYR) for _ in range(rng.randint(4, 9))).capitalize())
        aliases.append("".join(rng.choice(_HAN) for _ in range(rng.randint(2, 5))))
        aliases.append("".join(rng.choice(_PERSIAN) for _ in range(rng.randint(3, 7))))
        if i % 5 == 0:
            aliases.append("".join(w[0] for w in words).upper() + rng.choice("KMX"))
        entries.append(
            GazetteerEntry(
                key=f"e{i}",
                name=name,
                kind=ENTITY_KINDS[i % len(ENTITY_KINDS)],
                aliases=tuple(aliases),
            )
        )
    return entries


def make_passages(rng: random.Random, entries: list[GazetteerEntry]) -> list[str]:
    passages = []
    for _ in range(N_PASSAGES):
        target = rng.randint(300, 2000)
        script = rng.random()
        parts: list[str] = []
        size = 0
        while size < target:
            roll = rng.random()
            if roll < 0.08:
                piece = rng.choice(rng.choice(entries).spellings())
            elif roll < 0.11:
                piece = rng.choice(_DATES)
            elif script < 0.6:
                piece = rng.choice(_EN)
            elif script < 0.85:
                piece = rng.choice(_RU)
            else:
                start = rng.randrange(len(_ZH) - 6)
                piece = _ZH[start : start + rng.randint(2, 6)]
            parts.append(piece)
            size += len(piece) + 1
        passages.append(" ".join(parts)[:target])
    return passages


def _rate(fn, passages: list[str]) -> tuple[float, float]:
    """Passages per second by wall clock and by this process's CPU time.

    The CPU figure is steadier when other processes share the machine.
    """
    wall, cpu = [], []
    for _ in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        for passage in passages:
            fn(passage)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    n = len(passages)
    return n / statistics.median(wall), n / statistics.median(cpu)


def main() -> None:
    rng = random.Random(SEED)
    entries = make_gazetteer(rng)
    passages = make_passages(rng, entries)
    t0 = time.perf_counter()
    matcher = EntityMatcher(entries)
    build = time.perf_counter() - t0
    mean_len = sum(map(len, passages)) / len(passages)
    print(f"{len(entries)} entities, {len(passages)} passages, mean {mean_len:.0f} chars")
    print(f"matcher build: {build * 1000:.0f} ms")
    for label, fn in (
        ("entities", matcher.find),
        ("dates", lambda p: extract_dates(p, "2021-11")),
    ):
        wall, cpu = _rate(fn, passages)
        print(f"{label + ':':10}{wall:8,.0f} passages/s wall, {cpu:8,.0f} passages/s CPU")


if __name__ == "__main__":
    main()
