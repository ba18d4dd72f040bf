"""Benchmark Markdown export and import through the Library facade (not collected by pytest).

Usage::

    python tests/perf/bench_markdown.py            # 10,000 passages
    python tests/perf/bench_markdown.py --full     # 100,000 passages
    python tests/perf/bench_markdown.py --n 2000 --runs 1

Builds a library from the deterministic corpus of ``tests/perf/corpus.py``
(through ``Library.create``, one call per source and 500 passages, so
mentions, dates and the index are real), adds annotations and links, then
times ``export_markdown`` into a fresh folder and ``import_markdown`` of that
folder into a fresh library. Each is run ``--runs`` times; the median is
reported in notes per second. Target: at least 2,000 notes/s each at 100k.

Besides wall-clock time (inflated on a shared machine), each run prints the
process's CPU time per note (with the index's and the analysis' worker
processes), split into user and system time. An import reports the time spent
writing the search index separately from the rest (reading the files,
finding entities and dates, writing SQLite), in wall-clock and CPU time; on a
busy machine compare versions by CPU time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate

from desk.core.types import PassageDraft, SourceDraft
from desk.library import Library

FLUSH = 500


def build(path: Path, n: int, *, index: bool = True) -> int:
    """A library of ``n`` corpus passages (live ones); returns how many are live.

    With ``index=False`` the search index is not written (export reads only
    SQLite), which makes a 100k build several times faster.
    """
    pending: dict[int, tuple[SourceDraft, list[PassageDraft]]] = {}
    notes: list[tuple[str, str]] = []
    trashed: list[str] = []
    with Library.open(path) as lib:
        if not index:
            lib._sync_index = lambda ids: None  # type: ignore[method-assign]

        def flush(sid: int) -> None:
            src, drafts = pending.pop(sid)
            lib.create(src, drafts)

        for doc in generate(n):
            src = SourceDraft(
                title=doc.source_title,
                url=f"https://{doc.domain}/story/{doc.source_id}",
                publisher=doc.publisher,
                published=doc.published or None,
                reliability=doc.reliability or None,
            )
            draft = PassageDraft(
                body=doc.body,
                title=doc.title,
                credibility=doc.credibility,
                language=doc.language or None,
                tags=doc.tags,
                id=doc.id,
                created=doc.clipped,
                updated=doc.updated,
            )
            sid = doc.source_id or 0
            pending.setdefault(sid, (src, []))[1].append(draft)
            if doc.annotations:
                notes.append((doc.id, doc.annotations))
            if doc.trashed:
                trashed.append(doc.id)
            if len(pending[sid][1]) >= FLUSH:
                flush(sid)
        for sid in list(pending):
            flush(sid)
        ids = sorted(lib.store.passage_ids())
        with lib.store.transaction() as conn:
            for pid, text in notes:
                lib.store.add_annotation(conn, pid, text)
            for i in range(10, len(ids), 10):
                lib.store.upsert_link(conn, ids[i], ids[i - 7], "supports", None)
                lib.store.upsert_link(conn, ids[i], ids[i - 3], "relates", "see also")
        if trashed:
            lib.trash(trashed)
        if index:
            lib.reindex()
        return lib.store.passage_count()


def median_rate(times: list[float], count: int) -> tuple[float, float]:
    t = statistics.median(times)
    return t, count / t if t else float("inf")


class Clock:
    """Wall-clock and CPU (user, system) time of a block of work."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = os.times()

    def report(self, count: int) -> str:
        """CPU time of this process and of the worker processes it waited for."""
        now, was = os.times(), self.cpu
        user = now.user - was.user + now.children_user - was.children_user
        system = now.system - was.system + now.children_system - was.children_system
        per = (user + system) / count * 1e6 if count else 0.0
        return f"CPU {user:.2f}s user + {system:.2f}s system, {per:.0f} us/note"


def _cpu() -> float:
    """CPU seconds of this process and of the child processes it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def time_index_writes(lib: Library) -> list[float]:
    """Accumulate the wall-clock and CPU time the library spends writing its search index.

    Returns:
        ``[wall seconds, CPU seconds]``, updated as the library writes.
    """
    spent = [0.0, 0.0]
    for name in ("_sync_index", "_rebuild_index"):
        real = getattr(lib, name)

        def timed(*args: object, _real: object = real, **kwargs: object) -> object:
            t, c = time.perf_counter(), _cpu()
            try:
                return _real(*args, **kwargs)  # type: ignore[operator]
            finally:
                spent[0] += time.perf_counter() - t
                spent[1] += _cpu() - c

        setattr(lib, name, timed)
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--full", action="store_true", help="100,000 passages")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    ap.add_argument(
        "--no-index", action="store_true", help="build the source library without a search index"
    )
    ap.add_argument("--reuse", action="store_true", help="reuse the library built in --dir")
    ap.add_argument("--export-only", action="store_true", help="time the export only")
    ap.add_argument(
        "--import-only", action="store_true", help="time the import of --dir's export0 only"
    )
    args = ap.parse_args()
    n = 100_000 if args.full else args.n
    work = Path(args.dir or tempfile.mkdtemp(prefix="desk-bench-md-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        if args.reuse and (work / "lib").exists():
            with Library.open(work / "lib", readonly=True) as lib:
                live = lib.store.passage_count()
            print(f"reusing {work / 'lib'} ({live} live passages)")
        else:
            live = build(work / "lib", n, index=not args.no_index)
            print(f"built {n} passages ({live} live) in {time.perf_counter() - t0:.1f}s")
        export_times = []
        with Library.open(work / "lib", readonly=True) as lib:
            for run in range(0 if args.import_only else args.runs):
                dest = work / f"export{run}"
                shutil.rmtree(dest, ignore_errors=True)
                clock = Clock()
                report = lib.export_markdown(dest)
                export_times.append(time.perf_counter() - clock.wall)
                assert not report.conflicts and not report.refused, report
                print(
                    f"  export run {run + 1}: {export_times[-1]:.2f}s; {clock.report(live)}",
                    flush=True,
                )
                if run:
                    shutil.rmtree(dest)
        if args.reuse:
            for old in work.glob("import*"):
                shutil.rmtree(old)
        import_times = []
        sqlite_times = []
        cpu_sqlite: list[float] = []
        cpu_index: list[float] = []
        for run in range(0 if args.export_only else args.runs):
            target = work / f"import{run}"
            with Library.open(target) as lib:
                indexing = time_index_writes(lib)
                clock = Clock()
                t = clock.wall

                def report_progress(done: int, total: int, t: float = t) -> None:
                    if done % 10_000 == 0:
                        elapsed = time.perf_counter() - t
                        print(f"    {done}/{total} notes read, {elapsed:.0f}s", flush=True)

                cpu = _cpu()
                res = lib.import_markdown(work / "export0", progress=report_progress)
                import_times.append(time.perf_counter() - t)
                cpu = _cpu() - cpu
                sqlite_times.append(import_times[-1] - indexing[0])
                assert len(res.ids) == live, (len(res.ids), live)
                print(
                    f"  import run {run + 1}: {import_times[-1]:.2f}s ({res.links} links): "
                    f"files and SQLite {sqlite_times[-1]:.2f}s, search index {indexing[0]:.2f}s; "
                    f"{clock.report(live)}; CPU per note: files and SQLite (with analysis "
                    f"workers) {(cpu - indexing[1]) / live * 1e6:.0f} us, "
                    f"index {indexing[1] / live * 1e6:.0f} us",
                    flush=True,
                )
                cpu_sqlite.append((cpu - indexing[1]) / live * 1e6)
                cpu_index.append(indexing[1] / live * 1e6)
            shutil.rmtree(target)
        if export_times:
            t, rate = median_rate(export_times, live)
            print(f"export: {live} notes, median {t:.2f}s, {rate:,.0f} notes/s")
        if import_times:
            t, rate = median_rate(import_times, live)
            print(f"import: {live} notes, median {t:.2f}s, {rate:,.0f} notes/s")
            t, rate = median_rate(sqlite_times, live)
            print(f"  of which files and SQLite: median {t:.2f}s, {rate:,.0f} notes/s")
            print(
                f"  CPU per note (medians): files and SQLite {statistics.median(cpu_sqlite):.0f} us, "
                f"search index {statistics.median(cpu_index):.0f} us"
            )
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
