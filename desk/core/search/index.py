"""The passage index: a Whoosh index behind the small interface the Library uses.

One long-lived searcher serves every query. Edits are written as a tiny new segment
(``merge=False``) after deleting the old copy by docnum through that searcher, and the
searcher is refreshed by reusing the open segment readers (see ``readers.py``), so an
edit costs milliseconds, not a reopen of the big segment. ``optimize()`` merges.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import shutil
import struct
import threading
import warnings
import weakref
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.writing import NO_MERGE

from desk.core.errors import LibraryLocked
from desk.core.search.query import QueryFilter
from desk.core.search.readers import (
    GENERATION_FILE,
    INDEX_FORMAT,
    ReaderPool,
    changed_files,
    fsync_dir,
    fsync_tree,
    read_stamp,
    stamped_generation,
    write_generation,
)
from desk.core.search.schema import doc_fields, make_schema
from desk.core.search.scoring import SegmentCache
from desk.core.types import IndexDoc, SearchResult

BULK = 2000  # upserts at least this big are built by bulk.py as new segments
CORRUPTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    UnicodeDecodeError,
    IndexError,
    KeyError,
)


class _Storage(FileStorage):
    """Whoosh storage that reads segment files with seek/read, never into memory.

    With mmap on, Whoosh 2.7.4 wraps a compound segment in ``BytesIO(memoryview)``,
    which copies the whole file (about 1 GB at 100k passages) into the heap at open.
    Reading through the OS page cache instead keeps the process small and opens in
    milliseconds; new segments are written as plain files (``compound=False``).

    The exception is the small per-document columns (sort keys, field lengths: a few
    MB at 100k): Whoosh reads them one value at a time, a system call each, so they
    are read into memory whole. Stored fields (``_stored.col``) stay on disk.
    """

    def open_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if name.endswith(".col") and not name.endswith("_stored.col"):
            with open(self._fpath(name), "rb") as fh:
                return BufferFile(fh.read(), name=name)
        return super().open_file(name, *args, **kwargs)


def _storage(path: Path, readonly: bool) -> FileStorage:
    return _Storage(str(path), supports_mmap=False, readonly=readonly)


class SearchIndex:
    """The Whoosh passage index. See the module docstring for the design.

    ``status`` is ``ok``, ``missing`` (created empty, the caller should rebuild),
    ``outdated`` (made by an older Desk whose analyzer differed: searchable, but
    the caller should rebuild) or
    ``corrupt`` (unreadable; searches return nothing until ``rebuild``). ``stale``
    is for the caller to set after comparing ``generation``.
    """

    def __init__(self, path: Path, readonly: bool) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.status = "ok"
        self.generation: int | None = None
        self._ix: Any = None
        self._pool = ReaderPool()
        # Segment files are real open files now: close them if the index is dropped.
        weakref.finalize(self, self._pool.close)
        self._searcher: Any = None
        self._lock = threading.RLock()
        self._count_cache: dict[str, list[Any]] = {}
        self._empty_cache: tuple[Any, Any] | None = None
        self._sorted_cache: dict[Any, list[int]] = {}
        self._column_cache: dict[Any, list[Any]] = {}
        self._segment_cache = SegmentCache()
        self._trash_cache: Any = None
        self._version = 0

    # ---- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> SearchIndex:
        """Open (or create) the index at ``path``; never raises, reports via ``status``."""
        self = cls(path, readonly)
        # Whoosh leaks the file handle of a TOC it cannot read; keep that quiet.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self._open()
            except Exception:
                self.status = "corrupt"
                self._drop()
            gc.collect()
        return self

    def _open(self) -> None:
        self._recover_swap()
        if not self.path.is_dir() or not any(self.path.glob("*.toc")):
            self.status = "missing"
            if not self.readonly:
                self.path.mkdir(parents=True, exist_ok=True)
                self._ix = _storage(self.path, False).create_index(make_schema())
                self._refresh()
            return
        self._ix = _storage(self.path, self.readonly).open_index()
        self._refresh()
        stamp = read_stamp(self.path)
        self._probe(stamp)
        self.generation = stamped_generation(stamp, self._ix.latest_generation())
        if stamp.get("format", 1) != INDEX_FORMAT:
            self.status = "outdated"  # readable, but its terms follow older rules

    def _recover_swap(self) -> None:
        """Finish or undo a rebuild that was killed between its two renames."""
        new, old = self._sibling("new"), self._sibling("old")
        if not self.path.exists():
            if (new / GENERATION_FILE).exists():
                new.rename(self.path)
            elif old.exists():
                old.rename(self.path)
        if not self.readonly:
            # ... and batches a killed bulk upsert spilled for index workers (bulk.py).
            for leftover in (new, old, self.path / "feed.tmp"):
                if leftover.exists():
                    shutil.rmtree(leftover, ignore_errors=True)

    def _sibling(self, suffix: str) -> Path:
        return self.path.with_name(f"{self.path.name}.{suffix}")

    def _probe(self, stamp: dict[str, Any]) -> None:
        """Catch a damaged index at open, cheaply (a few reads, no full scan).

        Files whose size differs from the stamp written at the last commit (a
        truncated copy, a lost file) fail at once; then a few reads from each
        segment's stored fields, lexicons and postings catch garbled headers.
        """
        if stamp.get("toc") == self._ix.latest_generation():
            bad = changed_files(self.path, stamp)
            if bad:
                raise OSError(f"index files changed behind our back: {', '.join(bad[:3])}")
        s = self._searcher
        for r, _ in s.reader().leaf_readers():
            n = r.doc_count_all()
            if n:
                r.stored_fields(0)
                r.stored_fields(n - 1)
            for fname in ("id", "all"):
                for _ in zip(r.lexicon(fname), range(3), strict=False):
                    pass
        s.search(wq.Term("all", "desk"), limit=1)

    def _refresh(self) -> None:
        toc = self._ix._read_toc()
        reader = self._pool.reader(self._ix.storage, toc.schema, toc)
        self._searcher = Searcher(reader, weighting=BM25F(), closereader=False)
        live = set(self._pool.segment_ids())
        self._segment_cache.prune(live)
        for cache in (self._count_cache, self._column_cache):
            for key in [k for k in cache if (k[0] if isinstance(k, tuple) else k) not in live]:
                del cache[key]
        self._version += 1
        self._empty_cache = None

    def _drop(self) -> None:
        self._pool.close()
        self._searcher = None
        self._ix = None

    # ---- writing ---------------------------------------------------------------------
    def _writer(self, **kwargs: Any) -> Any:
        from whoosh.index import LockError

        try:
            return self._ix.writer(timeout=5.0, compound=False, **kwargs)
        except LockError as exc:
            raise LibraryLocked("The search index is being written by another process") from exc

    def _usable(self) -> bool:
        return self._ix is not None and not self.readonly and self.status != "corrupt"

    def upsert(self, docs: Iterable[IndexDoc], *, generation: int) -> None:
        """Add or replace passages by id."""
        with self._lock:
            if not self._usable():
                return
            docs = list(docs)
            w = self._writer()
            try:
                self._delete_ids(w, [d.id for d in docs])
                if len(docs) >= BULK:
                    self._bulk_commit(w, docs, generation)
                    return
                for d in docs:
                    w.add_document(**doc_fields(d))
            except BaseException:
                with contextlib.suppress(Exception):
                    w.cancel()
                raise
            self._commit(w, generation)

    def _bulk_commit(self, w: Any, docs: list[IndexDoc], generation: int) -> None:
        """Write ``docs`` as new segments built in memory (see ``bulk.py``) and commit
        them with ``w``'s deletions, merging nothing."""
        from desk.core.search import bulk

        procs = bulk.default_procs(len(docs))
        new, _ = bulk.build_segments(self.path, docs, total=len(docs), procs=procs)
        w.commit(mergetype=lambda _writer, segments: [*segments, *new])
        self._committed(generation)

    def delete(self, ids: Iterable[str], *, generation: int) -> None:
        """Remove passages by id (unknown ids are ignored)."""
        with self._lock:
            if not self._usable():
                return
            w = self._writer()
            try:
                self._delete_ids(w, list(ids))
            except BaseException:
                w.cancel()
                raise
            self._commit(w, generation)

    def _delete_ids(self, w: Any, ids: list[str]) -> None:
        s = self._searcher
        same = (
            s is not None and [seg.segment_id() for seg in w.segments] == self._pool.segment_ids()
        )
        if not same:  # our view is not the writer's: let Whoosh find the docs
            for i in ids:
                w.delete_by_term("id", i)
            return
        if not s.doc_count_all():
            return
        for i in ids:
            for docnum in s.docs_for_query(wq.Term("id", i)):
                w.delete_document(docnum)

    def _commit(self, w: Any, generation: int) -> None:
        if len(w.segments) > 12:
            w.commit()  # Whoosh's MERGE_SMALL: small segments only
        else:
            w.commit(mergetype=NO_MERGE)
        self._committed(generation)

    def _committed(self, generation: int) -> None:
        """Stamp the commit just made with ``generation`` and read it."""
        write_generation(self.path, generation, self._ix.latest_generation())
        self.generation = generation
        self._refresh()

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        *,
        total: int,
        generation: int,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        procs: int | None = None,
    ) -> bool:
        """Build a fresh index beside the live one and swap it in atomically.

        ``procs`` worker processes share the indexing (default: two for big
        libraries on a machine with two cores or more; see ``bulk.py``). Returns
        False (and leaves the live index untouched) when ``cancel()`` says so.
        """
        from desk.core.search import bulk

        with self._lock:
            if self.readonly:
                return False
            if procs is None:
                procs = bulk.default_procs(total)
            new = self._sibling("new")
            shutil.rmtree(new, ignore_errors=True)
            new.mkdir(parents=True)
            try:
                _storage(new, False).create_index(make_schema())
                done = bulk.build(
                    new, docs, total=total, procs=procs, progress=progress, cancel=cancel
                )
            except bulk.Cancelled:
                shutil.rmtree(new, ignore_errors=True)
                return False
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
            ix = _storage(new, False).open_index()
            write_generation(new, generation, ix.latest_generation())
            fsync_tree(new)
            self._drop()
            old = self._sibling("old")
            shutil.rmtree(old, ignore_errors=True)
            if self.path.exists():
                self.path.rename(old)
            new.rename(self.path)
            fsync_dir(self.path.parent)
            shutil.rmtree(old, ignore_errors=True)
            self._ix = _storage(self.path, False).open_index()
            self._count_cache.clear()
            self._column_cache.clear()
            self._refresh()
            self.status = "ok"
            self.generation = generation
            if progress is not None:
                progress(done, total)
            return True

    def optimize(self) -> None:
        """Merge every segment into one (slow at 100k: call it off the user's path)."""
        with self._lock:
            if not self._usable():
                return
            w = self._writer()
            w.commit(optimize=True)
            if self.generation is not None:
                write_generation(self.path, self.generation, self._ix.latest_generation())
            self._refresh()

    def segment_count(self) -> int:
        """How many segments the index has (the Library optimizes when this grows)."""
        return len(self._pool.segment_ids())

    # ---- reading ---------------------------------------------------------------------
    def doc_count(self) -> int:
        with self._lock:
            return self._searcher.doc_count() if self._searcher is not None else 0

    def ids(self) -> dict[str, str]:
        """Every indexed passage id with its ``updated`` stamp."""
        out: dict[str, str] = {}
        with self._lock:
            if self._searcher is None:
                return out
            for r, _ in self._searcher.reader().leaf_readers():
                if not r.doc_count_all():
                    continue
                ids = r.column_reader("id")
                upd = r.column_reader("upd")
                for n in range(r.doc_count_all()):
                    if not r.is_deleted(n):
                        out[ids[n]] = upd[n]
        return out

    def close(self) -> None:
        with self._lock:
            self._drop()

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        restrict: QueryFilter | None = None,
        sort: str = "relevance",
        expand: Callable[[str], list[str]] | None = None,
        entity_keys: Callable[[str], list[str]] | None = None,
        counts: bool = True,
        offset: int = 0,
    ) -> SearchResult:
        """Run a query in the Desk query language. Never raises.

        ``offset`` skips that many of the best hits (``limit`` hits follow), so a
        list can page in more rows without building the first ones again.

        ``counts=False`` skips the per-tag and per-source counts (left empty), which
        cost ~15 ms on a broad query at 100k passages; only the browse pane needs them.
        """
        with self._lock:
            if self._searcher is None:
                note = "The search index is unavailable; it is being rebuilt"
                return SearchResult([], 0, notices=[note] if self.status == "corrupt" else [])
            try:
                from desk.core.search.runner import run_search

                return run_search(
                    self, query, limit, restrict, sort, expand, entity_keys, counts,
                    max(0, offset),
                )  # fmt: skip
            except Exception as exc:  # a garbled segment shows up here at the latest
                if isinstance(exc, CORRUPTION_ERRORS):
                    self.status = "corrupt"
                return SearchResult(
                    [], 0, notices=[f"The search index could not be read ({type(exc).__name__})"]
                )


__all__ = ["QueryFilter", "SearchIndex"]
