"""Benchmark queries, edits and opening against an existing library (not collected by pytest).

Usage::

    python tests/perf/bench_queries.py /tmp/desk-100k          # a library folder
    python tests/perf/bench_queries.py /tmp/desk-100k --repeat 60 --edits 60

``bench_search.py`` builds its index from the generated corpus every run (the
rebuild is part of what it measures); this script reuses a library that is
already on disk, such as the one ``bench_window.py --library DIR`` builds, so the
query figures can be taken in a minute on a quiet machine. It works on a copy of
the folder (the original is never written).

For each query class of ``bench_search.QUERIES`` it prints the first run (cold:
postings not cached yet) and the warm median and p95, wall clock and this
process's CPU time (on a loaded machine wall clock is inflated; CPU time is not),
without browse counts (what ``desk search`` asks for) and, for words, with them
(what a browse pane would ask for). "phrase, first time" asks each of
``FIRST_PHRASES`` once with no cached answer for it: first with its words' postings
cached (their plain And asked just before: search as you type asks the words
before the closing quote), then with the whole evaluator cache cleared before each
(cold: the postings are read from the index). Then: edit saved (SQLite + index) and edit
visible in search, and opening the library plus a first query.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desk.library import Library
from tests.perf.bench_search import QUERIES, pct


def clocked(fn: Callable[[], object]) -> tuple[float, float, object]:
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t, time.process_time() - c, out


def line(label: str, wall: list[float], cpu: list[float], extra: str = "") -> None:
    w50, w95 = pct(wall)
    c50, c95 = pct(cpu)
    print(
        f"  {label:<24} wall p50 {w50:7.1f} p95 {w95:7.1f} ms   "
        f"cpu p50 {c50:7.1f} p95 {c95:7.1f} ms  {extra}"
    )


# Distinct phrases, none in QUERIES: topical pairs of several densities (~10 to ~21k
# matches in the 100k corpus), names, Russian and quoted Chinese (a phrase of bigrams).
FIRST_PHRASES = [
    '"tajik afghan"',
    '"sino tajik"',
    '"border security"',
    '"military exercise"',
    '"border guard"',
    '"militant group"',
    '"wakhan corridor"',
    '"president rahmon"',
    '"drone base"',
    '"railway investment"',
    '"железная дорога"',
    '"министерство обороны"',
    '"瓦罕走廊"',
    '"塔吉克斯坦 边境"',
]


def bench_first_phrases(lib: Library) -> None:
    cache = lib._index._segment_cache
    for label, cold in (("phrase, first time", False), ("phrase, first, cold", True)):
        wall: list[float] = []
        cpu: list[float] = []
        totals = []
        for q in FIRST_PHRASES:
            if cold:
                cache.clear()
            else:
                lib.search(q.strip('"'), limit=20, counts=False)  # the words, unquoted
            w, c, res = clocked(lambda q=q: lib.search(q, limit=20, counts=False))
            wall.append(w)
            cpu.append(c)
            totals.append(res.total)  # type: ignore[attr-defined]
        extra = f"cpu max {max(cpu) * 1000:.0f} ms; {min(totals):,} to {max(totals):,} hits"
        line(label, wall, cpu, extra)


def bench_open(path: Path) -> None:
    wall, cpu, total = clocked(
        lambda: _open_and_search(path)  # a fresh process would add ~0.3 s of imports
    )
    print(
        f"  open + first query       wall {wall * 1000:7.1f} ms   cpu {cpu * 1000:7.1f} ms  {total}"
    )


def _open_and_search(path: Path) -> str:
    with Library.open(path) as lib:
        res = lib.search("border", limit=20, counts=False)
        return f"({res.total:,} hits, index {lib._index.status})"


def bench_queries(lib: Library, repeat: int) -> None:
    for cls, qs in QUERIES.items():
        cold_w: list[float] = []
        cold_c: list[float] = []
        wall: list[float] = []
        cpu: list[float] = []
        totals = []
        for q in qs:
            w, c, res = clocked(lambda q=q: lib.search(q, limit=20, counts=False))
            cold_w.append(w)
            cold_c.append(c)
            totals.append(res.total)  # type: ignore[attr-defined]
        for _ in range(max(1, repeat // len(qs))):
            for q in qs:
                w, c, _res = clocked(lambda q=q: lib.search(q, limit=20, counts=False))
                wall.append(w)
                cpu.append(c)
        avg = statistics.mean(totals)
        line(cls, wall, cpu, f"first run cpu max {max(cold_c) * 1000:.0f} ms; ~{avg:,.0f} hits")
    wall, cpu = [], []
    for _ in range(max(1, repeat // len(QUERIES["word"]))):
        for q in QUERIES["word"]:
            w, c, _res = clocked(lambda q=q: lib.search(q, limit=20, counts=True))
            wall.append(w)
            cpu.append(c)
    line("word, with counts", wall, cpu)


def bench_edits(lib: Library, edits: int) -> None:
    ids = [h.id for h in lib.search("", limit=edits * 13 + 1, counts=False).hits][::13][:edits]
    save_w: list[float] = []
    save_c: list[float] = []
    vis_w: list[float] = []
    vis_c: list[float] = []
    for k, pid in enumerate(ids):
        word = f"zqbench{k}x"
        t, c = time.perf_counter(), time.process_time()
        lib.annotate(pid, f"checked {word}")
        save_w.append(time.perf_counter() - t)
        save_c.append(time.process_time() - c)
        res = lib.search(word, limit=20, counts=False)
        vis_w.append(time.perf_counter() - t)
        vis_c.append(time.process_time() - c)
        assert [h.id for h in res.hits] == [pid], (word, res.total)
    line("edit: saved", save_w, save_c, f"segments {lib._index.segment_count()}")
    line("edit: visible", vis_w, vis_c)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("library", type=Path)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--only-phrases", action="store_true", help="first-time phrases only")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="desk-bench-q-"))
    try:
        copy = tmp / "lib"
        shutil.copytree(args.library, copy, ignore=shutil.ignore_patterns("backups", ".desk.lock"))
        (copy / "backups").mkdir()
        today = time.strftime("%Y%m%d")  # no daily backup inside the timings
        (copy / "backups" / f"desk-{today}-000000-daily.sqlite").touch()
        with Library.open(copy) as lib:
            n = lib.stats()["passages"]
            print(f"== {n:,} passages ({args.library}) ==")
            lib.search("", limit=20, counts=False)
        if not args.only_phrases:
            bench_open(copy)
        with Library.open(copy) as lib:
            if not args.only_phrases:
                bench_queries(lib, args.repeat)
            bench_first_phrases(lib)  # after: it clears the cache the others warmed
            if not args.only_phrases:
                bench_edits(lib, args.edits)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
