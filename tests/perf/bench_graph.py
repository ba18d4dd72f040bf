"""Link-graph layout time, entity+date analysis rate, and an entity re-scan.

Run ``python tests/perf/bench_graph.py``. Prints, each the median of 5 runs:

- the Fruchterman–Reingold layout (``desk.core.analysis.graph.layout``) of
  graphs of 100, 500 and 1,000 nodes shaped like Desk's (60 % passages each
  mentioning about three entities, 40 % entities, a few typed links), plus
  the overlap-removal pass the graph view runs after it. Target: 500 nodes
  in at most 1 s;
- entity finding plus date extraction, passages per second, on the 5,000
  generated passages and 500-entity gazetteer of ``bench_analysis.py``;
- ``Library.add_alias`` on a library of 2,000 of those passages: the full
  re-scan (every passage's mentions recomputed in one transaction) and the
  re-index of the passages that changed.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis import make_gazetteer, make_passages  # type: ignore[import-not-found]

from desk.core.analysis.dates import extract_dates
from desk.core.analysis.entities import EntityMatcher
from desk.core.analysis.graph import layout, remove_overlaps

SEED = 20211028
RUNS = 5
SIZES = (100, 500, 1000)
TARGET_500 = 1.0
RESCAN_PASSAGES = 2000


def make_graph(n: int, rng: random.Random) -> tuple[list[str], list[tuple[str, str]]]:
    """A graph like the view's: passages mention entities, some passages link."""
    n_passages = int(n * 0.6)
    passages = [f"p:{i}" for i in range(n_passages)]
    entities = [f"e:{i}" for i in range(n - n_passages)]
    edges: list[tuple[str, str]] = []
    for p in passages:
        # Skewed: a few entities ("China") are mentioned by many passages.
        for _ in range(rng.randint(1, 5)):
            edges.append((p, entities[int(len(entities) * rng.random() ** 2)]))
    for _ in range(n_passages // 3):
        edges.append((rng.choice(passages), rng.choice(passages)))
    return passages + entities, edges


def bench_layout() -> bool:
    rng = random.Random(SEED)
    ok = True
    print("layout (Fruchterman–Reingold, grid repulsion), median of 5:")
    for n in SIZES:
        nodes, edges = make_graph(n, rng)
        times, overlap_times = [], []
        for run in range(RUNS):
            t0 = time.perf_counter()
            pos = layout(nodes, edges, seed=run, pinned=nodes[0])
            times.append(time.perf_counter() - t0)
            boxes = {
                nid: (
                    x * 290,
                    y * 170,
                    90.0 if nid[0] == "p" else 60.0,
                    24.0 if nid[0] == "p" else 15.0,
                )
                for nid, (x, y) in pos.items()
            }
            t0 = time.perf_counter()
            remove_overlaps(boxes, gap=14, pinned=nodes[0])
            overlap_times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        flag = ""
        if n == 500:
            ok = median <= TARGET_500
            flag = "  OK (target ≤ 1 s)" if ok else "  TOO SLOW (target ≤ 1 s)"
        print(
            f"  {n:5} nodes, {len(edges):5} edges: {median * 1000:7.0f} ms layout, "
            f"{statistics.median(overlap_times) * 1000:5.0f} ms overlap removal{flag}"
        )
    return ok


def bench_analysis() -> None:
    rng = random.Random(SEED)
    entries = make_gazetteer(rng)
    passages = make_passages(rng, entries)
    matcher = EntityMatcher(entries)

    def analyse(text: str) -> None:
        matcher.find(text)
        extract_dates(text, "2021-11")

    wall = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        for text in passages:
            analyse(text)
        wall.append(time.perf_counter() - t0)
    rate = len(passages) / statistics.median(wall)
    print(
        f"entity + date analysis: {rate:8,.0f} passages/s "
        f"({len(entries)} entities, {len(passages)} passages)"
    )


def bench_rescan() -> None:
    from desk.core.types import PassageDraft, SourceDraft
    from desk.library import Library

    rng = random.Random(SEED)
    entries = make_gazetteer(rng)
    texts = make_passages(rng, entries)[:RESCAN_PASSAGES]
    # Sprinkle a spelling the gazetteer does not know yet, to be added as an alias.
    texts = [t + (" Jamoati Ansorulloh" if i % 10 == 0 else "") for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp, Library.open(Path(tmp) / "lib") as lib:
        lib.create(
            SourceDraft(title="bench"),
            [PassageDraft(body=t, title=f"p{i}") for i, t in enumerate(texts)],
        )
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            changes = lib.add_alias("jamaat-ansarullah", "Jamoati Ansorulloh")
            times.append(time.perf_counter() - t0)
            lib.undo()
        median = statistics.median(times)
        print(
            f"add_alias re-scan of {len(texts)} passages: {median * 1000:6.0f} ms "
            f"({len(texts) / median:,.0f} passages/s; {len(changes.passages)} re-indexed)"
        )


def main() -> int:
    ok = bench_layout()
    bench_analysis()
    bench_rescan()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
