"""The SQLite store: the single source of truth of a library.

``Store`` knows SQL and nothing else: no index, no files besides the
database, no policy. Every write goes through :meth:`Store.transaction`,
which takes SQLite's write lock (``BEGIN IMMEDIATE``), bumps the library's
``generation`` and commits, or rolls everything back.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from desk.core.clock import now_iso
from desk.core.errors import CorruptLibrary, NeedsUpgrade, NotFound, ReadOnlyLibrary, UserError
from desk.core.store import schema
from desk.core.types import (
    Annotation,
    DateMention,
    Entity,
    Link,
    Mention,
    Passage,
    PassageDraft,
    Source,
    SourceDraft,
)

_SOURCE_COLS = (
    "id, title, url, publisher, author, published, retrieved_at, language, "
    "reliability, originator, sha256, created"
)


def _source_from_row(row: sqlite3.Row, count: int = 0) -> Source:
    return Source(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        publisher=row["publisher"],
        author=row["author"],
        published=row["published"],
        retrieved_at=row["retrieved_at"],
        language=row["language"],
        reliability=row["reliability"],
        originator=row["originator"],
        sha256=row["sha256"],
        created=row["created"],
        passage_count=count,
    )


# The trashed passages' ids, for "live only" counts that never read passage rows.
_TRASHED_IDS = "(SELECT id FROM passage WHERE trashed_at IS NOT NULL)"


def passage_from_row(
    row: sqlite3.Row, source: Source | None, tags: tuple[str, ...], **extra: Any
) -> Passage:
    """A ``passage`` table row as a :class:`Passage` (``extra``: its related lists)."""
    return Passage(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        kind=row["kind"],
        source=source,
        start=row["start"],
        end=row["end"],
        language=row["language"],
        credibility=row["credibility"],
        created=row["created"],
        updated=row["updated"],
        trashed_at=row["trashed_at"],
        tags=tags,
        **extra,
    )


def annotation_from_row(r: sqlite3.Row) -> Annotation:
    """An ``annotation`` table row as an :class:`Annotation`."""
    return Annotation(
        r["id"], r["passage_id"], r["body"], r["start"], r["end"], r["created"], r["updated"]
    )


_STAGE_TABLES = (
    """CREATE TABLE IF NOT EXISTS mention_stage (
        passage_id TEXT NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        surface TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS event_date_stage (
        passage_id TEXT NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        precision TEXT NOT NULL,
        approximate INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL
    )""",
)


class Store:
    """One SQLite database file of a library.

    Args:
        path: the ``desk.sqlite`` file.
        readonly: open with ``mode=ro``; every write raises ``ReadOnlyLibrary``.
    """

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        try:
            if readonly:
                conn = _connect_readonly(path)
            else:
                conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA synchronous = FULL")
            # Touch the file so a non-database fails here, not later.
            schema.user_version(conn)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            with contextlib.suppress(Exception):
                conn.close()
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise UserError(
                    f"The library database {path} is locked by another program; "
                    "try again when it is done."
                ) from exc
            raise _environment_error(exc) from exc
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                conn.close()
            raise CorruptLibrary(f"{path} is not a readable Desk database ({exc})") from exc
        self.conn = conn
        self.db = sqlite_utils.Database(conn)

    # -- lifecycle -------------------------------------------------------

    def migrate(self) -> int:
        """Bring the schema up to date; refuses a newer database."""
        if self.readonly:
            if schema.pending(self.conn):
                raise NeedsUpgrade(
                    "This library needs an upgrade, which a read-only library cannot take."
                )
            return 0
        return schema.migrate(self.conn)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if not self.readonly:
                self.conn.execute("PRAGMA optimize")
        self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: all of it lands, or none of it does."""
        if self.readonly:
            raise ReadOnlyLibrary("This library is open read-only; nothing was changed.")
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _environment_error(exc) from exc
        try:
            yield conn
            conn.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
            )
            conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise _environment_error(exc) from exc
            raise

    # -- meta ------------------------------------------------------------

    @property
    def generation(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def meta_get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def meta_set(self, conn: sqlite3.Connection, key: str, value: str | None) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def integrity_check(self) -> list[str]:
        """SQLite's integrity and foreign-key checks; the problems found (empty if none).

        A database too damaged for the check itself to run reports that as a problem
        rather than raising.
        """
        try:
            rows = self.conn.execute("PRAGMA integrity_check").fetchall()
            problems = [r[0] for r in rows if r[0] != "ok"]
            fk = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return [f"the integrity check could not run: {exc}"]
        problems += [f"foreign key: {tuple(r)}" for r in fk]
        return problems

    # -- sources ---------------------------------------------------------

    def insert_source(
        self,
        conn: sqlite3.Connection,
        draft: SourceDraft,
        sha256: str | None,
        note: str | None = None,
    ) -> int:
        cur = conn.execute(
            "INSERT INTO source (title, url, publisher, author, published, retrieved_at, "
            "language, reliability, originator, note, text, sha256, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                draft.title,
                draft.url,
                draft.publisher,
                draft.author,
                draft.published,
                draft.retrieved_at,
                draft.language,
                draft.reliability,
                draft.originator,
                note,
                draft.text,
                sha256,
                now_iso(),
            ),
        )
        return int(cur.lastrowid or 0)

    def find_source(
        self, *, sha256: str | None = None, url: str | None = None, title: str | None = None
    ) -> int | None:
        """An existing source with the same captured text, URL, or (text-less) title."""
        if sha256:
            row = self.conn.execute(
                "SELECT id FROM source WHERE sha256 = ? ORDER BY id LIMIT 1", (sha256,)
            ).fetchone()
            if row:
                return int(row[0])
        if url:
            row = self.conn.execute(
                "SELECT id FROM source WHERE url = ? ORDER BY id LIMIT 1", (url,)
            ).fetchone()
            if row:
                return int(row[0])
        if title and not sha256 and not url:
            row = self.conn.execute(
                "SELECT id FROM source WHERE title = ? AND url IS NULL AND sha256 IS NULL "
                "ORDER BY id LIMIT 1",
                (title,),
            ).fetchone()
            if row:
                return int(row[0])
        return None

    def source(self, source_id: int) -> Source:
        row = self.conn.execute(
            f"SELECT {_SOURCE_COLS} FROM source WHERE id = ?", (source_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"No source with id {source_id}.")
        return _source_from_row(row, self._source_count(source_id))

    def _source_count(self, source_id: int) -> int:
        return int(
            self.conn.execute(
                "SELECT count(*) FROM passage WHERE source_id = ? AND trashed_at IS NULL",
                (source_id,),
            ).fetchone()[0]
        )

    def source_text(self, source_id: int) -> str | None:
        row = self.conn.execute("SELECT text FROM source WHERE id = ?", (source_id,)).fetchone()
        return None if row is None else row[0]

    def source_note(self, source_id: int) -> str | None:
        row = self.conn.execute("SELECT note FROM source WHERE id = ?", (source_id,)).fetchone()
        return None if row is None else row[0]

    def sources(self) -> list[Source]:
        rows = self.conn.execute(
            f"SELECT {', '.join('s.' + c.strip() for c in _SOURCE_COLS.split(','))}, "
            "(SELECT count(*) FROM passage p WHERE p.source_id = s.id AND p.trashed_at IS NULL) "
            "AS n FROM source s ORDER BY s.title COLLATE NOCASE, s.id"
        ).fetchall()
        return [_source_from_row(r, r["n"]) for r in rows]

    def update_source(self, conn: sqlite3.Connection, source_id: int, **fields: Any) -> None:
        allowed = {
            "title",
            "url",
            "publisher",
            "author",
            "published",
            "language",
            "reliability",
            "originator",
            "note",
        }
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"unknown source fields {bad}")
        if not fields:
            return
        sets = ", ".join(f"{k} = ?" for k in fields)
        cur = conn.execute(f"UPDATE source SET {sets} WHERE id = ?", (*fields.values(), source_id))
        if cur.rowcount == 0:
            raise NotFound(f"No source with id {source_id}.")

    # -- passages --------------------------------------------------------

    def insert_passage(
        self,
        conn: sqlite3.Connection,
        pid: str,
        draft: PassageDraft,
        source_id: int | None,
        title: str,
    ) -> None:
        created = draft.created or now_iso()  # an import's notes bring their own stamps
        conn.execute(
            'INSERT INTO passage (id, source_id, title, body, kind, start, "end", language, '
            "credibility, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pid,
                source_id,
                title,
                draft.body,
                draft.kind,
                draft.start,
                draft.end,
                draft.language,
                draft.credibility,
                created,
                draft.updated or created,
            ),
        )

    def passage_exists(self, pid: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM passage WHERE id = ?", (pid,)).fetchone() is not None
        )

    def resolve_id(self, ref: str) -> str:
        """A full passage id from an id or a unique prefix of one (like git)."""
        ref = ref.strip()
        if not ref:
            raise NotFound("An empty passage id names nothing.")
        if self.passage_exists(ref):
            return ref
        escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.conn.execute(
            "SELECT id FROM passage WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (escaped + "%",)
        ).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        if not rows:
            raise NotFound(f"No passage with id {ref!r}.")
        raise NotFound(f"The id prefix {ref!r} is ambiguous; give more of the id.")

    def passage_row(self, pid: str) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM passage WHERE id = ?", (pid,)).fetchone()
        if row is None:
            raise NotFound(f"No passage with id {pid!r}.")
        return row

    def passage(self, pid: str, *, full: bool = True) -> Passage:
        row = self.passage_row(pid)
        source = self.source(row["source_id"]) if row["source_id"] is not None else None
        tags = tuple(self.passage_tags(pid))
        if not full:
            return passage_from_row(row, source, tags)
        return passage_from_row(
            row,
            source,
            tags,
            annotations=tuple(self.annotations(pid)),
            links=tuple(self.links_from(pid)),
            backlinks=tuple(self.links_to(pid)),
            entities=tuple(self.passage_entities(pid)),
            mentions=tuple(self.mentions(pid)),
            events=tuple(self.event_dates(pid)),
        )

    def update_passage(self, conn: sqlite3.Connection, pid: str, **fields: Any) -> None:
        allowed = {"title", "body", "credibility", "language", "kind", "trashed_at", "source_id"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"unknown passage fields {bad}")
        fields["updated"] = now_iso()
        sets = ", ".join(f"{k} = ?" for k in fields)
        cur = conn.execute(f"UPDATE passage SET {sets} WHERE id = ?", (*fields.values(), pid))
        if cur.rowcount == 0:
            raise NotFound(f"No passage with id {pid!r}.")

    def touch(self, conn: sqlite3.Connection, pid: str) -> None:
        conn.execute("UPDATE passage SET updated = ? WHERE id = ?", (now_iso(), pid))

    def delete_passage(self, conn: sqlite3.Connection, pid: str) -> None:
        conn.execute("DELETE FROM passage WHERE id = ?", (pid,))

    def passage_ids(self, *, trashed: bool | None = False) -> list[str]:
        where = {False: "WHERE trashed_at IS NULL", True: "WHERE trashed_at IS NOT NULL", None: ""}[
            trashed
        ]
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT id FROM passage {where} ORDER BY created DESC, id DESC"
            )
        ]

    def passage_stamps(self) -> dict[str, str]:
        """id -> updated, trashed included (what the index must hold)."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, updated FROM passage")}

    def passage_count(self, *, trashed: bool = False) -> int:
        op = "IS NOT NULL" if trashed else "IS NULL"
        return int(
            self.conn.execute(f"SELECT count(*) FROM passage WHERE trashed_at {op}").fetchone()[0]
        )

    def titles(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT id, title FROM passage WHERE id IN ({marks})", chunk
            ):
                out[r[0]] = r[1]
        return out

    def iter_passage_rows(self, batch: int = 2000) -> Iterator[sqlite3.Row]:
        """Every passage row (trashed too), in id order, without holding them all."""
        last = ""
        while True:
            rows = self.conn.execute(
                "SELECT * FROM passage WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1]["id"]

    # -- tags ------------------------------------------------------------

    def tag_id(self, conn: sqlite3.Connection, path: str, description: str | None = None) -> int:
        row = conn.execute("SELECT id FROM tag WHERE path = ?", (path,)).fetchone()
        if row:
            if description:
                conn.execute(
                    "UPDATE tag SET description = ? WHERE id = ? AND description IS NULL",
                    (description, row[0]),
                )
            return int(row[0])
        cur = conn.execute("INSERT INTO tag (path, description) VALUES (?, ?)", (path, description))
        return int(cur.lastrowid or 0)

    def add_tags(self, conn: sqlite3.Connection, pid: str, paths: Iterable[str]) -> list[str]:
        added = []
        for path in paths:
            tid = self.tag_id(conn, path)
            cur = conn.execute(
                "INSERT OR IGNORE INTO passage_tag (passage_id, tag_id) VALUES (?, ?)", (pid, tid)
            )
            if cur.rowcount:
                added.append(path)
        return added

    def remove_tags(self, conn: sqlite3.Connection, pid: str, paths: Iterable[str]) -> list[str]:
        removed = []
        for path in paths:
            cur = conn.execute(
                "DELETE FROM passage_tag WHERE passage_id = ? AND tag_id = "
                "(SELECT id FROM tag WHERE path = ?)",
                (pid, path),
            )
            if cur.rowcount:
                removed.append(path)
        return removed

    def passage_tags(self, pid: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT t.path FROM passage_tag pt JOIN tag t ON t.id = pt.tag_id "
                "WHERE pt.passage_id = ? ORDER BY t.path COLLATE NOCASE",
                (pid,),
            )
        ]

    def tags_with_counts(self) -> list[tuple[str, int, str | None]]:
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT t.path, count(pt.passage_id), t.description FROM tag t "
                "LEFT JOIN passage_tag pt ON pt.tag_id = t.id "
                f"AND pt.passage_id NOT IN {_TRASHED_IDS} "
                "GROUP BY t.id ORDER BY t.path COLLATE NOCASE"
            )
        ]

    def canonical_tag(self, path: str) -> str:
        row = self.conn.execute("SELECT path FROM tag WHERE path = ?", (path,)).fetchone()
        return str(row[0]) if row else path

    # -- annotations -----------------------------------------------------

    def add_annotation(
        self,
        conn: sqlite3.Connection,
        pid: str,
        body: str,
        start: int | None = None,
        end: int | None = None,
        created: str | None = None,
    ) -> int:
        now = now_iso()
        cur = conn.execute(
            'INSERT INTO annotation (passage_id, body, start, "end", created, updated) '
            "VALUES (?, ?, ?, ?, ?, ?)",
            (pid, body, start, end, created or now, created or now),
        )
        return int(cur.lastrowid or 0)

    def annotation(self, aid: int) -> Annotation:
        r = self.conn.execute("SELECT * FROM annotation WHERE id = ?", (aid,)).fetchone()
        if r is None:
            raise NotFound(f"No annotation with id {aid}.")
        return Annotation(
            r["id"], r["passage_id"], r["body"], r["start"], r["end"], r["created"], r["updated"]
        )

    def update_annotation(self, conn: sqlite3.Connection, aid: int, body: str) -> None:
        cur = conn.execute(
            "UPDATE annotation SET body = ?, updated = ? WHERE id = ?", (body, now_iso(), aid)
        )
        if cur.rowcount == 0:
            raise NotFound(f"No annotation with id {aid}.")

    def delete_annotation(self, conn: sqlite3.Connection, aid: int) -> None:
        conn.execute("DELETE FROM annotation WHERE id = ?", (aid,))

    def annotations(self, pid: str) -> list[Annotation]:
        return [
            annotation_from_row(r)
            for r in self.conn.execute(
                "SELECT * FROM annotation WHERE passage_id = ? ORDER BY created, id", (pid,)
            )
        ]

    # -- links -----------------------------------------------------------

    def upsert_link(
        self, conn: sqlite3.Connection, a: str, b: str, kind: str, note: str | None
    ) -> sqlite3.Row | None:
        """Create or change the link a -> b; returns the previous row, if any."""
        old = conn.execute("SELECT * FROM link WHERE from_id = ? AND to_id = ?", (a, b)).fetchone()
        conn.execute(
            "INSERT INTO link (from_id, to_id, kind, note, created) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(from_id, to_id) DO UPDATE SET kind = excluded.kind, note = excluded.note",
            (a, b, kind, note, now_iso()),
        )
        return old

    def delete_link(self, conn: sqlite3.Connection, a: str, b: str) -> sqlite3.Row | None:
        old = conn.execute("SELECT * FROM link WHERE from_id = ? AND to_id = ?", (a, b)).fetchone()
        conn.execute("DELETE FROM link WHERE from_id = ? AND to_id = ?", (a, b))
        return old

    def links_from(self, pid: str) -> list[Link]:
        return [
            Link(r["to_id"], r["title"], r["kind"], r["note"], True, r["trashed_at"] is not None)
            for r in self.conn.execute(
                "SELECT l.to_id, l.kind, l.note, p.title, p.trashed_at FROM link l "
                "JOIN passage p ON p.id = l.to_id WHERE l.from_id = ? "
                "ORDER BY p.title COLLATE NOCASE, l.kind, l.to_id",
                (pid,),
            )
        ]

    def links_to(self, pid: str) -> list[Link]:
        return [
            Link(r["from_id"], r["title"], r["kind"], r["note"], False, r["trashed_at"] is not None)
            for r in self.conn.execute(
                "SELECT l.from_id, l.kind, l.note, p.title, p.trashed_at FROM link l "
                "JOIN passage p ON p.id = l.from_id WHERE l.to_id = ? "
                "ORDER BY p.title COLLATE NOCASE, l.kind, l.from_id",
                (pid,),
            )
        ]

    def all_links(self) -> list[tuple[str, str, str, str | None]]:
        return [
            (r[0], r[1], r[2], r[3])
            for r in self.conn.execute(
                "SELECT from_id, to_id, kind, note FROM link ORDER BY from_id, to_id"
            )
        ]

    # -- entities, mentions, dates ---------------------------------------

    def upsert_entity(
        self,
        conn: sqlite3.Connection,
        key: str,
        name: str,
        kind: str,
        aliases: Iterable[str],
        description: str | None,
        origin: str,
    ) -> int:
        row = conn.execute("SELECT id FROM entity WHERE key = ?", (key,)).fetchone()
        if row:
            eid = int(row[0])
            conn.execute(
                "UPDATE entity SET name = ?, kind = ?, description = "
                "coalesce(?, description) WHERE id = ?",
                (name, kind, description, eid),
            )
        else:
            eid = int(
                conn.execute(
                    "INSERT INTO entity (key, name, kind, description, origin) VALUES (?, ?, ?, ?, ?)",
                    (key, name, kind, description, origin),
                ).lastrowid
                or 0
            )
        for alias in aliases:
            conn.execute(
                "INSERT OR IGNORE INTO entity_alias (entity_id, alias) VALUES (?, ?)", (eid, alias)
            )
        return eid

    def entities(self, *, counts: bool = True) -> list[Entity]:
        """Every entity with its aliases; ``counts=False`` skips the mention counts
        (a join over every mention: most of the cost at 100k passages)."""
        aliases: dict[int, list[str]] = {}
        for r in self.conn.execute("SELECT entity_id, alias FROM entity_alias"):
            aliases.setdefault(r[0], []).append(r[1])
        out = []
        join = (
            "LEFT JOIN (SELECT entity_id, count(DISTINCT passage_id) AS c FROM mention "
            f"WHERE passage_id NOT IN {_TRASHED_IDS} GROUP BY entity_id) k ON k.entity_id = e.id"
            if counts
            else ""
        )
        n = "coalesce(k.c, 0)" if counts else "0"
        for r in self.conn.execute(
            f"SELECT e.*, {n} AS n FROM entity e {join} ORDER BY e.kind, e.name COLLATE NOCASE"
        ):
            out.append(
                Entity(
                    r["id"],
                    r["key"],
                    r["name"],
                    r["kind"],
                    tuple(sorted(aliases.get(r["id"], []))),
                    r["description"],
                    r["n"],
                )
            )
        return out

    def entity_by_key(self, key: str) -> Entity:
        for e in self.entities():
            if e.key == key:
                return e
        raise NotFound(f"No entity {key!r}.")

    def replace_mentions(
        self,
        conn: sqlite3.Connection,
        pid: str,
        mentions: Sequence[Mention],
        key_to_id: dict[str, int],
        *,
        staged: bool = False,
    ) -> None:
        """Store a passage's entity mentions in place of those it had.

        ``staged``: the passage is new, in a big import; the rows are appended to
        ``mention_stage`` and move into place with :meth:`merge_staged_analysis`.
        """
        rows = [
            (pid, key_to_id[m.entity_key], m.start, m.end, m.surface)
            for m in mentions
            if m.entity_key in key_to_id
        ]
        if staged:
            into = "INSERT INTO mention_stage"
        else:
            into = "INSERT OR IGNORE INTO mention"
            conn.execute("DELETE FROM mention WHERE passage_id = ?", (pid,))
        conn.executemany(
            f'{into} (passage_id, entity_id, start, "end", surface) VALUES (?, ?, ?, ?, ?)',
            rows,
        )

    def replace_event_dates(
        self,
        conn: sqlite3.Connection,
        pid: str,
        dates: Sequence[DateMention],
        *,
        staged: bool = False,
    ) -> None:
        """Store a passage's event dates in place of those it had (``staged``: as above)."""
        if staged:
            into = "INSERT INTO event_date_stage"
        else:
            into = "INSERT OR IGNORE INTO event_date"
            conn.execute("DELETE FROM event_date WHERE passage_id = ?", (pid,))
        conn.executemany(
            f"{into} (passage_id, date, precision, approximate, start, "
            '"end", text) VALUES (?, ?, ?, ?, ?, ?, ?)',
            [(pid, d.date, d.precision, int(d.approximate), d.start, d.end, d.text) for d in dates],
        )

    def create_stage_tables(self, conn: sqlite3.Connection) -> None:
        """The staging tables of a big import's mentions and dates, if not there yet.

        They have no keys, so rows are appended where the last ones went;
        ``mention`` and ``event_date`` are keyed by passage id, and a batch of
        random ids dirties a page of them per row, every batch again (10 GB through
        the write-ahead log for a 100k import). Work tables, not part of the
        schema's versions: a library without them opens (read-only too) as before.
        """
        for statement in _STAGE_TABLES:
            conn.execute(statement)

    def has_staged_analysis(self) -> bool:
        """Whether an import left mentions or dates in the staging tables (it died)."""
        present = {
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name IN ('mention_stage', 'event_date_stage')"
            )
        }
        return any(
            self.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in present
        )

    def merge_staged_analysis(self, conn: sqlite3.Connection) -> list[str]:
        """Move staged mentions and dates into place, in key order; returns the passages'
        ids.

        In key order, each page of ``mention`` and ``event_date`` is written once
        for the whole import. Rows of passages deleted meanwhile went with them
        (the staging tables cascade too).
        """
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT passage_id FROM mention_stage UNION SELECT passage_id FROM event_date_stage"
            )
        ]
        conn.execute(
            'INSERT OR IGNORE INTO mention (passage_id, entity_id, start, "end", surface) '
            'SELECT passage_id, entity_id, start, "end", surface FROM mention_stage '
            "ORDER BY passage_id, start, entity_id"
        )
        conn.execute(
            "INSERT OR IGNORE INTO event_date (passage_id, date, precision, approximate, "
            'start, "end", text) SELECT passage_id, date, precision, approximate, start, '
            '"end", text FROM event_date_stage ORDER BY passage_id, start'
        )
        conn.execute("DELETE FROM mention_stage")
        conn.execute("DELETE FROM event_date_stage")
        return ids

    def mentions(self, pid: str) -> list[Mention]:
        return [
            Mention(r[0], r[1], r[2], r[3])
            for r in self.conn.execute(
                'SELECT e.key, m.start, m."end", m.surface FROM mention m '
                "JOIN entity e ON e.id = m.entity_id WHERE m.passage_id = ? ORDER BY m.start",
                (pid,),
            )
        ]

    def passage_entities(self, pid: str) -> list[Entity]:
        return [
            Entity(r["id"], r["key"], r["name"], r["kind"], (), r["description"], r["n"])
            for r in self.conn.execute(
                "SELECT e.id, e.key, e.name, e.kind, e.description, count(*) AS n "
                "FROM mention m JOIN entity e ON e.id = m.entity_id "
                "WHERE m.passage_id = ? GROUP BY e.id ORDER BY min(m.start)",
                (pid,),
            )
        ]

    def event_dates(self, pid: str) -> list[DateMention]:
        return [
            DateMention(
                r["date"], r["precision"], r["start"], r["end"], r["text"], bool(r["approximate"])
            )
            for r in self.conn.execute(
                "SELECT * FROM event_date WHERE passage_id = ? ORDER BY start", (pid,)
            )
        ]

    # -- saved searches --------------------------------------------------

    def save_search(self, conn: sqlite3.Connection, name: str, query: str) -> None:
        conn.execute(
            "INSERT INTO saved_search (name, query, created) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
            (name, query, now_iso()),
        )

    def delete_saved_search(self, conn: sqlite3.Connection, name: str) -> bool:
        return conn.execute("DELETE FROM saved_search WHERE name = ?", (name,)).rowcount > 0

    def saved_searches(self) -> list[tuple[str, str]]:
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT name, query FROM saved_search ORDER BY name COLLATE NOCASE"
            )
        ]

    # -- stats -----------------------------------------------------------

    def stats(self) -> dict[str, int]:
        """Counts over live passages (trashed ones only in ``trashed``).

        "Live" is ``NOT IN`` the few trashed ids (one small list SQLite builds
        once), so the counts read only the small link tables, never the wide
        passage rows: at 100k passages 1.9 s became about 0.2 s.
        """

        def one(sql: str) -> int:
            return int(self.conn.execute(sql).fetchone()[0])

        live = "WHERE {col} NOT IN " + _TRASHED_IDS
        return {
            "passages": one("SELECT count(*) FROM passage WHERE trashed_at IS NULL"),
            "sources": one("SELECT count(*) FROM source"),
            "tags": one(
                "SELECT count(DISTINCT x.tag_id) FROM passage_tag x "
                + live.format(col="x.passage_id")
            ),
            "links": one(
                "SELECT count(*) FROM link l "
                + live.format(col="l.from_id")
                + " AND l.to_id NOT IN "
                + _TRASHED_IDS
            ),
            "annotations": one(
                "SELECT count(*) FROM annotation x " + live.format(col="x.passage_id")
            ),
            "entities": one(
                "SELECT count(DISTINCT x.entity_id) FROM mention x "
                + live.format(col="x.passage_id")
            ),
            "trashed": one("SELECT count(*) FROM passage WHERE trashed_at IS NOT NULL"),
        }


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """Open for reading; in a folder nobody may write, open the file as immutable.

    A WAL database needs its ``-shm`` file even to read; when the folder is
    read-only and that file is absent, SQLite refuses a plain ``mode=ro``
    open. Nobody can write there, so ``immutable=1`` is safe.
    """
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if os.access(path.parent, os.W_OK):
            raise
    return sqlite3.connect(
        f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False
    )


def _chunks(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _environment_error(exc: sqlite3.OperationalError) -> UserError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return UserError("The library is busy in another Desk process; try again in a moment.")
    if "full" in text:
        return UserError("The disk is full; the last change was not saved and nothing was lost.")
    if "disk i/o" in text:
        return UserError(
            "The disk refused the write (full, over a size limit, or failing); the last "
            "change was not saved and everything before it is intact."
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyLibrary("The library folder is read-only; nothing was changed.")
    return UserError(f"The database refused the change: {exc}")
