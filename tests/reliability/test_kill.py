"""T01 / T05: SIGKILL a writer at random moments; the library always opens whole.

A ``crashwriter`` process clips, imports multi-paragraph files, updates
bodies, tags, annotates, links, trashes, restores and reindexes through
``Library``, reporting each operation after it returned. The test kills it
with SIGKILL after a seeded random delay (0.05–1.5 s), opens the library and
checks: it opens, ``check()`` passes, every committed passage is there with
its last committed body (or, for the one operation in flight, a whole new
one), no body is partial, and the index matches the database.

Kills land during start-up (open, index repair), during SQLite transactions
and during Whoosh commits (T05: the index is reconciled or rebuilt on open).
One library is reused so later kills hit a bigger one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import killharness

KILLS = 52


@pytest.fixture(scope="module")
def zygote():
    z = killharness.Zygote()
    yield z
    z.close()


def test_t01_t05_kill_9_at_random_moments_loses_nothing_committed(
    zygote: killharness.Zygote, tmp_path: Path
) -> None:
    """T01 (kill -9 mid-write) and T05 (kill -9 during an index commit)."""
    library = tmp_path / "lib"
    expected = killharness.prepare(library)
    results = []
    for seed in range(KILLS):
        res = killharness.kill_once(zygote, library, 1000 + seed, tmp_path, expected)
        assert not res.problems, f"seed {res.seed} after {res.delay:.2f}s: {res.problems}"
        results.append(res)
    killed = sum(r.killed for r in results)
    mid_op = sum(r.in_flight is not None for r in results)
    committed = sum(r.committed for r in results)
    assert killed >= 50, f"only {killed} writers were still running when killed"
    assert mid_op >= 10, f"only {mid_op} kills landed inside an operation"
    assert committed > 100, f"the writers committed only {committed} operations"
    assert len(expected.bodies) > 50
