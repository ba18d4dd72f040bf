"""``Library``: the one facade the window and the command line use.

A library is a folder: ``desk.sqlite`` (the truth), ``index/`` (Whoosh,
derived) and ``backups/``. ``Library`` owns the store and the index and keeps
them consistent: every write is one SQLite transaction, then the same
passages are written to the index with the new generation stamp. If the
process dies between the two, the next open sees the index's older stamp and
reconciles it from SQLite.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desk.core import indexdocs
from desk.core.changes import Changes
from desk.core.clock import new_passage_id, now_iso
from desk.core.errors import LibraryLocked, NotFound, UserError
from desk.core.events import EventHub
from desk.core.store import Store
from desk.core.text import count_of
from desk.core.types import (
    LINK_KINDS,
    Entity,
    Passage,
    PassageDraft,
    SearchResult,
    Source,
    SourceDraft,
)
from desk.core.undo import UndoStack, UndoStep

log = logging.getLogger(__name__)

DB_NAME = "desk.sqlite"
INDEX_DIR = "index"
LOCK_NAME = ".desk.lock"
# A database bigger than this gets its daily backup from a background thread.
BACKGROUND_BACKUP_BYTES = 64 << 20

# Passages written to the index per commit by _sync_index (a big import's thousands).
SYNC_CHUNK = 5000

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass
class ImportResult:
    """What an import or clip created."""

    ids: list[str] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)
    skipped: int = 0
    notices: list[str] = field(default_factory=list)
    cancelled: bool = False
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)


@dataclass
class CheckReport:
    """What ``desk check`` found and did."""

    integrity: list[str]
    index_status: str
    missing_in_index: int = 0
    stale_in_index: int = 0
    extra_in_index: int = 0
    repaired: bool = False

    @property
    def ok(self) -> bool:
        index_ok = self.repaired or (
            self.index_status == "ok"
            and not (self.missing_in_index or self.stale_in_index or self.extra_in_index)
        )
        return not self.integrity and index_ok

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database": {"ok": not self.integrity, "problems": self.integrity},
            "index": {
                "status": self.index_status,
                "missing": self.missing_in_index,
                "stale": self.stale_in_index,
                "extra": self.extra_in_index,
                "repaired": self.repaired,
            },
        }


def _nfc(text: str) -> str:
    """What the analyst typed, in the one Unicode form we store (NFC)."""
    return unicodedata.normalize("NFC", text)


def _tag_path(raw: str) -> str:
    """Normalise a tag as typed: ``#Actor / China`` -> ``Actor/China``."""
    path = "/".join(part.strip() for part in _nfc(raw).strip().lstrip("#").split("/"))
    path = "/".join(p for p in path.split("/") if p)
    if not path:
        raise UserError(f"{raw!r} is not a tag: a tag needs at least one letter.")
    if any(ch in path for ch in "\n\r\t\x00"):
        raise UserError("A tag cannot contain line breaks, tabs or NUL characters.")
    if len(path) > 200:
        raise UserError("A tag is limited to 200 characters.")
    return path


class Library:
    """An open library folder.

    Use :meth:`open`; it is a context manager. All methods are thread-safe
    (one lock serialises them), so the window may call them from a worker.

    Args:
        root: the library folder.
        store: the open SQLite store.
        readonly: true when opened read-only (a second instance, a read-only
            folder); every write raises ``ReadOnlyLibrary``.
    """

    def __init__(self, root: Path, store: Store, *, readonly: bool, lock_fd: int | None) -> None:
        self.root = root
        self.store = store
        self.readonly = readonly
        self._lock_fd = lock_fd
        self._lock = threading.RLock()
        self.events = EventHub()
        self.undo_stack = UndoStack()
        self.notices: list[str] = []
        self.rebuilt_at_open = False  # opening rebuilt the index from the database
        self.index_needs_repair = False  # opened without repairing an unsound index
        self._index: Any = None
        self._matcher: Any = None
        self._entity_ids: dict[str, int] = {}
        self._closed = False
        self._backup_thread: threading.Thread | None = None

    # ------------------------------------------------------------------
    # opening and closing

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        readonly: bool = False,
        create: bool = True,
        repair: bool = True,
        progress: Progress | None = None,
    ) -> Library:
        """Open (and on first use create) the library folder at ``path``.

        A library another Desk process holds for writing is refused with
        ``LibraryLocked`` unless ``readonly`` is asked for. A folder that
        cannot be written is opened read-only with a notice. ``progress(done,
        total)`` hears about a rebuild of a missing, damaged or outdated index
        (minutes at 100k passages), so a caller can show it.
        """
        root = Path(path).expanduser()
        db_path = root / DB_NAME
        if not root.exists():
            if not create or readonly:
                raise NotFound(f"There is no library at {root}.")
            try:
                root.mkdir(parents=True)
            except OSError as exc:
                raise UserError(f"Cannot create the library folder {root}: {exc.strerror}") from exc
        elif not root.is_dir():
            raise UserError(f"{root} is a file, not a library folder.")
        notices: list[str] = []
        if not readonly and not os.access(root, os.W_OK):
            readonly = True
            notices.append(f"The library folder {root} is read-only; opened for reading only.")
        if readonly and not db_path.exists():
            raise NotFound(f"There is no library at {root} (no {DB_NAME}).")
        lock_fd = None if readonly else cls._take_lock(root)
        creating = not db_path.exists()
        try:
            store = _open_store(root, db_path, readonly=readonly)
        except BaseException:
            if lock_fd is not None:
                os.close(lock_fd)
            raise
        lib = cls(root, store, readonly=readonly, lock_fd=lock_fd)
        lib.notices.extend(notices)
        lib.notices.extend(_location_notices(root, creating=creating))
        try:
            if not readonly:
                lib._daily_backup()
            if not readonly and store.meta_get("gazetteer_loaded") is None:
                lib._load_gazetteer()
            # An import that died before moving its notes' mentions and dates into
            # place: do it now, and index the notes again with their entities.
            unfinished = [] if readonly else lib._merge_staged_analysis()
            lib._open_index(repair=repair, progress=progress)
            if unfinished:
                lib._sync_index(unfinished)
        except sqlite3.DatabaseError as exc:
            raise lib._damaged_at_open(exc) from exc
        except BaseException:
            lib.close()
            raise
        return lib

    def _damaged_at_open(self, exc: sqlite3.DatabaseError) -> BaseException:
        """Close, and set a database that turned out damaged aside (holding the lock)."""
        from desk.core import backup
        from desk.core.errors import CorruptLibrary

        lock_fd, self._lock_fd = self._lock_fd, None
        self.close()
        try:
            why = backup.damage(self.root / DB_NAME)
            if why is None:
                return exc
            kept = None if self.readonly else backup.set_aside_damaged(self.root)
            return CorruptLibrary(backup.damaged_message(self.root, kept, why))
        finally:
            if lock_fd is not None:
                os.close(lock_fd)

    @staticmethod
    def _take_lock(root: Path) -> int:
        path = root / LOCK_NAME
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise UserError(f"Cannot open the library's lock file {path}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            try:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            except OSError:
                holder = ""
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise LibraryLocked(
                f"The library {root} is open in another Desk{who}; close it there first, "
                "or open this one read-only."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        return fd

    def close(self) -> None:
        """Close the index and the database and release the folder."""
        if self._closed:
            return
        self._closed = True
        self.wait_for_backup()
        with self._lock:
            if self._index is not None:
                with contextlib.suppress(Exception):
                    self._index.close()
            self.store.close()
            if self._lock_fd is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._lock_fd, 0)
                os.close(self._lock_fd)
                self._lock_fd = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------
    # the index: open, keep in step, repair

    @property
    def index(self) -> Any:
        return self._index

    def _open_index(self, *, repair: bool, progress: Progress | None = None) -> None:
        from desk.core.search import SearchIndex

        path = self.root / INDEX_DIR
        self._index = SearchIndex.open(path, readonly=self.readonly)
        status = self._index.status
        if status == "ok" and self._index.generation != self.store.generation:
            status = "stale"
        if status == "ok" or self.readonly or not repair:
            if status != "ok":
                self.index_needs_repair = True
                self.notices.append(
                    f"The search index is {status}; results may be incomplete until Desk "
                    "opens this library for writing."
                )
            return
        if status == "stale":
            fixed = self._reconcile_index()
            if fixed:
                self.notices.append(
                    f"The search index was behind the database; {fixed} notes brought up to date."
                )
            return
        total = self._rebuild_index_count(progress)
        self.rebuilt_at_open = True
        if status == "outdated":
            self.notices.append(
                "The search index was made by an older version of Desk; rebuilt it."
            )
        elif total or status == "corrupt":
            # A brand-new library has no index yet; that is not news.
            self.notices.append(f"The search index was {status}; rebuilt it from the database.")

    def _rebuild_index_count(self, progress: Progress | None = None) -> int:
        self._rebuild_index(progress)
        return self.store.passage_count() + self.store.passage_count(trashed=True)

    def _reconcile_index(self) -> int:
        """Bring a stale index in step by comparing ids and update stamps."""
        try:
            in_index = self._index.ids()
        except Exception:
            log.exception("index unreadable while reconciling; rebuilding")
            self._rebuild_index()
            return self.store.passage_count() + self.store.passage_count(trashed=True)
        in_db = self.store.passage_stamps()
        changed = [pid for pid, stamp in in_db.items() if in_index.get(pid) != stamp]
        extra = [pid for pid in in_index if pid not in in_db]
        gen = self.store.generation
        if extra:
            self._index.delete(extra, generation=gen)
        self._index.upsert(indexdocs.docs_for(self.store, changed), generation=gen)
        if not extra and not changed:
            self._index.delete([], generation=gen)
        return len(changed) + len(extra)

    def _rebuild_index(
        self, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> bool:
        total = self.store.passage_count() + self.store.passage_count(trashed=True)
        return bool(
            self._index.rebuild(
                indexdocs.iter_docs(self.store),
                total=total,
                generation=self.store.generation,
                progress=progress,
                cancel=cancel,
            )
        )

    def _sync_index(self, ids: Iterable[str], progress: Progress | None = None) -> None:
        """Write the given passages to the index (after their transaction committed).

        SYNC_CHUNK passages at a time, so many (a big import's) are never all in
        memory; ``progress(done, total)`` hears after each. With no ids it still
        records the database's generation.
        """
        ids = list(dict.fromkeys(ids))
        gen = self.store.generation
        try:
            done = 0
            while True:
                chunk = ids[done : done + SYNC_CHUNK]
                docs = indexdocs.docs_for(self.store, chunk)
                present = {d.id for d in docs}
                gone = [pid for pid in chunk if pid not in present]
                if gone:
                    self._index.delete(gone, generation=gen)
                self._index.upsert(docs, generation=gen)
                done += len(chunk)
                if progress is not None and ids:
                    progress(done, len(ids))
                if done >= len(ids):
                    return
        except Exception:
            # The database holds the change; the index is repaired on next open.
            log.exception("index update failed; it will be reconciled")
            self.notices.append("The search index could not be updated; it will be repaired.")

    def reindex(self, progress: Progress | None = None, cancel: Cancel | None = None) -> bool:
        """Rebuild the index from SQLite. Returns False if cancelled (old index kept)."""
        with self._lock:
            self._require_writable()
            return self._rebuild_index(progress, cancel)

    def check(self, *, repair: bool = True) -> CheckReport:
        """SQLite's integrity check plus a comparison of the index with the database."""
        with self._lock:
            problems = self.store.integrity_check()
            status = self._index.status if self._index is not None else "missing"
            report = CheckReport(integrity=problems, index_status=status)
            if problems:
                # A damaged database cannot be compared with anything; restore a backup.
                return report
            in_db = self.store.passage_stamps()
            if status == "ok":
                try:
                    in_index = self._index.ids()
                except Exception as exc:
                    report.index_status = f"corrupt ({exc.__class__.__name__})"
                    in_index = {}
                report.missing_in_index = sum(1 for p in in_db if p not in in_index)
                report.stale_in_index = sum(
                    1 for p, s in in_db.items() if p in in_index and in_index[p] != s
                )
                report.extra_in_index = sum(1 for p in in_index if p not in in_db)
            needs = not report.ok
            if needs and repair and not self.readonly and not problems:
                self._rebuild_index()
                report.repaired = True
            return report

    # ------------------------------------------------------------------
    # backups (see desk.core.backup)

    def _daily_backup(self) -> None:
        """The first open of each day backs up a library that holds passages.

        A database over ``BACKGROUND_BACKUP_BYTES`` is copied and verified by a
        thread with its own read-only connection (13 s for 440 MB, 100k passages),
        so opening is not held up; ``close()`` waits for it. A failure then
        reaches the user as a notice through ``events`` (and ``notices``).
        """
        from desk.core import backup

        if not backup.daily_backup_due(self.root):
            return
        if self.store.passage_count() + self.store.passage_count(trashed=True) == 0:
            return
        db = self.root / DB_NAME
        if db.stat().st_size < BACKGROUND_BACKUP_BYTES:
            try:
                backup.auto_backup(self.root, self.store, "daily")
            except UserError as exc:
                self.notices.append(f"Today's backup was not made: {exc.message}")
            return
        self._backup_thread = threading.Thread(
            target=self._backup_in_background, args=(db,), name="desk-daily-backup", daemon=True
        )
        self._backup_thread.start()

    def _backup_in_background(self, db: Path) -> None:
        from desk.core import backup

        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
            try:
                backup.auto_backup(self.root, conn, "daily")
            finally:
                conn.close()
        except UserError as exc:
            message = f"Today's backup was not made: {exc.message}"
        except (sqlite3.Error, OSError) as exc:
            message = f"Today's backup was not made: {exc}"
        else:
            return
        log.warning("%s", message)
        self.notices.append(message)
        self.events.emit(Changes.message(message))

    def wait_for_backup(self, timeout: float | None = None) -> bool:
        """Wait for a daily backup running in the background; True when none is left."""
        thread = self._backup_thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return False
            self._backup_thread = None
        return True

    def backup(self, dest: Path | None = None, *, reason: str = "manual") -> Path:
        """Back up the database now: into ``backups/`` or to ``dest`` (a file or folder)."""
        from desk.core import backup

        self.wait_for_backup()  # one backup at a time in backups/

        with self._lock:
            if dest is None:
                return backup.auto_backup(self.root, self.store, reason)
            return backup.backup_database(self.store, Path(dest))

    def newest_backup(self) -> Path | None:
        """The most recent backup in ``backups/`` (for the window's restore offer)."""
        from desk.core import backup

        return backup.newest_backup(self.root)

    # ------------------------------------------------------------------
    # writes: helpers

    def _require_writable(self) -> None:
        if self.readonly:
            from desk.core.errors import ReadOnlyLibrary

            raise ReadOnlyLibrary("This library is open read-only; nothing was changed.")

    def _commit(self, ids: Iterable[str], changes: Changes) -> Changes:
        self._sync_index(ids)
        self.events.emit(changes)
        return changes

    def resolve(self, ref: str) -> str:
        """A full passage id from an id or a unique prefix."""
        with self._lock:
            return self.store.resolve_id(ref)

    # ------------------------------------------------------------------
    # analysis hooks (entities and dates are found on every write of a body)

    def _entity_matcher(self) -> Any:
        if self._matcher is None:
            from desk.core.analysis.entities import EntityMatcher
            from desk.core.analysis.gazetteer import GazetteerEntry

            entities = self.store.entities(counts=False)
            entries = [
                GazetteerEntry(e.key, e.name, e.kind, e.aliases, e.description) for e in entities
            ]
            self._entity_ids = {e.key: e.id for e in entities}
            self._matcher = EntityMatcher(entries)
        return self._matcher

    def _analyse(
        self,
        conn: Any,
        pid: str,
        body: str,
        published: str | None,
        found: Any = None,
        *,
        staged: bool = False,
    ) -> None:
        """Store the entity mentions and dates of a passage body.

        ``found`` is the ``(mentions, dates)`` pair already worked out for it
        (by an import's worker processes), or None to find them here.
        ``staged``: a new passage of a big import (see ``Store.replace_mentions``).
        """
        if found is None:
            from desk.core.analysis.batch import analyse

            found = analyse(self._entity_matcher(), body, published)
        mentions, dates = found
        self.store.replace_mentions(conn, pid, mentions, self._entity_ids, staged=staged)
        self.store.replace_event_dates(conn, pid, dates, staged=staged)

    def _merge_staged_analysis(self) -> list[str]:
        """Move a big import's staged mentions and dates into place (one transaction);
        returns the passages' ids (none when there were none, or when it failed: a full
        disk, say; the rows stay staged for the next open, and a notice says so)."""
        try:
            if not self.store.has_staged_analysis():
                return []
            with self.store.transaction() as conn:
                return self.store.merge_staged_analysis(conn)
        except (sqlite3.OperationalError, UserError):  # the store words a full disk so
            log.exception("moving imported mentions and dates into place failed")
            self.notices.append(
                "The imported notes' entities and dates will be completed when the "
                "library is next opened."
            )
            return []

    def _load_gazetteer(self) -> None:
        from desk.core.analysis.gazetteer import load_gazetteer
        from desk.paths import seeds_dir

        path = seeds_dir() / "gazetteer.yaml"
        if not path.is_file():
            return
        entries = load_gazetteer(path)
        with self.store.transaction() as conn:
            for e in entries:
                self.store.upsert_entity(
                    conn, e.key, e.name, e.kind, e.aliases, e.description, "gazetteer"
                )
            self.store.meta_set(conn, "gazetteer_loaded", now_iso())
        self._matcher = None

    # ------------------------------------------------------------------
    # creating passages

    def create(
        self,
        source: SourceDraft | None,
        drafts: Sequence[PassageDraft],
        *,
        tags: Sequence[str] = (),
        source_note: str | None = None,
        dedupe: bool = True,
    ) -> ImportResult:
        """Create a source (or reuse the same one) and its passages in one transaction."""
        with self._lock:
            self._require_writable()
            tag_paths = [_tag_path(t) for t in tags]
            for d in drafts:
                if not d.body.strip() and d.kind != "note":
                    raise UserError("A passage cannot be empty.")
                if d.credibility is not None and d.credibility not in range(1, 7):
                    raise UserError("Credibility must be 1–6.")
            result = ImportResult()
            with self.store.transaction() as conn:
                source_id = None
                published = None
                if source is not None:
                    sha = hashlib.sha256(source.text.encode()).hexdigest() if source.text else None
                    source_id = (
                        self.store.find_source(sha256=sha, url=source.url, title=source.title)
                        if dedupe
                        else None
                    )
                    if source_id is None:
                        source_id = self.store.insert_source(conn, source, sha, source_note)
                    published = source.published
                    result.source_ids.append(source_id)
                existing = self._existing_spans(source_id) if dedupe and source_id else set()
                for d in drafts:
                    key = (d.start, d.end, d.body)
                    if d.start is not None and key in existing:
                        result.skipped += 1
                        continue
                    if d.id and self.store.passage_exists(d.id):
                        result.skipped += 1
                        continue
                    pid = d.id or new_passage_id()
                    d = replace(d, body=_nfc(d.body))
                    title = _nfc((d.title or "").strip()) or _title_from(d.body)
                    self.store.insert_passage(conn, pid, d, source_id, title)
                    self.store.add_tags(conn, pid, [*tag_paths, *(_tag_path(t) for t in d.tags)])
                    self._analyse(conn, pid, d.body, published)
                    result.ids.append(pid)
            if result.ids:
                ids = list(result.ids)
                self.undo_stack.push(
                    UndoStep(
                        f"create {count_of(len(ids), 'passage')}",
                        lambda: self.trash(ids),
                        lambda: self.restore(ids),
                    )
                )
            self._commit(
                result.ids,
                Changes(frozenset(result.ids), created=True, sources=True, tags=bool(tag_paths)),
            )
            return result

    def _existing_spans(self, source_id: int) -> set[tuple[int | None, int | None, str]]:
        return {
            (r[0], r[1], r[2])
            for r in self.store.conn.execute(
                'SELECT start, "end", body FROM passage WHERE source_id = ?', (source_id,)
            )
        }

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        split: str = "paragraphs",
        overrides: dict[str, Any] | None = None,
        credibility: int | None = None,
        tags: Sequence[str] = (),
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ImportResult:
        """Import .txt, .md and .html files; each file is its own transaction.

        One file that cannot be read raises its ``UserError``. Among several, a
        file that cannot be read is left out and named in ``failed`` (with why),
        and the others are imported.
        """
        from desk.core.clipping import read_file

        overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        total = ImportResult()
        for n, path in enumerate(paths):
            if cancel and cancel():
                total.cancelled = True
                break
            name = Path(path).name
            try:
                doc = read_file(Path(path), split=split)
            except UserError as exc:
                if len(paths) == 1:
                    raise
                total.failed.append((name, exc.message.removesuffix("; nothing was imported")))
            else:
                drafts = [
                    replace(d, credibility=credibility) if credibility else d for d in doc.passages
                ]
                res = self.create(replace(doc.source, **overrides), drafts, tags=tags)
                total.ids += res.ids
                total.source_ids += res.source_ids
                total.skipped += res.skipped
                total.notices += [f"{name}: {m}" for m in doc.notices]
                if res.skipped and not res.ids:
                    total.notices.append(f"{name}: already in the library; nothing new.")
            if progress:
                progress(n + 1, len(paths))
        return total

    def clip(
        self,
        text: str,
        *,
        source: SourceDraft | None = None,
        fmt: str = "txt",
        split: str = "none",
        title: str | None = None,
        credibility: int | None = None,
        tags: Sequence[str] = (),
    ) -> ImportResult:
        """Clip pasted text, Markdown or HTML as one passage (or one per paragraph)."""
        from desk.core.clipping import MAX_BYTES, clip_text

        # The same cap as a clipped file (cheap check first: 4 bytes a character at most).
        size = len(text.encode("utf-8", "surrogatepass")) if len(text) > MAX_BYTES // 4 else 0
        if size > MAX_BYTES:
            raise UserError(
                f"The text is too large to clip ({size / 1024 / 1024:.0f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB); nothing was clipped."
            )
        if not text.strip():
            raise UserError("There is nothing to clip: the text is empty.")
        doc = clip_text(text, fmt=fmt, split=split)
        src = doc.source
        if source is not None:
            fields = {k: v for k, v in source.__dict__.items() if v is not None and k != "text"}
            src = replace(src, **fields)
        if not src.title or src.title == "Untitled":
            src = replace(src, title=title or (doc.passages[0].title if doc.passages else "Clip"))
        drafts = list(doc.passages)
        if title and len(drafts) == 1:
            drafts[0] = replace(drafts[0], title=title)
        if credibility is not None:
            drafts = [replace(d, credibility=credibility) for d in drafts]
        res = self.create(src, drafts, tags=tags)
        res.notices += doc.notices
        return res

    def new_note(self, title: str = "Untitled note", body: str = "") -> str:
        """A new empty note of the analyst's own (no source)."""
        res = self.create(None, [PassageDraft(body=body, title=title, kind="note")])
        return res.ids[0]

    # ------------------------------------------------------------------
    # editing

    def get(self, ref: str) -> Passage:
        """The passage with everything the reader shows."""
        with self._lock:
            return self.store.passage(self.store.resolve_id(ref))

    def update(
        self,
        ref: str,
        *,
        title: str | None = None,
        body: str | None = None,
        credibility: int | str | None = "keep",
        initiator: object = None,
    ) -> Changes:
        """Edit a passage's title, body or credibility (undoable)."""
        with self._lock:
            self._require_writable()
            pid = self.store.resolve_id(ref)
            before = self.store.passage(pid, full=False)
            fields: dict[str, Any] = {}
            if title is not None:
                if not title.strip():
                    raise UserError("A title cannot be empty.")
                fields["title"] = _nfc(title.strip())
            if body is not None:
                fields["body"] = body = _nfc(body)
            if credibility != "keep":
                from desk.core.analysis.grading import parse_credibility

                fields["credibility"] = parse_credibility(credibility)  # type: ignore[arg-type]
            if not fields:
                return Changes()
            with self.store.transaction() as conn:
                self.store.update_passage(conn, pid, **fields)
                if body is not None:
                    published = before.source.published if before.source else None
                    self._analyse(conn, pid, body, published)
            old = {k: getattr(before, k) for k in fields}
            self.undo_stack.push(
                UndoStep(
                    "edit " + ", ".join(fields),
                    lambda: self.update(pid, **_as_update(old)),
                    lambda: self.update(pid, **_as_update(fields)),
                )
            )
            return self._commit([pid], Changes(frozenset([pid]), initiator=initiator))

    def tag(self, ref: str, tags: Sequence[str], *, initiator: object = None) -> list[str]:
        """Add tags (paths like ``place/wakhan``); returns those newly added."""
        return self._retag(ref, tags, add=True, initiator=initiator)

    def untag(self, ref: str, tags: Sequence[str], *, initiator: object = None) -> list[str]:
        """Remove tags; returns those actually removed."""
        return self._retag(ref, tags, add=False, initiator=initiator)

    def _retag(self, ref: str, tags: Sequence[str], *, add: bool, initiator: object) -> list[str]:
        with self._lock:
            self._require_writable()
            pid = self.store.resolve_id(ref)
            paths = [_tag_path(t) for t in tags]
            change = self.store.add_tags if add else self.store.remove_tags
            with self.store.transaction() as conn:
                done = change(conn, pid, paths)
                if done:
                    self.store.touch(conn, pid)
            if done:
                self.undo_stack.push(
                    UndoStep(
                        f"{'tag' if add else 'untag'} {', '.join(done)}",
                        lambda: self._retag(pid, done, add=not add, initiator=None),
                        lambda: self._retag(pid, done, add=add, initiator=None),
                    )
                )
            self._commit([pid], Changes(frozenset([pid]), tags=True, initiator=initiator))
            return done

    def annotate(
        self,
        ref: str,
        text: str,
        *,
        start: int | None = None,
        end: int | None = None,
        initiator: object = None,
    ) -> int:
        """Add an annotation; returns its id."""
        with self._lock:
            self._require_writable()
            pid = self.store.resolve_id(ref)
            if not text.strip():
                raise UserError("An annotation cannot be empty.")
            text = _nfc(text)
            with self.store.transaction() as conn:
                aid = self.store.add_annotation(conn, pid, text, start, end)
                self.store.touch(conn, pid)
            state = {"aid": aid}

            def redo() -> None:
                state["aid"] = self.annotate(pid, text, start=start, end=end)

            self.undo_stack.push(
                UndoStep("annotate", lambda: self.delete_annotation(state["aid"]), redo)
            )
            self._commit([pid], Changes(frozenset([pid]), annotations=True, initiator=initiator))
            return aid

    def edit_annotation(self, aid: int, text: str, *, initiator: object = None) -> Changes:
        """Change an annotation's text (empty text deletes it)."""
        with self._lock:
            self._require_writable()
            old = self.store.annotation(aid)
            if not text.strip():
                return self.delete_annotation(aid, initiator=initiator)
            text = _nfc(text)
            if text == old.body:
                return Changes()
            with self.store.transaction() as conn:
                self.store.update_annotation(conn, aid, text)
                self.store.touch(conn, old.passage_id)
            self.undo_stack.push(
                UndoStep(
                    "edit annotation",
                    lambda: self.edit_annotation(aid, old.body),
                    lambda: self.edit_annotation(aid, text),
                )
            )
            return self._commit(
                [old.passage_id],
                Changes(frozenset([old.passage_id]), annotations=True, initiator=initiator),
            )

    def delete_annotation(self, aid: int, *, initiator: object = None) -> Changes:
        with self._lock:
            self._require_writable()
            old = self.store.annotation(aid)
            with self.store.transaction() as conn:
                self.store.delete_annotation(conn, aid)
                self.store.touch(conn, old.passage_id)
            state = {"aid": aid}

            def undo() -> None:
                state["aid"] = self.annotate(old.passage_id, old.body, start=old.start, end=old.end)

            self.undo_stack.push(
                UndoStep("delete annotation", undo, lambda: self.delete_annotation(state["aid"]))
            )
            return self._commit(
                [old.passage_id],
                Changes(frozenset([old.passage_id]), annotations=True, initiator=initiator),
            )

    def link(
        self,
        a_ref: str,
        b_ref: str,
        kind: str = "relates",
        note: str | None = None,
        *,
        initiator: object = None,
    ) -> Changes:
        """Link passage a to passage b with a kind (relates, supports, contradicts, same-event)."""
        with self._lock:
            self._require_writable()
            if kind not in LINK_KINDS:
                raise UserError(f"A link kind is one of {', '.join(LINK_KINDS)}; not {kind!r}.")
            a, b = self.store.resolve_id(a_ref), self.store.resolve_id(b_ref)
            if a == b:
                raise UserError("A passage cannot be linked to itself.")
            with self.store.transaction() as conn:
                old = self.store.upsert_link(conn, a, b, kind, note)
                self.store.touch(conn, a)
                self.store.touch(conn, b)
            if old is None:
                undo: Callable[[], object] = lambda: self.unlink(a, b)  # noqa: E731
            else:
                undo = lambda: self.link(a, b, old["kind"], old["note"])  # noqa: E731
            self.undo_stack.push(
                UndoStep(f"link ({kind})", undo, lambda: self.link(a, b, kind, note))
            )
            return self._commit([a, b], Changes(frozenset([a, b]), links=True, initiator=initiator))

    def unlink(self, a_ref: str, b_ref: str, *, initiator: object = None) -> Changes:
        """Remove the link between two passages (either direction)."""
        with self._lock:
            self._require_writable()
            a, b = self.store.resolve_id(a_ref), self.store.resolve_id(b_ref)
            with self.store.transaction() as conn:
                old = self.store.delete_link(conn, a, b)
                if old is None:
                    old = self.store.delete_link(conn, b, a)
                if old is None:
                    raise UserError("Those two passages are not linked.")
                self.store.touch(conn, a)
                self.store.touch(conn, b)
            frm, to, kind, note = old["from_id"], old["to_id"], old["kind"], old["note"]
            self.undo_stack.push(
                UndoStep(
                    "unlink", lambda: self.link(frm, to, kind, note), lambda: self.unlink(frm, to)
                )
            )
            return self._commit([a, b], Changes(frozenset([a, b]), links=True, initiator=initiator))

    def grade(
        self,
        ref: str,
        *,
        reliability: str | object | None = ...,
        credibility: int | str | object | None = ...,
        initiator: object = None,
    ) -> Passage:
        """Grade a passage's source (reliability A–F) and the passage (credibility 1–6).

        Pass ``None`` to make a grade ungraded again; leave out to keep it.
        """
        from desk.core.analysis.grading import parse_credibility, parse_reliability

        with self._lock:
            self._require_writable()
            pid = self.store.resolve_id(ref)
            before = self.store.passage(pid, full=False)
            ids = [pid]
            with self.store.transaction() as conn:
                if reliability is not ...:
                    rel = parse_reliability(reliability)  # type: ignore[arg-type]
                    if before.source is None:
                        raise UserError(
                            "This note has no source, so there is no source reliability to "
                            "grade; grade its credibility instead."
                        )
                    self.store.update_source(conn, before.source.id, reliability=rel)
                    ids = [
                        r[0]
                        for r in conn.execute(
                            "SELECT id FROM passage WHERE source_id = ?", (before.source.id,)
                        )
                    ]
                    for other in ids:
                        self.store.touch(conn, other)
                if credibility is not ...:
                    cred = parse_credibility(credibility)  # type: ignore[arg-type]
                    self.store.update_passage(conn, pid, credibility=cred)
            old_rel = before.source.reliability if before.source else None
            old_cred = before.credibility
            kw_old: dict[str, Any] = {}
            kw_new: dict[str, Any] = {}
            if reliability is not ...:
                kw_old["reliability"], kw_new["reliability"] = old_rel, reliability
            if credibility is not ...:
                kw_old["credibility"], kw_new["credibility"] = old_cred, credibility
            self.undo_stack.push(
                UndoStep(
                    "grade", lambda: self.grade(pid, **kw_old), lambda: self.grade(pid, **kw_new)
                )
            )
            self._commit(ids, Changes(frozenset(ids), sources=True, initiator=initiator))
            return self.store.passage(pid)

    def update_source(self, source_id: int, **fields: Any) -> Changes:
        """Edit a source's metadata; its passages are re-indexed."""
        with self._lock:
            self._require_writable()
            if "reliability" in fields:
                from desk.core.analysis.grading import parse_reliability

                fields["reliability"] = parse_reliability(fields["reliability"])
            with self.store.transaction() as conn:
                self.store.update_source(conn, source_id, **fields)
                ids = [
                    r[0]
                    for r in conn.execute(
                        "SELECT id FROM passage WHERE source_id = ?", (source_id,)
                    )
                ]
                for pid in ids:
                    self.store.touch(conn, pid)
            return self._commit(ids, Changes(frozenset(ids), sources=True))

    def trash(self, refs: Sequence[str], *, initiator: object = None) -> list[str]:
        """Move passages to the trash (restorable with everything they had)."""
        return self._set_trashed(refs, True, initiator)

    def restore(self, refs: Sequence[str], *, initiator: object = None) -> list[str]:
        """Take passages out of the trash."""
        return self._set_trashed(refs, False, initiator)

    def _set_trashed(self, refs: Sequence[str], trashed: bool, initiator: object) -> list[str]:
        with self._lock:
            self._require_writable()
            ids = [self.store.resolve_id(r) for r in refs]
            now = now_iso()
            stamp, was = (now, "IS NULL") if trashed else (None, "IS NOT NULL")
            done = []
            with self.store.transaction() as conn:
                for pid in ids:
                    cur = conn.execute(
                        f"UPDATE passage SET trashed_at = ?, updated = ? "
                        f"WHERE id = ? AND trashed_at {was}",
                        (stamp, now, pid),
                    )
                    if cur.rowcount:
                        done.append(pid)
            if done:
                verb = "trash" if trashed else "restore"
                self.undo_stack.push(
                    UndoStep(
                        f"{verb} {count_of(len(done), 'passage')}",
                        lambda: self._set_trashed(done, not trashed, None),
                        lambda: self._set_trashed(done, trashed, None),
                    )
                )
            changes = Changes(
                frozenset(done), deleted=trashed, created=not trashed, initiator=initiator
            )
            self._commit(done, changes)
            return done

    def empty_trash(self) -> int:
        """Delete trashed passages for good (not undoable). Returns how many.

        A verified backup is taken first; if it cannot be, nothing is deleted.
        The face must ask the user before calling this.
        """
        with self._lock:
            self._require_writable()
            ids = self.store.passage_ids(trashed=True)
            if not ids:
                return 0
            self.backup(reason="pre-empty-trash")
            with self.store.transaction() as conn:
                for pid in ids:
                    self.store.delete_passage(conn, pid)
                conn.execute(
                    "DELETE FROM source WHERE id NOT IN "
                    "(SELECT DISTINCT source_id FROM passage WHERE source_id IS NOT NULL)"
                )
            self.undo_stack.clear()
            self._commit(ids, Changes(frozenset(ids), deleted=True, sources=True))
            return len(ids)

    # ------------------------------------------------------------------
    # undo

    def undo(self) -> str:
        """Undo the last undoable operation; returns its label."""
        with self._lock:
            self._require_writable()
            return self.undo_stack.undo()

    def redo(self) -> str:
        with self._lock:
            self._require_writable()
            return self.undo_stack.redo()

    def undo_status(self) -> tuple[str | None, str | None]:
        return self.undo_stack.status()

    # ------------------------------------------------------------------
    # reading

    def search(
        self,
        query: str = "",
        *,
        limit: int | None = 50,
        sort: str = "relevance",
        restrict: Any = None,
        counts: bool = True,
        offset: int = 0,
    ) -> SearchResult:
        """Search with the query language (see ``desk.core.search.query``).

        ``counts=False`` leaves ``tag_counts``/``source_counts`` empty (cheaper);
        ``offset`` skips that many of the best hits (for paging).
        """
        with self._lock:
            matcher = self._entity_matcher()
            return self._index.search(
                query,
                limit=limit,
                sort=sort,
                restrict=restrict,
                expand=matcher.expand,
                entity_keys=matcher.keys_for,
                counts=counts,
                offset=offset,
            )

    def stats(self) -> dict[str, int]:
        with self._lock:
            return self.store.stats()

    def sources(self) -> list[Source]:
        with self._lock:
            return self.store.sources()

    def source(self, source_id: int) -> Source:
        with self._lock:
            return self.store.source(source_id)

    def tags(self) -> list[tuple[str, int, str | None]]:
        """Every tag path with its count of live passages and its description."""
        with self._lock:
            return self.store.tags_with_counts()

    def entities(self) -> list[Entity]:
        with self._lock:
            return self.store.entities()

    # ------------------------------------------------------------------
    # entities, see also, timeline, graph (the work is in desk.analysis_ops)

    def add_entity(
        self,
        name: str,
        kind: str,
        aliases: Sequence[str] = (),
        description: str | None = None,
        *,
        initiator: object = None,
    ) -> str:
        """Create an entity (key slugged from the name) and re-scan the passages (undoable).

        Returns:
            The new entity's key.
        """
        from desk import analysis_ops

        return analysis_ops.add_entity(self, name, kind, aliases, description, initiator=initiator)

    def add_alias(self, key: str, alias: str, *, initiator: object = None) -> Changes:
        """Give an entity another spelling; passages are re-scanned (undoable)."""
        from desk import analysis_ops

        return analysis_ops.add_alias(self, key, alias, initiator=initiator)

    def remove_alias(self, key: str, alias: str, *, initiator: object = None) -> Changes:
        """Take a spelling away from an entity; passages are re-scanned (undoable)."""
        from desk import analysis_ops

        return analysis_ops.remove_alias(self, key, alias, initiator=initiator)

    def merge_entities(self, keep_key: str, other_key: str, *, initiator: object = None) -> Changes:
        """Fold ``other`` into ``keep`` (name and aliases, mentions); ``other`` goes (undoable)."""
        from desk import analysis_ops

        return analysis_ops.merge_entities(self, keep_key, other_key, initiator=initiator)

    def related(self, ref: str, limit: int = 10) -> list[Any]:
        """See also: ``Related(id, title, score, reasons)`` for one passage, best first."""
        from desk import analysis_ops

        return analysis_ops.related(self, ref, limit)

    def timeline(self, query: str | None = None) -> list[Any]:
        """``TimelineEvent``s of the live passages matching ``query`` (all if None), by date."""
        from desk import analysis_ops

        return analysis_ops.timeline(self, query)

    def graph(
        self, center_id: str | None = None, *, ids: Sequence[str] | None = None, depth: int = 1
    ) -> Any:
        """The link ``Graph`` around a passage (depth 1–3), or over ``ids`` (or everything)."""
        from desk import analysis_ops

        return analysis_ops.graph(self, center_id, ids=ids, depth=depth)

    def titles(self, ids: Sequence[str]) -> dict[str, str]:
        with self._lock:
            return self.store.titles(ids)

    def passages(self, ids: Sequence[str]) -> Iterator[Passage]:
        """Full passages for ids, in order, skipping ids that no longer exist."""
        for pid in ids:
            with self._lock:
                try:
                    p = self.store.passage(pid)
                except NotFound:
                    continue
            yield p

    # ------------------------------------------------------------------
    # Markdown interchange (the work is in desk.interchange_ops)

    def export_markdown(
        self,
        dest: Path | str,
        *,
        query: str | None = None,
        ids: Sequence[str] | None = None,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> Any:
        """Export live passages as an Obsidian-style vault into ``dest``.

        Args:
            dest: the folder; created if missing. Only Desk's own files in it
                are written or removed, and nothing outside it.
            query: export the passages matching this search (all when None).
            ids: export these passages instead (trashed ones are left out).
            progress: ``progress(files_done, files_total)``.
            cancel: polled between files.

        Returns:
            The ``ExportReport`` (written, unchanged, removed, conflicts, ...).
        """
        from desk import interchange_ops

        return interchange_ops.export_markdown(
            self, Path(dest), query=query, ids=ids, progress=progress, cancel=cancel
        )

    def import_markdown(
        self,
        src: Path | str,
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
        index_progress: Progress | None = None,
    ) -> Any:
        """Import a Markdown folder: our own exports exactly, Obsidian/Joplin notes well.

        Notes go in by batches of 500, each one transaction; links are added
        once every note is in. Importing the same folder twice adds nothing.
        ``progress(done, total)`` counts the files read. A big import (2,000
        files or more) then writes the search index in one go, which can take
        longer than the reading; ``index_progress(done, total)`` counts that
        (not cancellable: the notes are in).

        Returns:
            A ``MarkdownImportReport`` (ids, already_present, links, skipped, ...).
        """
        from desk import interchange_ops

        return interchange_ops.import_markdown(
            self, Path(src), progress=progress, cancel=cancel, index_progress=index_progress
        )

    def markdown_for_clipboard(self, ids: Sequence[str]) -> str:
        """The passages as Markdown block quotes, each with a citation line."""
        from desk import interchange_ops

        return interchange_ops.markdown_for_clipboard(self, ids)

    # ------------------------------------------------------------------
    # saved searches

    def save_search(self, name: str, query: str) -> Changes:
        with self._lock:
            self._require_writable()
            if not name.strip():
                raise UserError("A saved search needs a name.")
            with self.store.transaction() as conn:
                self.store.save_search(conn, name.strip(), query)
            changes = Changes(saved_searches=True)
            self.events.emit(changes)
            return changes

    def delete_saved_search(self, name: str) -> Changes:
        with self._lock:
            self._require_writable()
            with self.store.transaction() as conn:
                if not self.store.delete_saved_search(conn, name):
                    raise NotFound(f"No saved search named {name!r}.")
            changes = Changes(saved_searches=True)
            self.events.emit(changes)
            return changes

    def saved_searches(self) -> list[tuple[str, str]]:
        with self._lock:
            return self.store.saved_searches()

    # ------------------------------------------------------------------
    # the sample collection

    def seed(self) -> ImportResult:
        """Load the sample collection (idempotent: a second run adds nothing)."""
        from desk.core.seed import load_collection
        from desk.paths import seeds_dir

        col = load_collection(seeds_dir())
        with self._lock:
            self._require_writable()
            if self.store.meta_get("gazetteer_loaded") is None:
                self._load_gazetteer()
            res = self.create(col.source, col.passages, source_note=col.source_note)
            with self.store.transaction() as conn:
                for path, description in col.tags:
                    self.store.tag_id(conn, path, description)
                fresh = set(res.ids)
                for pid, notes in col.annotations.items():
                    if pid in fresh:
                        for text in notes:
                            self.store.add_annotation(conn, pid, text)
                for a, b, kind, note in col.links:
                    if a in fresh or b in fresh:
                        self.store.upsert_link(conn, a, b, kind, note)
                for name, query in col.saved_searches:
                    if name not in dict(self.store.saved_searches()):
                        self.store.save_search(conn, name, query)
            self.undo_stack.clear()
            self._commit(res.ids, Changes.all())
            return res


def _open_store(root: Path, db_path: Path, *, readonly: bool) -> Store:
    """Open and migrate the database (backed up first); a damaged one is set aside.

    A damaged database is moved to ``<root>/corrupt-<stamp>/`` (never deleted,
    never overwritten) when we hold the library for writing, and the
    ``CorruptLibrary`` raised names where it was kept and how to restore the
    newest backup. A locked or unreadable file is not damage and stays put.
    """
    import sqlite3

    from desk.core import backup
    from desk.core.errors import CorruptLibrary
    from desk.core.store import schema

    def damaged(reason: str) -> CorruptLibrary:
        kept = None if readonly else backup.set_aside_damaged(root)
        return CorruptLibrary(backup.damaged_message(root, kept, reason))

    if db_path.is_file() and db_path.stat().st_size == 0 and (why := backup.damage(db_path)):
        raise damaged(why)
    try:
        store = Store(db_path, readonly=readonly)
    except CorruptLibrary as exc:
        why = backup.damage(db_path)
        if why is None:
            raise
        raise damaged(why) from exc
    try:
        version = schema.user_version(store.conn)
        if not readonly and version > 0 and schema.pending(store.conn):
            backup.auto_backup(root, store, f"pre-migrate-v{version}")
        store.migrate()
    except sqlite3.DatabaseError as exc:
        store.close()
        why = backup.damage(db_path)
        if why is None:
            raise
        raise damaged(why) from exc
    except BaseException:
        store.close()
        raise
    return store


def _location_notices(root: Path, *, creating: bool) -> list[str]:
    """Warnings about where the library lives, and about a database set aside earlier."""
    from desk.core import backup

    notices = []
    warning = backup.location_warning(root)
    if warning:
        notices.append(warning)
    if creating and (aside := backup.set_aside_folders(root)):
        newest = backup.newest_backup(root)
        notices.append(
            f"Started a new, empty database: the damaged one was kept in {aside[0]}"
            + (
                f"; to go back to the newest backup run: desk --library {root} "
                f"restore-backup {newest}"
                if newest
                else "."
            )
        )
    return notices


def _title_from(body: str) -> str:
    from desk.core.clipping import make_title

    return make_title(body) or "Untitled"


def _as_update(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in {"title", "body", "credibility"}}
