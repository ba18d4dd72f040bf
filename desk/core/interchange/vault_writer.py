"""Writing an export into a folder: only Desk's own files, never a half-written note.

Every file is written under a hidden temporary name (``.desk-tmp-*.part``)
in its own folder and renamed over the real name once its bytes are on the
disk, so a reader of the vault, an export killed midway or a power cut only
ever shows a note's old text or its new text. The disk is flushed once per
batch of files rather than once per file: on Linux with ``syncfs`` (one
call flushes the whole file system, about 50 ms for a thousand notes where
a thousand ``fsync`` take seconds); elsewhere each file is ``fsync``-ed.
A kill can leave temporary files behind; the next export into the folder
removes them.

``.desk-export.json`` lists the files Desk wrote, so exporting again
updates and removes only those.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desk.core.errors import UserError
from desk.core.interchange import frontmatter
from desk.core.interchange.filenames import ensure_inside, fold
from desk.core.interchange.layout import (
    INDEX_KINDS,
    KIND_KEY,
    KIND_PASSAGE,
    MANIFEST_NAME,
    ExportFile,
    normalise_text,
)

Progress = Callable[[int, str], None]
Cancel = Callable[[], bool]

TMP_PREFIX = ".desk-tmp-"
TMP_SUFFIX = ".part"
# Files and bytes written between two flushes of the disk.
BATCH_FILES = 1000
BATCH_BYTES = 16 * 1024 * 1024


@dataclass
class ExportReport:
    """What :func:`write_vault` did, relpaths with ``/``."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # someone else's file was there
    refused: list[str] = field(default_factory=list)  # paths that would leave dest
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def total(self) -> int:
        """Files that are ours and current after the export."""
        return len(self.written) + len(self.unchanged)


# --- flushing to disk -------------------------------------------------------------


def _find_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn  # type: ignore[no-any-return]


_SYNCFS = _find_syncfs()


class _Disk:
    """Makes written files durable: one ``syncfs`` per batch, or ``fsync`` per file."""

    def __init__(self, root: Path) -> None:
        self._fd: int | None = None
        if _SYNCFS is not None:
            with contextlib.suppress(OSError):
                self._fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))

    @property
    def per_file(self) -> bool:
        """Whether each file must be flushed before it is closed."""
        return self._fd is None

    def flush(self) -> None:
        """Wait until everything written so far is on the disk."""
        if self._fd is None or _SYNCFS is None:
            return
        if _SYNCFS(self._fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_counter = itertools.count()


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _write_temp(folder: str | Path, data: bytes, *, fsync: bool) -> str:
    """Write ``data`` to a new hidden file in ``folder``; returns its path."""
    tmp = os.path.join(folder, f"{TMP_PREFIX}{os.getpid()}-{next(_counter)}{TMP_SUFFIX}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        # An ordinary file's mode (0o666 less the umask): the vault is handed on.
        fd = os.open(tmp, flags, 0o666)
    except FileExistsError:
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=TMP_SUFFIX, dir=folder)
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o666 & ~_UMASK)
    try:
        with open(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _remove_leftovers(folder: Path) -> None:
    """Remove temporary files an export killed midway left in ``folder``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(TMP_PREFIX) and name.endswith(TMP_SUFFIX):
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)


# --- the writer ---------------------------------------------------------------------


def _valid_relpath(relpath: str) -> bool:
    """Whether ``relpath`` names a file below the vault: ``/``-separated visible names."""
    if not relpath or "\\" in relpath or "\x00" in relpath or ":" in relpath:
        return False  # ":" makes a drive ("C:") or an NTFS stream ("a.md:x") on Windows
    # No empty part (a leading, doubled or trailing "/"), no ".", "..", or hidden name.
    return all(part and not part.startswith(".") for part in relpath.split("/"))


def _is_desk_file(path: Path) -> bool:
    """Whether an existing file is a note Desk wrote (its front matter says so)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            head = fh.read(64 * 1024)
    except OSError:
        return False
    source, _ = frontmatter.split(normalise_text(head))
    if source is None:
        return False
    try:
        return frontmatter.load(source).get(KIND_KEY) in (KIND_PASSAGE, *INDEX_KINDS)
    except frontmatter.FrontMatterError:
        return False


class _Writer:
    """One run of :func:`write_vault`: the folders seen and the batch not yet renamed."""

    def __init__(self, root: Path, old: list[str], report: ExportReport) -> None:
        self.root = root
        self.report = report
        self.old_folded = {fold(f) for f in old}
        self.seen: set[str] = set()
        self.ours: list[str] = []
        self.disk = _Disk(root)
        # Folder relpath -> its resolved path, or None when it leads out of root.
        self._folders: dict[str, Path | None] = {"": root}
        self._pending: list[tuple[str, str, str]] = []  # (temp, target, relpath)
        self._pending_bytes = 0
        self._ours_folded: dict[str, str] | None = None  # for remove_stale

    def _folder(self, rel: str) -> Path | None:
        if rel not in self._folders:
            folder: Path | None = None
            with contextlib.suppress(UserError):
                folder = ensure_inside(self.root, self.root.joinpath(*rel.split("/")))
                folder.mkdir(parents=True, exist_ok=True)
                # A link planted while the folders were made: check again.
                folder = ensure_inside(self.root, folder)
                _remove_leftovers(folder)
            self._folders[rel] = folder
        return self._folders[rel]

    def add(self, item: ExportFile) -> None:
        """Decide about one file; write it to a temporary name if it is to be written."""
        outcome = self._stage(item)
        if outcome == "staged":
            if len(self._pending) >= BATCH_FILES or self._pending_bytes >= BATCH_BYTES:
                self.commit()
            return
        getattr(self.report, outcome).append(item.relpath)
        if outcome == "unchanged":
            self.ours.append(item.relpath)
            self.seen.add(fold(item.relpath))

    def _stage(self, item: ExportFile) -> str:
        relpath = item.relpath
        if not _valid_relpath(relpath) or fold(relpath) in self.seen:
            return "refused"
        parent, _, name = relpath.rpartition("/")
        folder = self._folder(parent)
        if folder is None:
            return "refused"
        target = os.path.join(folder, name)
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISLNK(st.st_mode):
            try:
                ensure_inside(self.root, Path(target))
            except UserError:
                return "refused"
            return "conflicts"
        if st is not None and not stat.S_ISREG(st.st_mode):
            return "conflicts"
        data = item.text.encode("utf-8")
        if st is not None:
            if fold(relpath) not in self.old_folded and not _is_desk_file(Path(target)):
                return "conflicts"
            if st.st_size == len(data) and _read(target) == data:
                return "unchanged"
        tmp = _write_temp(folder, data, fsync=self.disk.per_file)
        self._pending.append((tmp, target, relpath))
        self._pending_bytes += len(data)
        self.seen.add(fold(relpath))
        return "staged"

    def commit(self) -> None:
        """Flush the batch to disk, then rename it over the real names."""
        if not self._pending:
            return
        self.disk.flush()
        done = 0
        try:
            for tmp, target, relpath in self._pending:
                os.replace(tmp, target)
                done += 1
                self.report.written.append(relpath)
                self.ours.append(relpath)
        finally:
            del self._pending[:done]
        self._pending_bytes = 0

    def discard(self) -> None:
        """Remove the temporary files of the batch (after an error)."""
        for tmp, _target, relpath in self._pending:
            self.seen.discard(fold(relpath))
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._pending = []
        self._pending_bytes = 0

    def write_manifest(self, files: list[str]) -> None:
        unique = sorted(dict.fromkeys(files))
        data = {"generator": "Desk", "format": 1, "files": unique}
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        path = self.root / MANIFEST_NAME
        if path.is_symlink():
            path.unlink()
        elif path.exists():
            try:
                if path.read_text(encoding="utf-8") == text:
                    return
            except (OSError, UnicodeDecodeError):
                pass
        tmp = _write_temp(self.root, text.encode("utf-8"), fsync=self.disk.per_file)
        try:
            self.disk.flush()
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def remove_stale(self, relpath: str) -> None:
        report = self.report
        path = self.root.joinpath(*relpath.split("/"))
        try:
            ensure_inside(self.root, path)
        except UserError:
            report.refused.append(relpath)
            return
        if path.is_symlink() or not path.is_file() or not _is_desk_file(path):
            return  # gone, replaced, or no longer ours (its Desk front matter was removed)
        # Only the case changed ("Foo.md" -> "foo.md"): on a case-insensitive
        # file system both names are the file just written.
        if fold(relpath) in self.seen:
            if self._ours_folded is None:
                self._ours_folded = {fold(r): r for r in self.ours}
            current = self._ours_folded.get(fold(relpath))
            if current is not None:
                with contextlib.suppress(OSError):
                    if path.samefile(self.root.joinpath(*current.split("/"))):
                        return
        try:
            path.unlink()
        except OSError as exc:
            report.warnings.append(f"could not remove {relpath}: {exc.strerror}")
            return
        report.removed.append(relpath)
        parent = path.parent
        while parent != self.root:
            try:
                parent.rmdir()  # only succeeds when empty
            except OSError:
                break
            parent = parent.parent


def _read_manifest(dest: Path, report: ExportReport) -> list[str]:
    path = dest / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        report.warnings.append(f"{MANIFEST_NAME} is unreadable; no old files will be removed")
        return []
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        report.warnings.append(f"{MANIFEST_NAME} has no file list; no old files will be removed")
        return []
    return [f for f in files if isinstance(f, str) and _valid_relpath(f)]


def write_vault(
    files: Iterable[ExportFile],
    dest: Path,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportReport:
    """Write an export into ``dest``, touching only Desk's own files.

    Each file is written only when its content changed, under a temporary
    name renamed over the real one once the batch is on the disk.
    ``dest/.desk-export.json`` lists the files Desk wrote; a file listed by
    the previous export but not produced now (a renamed or trashed note) is
    removed, unless its Desk front matter was taken out (then the user has
    made it theirs). A file Desk did not write is never overwritten
    (reported as a conflict) or removed.

    Args:
        files: from :func:`~desk.core.interchange.markdown_export.render_vault`.
        dest: the vault folder; created if missing.
        progress: called as ``progress(files_done, relpath)``.
        cancel: polled between files; when it returns True, the files
            already written are kept, nothing is removed and the manifest
            keeps the old entries.

    Returns:
        What was written, left alone, removed, refused.

    Raises:
        UserError: ``dest`` cannot be created or written.
    """
    dest = Path(dest)
    report = ExportReport()
    try:
        dest.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
    except OSError as exc:
        raise UserError(f"Cannot create the export folder {dest}: {exc.strerror}") from exc
    old = _read_manifest(root, report)
    writer = _Writer(root, old, report)
    try:
        try:
            for done, item in enumerate(files, 1):
                if cancel is not None and cancel():
                    report.cancelled = True
                    break
                if progress is not None:
                    progress(done, item.relpath)
                writer.add(item)
            writer.commit()
        except OSError as exc:
            writer.discard()
            with contextlib.suppress(OSError):
                writer.write_manifest([*old, *writer.ours])
            raise UserError(f"Export stopped: {exc.strerror or exc}", details=str(exc)) from exc
        except BaseException:
            writer.discard()
            raise
        if report.cancelled:
            writer.write_manifest([*old, *writer.ours])
            return report
        current = set(writer.ours)
        for stale in old:
            if stale not in current:
                writer.remove_stale(stale)
        writer.write_manifest(writer.ours)
        writer.disk.flush()  # the renames and removals
    finally:
        writer.disk.close()
    return report
