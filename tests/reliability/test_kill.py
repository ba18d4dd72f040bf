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


@pytest.mark.slow
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


KILL_AT = r"""
import os, signal, sys
from pathlib import Path

library, point = sys.argv[1], sys.argv[2]


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


import whoosh.writing
import desk.core.search.index as index_module

if point == "segment-written-no-toc":
    whoosh.writing.SegmentWriter._commit_toc = die
elif point == "toc-written-no-generation":
    index_module.write_generation = die
elif point == "rebuild-between-renames":
    rename = Path.rename
    def first_rename_then_die(self, target):
        result = rename(self, target)
        if self.name == "index":
            die()
        return result
    Path.rename = first_rename_then_die

from desk.library import Library

lib = Library.open(library)
print("OPEN", flush=True)
if point == "rebuild-between-renames":
    lib.reindex()
else:
    lib.clip("A new passage about Kalaikhum written as the indexer dies.")
print("SURVIVED", flush=True)
"""


@pytest.mark.parametrize(
    "point", ["segment-written-no-toc", "toc-written-no-generation", "rebuild-between-renames"]
)
def test_t05_kill_9_inside_the_index_commit(tmp_path: Path, point: str) -> None:
    """T05: SIGKILL at exact points of a Whoosh commit and of a rebuild's swap.

    The next open either keeps the old generation and reconciles it or rebuilds;
    search then matches the database, and the passage SQLite committed is found.
    """
    import subprocess
    import sys

    from desk.library import Library
    from tests.reliability.conftest import subprocess_env

    library = tmp_path / "lib"
    with Library.open(library) as lib:
        for i in range(6):
            lib.clip(f"Passage {i} about the Rasht valley and its roads.")
    p = subprocess.run(
        [sys.executable, "-c", KILL_AT, str(library), point],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert p.returncode == -9, (p.stdout, p.stderr)
    assert "OPEN" in p.stdout and "SURVIVED" not in p.stdout
    with Library.open(library) as lib:
        assert lib.check(repair=False).ok, lib.check(repair=False).to_json()
        assert lib.index.ids() == lib.store.passage_stamps()
        assert lib.search("Rasht", limit=None).total == 6
        if point != "rebuild-between-renames":
            found = lib.search("Kalaikhum").hits
            assert [h.id for h in found] == lib.store.passage_ids()[:1]
