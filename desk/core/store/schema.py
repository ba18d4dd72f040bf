"""The database schema as an ordered ladder of migrations on ``PRAGMA user_version``.

Each step runs inside one transaction together with the bump of
``user_version``; a database whose version is above ``SCHEMA_VERSION`` was
written by a newer Desk and is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from desk.core.errors import NewerLibrary

_V1 = """
CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT,
    publisher TEXT,
    author TEXT,
    published TEXT,
    retrieved_at TEXT,
    language TEXT,
    reliability TEXT CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
    originator TEXT,
    note TEXT,
    text TEXT,
    sha256 TEXT,
    created TEXT NOT NULL
);
CREATE INDEX source_sha256 ON source(sha256);

CREATE TABLE passage (
    id TEXT PRIMARY KEY,
    source_id INTEGER REFERENCES source(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'passage'
        CHECK (kind IN ('passage', 'standfirst', 'caption', 'note')),
    start INTEGER,
    "end" INTEGER,
    language TEXT,
    credibility INTEGER CHECK (credibility BETWEEN 1 AND 6),
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    trashed_at TEXT
);
CREATE INDEX passage_source ON passage(source_id);
CREATE INDEX passage_created ON passage(created);
CREATE INDEX passage_trashed ON passage(trashed_at);

CREATE TABLE annotation (
    id INTEGER PRIMARY KEY,
    passage_id TEXT NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    start INTEGER,
    "end" INTEGER,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX annotation_passage ON annotation(passage_id);

CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT
);

CREATE TABLE passage_tag (
    passage_id TEXT NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    PRIMARY KEY (passage_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX passage_tag_tag ON passage_tag(tag_id);

CREATE TABLE link (
    from_id TEXT NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
    to_id TEXT NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('relates', 'supports', 'contradicts', 'same-event')),
    note TEXT,
    created TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id),
    CHECK (from_id <> to_id)
) WITHOUT ROWID;
CREATE INDEX link_to ON link(to_id);

CREATE TABLE entity (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT,
    origin TEXT NOT NULL DEFAULT 'user'
);

CREATE TABLE entity_alias (
    entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
) WITHOUT ROWID;

CREATE TABLE mention (
    passage_id TEXT NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    surface TEXT NOT NULL,
    PRIMARY KEY (passage_id, start, entity_id)
) WITHOUT ROWID;
CREATE INDEX mention_entity ON mention(entity_id);

CREATE TABLE event_date (
    passage_id TEXT NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    precision TEXT NOT NULL CHECK (precision IN ('day', 'month', 'year')),
    approximate INTEGER NOT NULL DEFAULT 0,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (passage_id, start)
) WITHOUT ROWID;
CREATE INDEX event_date_date ON event_date(date);

CREATE TABLE saved_search (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query TEXT NOT NULL,
    created TEXT NOT NULL
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
INSERT INTO meta (key, value) VALUES ('generation', '0');
"""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _V1.split(";\n"):
        if statement.strip():
            conn.execute(statement)


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("initial schema", _v1),
]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def pending(conn: sqlite3.Connection) -> int:
    """How many migrations this database still needs (raises for a newer database)."""
    version = user_version(conn)
    if version > SCHEMA_VERSION:
        raise NewerLibrary(
            f"This library was written by a newer Desk (schema {version}, this Desk "
            f"knows {SCHEMA_VERSION}); upgrade Desk to open it. Nothing was changed."
        )
    return SCHEMA_VERSION - version


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the pending steps, each in its own transaction. Returns how many ran.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    ran = 0
    while True:
        version = user_version(conn)
        if pending(conn) == 0:
            return ran
        _name, step = MIGRATIONS[version]
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated between our check and the lock.
            if user_version(conn) != version:
                conn.execute("ROLLBACK")
                continue
            step(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        ran += 1
