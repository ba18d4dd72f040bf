"""Entity and date analysis in worker processes gives what it gives in process.

A big import analyses its notes in worker processes
(:mod:`desk.core.analysis.batch`): the library it builds must be the one an
in-process import builds, a worker dying must stop the import with
one clear message and keep what was imported, and cancelling must still work.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from desk import interchange_ops
from desk.core.analysis import batch
from desk.core.analysis.batch import AnalysisPool, analyse
from desk.core.analysis.entities import EntityMatcher
from desk.core.analysis.gazetteer import load_gazetteer
from desk.core.errors import UserError
from desk.library import Library
from desk.paths import seeds_dir

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "analysis_expected.json"


@pytest.fixture(scope="module")
def matcher() -> EntityMatcher:
    return EntityMatcher(load_gazetteer(seeds_dir() / "gazetteer.yaml"))


def test_pool_gives_what_analysing_here_gives(matcher: EntityMatcher) -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    items = [(i["text"], i["published"]) for i in expected]
    with AnalysisPool(matcher.entries, 2) as pool:
        pool.submit(items[:50])
        first = pool.results()
        pool.submit(items[50:])
        rest = pool.results()
    assert first + rest == [analyse(matcher, body, published) for body, published in items]


def _vault(root: Path, n: int) -> Path:
    """Notes with entities, dates, a source, tags and links between them."""
    root.mkdir()
    for k in range(n):
        source = f"---\nsource: Wire {k % 3}\npublished: 2021-1{k % 3}-0{1 + k % 9}\n---\n"
        (root / f"n{k:03}.md").write_text(
            f"{source}China and Tajikistan met in Dushanbe last month, on 28 October 2021 "
            f"and again in July; ETIM {k}. #topic/{k % 4} [[n{(k + 1) % n:03}]]\n",
            encoding="utf-8",
        )
    return root


def _analysis_rows(lib: Library) -> tuple[list[Any], list[Any]]:
    conn = lib.store.conn
    mentions = conn.execute(
        'SELECT p.title, e.key, m.start, m."end", m.surface FROM mention m '
        "JOIN passage p ON p.id = m.passage_id JOIN entity e ON e.id = m.entity_id "
        "ORDER BY 1, 3"
    ).fetchall()
    dates = conn.execute(
        'SELECT p.title, d.date, d.precision, d.approximate, d.start, d."end", d.text '
        "FROM event_date d JOIN passage p ON p.id = d.passage_id ORDER BY 1, 5"
    ).fetchall()
    return [tuple(r) for r in mentions], [tuple(r) for r in dates]


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> list[AnalysisPool]:
    """Make every import use worker processes, in batches of 7; list the pools made."""
    monkeypatch.setattr(batch, "PARALLEL_AT", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(interchange_ops, "IMPORT_BATCH", 7)
    pools: list[AnalysisPool] = []
    real_init = AnalysisPool.__init__

    def init(self: AnalysisPool, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        pools.append(self)

    monkeypatch.setattr(AnalysisPool, "__init__", init)
    return pools


def test_import_in_workers_builds_the_same_library(
    tmp_path: Path, parallel: list[AnalysisPool], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = _vault(tmp_path / "vault", 30)
    with Library.open(tmp_path / "a") as lib:
        res = lib.import_markdown(vault)
        in_workers = _analysis_rows(lib)
        assert len(res.ids) == 30 and res.links == 30
    assert len(parallel) == 1
    monkeypatch.setattr(batch, "PARALLEL_AT", 10**9)
    with Library.open(tmp_path / "b") as lib:
        lib.import_markdown(vault)
        in_process = _analysis_rows(lib)
    assert len(parallel) == 1  # no pool the second time
    assert in_workers == in_process
    mentions, dates = in_workers
    assert len(mentions) >= 30 * 4 and len(dates) >= 30 * 2


def test_small_import_stays_in_process(library: Library, tmp_path: Path) -> None:
    started: list[object] = []
    real = AnalysisPool.__init__
    AnalysisPool.__init__ = lambda self, *a: started.append(a) or real(self, *a)  # type: ignore[method-assign]
    try:
        res = library.import_markdown(_vault(tmp_path / "vault", 5))
    finally:
        AnalysisPool.__init__ = real  # type: ignore[method-assign]
    assert len(res.ids) == 5 and started == []


def test_a_worker_dying_stops_the_import_cleanly(
    library: Library, tmp_path: Path, parallel: list[AnalysisPool]
) -> None:
    vault = _vault(tmp_path / "vault", 40)
    procs: list[Any] = []

    def kill_a_worker(done: int, _total: int) -> None:
        if done == 20:  # batch 0 is in, batch 1 with the workers (maybe done already)
            procs.extend(parallel[0]._procs)
            os.kill(procs[0].pid, signal.SIGKILL)

    with pytest.raises(UserError) as caught:
        library.import_markdown(vault, progress=kill_a_worker)
    message = caught.value.message
    assert "stopped unexpectedly" in message and "\n" not in message
    kept = library.stats()["passages"]
    assert kept in (7, 14)
    assert message.startswith(f"The import stopped after {kept} new notes:")
    assert procs and all(p.returncode is not None for p in procs)  # none left running
    # Whole batches went in, with their links and index entries; nothing half-done.
    assert library.check(repair=False).ok
    assert len(library.search("Dushanbe", limit=None).hits) == kept
    # Importing again adds the rest.
    again = library.import_markdown(vault)
    assert again.already_present == kept and len(again.ids) == 40 - kept
    assert library.stats()["passages"] == 40 and library.stats()["links"] >= 40 - kept


def test_cancel_with_workers(
    library: Library, tmp_path: Path, parallel: list[AnalysisPool]
) -> None:
    vault = _vault(tmp_path / "vault", 40)
    seen: list[int] = []
    res = library.import_markdown(
        vault, progress=lambda d, t: seen.append(d), cancel=lambda: len(seen) >= 17
    )
    assert res.cancelled
    # The two batches read whole (14 notes) are in; the third, half read, is not.
    assert len(res.ids) == 14 == library.stats()["passages"]
    assert parallel and parallel[0]._procs == []  # the workers were stopped


def test_a_worker_failing_on_a_passage_is_an_error_not_a_hang(matcher: EntityMatcher) -> None:
    with AnalysisPool(matcher.entries, 1) as pool:
        pool.submit([(b"not text", None)])  # type: ignore[list-item]
        with pytest.raises(RuntimeError, match="Analysis worker failed"):
            pool.results()
        # The worker survives a failing passage.
        pool.submit([("China on 28 October 2021", None)])
        assert pool.results() == [analyse(matcher, "China on 28 October 2021", None)]
