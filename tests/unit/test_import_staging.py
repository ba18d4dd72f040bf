"""A big Markdown import stages its mentions and dates, then moves them into place.

Notes come in with random ids; ``mention`` and ``event_date`` are keyed by
passage id, so a big import appends those rows to staging tables and moves them
in key order at the end (``Store.merge_staged_analysis``). If it dies before
that, the next open does it. These tests use real SQLite files and the real
Whoosh index.
"""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

import pytest

from desk import interchange_ops
from desk.core.store import Store
from desk.core.types import PassageDraft
from desk.library import Library

TEXT = (
    "Tajikistan and China held a joint border exercise near Dushanbe on 12 March 2024; note {n}.\n"
)


def _vault(folder: Path, count: int, first: int = 0) -> Path:
    folder.mkdir()
    for n in range(first, first + count):
        (folder / f"drill {n}.md").write_text(TEXT.format(n=n), encoding="utf-8")
    return folder


def _analysis(lib: Library) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    """Every mention and date of the library, keyed by the passage's title."""
    conn = lib.store.conn
    mentions = set(
        conn.execute(
            'SELECT p.title, e.key, m.start, m."end", m.surface FROM mention m '
            "JOIN passage p ON p.id = m.passage_id JOIN entity e ON e.id = m.entity_id"
        ).fetchall()
    )
    dates = set(
        conn.execute(
            'SELECT p.title, d.date, d.precision, d.start, d."end" FROM event_date d '
            "JOIN passage p ON p.id = d.passage_id"
        ).fetchall()
    )
    return {tuple(r) for r in mentions}, {tuple(r) for r in dates}


def _staged(lib: Library) -> int:
    conn = lib.store.conn
    return sum(
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("mention_stage", "event_date_stage")
    )


def test_a_big_import_gives_the_same_mentions_and_dates_as_a_small_one(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = _vault(tmp_path / "vault", 7)
    with Library.open(tmp_path / "small") as small:
        small.import_markdown(vault)  # below DEFER_INDEX_AT: stored in place, batch by batch
        expected = _analysis(small)
    assert len(expected[0]) >= 7 * 3 and len(expected[1]) == 7

    monkeypatch.setattr(interchange_ops, "DEFER_INDEX_AT", 3)
    monkeypatch.setattr(interchange_ops, "IMPORT_BATCH", 2)
    staged_meanwhile: list[int] = []
    library.import_markdown(vault, progress=lambda d, t: staged_meanwhile.append(_staged(library)))
    assert max(staged_meanwhile) > 0  # the batches went to the staging tables
    assert _staged(library) == 0
    assert _analysis(library) == expected
    hits = library.search("entity:tajikistan", limit=None).hits
    assert len(hits) == 7  # the index, written after the move, holds the entities


def test_an_import_that_dies_before_the_move_is_completed_at_the_next_open(
    tmp_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = _vault(tmp_path / "vault", 5)
    monkeypatch.setattr(interchange_ops, "DEFER_INDEX_AT", 3)

    def full_disk(self: Store, conn: sqlite3.Connection) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    with Library.open(tmp_library) as lib:
        with monkeypatch.context() as m:
            m.setattr(Store, "merge_staged_analysis", full_disk)
            res = lib.import_markdown(vault)
        assert len(res.ids) == 5  # the notes are in
        assert lib.notices[-1] == (
            "The imported notes' entities and dates will be completed when the library "
            "is next opened."
        )
        assert _analysis(lib) == (set(), set())
        assert _staged(lib) > 0
    with monkeypatch.context() as m:  # the disk is still full: the library opens anyway
        m.setattr(Store, "merge_staged_analysis", full_disk)
        with Library.open(tmp_library) as lib:
            assert lib.notices[-1].startswith("The imported notes' entities and dates")
            assert _staged(lib) > 0
            assert lib.search("drill", limit=None).total == 5
    with Library.open(tmp_library) as lib:
        assert _staged(lib) == 0
        mentions, dates = _analysis(lib)
        assert {title for title, *_ in dates} == {f"drill {n}" for n in range(5)}
        assert ("drill 0", "tajikistan", 0, 10, "Tajikistan") in mentions
        assert len(lib.search("entity:tajikistan", limit=None).hits) == 5


def test_staged_rows_of_a_deleted_passage_go_with_it(library: Library) -> None:
    res = library.create(None, [PassageDraft(body="Tajikistan on 1 May 2023.", title="x")])
    pid = res.ids[0]
    store = library.store
    with store.transaction() as conn:
        store.create_stage_tables(conn)
        conn.execute("DELETE FROM mention WHERE passage_id = ?", (pid,))
        conn.execute(
            'INSERT INTO mention_stage (passage_id, entity_id, start, "end", surface) '
            "SELECT ?, id, 0, 10, 'Tajikistan' FROM entity WHERE key = 'tajikistan'",
            (pid,),
        )
    assert _staged(library) == 1
    with store.transaction() as conn:
        conn.execute("DELETE FROM passage WHERE id = ?", (pid,))
    assert _staged(library) == 0
    with store.transaction() as conn:
        assert store.merge_staged_analysis(conn) == []


def test_a_big_import_pauses_collection_and_log_checkpoints_meanwhile(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = _vault(tmp_path / "vault", 4)
    monkeypatch.setattr(interchange_ops, "DEFER_INDEX_AT", 3)
    conn = library.store.conn
    before = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    during: list[tuple[int, bool]] = []
    library.import_markdown(
        vault,
        progress=lambda d, t: during.append(
            (conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0], gc.isenabled())
        ),
    )
    assert during[0] == (interchange_ops.IMPORT_CHECKPOINT_PAGES, False)
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == before
    assert gc.isenabled()
    wal = library.root / "desk.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # copied into the database


def test_the_staging_tables_are_made_by_the_first_big_import_only(
    tmp_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work tables, not a schema upgrade: a library without them opens read-only too."""
    with Library.open(tmp_library) as lib:
        lib.import_markdown(_vault(tmp_path / "small", 2))
        assert not lib.store.has_staged_analysis()
    with Library.open(tmp_library, readonly=True) as lib:
        tables = {r[0] for r in lib.store.conn.execute("SELECT name FROM sqlite_master")}
        assert "mention_stage" not in tables
        assert len(lib.search("entity:tajikistan", limit=None).hits) == 2
    monkeypatch.setattr(interchange_ops, "DEFER_INDEX_AT", 3)
    with Library.open(tmp_library) as lib:
        lib.import_markdown(_vault(tmp_path / "big", 3, first=2))
    with Library.open(tmp_library, readonly=True) as lib:
        assert len(lib.search("entity:tajikistan", limit=None).hits) == 5
