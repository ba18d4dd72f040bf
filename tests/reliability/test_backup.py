"""Backups and restore on a real Store (no index): T08 backup while writing, T09 restore."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desk.core import backup
from desk.core.errors import CorruptLibrary, LibraryLocked, NewerLibrary, UserError
from desk.core.store import Store, schema
from desk.core.types import PassageDraft


def _store(path: Path) -> Store:
    path.parent.mkdir(parents=True, exist_ok=True)
    s = Store(path)
    s.migrate()
    return s


def _add(store: Store, n: int, prefix: str = "p") -> list[str]:
    ids = []
    with store.transaction() as conn:
        for i in range(n):
            pid = f"{prefix}{i:05d}"
            store.insert_passage(conn, pid, PassageDraft(body=f"body {pid}"), None, pid)
            ids.append(pid)
    return ids


def _ids(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM passage ORDER BY id")]
    finally:
        conn.close()


def test_backup_is_a_verified_self_contained_copy(store_path: Path, tmp_path: Path) -> None:
    store = _store(store_path)
    ids = _add(store, 25)
    dest = backup.backup_database(store, tmp_path / "out" / "copy.sqlite")
    store.close()
    assert _ids(dest) == ids
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    conn.close()
    assert not list(dest.parent.glob(".*tmp*")), "no temporary file is left behind"
    assert not Path(str(dest) + "-wal").exists()


def test_backup_into_a_folder_picks_a_dated_name_and_never_overwrites(
    store_path: Path, tmp_path: Path
) -> None:
    store = _store(store_path)
    _add(store, 3)
    folder = tmp_path / "dest"
    folder.mkdir()
    a = backup.backup_database(store, folder)
    b = backup.backup_database(store, folder)
    assert a != b and a.parent == folder and b.parent == folder
    assert a.name.startswith("desk-") and a.name.endswith("-manual.sqlite")
    with pytest.raises(UserError, match="already exists"):
        backup.backup_database(store, a)
    store.close()


def test_t08_backup_while_writing_is_a_consistent_prefix(store_path: Path, tmp_path: Path) -> None:
    """T08: online backups taken while another connection inserts are sound prefixes."""
    store = _store(store_path)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        w = Store(store_path)
        try:
            i = 0
            while not stop.is_set() and i < 3000:
                with w.transaction() as conn:
                    pid = f"w{i:06d}"
                    w.insert_passage(conn, pid, PassageDraft(body=f"b{i}"), None, pid)
                written.append(i)
                i += 1
        finally:
            w.close()

    t = threading.Thread(target=writer)
    t.start()
    copies = []
    try:
        for n in range(15):
            copies.append(backup.backup_database(store, tmp_path / f"b{n}.sqlite"))
    finally:
        stop.set()
        t.join()
    store.close()
    for copy in copies:
        got = _ids(copy)
        assert got == [f"w{i:06d}" for i in range(len(got))], "a gap: not a prefix"
    assert len(written) > 0


def test_auto_backup_names_prunes_and_keeps_manual(store_path: Path) -> None:
    root = store_path.parent
    store = _store(store_path)
    _add(store, 2)
    start = datetime(2026, 1, 1, 9, 0, 0)
    manual = backup.auto_backup(root, store, "manual", now=start - timedelta(days=30))
    made = [
        backup.auto_backup(root, store, "daily", keep=3, now=start + timedelta(minutes=i))
        for i in range(5)
    ]
    store.close()
    assert made[0].name == "desk-20260101-090000-daily.sqlite"
    names = [b.path for b in backup.list_backups(root)]
    assert names == [*reversed(made[-3:]), manual], "newest first; manual never pruned"
    assert backup.newest_backup(root) == made[-1]


def test_same_second_backups_get_numbered_names_that_sort(store_path: Path) -> None:
    root = store_path.parent
    store = _store(store_path)
    when = datetime(2026, 2, 2, 2, 2, 2)
    a = backup.auto_backup(root, store, "pre-empty-trash", now=when)
    b = backup.auto_backup(root, store, "pre-empty-trash", now=when)
    store.close()
    assert b.name == "desk-20260202-020202-2-pre-empty-trash.sqlite"
    assert backup.newest_backup(root) == b and a.exists()


def test_half_written_temporaries_are_swept(store_path: Path) -> None:
    root = store_path.parent
    store = _store(store_path)
    (root / "backups").mkdir()
    stale = root / "backups" / ".desk-20260101-000000-daily.sqlite.123.tmp"
    stale.write_bytes(b"half")
    backup.auto_backup(root, store, "daily")
    store.close()
    assert not stale.exists()
    assert all(b.path.name.startswith("desk-") for b in backup.list_backups(root))


def test_daily_backup_due_once_a_day(store_path: Path) -> None:
    root = store_path.parent
    store = _store(store_path)
    today = datetime(2026, 3, 4, 8, 0)
    assert backup.daily_backup_due(root, today=today)
    backup.auto_backup(root, store, "daily", now=today - timedelta(days=1))
    assert backup.daily_backup_due(root, today=today)
    backup.auto_backup(root, store, "daily", now=today)
    store.close()
    assert not backup.daily_backup_due(root, today=today + timedelta(hours=10))
    assert backup.daily_backup_due(root, today=today + timedelta(days=1))


def test_t09_restore_with_stale_wal_and_shm_yields_the_backup(store_path: Path) -> None:
    """T09: restore replaces the db, moves stale -wal/-shm aside, drops the index."""
    root = store_path.parent
    store = _store(store_path)
    before = _add(store, 10, "a")
    saved = backup.auto_backup(root, store, "manual")
    _add(store, 7, "z")
    store.close()
    # Leave a live-looking WAL and SHM behind, as a crash would.
    stale = Store(store_path)
    with stale.transaction() as conn:
        stale.insert_passage(conn, "late", PassageDraft(body="late"), None, "late")
    wal, shm = Path(f"{store_path}-wal"), Path(f"{store_path}-shm")
    # Simulate a crash: copy the side files before the clean close deletes them.
    wal_bytes, shm_bytes = wal.read_bytes(), shm.read_bytes()
    stale.close()
    wal.write_bytes(wal_bytes)
    shm.write_bytes(shm_bytes)
    (root / "index").mkdir()
    (root / "index" / "MAIN.toc").write_bytes(b"x")
    old_db = store_path.read_bytes()

    result = backup.restore_backup(root, saved)

    assert result.kept_aside is not None and result.kept_aside.parent == root / "backups"
    assert result.kept_aside.name.startswith("replaced-")
    kept = sorted(p.name for p in result.kept_aside.iterdir())
    assert kept == ["desk.sqlite", "desk.sqlite-shm", "desk.sqlite-wal"]
    assert (result.kept_aside / "desk.sqlite").read_bytes() == old_db
    assert not wal.exists() and not shm.exists()
    assert not (root / "index").exists()
    assert _ids(store_path) == before
    reopened = Store(store_path)
    assert reopened.integrity_check() == []
    reopened.close()
    assert saved.exists(), "the backup itself is kept"


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, I am text\n" * 100, os.urandom(8192), b"SQLite format 3\x00" + b"\x00" * 500],
    ids=["empty", "text", "random", "bad-header"],
)
def test_restore_refuses_what_is_not_a_desk_database(
    store_path: Path, tmp_path: Path, content: bytes
) -> None:
    root = store_path.parent
    store = _store(store_path)
    ids = _add(store, 3)
    store.close()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    with pytest.raises((CorruptLibrary, UserError)):
        backup.restore_backup(root, bad)
    assert _ids(store_path) == ids
    assert not (root / "backups").exists() or not list((root / "backups").glob("replaced-*"))


def test_restore_refuses_a_foreign_sqlite_file_and_a_newer_desk(
    store_path: Path, tmp_path: Path
) -> None:
    root = store_path.parent
    store = _store(store_path)
    store.close()
    foreign = tmp_path / "other.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(CorruptLibrary, match="not a Desk library"):
        backup.restore_backup(root, foreign)
    newer = tmp_path / "newer.sqlite"
    s = _store(newer)
    s.conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    s.close()
    with pytest.raises(NewerLibrary):
        backup.restore_backup(root, newer)


def test_restore_refuses_while_the_library_is_open(store_path: Path) -> None:
    import fcntl

    root = store_path.parent
    store = _store(store_path)
    saved = backup.auto_backup(root, store, "manual")
    store.close()
    fd = os.open(root / backup.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(LibraryLocked):
            backup.restore_backup(root, saved)
    finally:
        os.close(fd)
    assert not list((root / "backups").glob("replaced-*"))


def test_damage_tells_real_damage_from_a_new_library(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    db = root / "desk.sqlite"
    assert backup.damage(db) is None, "missing is not damage"
    db.write_bytes(b"")
    assert backup.damage(db) is None, "an empty file in a fresh folder is an interrupted create"
    (root / "index").mkdir()
    assert "empty" in (backup.damage(db) or "")
    db.write_bytes(os.urandom(4096))
    assert "not an SQLite database" in (backup.damage(db) or "")
    db.unlink()
    store = _store(db)
    _add(store, 50)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    assert backup.damage(db) is None
    data = bytearray(db.read_bytes())
    page = 4096
    for i in range(page * 2, len(data)):
        data[i] = (i * 7) & 0xFF
    db.write_bytes(bytes(data))
    assert backup.damage(db) is not None


def test_set_aside_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    kept = []
    for n in range(3):
        (root / "desk.sqlite").write_bytes(f"garbage {n}".encode())
        (root / "desk.sqlite-wal").write_bytes(b"w")
        kept.append(backup.set_aside_damaged(root))
    assert len(set(kept)) == 3
    assert [(k / "desk.sqlite").read_bytes() for k in kept] == [
        b"garbage 0",
        b"garbage 1",
        b"garbage 2",
    ]
    assert not (root / "desk.sqlite").exists()
    msg = backup.damaged_message(root, kept[0], "not an SQLite database")
    assert str(kept[0]) in msg and "no backup" in msg


MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
40 27 0:50 / /home/ana/shared rw,relatime - nfs4 server:/export rw,vers=4.2
41 27 0:51 / /mnt/win\040share rw,relatime - cifs //nas/share rw
42 27 0:52 / /home/ana/remote rw - fuse.sshfs ana@host:/ rw
43 40 8:2 / /home/ana/shared/local rw - ext4 /dev/sda2 rw
"""


@pytest.mark.parametrize(
    ("path", "fstype", "warned"),
    [
        ("/home/ana/notes", "ext4", False),
        ("/home/ana/shared/desk", "nfs4", True),
        ("/home/ana/shared", "nfs4", True),
        ("/home/ana/sharedx/desk", "ext4", False),
        ("/mnt/win share/desk", "cifs", True),
        ("/home/ana/remote/lib", "fuse.sshfs", True),
        ("/home/ana/shared/local/lib", "ext4", False),
    ],
)
def test_t20_network_filesystem_detector(path: str, fstype: str, warned: bool) -> None:
    """T20: the detector reads mountinfo; the most specific mount wins."""
    assert backup.filesystem_type(Path(path), MOUNTINFO) == fstype
    warning = backup.location_warning(Path(path), MOUNTINFO)
    assert (warning is not None) == warned
    if warned:
        assert "network filesystem" in warning and fstype in warning


def test_t20_sync_folder_is_warned(tmp_path: Path) -> None:
    local = "27 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
    plain = tmp_path / "plain" / "lib"
    plain.mkdir(parents=True)
    assert backup.location_warning(plain, local) is None
    synced = tmp_path / "Dropbox" / "lib"
    synced.mkdir(parents=True)
    assert "file-syncing folder" in (backup.location_warning(synced, local) or "")
    st = tmp_path / "sync" / "lib"
    st.mkdir(parents=True)
    (tmp_path / "sync" / ".stfolder").mkdir()
    assert backup.location_warning(st, local) is not None


def test_restore_interrupted_before_the_swap_leaves_the_old_database_in_place(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = store_path.parent
    store = _store(store_path)
    ids = _add(store, 4)
    saved = backup.auto_backup(root, store, "manual")
    _add(store, 2, "late")
    store.close()
    current = _ids(store_path)
    real_replace = os.replace

    def dies_at_the_swap(src: object, dst: object) -> None:
        if Path(str(dst)) == store_path:
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(backup.os, "replace", dies_at_the_swap)
    with pytest.raises(UserError, match="Could not restore"):
        backup.restore_backup(root, saved)
    monkeypatch.undo()
    assert _ids(store_path) == current, "the old database is still the library's"
    assert not list(root.glob(".desk.sqlite.restoring*"))
    backup.restore_backup(root, saved)
    assert _ids(store_path) == ids


def test_a_big_librarys_daily_backup_runs_beside_the_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desk.library as library_module
    from desk.library import Library

    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.seed()
    assert not backup.list_backups(path)
    monkeypatch.setattr(library_module, "BACKGROUND_BACKUP_BYTES", 0)
    lib = Library.open(path)
    assert lib._backup_thread is not None  # the copy runs in its own thread
    assert lib.search("Wakhan").total  # the library answers meanwhile
    assert lib.wait_for_backup(timeout=60)
    made = backup.list_backups(path)
    assert [b.reason for b in made] == ["daily"]
    conn = sqlite3.connect(made[0].path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM passage").fetchone()[0] == lib.stats()["passages"]
    conn.close()
    lib.close()
    with Library.open(path) as again:  # one a day
        assert again._backup_thread is None


def test_a_failed_background_backup_is_told_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desk.library as library_module
    from desk.core.changes import Changes
    from desk.library import Library

    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.seed()
    go = threading.Event()

    def failing(*_a: object, **_k: object) -> None:
        go.wait(30)
        raise UserError("The disk is full; the backup desk-x.sqlite was not written.")

    monkeypatch.setattr(library_module, "BACKGROUND_BACKUP_BYTES", 0)
    monkeypatch.setattr(backup, "auto_backup", failing)
    lib = Library.open(path)
    heard: list[Changes] = []
    lib.events.subscribe(heard.append)
    go.set()
    lib.close()  # waits for the backup thread
    assert [c.notice for c in heard] == [
        "Today's backup was not made: The disk is full; the backup desk-x.sqlite was not written."
    ]
    assert heard[0].only_notice and lib.notices[-1] == heard[0].notice
    assert not backup.list_backups(path)
