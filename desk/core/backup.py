"""Backups of a library's database, restoring one, and the checks around them.

A backup is a complete, self-contained SQLite file taken with SQLite's online
backup API (never a file copy of a live database, which can catch a
transaction half-way), written under a temporary name, verified with
``PRAGMA integrity_check`` and only then renamed into place. Automatic backups
live in ``<library>/backups/desk-YYYYMMDD-HHMMSS-<reason>.sqlite``; the oldest
automatic ones beyond ``keep`` are pruned, manual ones never are.

Restoring never deletes anything: the current database and its ``-wal`` and
``-shm`` files are moved to ``backups/replaced-<stamp>/``, the verified copy is
installed, and the derived search index is removed so it is rebuilt.

The module also holds the other checks on where a library lives: whether a
database file is really damaged (as opposed to locked or read-only), setting a
damaged one aside, and whether the folder is on a network filesystem or in a
cloud-sync folder, where SQLite's locking and WAL do not hold.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from desk.core.errors import CorruptLibrary, LibraryLocked, NewerLibrary, UserError
from desk.core.store import schema

DB_NAME = "desk.sqlite"
BACKUP_DIR = "backups"
INDEX_DIR = "index"
# The same lock file ``Library.open`` holds while a library is open for writing.
LOCK_NAME = ".desk.lock"
KEEP = 10
# Backups the user asked for are theirs: pruning never removes them.
UNPRUNED_REASONS = frozenset({"manual"})

_NAME = re.compile(r"^desk-(\d{8})-(\d{6})(?:-(\d+))?-([a-z0-9][a-z0-9.-]*)\.sqlite$")
_SIDE_FILES = ("-wal", "-shm", "-journal")
_REQUIRED_TABLES = frozenset({"passage", "source", "meta"})


class DamagedCopy(CorruptLibrary):
    """A fresh copy failed its integrity check: the database it came from is damaged."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "The backup copy failed its integrity check, so it was not kept: "
            + "; ".join(problems[:3])
        )


@dataclass(frozen=True)
class BackupInfo:
    """One automatic or manual backup in ``<library>/backups/``."""

    path: Path
    created: datetime
    reason: str
    size: int


# ----------------------------------------------------------------------
# taking a backup


def _connection(source: Any) -> sqlite3.Connection:
    conn = getattr(source, "conn", source)
    if not isinstance(conn, sqlite3.Connection):
        raise TypeError(f"expected a Store or a sqlite3.Connection, not {type(source).__name__}")
    return conn


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_with_side_files(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _problems(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with a database as a Desk library (empty list: nothing)."""
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        if problems:
            return problems
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = schema.user_version(conn)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    missing = _REQUIRED_TABLES - tables
    if missing or version < 1:
        return [f"not a Desk library (no {', '.join(sorted(missing)) or 'schema version'})"]
    if version > schema.SCHEMA_VERSION:
        raise NewerLibrary(
            f"That backup was written by a newer Desk (schema {version}, this Desk knows "
            f"{schema.SCHEMA_VERSION}); upgrade Desk to restore it. Nothing was changed."
        )
    return []


def _copy_verified(src: sqlite3.Connection, dest: Path) -> None:
    """Copy ``src`` into a new file at ``dest`` via a temporary name, verified, fsynced."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    _remove_with_side_files(tmp)
    try:
        target = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            # One step (pages=-1): the copy is a single consistent snapshot even
            # if another connection writes meanwhile.
            src.backup(target)
            # A self-contained file: no -wal beside it to lose when it is copied.
            target.execute("PRAGMA journal_mode = DELETE")
            problems = _problems(target)
        finally:
            target.close()
        if problems:
            raise DamagedCopy(problems)
        _fsync_file(tmp)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except sqlite3.Error as exc:
        raise _disk_error(exc, dest) from exc
    except OSError as exc:
        raise UserError(f"Could not write the backup {dest}: {exc.strerror or exc}") from exc
    finally:
        _remove_with_side_files(tmp)


def _disk_error(exc: sqlite3.Error, dest: Path) -> UserError:
    text = str(exc).lower()
    if "full" in text:
        return UserError(f"The disk is full; the backup {dest.name} was not written.")
    return UserError(f"Could not write the backup {dest}: {exc}")


def backup_database(source: Any, dest: Path) -> Path:
    """Copy a live database to ``dest`` with SQLite's online backup API.

    Args:
        source: a ``Store`` or an open ``sqlite3.Connection``.
        dest: the file to write, or an existing folder to write a dated file into.

    Returns:
        The path of the verified backup.

    Raises:
        UserError: when the copy cannot be written or fails its integrity check
            (nothing is left at ``dest`` then).
    """
    conn = _connection(source)
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = _unique(dest, f"desk-{_stamp(datetime.now())}-manual")
    elif dest.exists():
        raise UserError(f"{dest} already exists; choose a new file name or a folder.")
    _copy_verified(conn, dest)
    return dest


def _stamp(when: datetime) -> str:
    return when.strftime("%Y%m%d-%H%M%S")


def _unique(folder: Path, stem: str) -> Path:
    """``<folder>/<stem>.sqlite``, or a numbered variant that does not exist yet.

    The number goes between the time and the reason (``desk-…-HHMMSS-2-manual``)
    so names still sort in the order they were taken.
    """
    path = folder / f"{stem}.sqlite"
    if not path.exists():
        return path
    m = re.match(r"^(desk-\d{8}-\d{6})-(.+)$", stem)
    for n in range(2, 10000):
        name = f"{m.group(1)}-{n}-{m.group(2)}" if m else f"{stem}-{n}"
        path = folder / f"{name}.sqlite"
        if not path.exists():
            return path
    raise UserError(f"Too many backups in {folder} with the same name.")


def _reason(reason: str) -> str:
    clean = re.sub(r"[^a-z0-9.-]+", "-", reason.lower()).strip("-.")
    return clean or "auto"


def auto_backup(
    library_root: Path,
    store: Any,
    reason: str,
    keep: int = KEEP,
    *,
    now: datetime | None = None,
) -> Path:
    """Back up the library's database into its ``backups/`` folder.

    Args:
        library_root: the library folder.
        store: its open ``Store`` (or connection).
        reason: a short word in the name (``daily``, ``pre-migrate``,
            ``pre-empty-trash``, ``manual``).
        keep: how many automatic backups to keep; older ones are pruned
            after the new one is verified. Manual backups are never pruned.
        now: the time to stamp (tests).

    Returns:
        The new backup's path.
    """
    folder = Path(library_root) / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    _sweep_temporaries(folder)
    path = _unique(folder, f"desk-{_stamp(now or datetime.now())}-{_reason(reason)}")
    try:
        _copy_verified(_connection(store), path)
    except DamagedCopy as exc:
        # The copy is page for page what the live database holds: that is damaged.
        raise CorruptLibrary(
            damaged_message(Path(library_root), None, "; ".join(exc.problems[:3]))
            + ". Nothing was deleted; `desk check` shows the details.",
            details="\n".join(exc.problems),
        ) from exc
    prune_backups(library_root, keep)
    return path


def _sweep_temporaries(folder: Path) -> None:
    """Remove half-written copies left by a backup that was killed."""
    for p in folder.glob(".desk-*.tmp*"):
        with contextlib.suppress(OSError):
            p.unlink()


def prune_backups(library_root: Path, keep: int = KEEP) -> list[Path]:
    """Delete the oldest automatic backups beyond ``keep``; returns what was deleted."""
    auto = [b for b in list_backups(library_root) if b.reason not in UNPRUNED_REASONS]
    doomed = [b.path for b in auto[max(keep, 1) :]]
    for p in doomed:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    return doomed


def list_backups(library_root: Path) -> list[BackupInfo]:
    """The library's backups, newest first."""
    folder = Path(library_root) / BACKUP_DIR
    found: list[tuple[tuple[str, str, int], BackupInfo]] = []
    if not folder.is_dir():
        return []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if not m or not p.is_file():
            continue
        try:
            created = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
            size = p.stat().st_size
        except (ValueError, OSError):
            continue
        key = (m.group(1), m.group(2), int(m.group(3) or 1))
        found.append((key, BackupInfo(p, created, m.group(4), size)))
    found.sort(key=lambda kv: kv[0], reverse=True)
    return [info for _, info in found]


def newest_backup(library_root: Path) -> Path | None:
    """The most recent backup of the library, or None."""
    backups = list_backups(library_root)
    return backups[0].path if backups else None


def daily_backup_due(library_root: Path, *, today: datetime | None = None) -> bool:
    """True when no backup of the library was taken today (local time)."""
    day = (today or datetime.now()).strftime("%Y%m%d")
    return not any(b.created.strftime("%Y%m%d") == day for b in list_backups(library_root))


# ----------------------------------------------------------------------
# restoring


@contextlib.contextmanager
def _library_lock(root: Path) -> Iterator[None]:
    path = root / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UserError(f"Cannot open the library's lock file {path}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise LibraryLocked(
                f"The library {root} is open in another Desk; close it before restoring a backup."
            ) from None
        yield
    finally:
        os.close(fd)


def _open_candidate(path: Path) -> sqlite3.Connection:
    """Open a file the user wants restored, without changing it if we can help it."""
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise CorruptLibrary(f"{path} is not a Desk backup ({exc}); nothing was changed.") from exc


def verify_backup(path: Path) -> None:
    """Raise ``CorruptLibrary`` unless ``path`` is a sound Desk database."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"No such backup file: {path}")
    conn = _open_candidate(path)
    try:
        problems = _problems(conn)
    finally:
        conn.close()
    if problems:
        raise CorruptLibrary(
            f"{path} is not a sound Desk backup ({'; '.join(problems[:3])}); nothing was changed."
        )


@dataclass
class RestoreResult:
    """What ``restore_backup`` did."""

    restored_from: Path
    kept_aside: Path | None
    moved: list[Path]


def restore_backup(root: Path, file: Path) -> RestoreResult:
    """Replace the library's database with a backup, keeping the current one aside.

    The library must not be open anywhere (its lock is taken). ``file`` is
    verified first (integrity check, Desk schema, not from a newer Desk); then
    ``desk.sqlite`` and its ``-wal``/``-shm`` files are moved to
    ``backups/replaced-<stamp>/`` (never deleted), a verified copy of ``file``
    is installed, and ``index/`` is removed so the next open rebuilds it.

    Raises:
        CorruptLibrary: ``file`` is not a sound Desk database (nothing changed).
        LibraryLocked: the library is open in a Desk process.
    """
    root = Path(root).expanduser()
    file = Path(file).expanduser()
    verify_backup(file)
    if not root.is_dir():
        root.mkdir(parents=True)
    db = root / DB_NAME
    with _library_lock(root):
        incoming = root / f".{DB_NAME}.restoring"
        src = _open_candidate(file)
        try:
            _copy_verified(src, incoming)
        finally:
            src.close()
        try:
            aside: Path | None = None
            moved: list[Path] = []
            present = [p for p in (db, *(db.with_name(db.name + s) for s in _SIDE_FILES))]
            present = [p for p in present if p.exists()]
            if present:
                aside = _unique_dir(root / BACKUP_DIR, "replaced")
                for p in present:
                    target = aside / p.name
                    if p == db:
                        # A second name for the old file, so a crash before the swap
                        # below still leaves desk.sqlite in place; the swap drops it.
                        try:
                            os.link(p, target)
                        except OSError:
                            os.replace(p, target)
                    else:
                        os.replace(p, target)
                    moved.append(target)
                _fsync_dir(aside)
            os.replace(incoming, db)
            _fsync_dir(root)
        except OSError as exc:
            raise UserError(f"Could not restore the backup: {exc.strerror or exc}") from exc
        finally:
            _remove_with_side_files(incoming)
        index = root / INDEX_DIR
        if index.exists():
            shutil.rmtree(index, ignore_errors=True)
    return RestoreResult(file, aside, moved)


def _unique_dir(parent: Path, prefix: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    base = f"{prefix}-{_stamp(datetime.now())}"
    for n in range(1, 10000):
        path = parent / (base if n == 1 else f"{base}-{n}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise UserError(f"Too many folders named {base} in {parent}.")


# ----------------------------------------------------------------------
# a damaged database at open


def damage(path: Path) -> str | None:
    """Why the database file at ``path`` is damaged, or None if it is not.

    Only real damage counts: a locked, busy or unreadable (permissions) file
    is not damaged and must never be moved aside. A zero-length file is damage
    only when its library shows it once held data (an ``index/`` folder or
    backups exist); otherwise it is a library whose creation was interrupted.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(16)
    except FileNotFoundError:
        return None
    except OSError:
        return None
    if size == 0:
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return None  # the data is in the WAL: a valid database
        root = path.parent
        if (root / INDEX_DIR).exists() or list_backups(root):
            return "the database file is empty (zero bytes)"
        return None
    if header != b"SQLite format 3\x00":
        return "the file is not an SQLite database"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return str(exc)
        return None
    finally:
        conn.close()
    problems = [str(r[0]) for r in rows if r[0] != "ok"]
    return "; ".join(problems[:3]) if problems else None


def set_aside_damaged(root: Path) -> Path:
    """Move ``desk.sqlite`` and its side files into ``<root>/corrupt-<stamp>/``.

    Never overwrites (a fresh folder every time) and never deletes.
    """
    db = Path(root) / DB_NAME
    folder = _unique_dir(Path(root), "corrupt")
    for p in (db, *(db.with_name(db.name + s) for s in _SIDE_FILES)):
        if p.exists():
            os.replace(p, folder / p.name)
    _fsync_dir(folder)
    _fsync_dir(Path(root))
    return folder


def damaged_message(root: Path, kept: Path | None, reason: str) -> str:
    """The one line shown when a damaged database was found (and set aside to ``kept``)."""
    where = f"it was kept in {kept}" if kept else "it was left in place, unchanged"
    newest = newest_backup(root)
    if newest is None:
        tail = "there is no backup to restore."
    else:
        tail = (
            f"the newest backup is {newest}; restore it with: "
            f"desk --library {_quote(root)} restore-backup {_quote(newest)}"
        )
    return f"The library's database is damaged ({reason}); {where}, and {tail}"


def set_aside_folders(root: Path) -> list[Path]:
    """Damaged databases set aside earlier in this library, newest first."""
    return sorted((p for p in Path(root).glob("corrupt-*") if p.is_dir()), reverse=True)


def _quote(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


# ----------------------------------------------------------------------
# where the library lives

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "vboxsf",
        "fuse.vmhgfs-fuse",
        "virtiofs",
    }
)
# Folder names and marker files of sync clients that copy files behind SQLite's back.
_SYNC_NAMES = ("dropbox", "onedrive", "google drive", "googledrive", "icloud", "pcloud", "mega")
_SYNC_MARKERS = (".dropbox", ".dropbox.cache", ".stfolder", ".nextcloudsync.log")


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def filesystem_type(path: Path, mountinfo: str | None = None) -> str | None:
    """The filesystem type of the mount holding ``path`` (from ``/proc/self/mountinfo``)."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.realpath(path)
    best: tuple[int, str] | None = None
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        mount = _unescape(fields[4])
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        # Later lines win on ties: a mount stacked on the same point hides the earlier one.
        if inside and (best is None or len(mount) >= best[0]):
            best = (len(mount), right.split()[0])
    return best[1] if best else None


def location_warning(path: Path, mountinfo: str | None = None) -> str | None:
    """A warning when the library is on a network filesystem or in a sync folder."""
    fstype = filesystem_type(path, mountinfo)
    if fstype and fstype.lower() in NETWORK_FILESYSTEMS:
        return (
            f"The library {path} is on a network filesystem ({fstype}). SQLite cannot lock "
            "a database safely there and two computers writing can corrupt it; keep the "
            "library on a local disk and use backups to move it."
        )
    real = Path(os.path.realpath(path))
    for folder in (real, *real.parents):
        name = folder.name.lower()
        if any(name == s or name.startswith(s + " ") for s in _SYNC_NAMES) or any(
            (folder / m).exists() for m in _SYNC_MARKERS
        ):
            return (
                f"The library {path} is inside a file-syncing folder ({folder}). Sync "
                "clients copy the database while Desk writes it, which can corrupt it; "
                "keep the library outside synced folders and rely on backups."
            )
    return None


def is_disk_full(exc: BaseException) -> bool:
    """True for the errors a full disk or a file-size limit produces."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    return "full" in str(exc).lower()
