"""The SQLite store and its migrations, on real database files (no index, no Qt)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desk.core.errors import CorruptLibrary, NewerLibrary, NotFound, ReadOnlyLibrary
from desk.core.store import Store, schema
from desk.core.types import PassageDraft, SourceDraft


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "desk.sqlite")
    s.migrate()
    yield s
    s.close()


def test_new_database_is_wal_with_foreign_keys_and_current_schema(store: Store) -> None:
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert schema.user_version(conn) == schema.SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "source",
        "passage",
        "annotation",
        "tag",
        "passage_tag",
        "link",
        "entity",
        "entity_alias",
        "mention",
        "event_date",
        "saved_search",
        "meta",
    } <= tables


def test_migrate_twice_is_a_no_op(store: Store) -> None:
    assert store.migrate() == 0


def test_newer_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    conn.close()
    s = Store(path)
    with pytest.raises(NewerLibrary, match="newer Desk"):
        s.migrate()
    s.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION + 5
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_failing_migration_rolls_back_entirely(tmp_path: Path, monkeypatch) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        raise RuntimeError("step failed")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, ("broken", broken)])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    s = Store(tmp_path / "desk.sqlite")
    with pytest.raises(RuntimeError):
        s.migrate()
    names = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master")}
    assert "half" not in names
    assert schema.user_version(s.conn) == 1  # the good step stayed, the bad one did not
    s.close()


def test_not_a_database_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CorruptLibrary):
        Store(path)


def test_transaction_is_all_or_nothing(store: Store) -> None:
    gen = store.generation
    with pytest.raises(RuntimeError), store.transaction() as conn:
        sid = store.insert_source(conn, SourceDraft(title="S"), None)
        store.insert_passage(conn, "p1", PassageDraft(body="b"), sid, "t")
        raise RuntimeError("boom")
    assert store.passage_count() == 0
    assert store.sources() == []
    assert store.generation == gen


def test_every_commit_bumps_the_generation(store: Store) -> None:
    gen = store.generation
    with store.transaction() as conn:
        store.insert_passage(conn, "p1", PassageDraft(body="b"), None, "t")
    assert store.generation == gen + 1


def test_passage_round_trip_with_tags_links_and_annotations(store: Store) -> None:
    with store.transaction() as conn:
        sid = store.insert_source(
            conn, SourceDraft(title="S", reliability="B", published="2021-11"), "abc"
        )
        store.insert_passage(
            conn, "p1", PassageDraft(body="one", start=0, end=3, credibility=2), sid, "One"
        )
        store.insert_passage(conn, "p2", PassageDraft(body="two"), sid, "Two")
        store.add_tags(conn, "p1", ["place/wakhan", "actor/china"])
        store.upsert_link(conn, "p1", "p2", "supports", "why")
        store.add_annotation(conn, "p1", "my note")
    p = store.passage("p1")
    assert p.tags == ("actor/china", "place/wakhan")
    assert p.grade == "B2"
    assert [(ln.other_id, ln.kind, ln.note) for ln in p.links] == [("p2", "supports", "why")]
    assert [ln.other_id for ln in store.passage("p2").backlinks] == ["p1"]
    assert [a.body for a in p.annotations] == ["my note"]
    assert (p.start, p.end) == (0, 3)


def test_deleting_a_passage_cascades(store: Store) -> None:
    with store.transaction() as conn:
        store.insert_passage(conn, "p1", PassageDraft(body="one"), None, "One")
        store.insert_passage(conn, "p2", PassageDraft(body="two"), None, "Two")
        store.add_tags(conn, "p1", ["t"])
        store.upsert_link(conn, "p1", "p2", "relates", None)
        store.add_annotation(conn, "p1", "n")
    with store.transaction() as conn:
        store.delete_passage(conn, "p1")
    assert store.conn.execute("SELECT count(*) FROM link").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM annotation").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM passage_tag").fetchone()[0] == 0


def test_constraints_refuse_bad_grades_and_self_links(store: Store) -> None:
    with store.transaction() as conn:
        store.insert_passage(conn, "p1", PassageDraft(body="one"), None, "One")
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        conn.execute("UPDATE passage SET credibility = 9 WHERE id = 'p1'")
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        store.upsert_link(conn, "p1", "p1", "relates", None)
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        store.insert_source(conn, SourceDraft(title="x", reliability="Z"), None)


def test_resolve_id_accepts_unique_prefixes(store: Store) -> None:
    with store.transaction() as conn:
        store.insert_passage(conn, "pabc1", PassageDraft(body="a"), None, "A")
        store.insert_passage(conn, "pabd2", PassageDraft(body="b"), None, "B")
    assert store.resolve_id("pabc") == "pabc1"
    with pytest.raises(NotFound, match="ambiguous"):
        store.resolve_id("pab")
    with pytest.raises(NotFound, match="No passage"):
        store.resolve_id("zzz")
    with pytest.raises(NotFound):
        store.resolve_id("%")


def test_tags_are_unique_case_insensitively(store: Store) -> None:
    with store.transaction() as conn:
        store.insert_passage(conn, "p1", PassageDraft(body="a"), None, "A")
        store.add_tags(conn, "p1", ["Place/Wakhan"])
        store.add_tags(conn, "p1", ["place/wakhan"])
    assert store.passage_tags("p1") == ["Place/Wakhan"]


def test_readonly_store_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite"
    s = Store(path)
    s.migrate()
    s.close()
    ro = Store(path, readonly=True)
    with pytest.raises(ReadOnlyLibrary), ro.transaction():
        pass
    ro.close()


def test_integrity_check_is_clean_on_a_new_database(store: Store) -> None:
    assert store.integrity_check() == []


def test_entities_without_counts_are_the_same_entities(tmp_path: Path) -> None:
    from desk.library import Library

    lib = Library.open(tmp_path / "lib")
    lib.seed()
    full = lib.store.entities()
    bare = lib.store.entities(counts=False)
    assert [(e.key, e.aliases) for e in bare] == [(e.key, e.aliases) for e in full]
    assert any(e.mention_count for e in full)
    assert not any(e.mention_count for e in bare)
    lib.close()
