"""The database side of Markdown interchange, behind ``Library`` (DESIGN §5).

:mod:`desk.core.interchange` renders and parses notes without touching the
database; this module feeds it from the store and turns what it reads back
into passages. ``Library.export_markdown``, ``Library.import_markdown`` and
``Library.markdown_for_clipboard`` delegate here.

Export streams: file names are planned from ``(id, title)`` pairs, then full
passages are loaded and rendered a batch at a time, so a 100k-passage
library is never held in memory.

Import runs in transactions of :data:`IMPORT_BATCH` notes (all of a batch
lands or none of it), then adds the links once every note is in. A large
import (:data:`DEFER_INDEX_AT` files or more) writes the search index once
at the end instead of per batch, so its notes show in search when it
finishes (if it dies first, the next open reconciles the index); it also
appends its notes' mentions and dates to staging tables and moves them into
place in key order at the end (the next open does it if the import dies),
lets SQLite's write-ahead log grow, and pauses cyclic garbage collection. From
:data:`desk.core.analysis.batch.PARALLEL_AT` files on, entities and dates are
found in worker processes, a batch ahead of the one being inserted; a worker
dying stops the import like a cancel (whole batches kept, with their links)
and raises one :class:`UserError`. The folder is walked once. Our own
notes keep their ids, and a note whose id is already in the library is
counted as already present. A foreign note (Obsidian, Joplin) is a
duplicate when a passage with the same title and the same body already
exists, so importing a folder twice adds nothing the second time; a note
edited in between is imported again as a new passage.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk.core import gcpause
from desk.core.analysis.batch import AnalysisFailed, AnalysisPool, worker_count
from desk.core.changes import Changes
from desk.core.clock import new_passage_id
from desk.core.errors import NotFound, UserError
from desk.core.interchange import (
    ExportReport,
    ImportedNote,
    LinkResolver,
    NamePlanner,
    parse_vault,
    render_vault,
    write_vault,
)
from desk.core.interchange.markdown_export import citation, md_text, quote_lines
from desk.core.interchange.vault_files import NoteFile, note_files
from desk.core.store import annotation_from_row, passage_from_row
from desk.core.text import count_of
from desk.core.types import Annotation, Entity, Link, Passage, Source, SourceDraft
from desk.core.undo import UndoStep

if TYPE_CHECKING:
    from desk.core.store import Store
    from desk.library import Library

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

EXPORT_BATCH = 500
IMPORT_BATCH = 500
LINK_BATCH = 5000
# From this many files on, the index is written once at the end rather than
# per batch: one big Whoosh segment costs far less than dozens merged.
DEFER_INDEX_AT = 2000
# SQLite's page cache (KiB) while a big import runs: its notes' ids are in no
# particular order, so every insert lands on another page of the passage,
# mention and date tables; with the default 2 MB most of those are misses.
IMPORT_CACHE_KIB = 128 * 1024
# Pages the write-ahead log may hold during a big import before SQLite copies
# them into the database (default 1,000, so after nearly every batch): a page
# written by several batches is then copied once.
IMPORT_CHECKPOINT_PAGES = 40_000


# --- export ---------------------------------------------------------------------------


def export_json(report: ExportReport) -> dict[str, Any]:
    """An :class:`ExportReport` as the JSON the command line prints."""
    return {
        "written": report.written,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "conflicts": report.conflicts,
        "refused": report.refused,
        "warnings": report.warnings,
        "cancelled": report.cancelled,
    }


def check_export_folder(dest: Path) -> None:
    """Refuse, in one line, a destination that is a file or cannot be written.

    Raises:
        UserError: ``dest`` (or the folder it would be created in) is a file,
            or is not writable.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise UserError(f"{dest} is a file, not a folder; give a folder to export into.")
    probe = dest
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise UserError(f"Cannot create the export folder {dest}: {probe} is a file.")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        what = "the export folder" if probe == dest else "a folder in"
        raise UserError(f"Cannot write into {what} {probe}: permission denied.")


def _export_ids(lib: Library, query: str | None, ids: Sequence[str] | None) -> list[str]:
    """The live passages to export, in id order."""
    store = lib.store
    if ids is not None:
        wanted = []
        for ref in ids:
            with contextlib.suppress(NotFound):
                wanted.append(store.resolve_id(ref))
    elif query is not None and query.strip():
        wanted = [h.id for h in lib.search(query, limit=None, counts=False).hits]
        if not wanted:
            raise UserError(f"No passages match {query!r}; nothing was exported.")
    else:
        return sorted(
            r[0] for r in store.conn.execute("SELECT id FROM passage WHERE trashed_at IS NULL")
        )
    live: set[str] = set()
    unique = list(dict.fromkeys(wanted))
    for chunk in _chunks(unique, 500):
        marks = ",".join("?" * len(chunk))
        live.update(
            r[0]
            for r in store.conn.execute(
                f"SELECT id FROM passage WHERE trashed_at IS NULL AND id IN ({marks})", chunk
            )
        )
    return sorted(live)


def _titles(lib: Library, ids: list[str]) -> list[tuple[str, str]]:
    titles = lib.store.titles(ids)
    return [(pid, titles[pid]) for pid in ids if pid in titles]


def _cited_sources(lib: Library, ids: list[str]) -> tuple[list[Source], int]:
    """Every source the passages cite, and how many distinct tags they carry."""
    conn = lib.store.conn
    source_ids: set[int] = set()
    tags: set[int] = set()
    for chunk in _chunks(ids, 500):
        marks = ",".join("?" * len(chunk))
        source_ids.update(
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT source_id FROM passage WHERE id IN ({marks}) "
                "AND source_id IS NOT NULL",
                chunk,
            )
        )
        tags.update(
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT tag_id FROM passage_tag WHERE passage_id IN ({marks})", chunk
            )
        )
    return [lib.store.source(sid) for sid in sorted(source_ids)], len(tags)


def _load_passages(lib: Library, ids: list[str], sources: dict[int, Source]) -> Iterator[Passage]:
    """Passages as the export renders them, a batch at a time.

    Seven queries per batch of :data:`EXPORT_BATCH` rather than ten per
    passage: the row, tags, annotations, links both ways and entities. Mentions
    and event dates are left empty (the notes do not show them). Sources come
    from ``sources`` (every source the passages cite). The lock is held per
    batch, not per export; a passage deleted meanwhile is left out.
    """
    for chunk in _chunks(ids, EXPORT_BATCH):
        with lib._lock:
            batch = _passage_batch(lib.store, chunk, sources)
        yield from batch


def _passage_batch(store: Store, ids: list[str], sources: dict[int, Source]) -> list[Passage]:
    conn = store.conn
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in conn.execute(f"SELECT * FROM passage WHERE id IN ({marks})", ids)}
    tags: dict[str, list[str]] = {}
    for pid, path in conn.execute(
        "SELECT pt.passage_id, t.path FROM passage_tag pt JOIN tag t ON t.id = pt.tag_id "
        f"WHERE pt.passage_id IN ({marks}) ORDER BY t.path COLLATE NOCASE",
        ids,
    ):
        tags.setdefault(pid, []).append(path)
    notes: dict[str, list[Annotation]] = {}
    for r in conn.execute(
        f"SELECT * FROM annotation WHERE passage_id IN ({marks}) ORDER BY created, id", ids
    ):
        notes.setdefault(r["passage_id"], []).append(annotation_from_row(r))
    out_links = _batch_links(conn, marks, ids, outgoing=True)
    in_links = _batch_links(conn, marks, ids, outgoing=False)
    entities: dict[str, list[Entity]] = {}
    for r in conn.execute(
        "SELECT m.passage_id, e.id, e.key, e.name, e.kind, e.description, count(*) AS n "
        f"FROM mention m JOIN entity e ON e.id = m.entity_id WHERE m.passage_id IN ({marks}) "
        "GROUP BY m.passage_id, e.id ORDER BY m.passage_id, min(m.start)",
        ids,
    ):
        entities.setdefault(r[0], []).append(Entity(r[1], r[2], r[3], r[4], (), r[5], r[6]))
    batch = []
    for pid in ids:
        row = rows.get(pid)
        if row is None:
            continue  # deleted while exporting
        sid = row["source_id"]
        if sid is not None and sid not in sources:
            sources[sid] = store.source(sid)  # cited since the export began
        batch.append(
            passage_from_row(
                row,
                sources[sid] if sid is not None else None,
                tuple(tags.get(pid, ())),
                annotations=tuple(notes.get(pid, ())),
                links=tuple(out_links.get(pid, ())),
                backlinks=tuple(in_links.get(pid, ())),
                entities=tuple(entities.get(pid, ())),
            )
        )
    return batch


def export_markdown(
    lib: Library,
    dest: Path,
    *,
    query: str | None = None,
    ids: Sequence[str] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportReport:
    """Export passages as a vault into ``dest``; see ``Library.export_markdown``."""
    dest = Path(dest)
    check_export_folder(dest)
    with lib._lock:
        chosen = _export_ids(lib, query, ids)
        pairs = _titles(lib, chosen)
        sources, tag_count = _cited_sources(lib, chosen)
    names = NamePlanner(pairs)
    total = len(pairs) + len(sources) + tag_count + 1

    def written(done: int, _relpath: str) -> None:
        if progress is not None:
            progress(min(done, total), total)

    files = render_vault(
        _load_passages(lib, [pid for pid, _ in pairs], {s.id: s for s in sources}),
        library_name=lib.root.name or "Desk",
        names=names,
        sources=sources,
    )
    report = write_vault(files, dest, progress=written, cancel=cancel)
    if progress is not None and not report.cancelled:
        progress(total, total)
    return report


# --- clipboard --------------------------------------------------------------------------


def clipboard_block(p: Passage) -> str:
    """One passage as a block quote and a citation line (title, source, grade)."""
    quote = "\n".join(quote_lines(p.body))
    cite = citation(p)
    title = md_text(p.title)
    rest = cite[len("— ") :] if cite else ""
    line = f"**{title}**" if title else ""
    if rest:
        sep = " · " if rest.startswith("Grade") else ", "
        line = f"{line}{sep}{rest}" if line else rest
    return f"{quote}\n\n— {line}" if line else quote


def markdown_for_clipboard(lib: Library, ids: Sequence[str]) -> str:
    """The passages as Markdown block quotes with citations, blank lines between."""
    blocks = [clipboard_block(p) for p in lib.passages(list(ids))]
    return "\n\n".join(blocks) + "\n" if blocks else ""


# --- import -----------------------------------------------------------------------------


@dataclass
class MarkdownImportReport:
    """What ``import_markdown`` did.

    ``ids`` are the passages created; ``already_present`` counts notes left
    alone because the library holds them already (same id, or for foreign
    notes the same title and body); ``skipped`` lists files or notes left
    out, with the reason; ``warnings`` are things read imperfectly.
    """

    ids: list[str] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)
    already_present: int = 0
    links: int = 0
    notes_read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def notices(self) -> list[str]:
        """Skips and warnings as lines for people."""
        return [f"skipped {path}: {why}" for path, why in self.skipped] + self.warnings

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": len(self.ids),
            "already_present": self.already_present,
            "links": self.links,
            "sources_created": len(self.source_ids),
            "notes_read": self.notes_read,
            "cancelled": self.cancelled,
            "ids": self.ids,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "warnings": self.warnings,
        }


def count_note_files(root: Path) -> int:
    """How many files ``parse_vault`` would read (hidden ones left out)."""
    return sum(1 for _ in note_files(Path(root).resolve()))


def check_import_folder(src: Path, *, walk: bool = True) -> list[NoteFile]:
    """Refuse a missing folder, a file, or a folder without notes.

    Args:
        src: the folder.
        walk: list every note file (the import reads this list instead of
            walking the folder again); False stops at the first one found,
            for a quick check before the library is opened.

    Returns:
        The note files (only the first one when ``walk`` is False).
    """
    src = Path(src)
    if not src.exists():
        raise UserError(f"No such folder: {src}")
    if not src.is_dir():
        raise UserError(f"{src} is a file, not a folder; give the folder of Markdown notes.")
    found = note_files(src.resolve())
    files = list(found) if walk else list(itertools.islice(found, 1))
    if not files:
        raise UserError(f"No Markdown notes found in {src}.")
    return files


@dataclass
class _Pending:
    """A created note's links, resolved once every note is in."""

    from_id: str
    path: str
    links: list[tuple[str, str, str | None]]
    by_id: bool


class _Importer:
    """One import run: state shared by its batches."""

    def __init__(self, lib: Library, report: MarkdownImportReport) -> None:
        self.lib = lib
        self.store = lib.store
        self.report = report
        self.resolver = LinkResolver()
        self.path_ids: dict[str, str] = {}
        self.pending: list[_Pending] = []
        self.source_cache: dict[tuple[str, str], int] = {}
        self._titles: dict[str, list[str]] | None = None
        self.defer_index = False
        self.unindexed: list[str] = []

    def _commit(self, ids: list[str], changes: Changes) -> None:
        """Index and announce a committed batch (or only announce, when indexing is deferred)."""
        if self.defer_index:
            self.unindexed.extend(ids)
            self.lib.events.emit(changes)
        else:
            self.lib._commit(ids, changes)

    def merge_staged(self) -> None:
        """Move the mentions and dates staged by a big import into place (see
        ``Store.replace_mentions``); if that fails, the next open does it."""
        if not self.defer_index:
            return
        lib = self.lib
        with lib._lock:
            moved = lib._merge_staged_analysis()
        if moved:
            lib.events.emit(Changes(frozenset(moved), entities=True))

    def index_deferred(self, existing: int, progress: Progress | None = None) -> None:
        """Write the deferred passages to the index: rebuild it when they outnumber the rest.

        ``progress(done, total)`` counts the passages indexed.
        """
        ids, self.unindexed = self.unindexed, []
        if not self.defer_index:
            return
        lib = self.lib
        with lib._lock:
            if ids and len(ids) >= existing:
                try:
                    lib._rebuild_index(progress)
                except Exception:
                    # SQLite holds the notes; the next open reconciles the index.
                    log.exception("index rebuild after import failed")
                    lib.notices.append(
                        "The search index could not be updated; it will be repaired."
                    )
                return
            lib._sync_index(ids, progress)  # with none, it records the links' generation

    # -- duplicates of foreign notes ------------------------------------------------

    def _title_index(self) -> dict[str, list[str]]:
        if self._titles is None:
            self._titles = {}
            for pid, title in self.store.conn.execute("SELECT id, title FROM passage"):
                self._titles.setdefault(title, []).append(pid)
        return self._titles

    def _same_note(self, conn: sqlite3.Connection, title: str, body: str) -> str | None:
        for pid in self._title_index().get(title, ()):
            row = conn.execute("SELECT body FROM passage WHERE id = ?", (pid,)).fetchone()
            if row is not None and row[0] == body:
                return pid
        return None

    # -- sources -------------------------------------------------------------------

    def _source_id(self, conn: sqlite3.Connection, draft: SourceDraft, path: str) -> int:
        key = ("url", draft.url) if draft.url else ("title", draft.title)
        sid = self.source_cache.get(key)
        if sid is not None:
            return sid
        if draft.url:
            row = conn.execute(
                "SELECT id, reliability FROM source WHERE url = ? ORDER BY id LIMIT 1",
                (draft.url,),
            ).fetchone()
        else:
            row = conn.execute(
                "SELECT id, reliability FROM source WHERE title = ? ORDER BY id LIMIT 1",
                (draft.title,),
            ).fetchone()
        if row is None:
            sid = self.store.insert_source(conn, draft, None)
            self.report.source_ids.append(sid)
        else:
            sid = int(row[0])
            if draft.reliability and row[1] is None:
                self.store.update_source(conn, sid, reliability=draft.reliability)
            elif draft.reliability and row[1] != draft.reliability:
                self.report.warnings.append(
                    f"{path}: the source {draft.title!r} is graded {row[1]} in the library; "
                    f"kept that, not {draft.reliability}"
                )
        self.source_cache[key] = sid
        return sid

    # -- notes ---------------------------------------------------------------------

    def add(self, note: ImportedNote) -> None:
        """Remember a note for link resolution (before it is inserted)."""
        self.resolver.add(note)
        self.report.notes_read += 1
        for warning in note.warnings:
            self.report.warnings.append(f"{note.path}: {warning}")

    def insert_batch(self, notes: list[ImportedNote], found: list[Any] | None = None) -> None:
        """Insert notes in one transaction, then index them.

        ``found`` holds each note's entities and dates when they were worked
        out beforehand (see :func:`_analysis_items`); else they are found here.
        """
        if not notes:
            return
        lib = self.lib
        created: list[str] = []
        pending: list[_Pending] = []
        before = (len(self.report.source_ids), dict(self.source_cache))
        with lib._lock:
            lib._require_writable()
            try:
                with self.store.transaction() as conn:
                    present = self._present_ids(conn, notes)
                    for n, note in enumerate(notes):
                        self._insert_one(
                            conn, note, created, pending, present, found[n] if found else None
                        )
            except BaseException:
                # Nothing of this batch landed: forget what it planned.
                del self.report.source_ids[before[0] :]
                self.source_cache = before[1]
                self._titles = None
                for note in notes:
                    self.path_ids.pop(note.path, None)
                raise
            self.report.ids.extend(created)
            self.pending.extend(pending)
            self._commit(
                created,
                Changes(
                    frozenset(created),
                    created=True,
                    tags=True,
                    sources=True,
                    annotations=True,
                ),
            )

    @staticmethod
    def _present_ids(conn: sqlite3.Connection, notes: list[ImportedNote]) -> set[str]:
        """Which of the notes' own ids the library holds already (one query per batch)."""
        ids = list({note.id.strip() for note in notes if note.id and note.id.strip()})
        present: set[str] = set()
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            present.update(
                r[0] for r in conn.execute(f"SELECT id FROM passage WHERE id IN ({marks})", chunk)
            )
        return present

    def _insert_one(
        self,
        conn: sqlite3.Connection,
        note: ImportedNote,
        created: list[str],
        pending: list[_Pending],
        present: set[str],
        found: Any = None,
    ) -> None:
        from desk.library import _tag_path, _title_from

        draft = note.draft
        own = note.links_by_id
        pid = note.id.strip() if note.id else ""
        if pid and pid in present:
            self.report.already_present += 1
            self.path_ids[note.path] = pid
            return
        title = draft.title if draft.title and draft.title.strip() else _title_from(draft.body)
        if not own:
            same = self._same_note(conn, title, draft.body)
            if same is not None:
                self.report.already_present += 1
                self.path_ids[note.path] = same
                return
        pid = pid or new_passage_id()
        kind = draft.kind
        if not own and not draft.body.strip():
            kind = "note"
        sources_before = len(self.report.source_ids)
        conn.execute("SAVEPOINT desk_note")
        try:
            source_id = None
            published = None
            if note.source is not None:
                source_id = self._source_id(conn, note.source, note.path)
                published = note.source.published
            elif note.reliability:
                self.report.warnings.append(
                    f"{note.path}: reliability {note.reliability} kept out: the note has no source"
                )
            ins = draft if kind == draft.kind else _with_kind(draft, kind)
            self.store.insert_passage(conn, pid, ins, source_id, title)
            paths = []
            for tag in note.tags:
                try:
                    paths.append(_tag_path(tag))
                except UserError as exc:
                    self.report.warnings.append(f"{note.path}: tag {tag!r} left out: {exc.message}")
            self.store.add_tags(conn, pid, paths)
            anchors = note.annotation_anchors
            for n, text in enumerate(note.annotations):
                anchor = anchors[n] if n < len(anchors) else None
                aid = self.store.add_annotation(
                    conn,
                    pid,
                    text,
                    anchor.start if anchor else None,
                    anchor.end if anchor else None,
                    anchor.created if anchor else None,
                )
                if anchor and anchor.updated and anchor.updated != anchor.created:
                    conn.execute(
                        "UPDATE annotation SET updated = ? WHERE id = ?", (anchor.updated, aid)
                    )
            self.lib._analyse(conn, pid, draft.body, published, found, staged=self.defer_index)
        except sqlite3.IntegrityError as exc:
            conn.execute("ROLLBACK TO desk_note")
            conn.execute("RELEASE desk_note")
            # A source created for this note was rolled back with it.
            gone = set(self.report.source_ids[sources_before:])
            del self.report.source_ids[sources_before:]
            self.source_cache = {k: v for k, v in self.source_cache.items() if v not in gone}
            self.report.skipped.append((note.path, f"refused by the database ({exc})"))
            return
        conn.execute("RELEASE desk_note")
        created.append(pid)
        present.add(pid)
        self.path_ids[note.path] = pid
        if self._titles is not None:
            self._titles.setdefault(title, []).append(pid)
        if note.links:
            pending.append(_Pending(pid, note.path, list(note.links), own))

    # -- links ---------------------------------------------------------------------

    def insert_links(self) -> None:
        """Add the links of every created note, skipping those whose target is missing."""
        resolved: list[tuple[str, str, str, str | None]] = []
        for item in self.pending:
            for target, kind, note in item.links:
                if item.by_id:
                    tid: str | None = target
                    if not self.store.passage_exists(target):
                        tid = None
                else:
                    path = self.resolver.resolve(target)
                    tid = self.path_ids.get(path) if path is not None else None
                if tid is None:
                    self.report.warnings.append(
                        f"{item.path}: link to {target!r} left out: no such note"
                    )
                    continue
                if tid != item.from_id:
                    resolved.append((item.from_id, tid, kind, note))
        self.pending = []
        lib = self.lib
        for chunk in _chunks(resolved, LINK_BATCH):
            touched: set[str] = set()
            with lib._lock:
                with self.store.transaction() as conn:
                    for a, b, kind, note in chunk:
                        self.store.upsert_link(conn, a, b, kind, note)
                        touched.update((a, b))
                self.report.links += len(chunk)
                self._commit([], Changes(frozenset(touched), links=True))


def _with_kind(draft: Any, kind: str) -> Any:
    from dataclasses import replace

    return replace(draft, kind=kind)


def import_markdown(
    lib: Library,
    src: Path,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    index_progress: Progress | None = None,
) -> MarkdownImportReport:
    """Import a Markdown folder; see ``Library.import_markdown``."""
    src = Path(src)
    files = check_import_folder(src)
    total = len(files)
    lib._require_writable()
    report = MarkdownImportReport()
    importer = _Importer(lib, report)

    def read(done: int, _relpath: str) -> None:
        if progress is not None:
            progress(min(done, total), total)

    def stop() -> bool:
        if cancel is not None and cancel():
            report.cancelled = True
        return report.cancelled

    def skip(relpath: str, reason: str) -> None:
        report.skipped.append((relpath, reason))

    importer.defer_index = total >= DEFER_INDEX_AT
    with lib._lock:
        existing = lib.store.passage_count() + lib.store.passage_count(trashed=True)
    failure: AnalysisFailed | None = None
    stack = contextlib.ExitStack()
    try:
        if importer.defer_index:
            with lib._lock, lib.store.transaction() as conn:
                lib.store.create_stage_tables(conn)
            stack.enter_context(_bulk_writes(lib))
            stack.enter_context(gcpause.paused())
        workers = worker_count(total)
        pool = None
        if workers:
            with lib._lock:
                entries = lib._entity_matcher().entries
            try:
                pool = AnalysisPool(entries, workers)
            except (AnalysisFailed, OSError):
                log.warning("analysis workers did not start; analysing in process", exc_info=True)
        # With a pool, a batch's entities and dates are found while the
        # next batch is read: take the results of the batch sent before,
        # send this one, then insert the one before.
        waiting: list[ImportedNote] = []

        def flush(notes: list[ImportedNote]) -> None:
            nonlocal waiting
            if pool is None:
                importer.insert_batch(notes)
                return
            before, waiting = waiting, []
            found = pool.results() if before else None
            if notes:
                pool.submit(_analysis_items(notes))
                waiting = notes
            importer.insert_batch(before, found)

        batch: list[ImportedNote] = []
        try:
            for note in parse_vault(src, files=files, progress=read, cancel=stop, on_skip=skip):
                importer.add(note)
                batch.append(note)
                if len(batch) >= IMPORT_BATCH:
                    flush(batch)
                    batch = []
            if not report.cancelled:
                flush(batch)
            flush([])
        except AnalysisFailed as exc:
            # Batches already in stay, with their links, like a cancelled import.
            failure = exc
        finally:
            if pool is not None:
                pool.close()
        importer.insert_links()
        if progress is not None and failure is None and not report.cancelled:
            progress(total, total)  # before the index's progress begins
    finally:
        importer.merge_staged()
        stack.close()
        importer.index_deferred(existing, index_progress)
    if report.ids:
        ids = list(report.ids)
        lib.undo_stack.push(
            UndoStep(
                f"import {count_of(len(ids), 'Markdown note')}",
                lambda: lib.trash(ids),
                lambda: lib.restore(ids),
            )
        )
    if failure is not None:
        done = len(report.ids)
        raise UserError(
            f"The import stopped after {count_of(done, 'new note')}: "
            f"{failure.message} Those notes are kept; import the folder again to add the rest."
        )
    return report


@contextlib.contextmanager
def _bulk_writes(lib: Library) -> Iterator[None]:
    """SQLite settings for a big import: a page cache of IMPORT_CACHE_KIB and
    checkpoints every IMPORT_CHECKPOINT_PAGES pages; then the log is copied into
    the database and emptied, and the settings are as they were."""
    conn = lib.store.conn
    with lib._lock:
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        pages = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with lib._lock:
            conn.execute(f"PRAGMA cache_size = {int(cache)}")
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
            with contextlib.suppress(sqlite3.Error):  # busy: the next checkpoint does it
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _analysis_items(notes: list[ImportedNote]) -> list[tuple[str, str | None]]:
    """What the analysis of each note needs: its body and its source's date (as inserted)."""
    return [
        (note.draft.body, note.source.published if note.source is not None else None)
        for note in notes
    ]


def _chunks(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _batch_links(conn: Any, marks: str, ids: list[str], *, outgoing: bool) -> dict[str, list[Link]]:
    """Links from (or to) each of ``ids``, by the other passage's title."""
    here, there = ("from_id", "to_id") if outgoing else ("to_id", "from_id")
    out: dict[str, list[Link]] = {}
    for r in conn.execute(
        f"SELECT l.{here}, l.{there}, l.kind, l.note, p.title, p.trashed_at FROM link l "
        f"JOIN passage p ON p.id = l.{there} WHERE l.{here} IN ({marks}) "
        f"ORDER BY p.title COLLATE NOCASE, l.kind, l.{there}",
        ids,
    ):
        out.setdefault(r[0], []).append(Link(r[1], r[4], r[2], r[3], outgoing, r[5] is not None))
    return out
