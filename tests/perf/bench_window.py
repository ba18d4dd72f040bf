"""Benchmark the window at scale (plain script; not collected by pytest).

Usage::

    python tests/perf/bench_window.py                     # 100k passages
    python tests/perf/bench_window.py --n 10000
    python tests/perf/bench_window.py --library /tmp/desk-100k   # build once, reuse

Builds (or reuses) a library of generated passages through ``Library.create``,
then, offscreen, measures: window shown (build_window -> first results on
screen), keystroke-to-results after the last keystroke of a typed query, the
UI thread's longest stall (a 5 ms heartbeat) while typing and while scrolling
through the list (which pages more hits in), and the process RSS.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desk.core.types import PassageDraft, SourceDraft
from desk.library import Library


def rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StallSampler:
    """Samples the UI thread's Python stack while the heartbeat is late (``--stalls``).

    A stall spent inside Qt's C++ (layout, painting) shows as the Python frame
    that called into Qt; a stall with the UI thread waiting for the GIL shows
    wherever it happened to stop.
    """

    def __init__(self, last_beat_s, clock) -> None:  # type: ignore[no-untyped-def]
        import threading
        from collections import Counter

        self._last = last_beat_s
        self._clock = clock
        self._main = threading.main_thread().ident
        self.samples: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import traceback

        while not self._stop.wait(0.004):
            late = self._clock.nsecsElapsed() / 1e9 - self._last()
            if late < 0.025:
                continue
            frame = sys._current_frames().get(self._main)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)[-6:]
            key = " <- ".join(
                f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack)
            )
            self.samples[key] += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def report(self) -> None:
        print("UI thread during stalls (4 ms samples):")
        for key, n in self.samples.most_common(12):
            print(f"  {n:4d}  {key}")


def build_library(path: Path, n: int) -> None:
    """Fill a library with ``n`` generated passages (skipped if already there)."""
    from tests.perf.corpus import generate

    with Library.open(path) as lib:
        have = lib.stats()["passages"]
        if have >= n * 0.9:
            print(f"library: reusing {path} ({have:,} passages)")
            return
        t0 = time.perf_counter()
        # Writing 100k passages one index commit at a time takes hours; write the
        # database through the facade with index sync held back, then build the
        # index in one bulk rebuild (several processes), as `desk reindex` would.
        lib._sync_index = lambda ids: None  # type: ignore[method-assign]
        batch: dict[str, tuple[SourceDraft, list[PassageDraft]]] = {}
        count = 0

        def flush() -> None:
            for src, drafts in batch.values():
                lib.create(src, drafts, dedupe=False)
            batch.clear()

        for doc in generate(n):
            key = doc.source_title
            if key not in batch:
                batch[key] = (
                    SourceDraft(
                        title=doc.source_title,
                        publisher=doc.publisher,
                        url=f"https://{doc.domain}/" if doc.domain else None,
                        published=doc.published or None,
                        reliability=doc.reliability or None,
                        language=doc.language or None,
                    ),
                    [],
                )
            batch[key][1].append(
                PassageDraft(
                    body=doc.body,
                    title=doc.title,
                    credibility=doc.credibility,
                    tags=doc.tags,
                    language=doc.language or None,
                )
            )
            count += 1
            if len(batch[key][1]) >= 1000:
                lib.create(*batch.pop(key), dedupe=False)
            if count % 2000 == 0:
                rate = count / (time.perf_counter() - t0)
                print(f"  built {count:,}/{n:,} ({rate:,.0f}/s)", end="\r", flush=True)
        flush()
        t1 = time.perf_counter()
        print(f"library: wrote {count:,} passages in {t1 - t0:,.0f} s; indexing ...")
        from desk.core import indexdocs

        store = lib.store
        total = store.passage_count() + store.passage_count(trashed=True)
        lib.index.rebuild(
            indexdocs.iter_docs(store),
            total=total,
            generation=store.generation,
            procs=max(1, min(8, (os.cpu_count() or 2) - 1)),
        )
        print(f"library: indexed in {time.perf_counter() - t1:,.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--library", type=Path, default=None)
    parser.add_argument("--query", default="border secur")
    parser.add_argument(
        "--early",
        metavar="QUERY",
        help="Type QUERY as soon as the first results show (while the tree loads).",
    )
    parser.add_argument(
        "--stalls", action="store_true", help="Print where the UI thread was during stalls."
    )
    args = parser.parse_args()
    path = args.library or Path(tempfile.mkdtemp(prefix="desk-bench-")) / "lib"
    build_library(path, args.n)

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    cfg = Path(tempfile.mkdtemp(prefix="desk-bench-cfg-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(cfg))
    app = QApplication.instance() or QApplication([])
    from desk.app import build_window

    wake = QTimer()  # lets the loop below sleep between events instead of spinning
    wake.setInterval(5)
    wake.start()

    def spin_until(cond, timeout_s: float = 60.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.perf_counter() + timeout_s
        while not cond():
            if time.perf_counter() > deadline:
                raise TimeoutError("condition not met")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    rss0 = rss_mb()
    t0 = time.perf_counter()
    window = build_window(path, persist=False)
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    t_shown = time.perf_counter() - t0
    spin_until(lambda: window.notes.model.rowCount() > 0 and not window.notes.is_busy())
    window.notes.view.viewport().repaint()
    t_first = time.perf_counter() - t0
    t_early = None
    if args.early:
        # the user types as soon as the list shows, while the tree is loading
        seen: list[object] = []
        window.notes.searched.connect(seen.append)
        t_key = time.perf_counter()
        QTest.keyClicks(window.notes.search_box, args.early)
        spin_until(lambda: bool(seen) and not window.notes.is_busy())
        window.notes.view.viewport().repaint()
        t_early = time.perf_counter() - t_key
        window.notes.searched.disconnect(seen.append)
    spin_until(
        lambda: window.browse.model_.find("lib:trash").isValid() and not window.browse.is_busy()
    )
    t_tree = time.perf_counter() - t0

    # heartbeat: the longest gap between 5 ms ticks is the worst UI stall
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def beat() -> None:
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(beat)
    timer.start()
    sampler = StallSampler(lambda: last[0] / 1e9, clock) if args.stalls else None

    def pump(ms: int) -> None:
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    # typing: one key every 90 ms, as a brisk typist
    box = window.notes.search_box
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(box, Qt.Key.Key_Delete)
    spin_until(lambda: not window.notes.is_busy())
    gaps.clear()
    last[0] = clock.nsecsElapsed()
    results_at: list[float] = []
    window.notes.searched.connect(lambda _r: results_at.append(time.perf_counter()))
    # each search the window runs: (called, returned, query); split the latency
    searches: list[tuple[float, float, str]] = []
    real_search = window.library.search

    def timed_search(query: str = "", **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return real_search(query, **kwargs)
        finally:
            searches.append((t, time.perf_counter(), query))

    window.library.search = timed_search
    for ch in args.query[:-1]:
        QTest.keyClicks(box, ch)
        pump(90)
    # the clock starts at the last keystroke: its results may come within 90 ms
    results_at.clear()
    t_last_key = time.perf_counter()
    QTest.keyClicks(box, args.query[-1])
    spin_until(lambda: bool(results_at) and not window.notes.is_busy())
    window.notes.view.viewport().repaint()
    t_shown_results = time.perf_counter()
    t_results = t_shown_results - t_last_key
    final = [x for x in searches if x[2] == args.query and x[0] >= t_last_key]
    split = (
        (final[0][0] - t_last_key, final[0][1] - final[0][0], t_shown_results - final[0][1])
        if final
        else None
    )
    pump(500)  # the reader follows the new first row once typing pauses
    typing_stall = max(gaps) if gaps else 0.0
    hits = window.notes.result.total if window.notes.result else 0

    # scrolling: page through the list (pages more hits in as it goes)
    gaps.clear()
    last[0] = clock.nsecsElapsed()
    view = window.notes.view
    view.setFocus()
    for _ in range(60):
        QTest.keyClick(view, Qt.Key.Key_PageDown)
        pump(30)
    bar = view.verticalScrollBar()
    for _ in range(5):
        bar.setValue(bar.maximum())
        pump(150)
    scroll_stall = max(gaps) if gaps else 0.0
    rows = window.notes.model.rowCount()
    timer.stop()
    if sampler is not None:
        sampler.stop()
    rss = rss_mb()
    n = real_search("", limit=0, counts=False).total
    window.close()

    print(f"passages:                      {n:,}")
    print(f"window shown:                  {t_shown * 1000:,.0f} ms")
    print(f"first results on screen:       {t_first * 1000:,.0f} ms")
    if t_early is not None:
        print(f"'{args.early}' typed at once:       {t_early * 1000:,.0f} ms to its results")
    print(f"browse tree with counts:       {t_tree * 1000:,.0f} ms")
    print(
        f"results after last keystroke:  {t_results * 1000:,.0f} ms  ('{args.query}', {hits:,} hits)"
    )
    if split is not None:
        print(
            "  = wait for the search in flight {:,.0f} + search {:,.0f} + show {:,.0f} ms".format(
                *(x * 1000 for x in split)
            )
        )
    print(f"max UI stall while typing:     {typing_stall:,.0f} ms")
    print(f"max UI stall while scrolling:  {scroll_stall:,.0f} ms  ({rows:,} rows paged in)")
    print(f"RSS:                           {rss:,.0f} MB (before window {rss0:,.0f} MB)")
    if sampler is not None:
        sampler.report()


if __name__ == "__main__":
    main()
