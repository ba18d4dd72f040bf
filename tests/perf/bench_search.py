"""Benchmark the search index (plain script; not collected by pytest).

Usage::

    python tests/perf/bench_search.py            # 10k passages
    python tests/perf/bench_search.py --full     # also 100k
    python tests/perf/bench_search.py --n 3000 --procs 2    # default: as the app does
    python tests/perf/bench_search.py --reindex /tmp/desk-100k   # a copy, from SQLite

Reports median and p95 per query class, edit-save and edit-visible latency, bulk
indexing rate, rebuild time, open + first query, and the same queries on SQLite FTS5
(unicode61) over the same passages as a baseline.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desk.core.search import SearchIndex, bulk
from tests.perf.corpus import generate

QUERIES: dict[str, list[str]] = {
    "word": ["border", "smuggling", "pipeline", "Rahmon", "garrison", "drone", "treaty"],
    "two words": ["border security", "militant attack", "railway investment", "drone base"],
    "phrase": [
        '"joint patrol"',
        '"security cooperation"',
        '"tajik afghan"',
        '"customs checkpoint"',
    ],
    "field": [
        "title:border",
        "tag:place/gbao",
        "grade:B2 border",
        "published:2021 drone",
        "lang:ru",
    ],
    "russian": ["Таджикистане", "граница", "пограничники", "контрабанда"],
    "chinese": ["边境", "塔吉克斯坦 边境", "瓦罕走廊", "無人機"],
    "prefix": ["secur*", "smugg*", "milit*", "pip*", "тадж*"],
    "fuzzy fallback": ["smugling", "garrisson", "pipelene", "survelance"],
    "empty": [""],
}
FTS_QUERIES = {
    "word": QUERIES["word"],
    "two words": QUERIES["two words"],
    "phrase": QUERIES["phrase"],
    "russian": QUERIES["russian"],
    "prefix": ["secur*", "smugg*", "milit*", "pip*", "тадж*"],
}


def pct(values: list[float]) -> tuple[float, float]:
    vals = sorted(values)
    p95 = vals[min(len(vals) - 1, round(0.95 * (len(vals) - 1)))]
    return statistics.median(vals) * 1000, p95 * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def row(label: str, values: list[float], extra: str = "") -> None:
    p50, p95 = pct(values)
    print(f"  {label:<22} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms  {extra}")


def index_mb(path: Path) -> float:
    """The index's size on disk, in MB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (index workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def bench_desk(n: int, tmp: Path, repeat: int, procs: int | None, optimize: bool) -> None:
    print(f"\n== Desk/Whoosh, {n:,} passages ==")
    print(f"  load average            {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    docs = list(generate(n))
    path = tmp / f"index-{n}"
    ix = SearchIndex.open(path)
    t, cpu = time.perf_counter(), cpu_seconds()
    ix.rebuild(docs, total=n, generation=1, procs=procs)
    dt, dcpu = time.perf_counter() - t, cpu_seconds() - cpu
    used = procs if procs is not None else bulk.default_procs(n)
    print(
        f"  rebuild (bulk)          {dt:8.1f} s    {n / dt:8.0f} passages/s  (procs={used}, "
        f"segments={ix.segment_count()}; CPU incl. workers {dcpu:.1f} s = "
        f"{n / max(dcpu, 1e-9):.0f} passages/CPU-s; {index_mb(path):.0f} MB on disk)"
    )
    ix.close()

    t = time.perf_counter()
    ix = SearchIndex.open(path)
    ix.search("border", limit=20)
    print(
        f"  open + first query      {(time.perf_counter() - t) * 1000:8.1f} ms  status={ix.status}"
    )
    ix.search("", limit=20)  # warm the per-segment count caches

    for cls, qs in QUERIES.items():
        times: list[float] = []
        totals = []
        for _ in range(max(1, repeat // len(qs))):
            for q in qs:
                t = time.perf_counter()
                res = ix.search(q, limit=20)
                times.append(time.perf_counter() - t)
                totals.append(res.total)
        row(cls, times, f"(avg {statistics.mean(totals):,.0f} hits)")

    save: list[float] = []
    visible: list[float] = []
    live = [d for d in docs if not d.trashed]
    for k in range(repeat):
        d = live[(k * 7919) % len(live)]
        word = f"zqedit{k}"
        edited = dataclasses.replace(d, body=d.body + f" {word}")
        t = time.perf_counter()
        ix.upsert([edited], generation=2 + k)
        save.append(time.perf_counter() - t)
        res = ix.search(word, limit=20)
        visible.append(time.perf_counter() - t)
        assert [h.id for h in res.hits] == [d.id], res
    row("edit: save (index)", save, f"segments={ix.segment_count()}")
    row("edit: visible", visible)
    if optimize:
        t = time.perf_counter()
        ix.optimize()
        print(f"  optimize                {time.perf_counter() - t:8.1f} s")
    ix.close()


def bench_reindex(library: Path, tmp: Path) -> None:
    """``Library.reindex`` of a copy of ``library`` (its SQLite file only)."""
    from desk.library import Library

    copy = tmp / "library"
    copy.mkdir()
    for f in library.glob("desk.sqlite*"):
        shutil.copy2(f, copy / f.name)
    print(f"\n== Library.reindex of a copy of {library} ==")
    print(f"  load average            {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    lib = Library.open(copy, repair=False)  # no index yet: leave it to reindex()
    n = lib.store.passage_count() + lib.store.passage_count(trashed=True)
    t, cpu = time.perf_counter(), cpu_seconds()
    lib.reindex()
    dt, dcpu = time.perf_counter() - t, cpu_seconds() - cpu
    print(
        f"  reindex                 {dt:8.1f} s    {n / dt:8.0f} passages/s  "
        f"(segments={lib.index.segment_count()}; CPU incl. workers {dcpu:.1f} s = "
        f"{n / max(dcpu, 1e-9):.0f} passages/CPU-s; {index_mb(lib.index.path):.0f} MB on disk)"
    )
    for q in ("border", '"joint patrol"', "Таджикистане", "secur*", ""):
        times = timed(lambda q=q: lib.search(q), 10)
        row(q or "(empty)", times)
    lib.close()


def bench_fts(n: int, tmp: Path, repeat: int) -> None:
    print(f"\n== SQLite FTS5 (unicode61) baseline, {n:,} passages ==")
    db = sqlite3.connect(tmp / f"fts-{n}.sqlite")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, title, body, tokenize='unicode61')")
    t = time.perf_counter()
    with db:
        db.executemany(
            "INSERT INTO p(id, title, body) VALUES (?, ?, ?)",
            ((d.id, d.title, d.body) for d in generate(n)),
        )
    dt = time.perf_counter() - t
    print(f"  bulk insert             {dt:8.1f} s    {n / dt:8.0f} passages/s")
    sql = (
        "SELECT id, title, snippet(p, 2, char(2), char(3), '…', 24) FROM p "
        "WHERE p MATCH ? ORDER BY bm25(p, 0, 3.0, 1.0) LIMIT 20"
    )
    for cls, qs in FTS_QUERIES.items():
        times: list[float] = []
        for _ in range(max(1, repeat // len(qs))):
            for q in qs:
                t = time.perf_counter()
                db.execute(sql, (q,)).fetchall()
                times.append(time.perf_counter() - t)
        row(cls, times)
    db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--full", action="store_true", help="also run 100k passages")
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--procs", type=int, default=None, help="index worker processes")
    ap.add_argument("--no-fts", action="store_true")
    ap.add_argument("--no-optimize", action="store_true")
    ap.add_argument("--only-full", action="store_true", help="run 100k only")
    ap.add_argument("--reindex", type=Path, help="time Library.reindex of a copy of LIBRARY")
    args = ap.parse_args()
    if args.reindex:
        tmp = Path(tempfile.mkdtemp(prefix="desk-bench-"))
        try:
            bench_reindex(args.reindex, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    sizes = [100_000] if args.only_full else [args.n] + ([100_000] if args.full else [])
    tmp = Path(tempfile.mkdtemp(prefix="desk-bench-"))
    try:
        for n in sizes:
            bench_desk(n, tmp, args.repeat, args.procs, not args.no_optimize)
            if not args.no_fts:
                bench_fts(n, tmp, args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
