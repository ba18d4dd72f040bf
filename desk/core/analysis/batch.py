"""Analyse many passages at once, in worker processes when there are enough of them.

A big Markdown import spends most of its time finding entities and dates;
:class:`AnalysisPool` runs :func:`analyse` for a batch of bodies in
``os.cpu_count()`` worker processes while the caller reads and inserts the
batch before it. Each worker is a fresh ``python -m desk.core.analysis.batch``
talking pickles over its standard input and output, not a
:mod:`multiprocessing` child: a fork of a process with threads (the window's)
can deadlock, and ``spawn`` re-runs the caller's main script in every worker,
which breaks any script that calls the library at its top level. A worker
builds its own :class:`~desk.core.analysis.entities.EntityMatcher` from the
gazetteer it is sent, so its results are exactly those of :func:`analyse` run
here.

A worker that dies (killed, out of memory) makes :meth:`AnalysisPool.results`
raise :class:`AnalysisFailed`, a :class:`~desk.core.errors.UserError` with one
clear sentence; an exception inside a worker (a bug) is raised again here as
:class:`RuntimeError` with the worker's traceback.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import traceback
from collections.abc import Sequence
from typing import IO, Any

from desk.core.analysis.dates import extract_dates
from desk.core.analysis.entities import EntityMatcher
from desk.core.analysis.gazetteer import GazetteerEntry
from desk.core.errors import UserError
from desk.core.types import DateMention, Mention
from desk.core.workers import can_start, command, cores, environment

# What one passage's analysis gives: its entity mentions and its dates.
Analysis = tuple[list[Mention], list[DateMention]]
# The same as plain tuples, which pickle several times faster than dataclasses.
_Rows = tuple[list[tuple[str, int, int, str]], list[tuple[str, str, int, int, str, bool]]]

# Fewer passages than this are analysed in the calling process: starting the
# workers costs a few tenths of a second, and the pipeline needs batches.
PARALLEL_AT = 2000
# Seconds a worker gets to exit once told to, before it is killed.
_EXIT_WAIT = 5.0


class AnalysisFailed(UserError):
    """A worker process died while analysing passages."""


def analyse(matcher: EntityMatcher, body: str, published: str | None) -> Analysis:
    """The entity mentions and dates of one passage (what the library stores)."""
    return matcher.find(body), extract_dates(body, published)


def worker_count(items: int) -> int:
    """How many worker processes to use for ``items`` passages (0: analyse in process)."""
    cpus = cores()
    if items < PARALLEL_AT or cpus < 2 or not can_start():
        return 0
    return cpus


class AnalysisPool:
    """Worker processes analysing batches of passages against one gazetteer.

    One batch is out at a time: :meth:`submit` sends it, :meth:`results`
    waits for it. Use as a context manager, or call :meth:`close`.

    Args:
        entries: the gazetteer the library's matcher was built from.
        workers: how many processes.

    Raises:
        AnalysisFailed: a worker could not be started.
    """

    def __init__(self, entries: Sequence[GazetteerEntry], workers: int) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []
        self._busy: list[subprocess.Popen[bytes]] = []
        env = environment()
        gazetteer = pickle.dumps(list(entries), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            for _ in range(workers):
                self._procs.append(
                    subprocess.Popen(
                        command("desk.core.analysis.batch"),
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        env=env,
                    )
                )
            for proc in self._procs:
                self._send(proc, gazetteer)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, items: Sequence[tuple[str, str | None]]) -> None:
        """Start analysing ``(body, published)`` pairs, shared among the workers.

        Raises:
            AnalysisFailed: a worker died.
        """
        assert not self._busy, "results() of the previous batch first"
        items = list(items)
        size = max(1, -(-len(items) // len(self._procs)))
        for proc, start in zip(self._procs, range(0, len(items), size), strict=False):
            self._send(proc, pickle.dumps(items[start : start + size], pickle.HIGHEST_PROTOCOL))
            self._busy.append(proc)

    def results(self) -> list[Analysis]:
        """The analyses of the submitted batch, in order (waits for them).

        Raises:
            AnalysisFailed: a worker died.
            RuntimeError: a worker failed on a passage (a bug); carries its traceback.
        """
        busy, self._busy = self._busy, []
        out: list[Analysis] = []
        for proc in busy:
            assert proc.stdout is not None
            try:
                status, payload = pickle.load(proc.stdout)
            except (EOFError, OSError, pickle.UnpicklingError) as exc:
                raise _failed(proc) from exc
            if status != "ok":
                raise RuntimeError(f"Analysis worker failed:\n{payload}")
            for mentions, dates in payload:
                out.append(
                    (
                        [Mention(k, s, e, t) for k, s, e, t in mentions],
                        [DateMention(d, p, s, e, t, a) for d, p, s, e, t, a in dates],
                    )
                )
        return out

    def close(self) -> None:
        """Stop the workers (one busy with a batch is killed)."""
        for proc in self._procs:
            if proc in self._busy:
                proc.kill()
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):  # a dead worker's pipe
                        pipe.close()
        for proc in self._procs:
            try:
                proc.wait(_EXIT_WAIT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._procs = []
        self._busy = []

    @staticmethod
    def _send(proc: subprocess.Popen[bytes], data: bytes) -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
        except OSError as exc:  # BrokenPipeError: the worker is gone
            raise _failed(proc) from exc


def _failed(proc: subprocess.Popen[bytes]) -> AnalysisFailed:
    code = proc.poll()
    how = f" (exit status {code})" if code is not None else ""
    return AnalysisFailed(
        "a process finding entities and dates in the notes stopped unexpectedly"
        f"{how}, perhaps out of memory or killed."
    )


def _analyse_chunk(matcher: EntityMatcher, items: list[tuple[str, str | None]]) -> list[_Rows]:
    out: list[_Rows] = []
    for body, published in items:
        mentions, dates = analyse(matcher, body, published)
        out.append(
            (
                [(m.entity_key, m.start, m.end, m.surface) for m in mentions],
                [(d.date, d.precision, d.start, d.end, d.text, d.approximate) for d in dates],
            )
        )
    return out


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """A worker's loop: a pickled gazetteer, then chunks of items until end of input."""
    matcher = EntityMatcher(pickle.load(inp))
    while True:
        try:
            items = pickle.load(inp)
        except EOFError:
            return
        result: tuple[str, Any]
        try:
            result = ("ok", _analyse_chunk(matcher, items))
        except Exception:
            result = ("error", traceback.format_exc())
        try:
            pickle.dump(result, out, pickle.HIGHEST_PROTOCOL)
            out.flush()
        except OSError:
            return  # the parent is gone or stopped listening


def _main() -> None:
    # Ctrl-C in a terminal reaches the whole process group: the parent turns
    # it into a cancel, and its workers must not die of it meanwhile.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Results go out on a private copy of stdout; a stray print goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    _main()
