"""The analysis side of the ``Library`` facade: entities, see also, timeline, graph.

``Library`` keeps one-line methods that call these functions with itself;
the work lives here so the facade stays small. Every function takes the
library's lock, writes through ``Store.transaction`` and finishes with
``Library._commit`` (index sync + event), like the facade's own writes.

Entity edits (add, alias, merge) change what the matcher finds, so each is
followed by a re-scan of every passage, live and trashed, inside the same
transaction: mentions are recomputed batch by batch with the new matcher
and only the passages whose mentions changed (plus those mentioning the
edited entities, whose index entry lists the entity's names) are
re-indexed.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desk.core.analysis.graph import Graph, GraphData, build_graph
from desk.core.analysis.related import Related, rank_related
from desk.core.changes import Changes
from desk.core.errors import NotFound, UserError
from desk.core.undo import UndoStep

if TYPE_CHECKING:
    from desk.library import Library

RESCAN_BATCH = 500

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class TimelineEvent:
    """One dated event a passage mentions.

    ``date`` is ISO at ``precision`` (``2021``, ``2021-06``, ``2021-10-28``);
    ``text`` is the words in the passage that gave it.
    """

    date: str
    precision: str
    approximate: bool
    passage_id: str
    title: str
    text: str

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.date,
            "precision": self.precision,
            "approximate": self.approximate,
            "id": self.passage_id,
            "title": self.title,
            "text": self.text,
        }


# ---------------------------------------------------------------------------
# entities


def slug(name: str) -> str:
    """A key from a name: ``Tajik Taliban`` -> ``tajik-taliban`` (letters of any script kept)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\W_]+", "-", text).strip("-")[:60].strip("-") or "entity"


def _clean_name(value: str, what: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise UserError(f"An entity {what} cannot be empty.")
    if len(value) > 200:
        raise UserError(f"An entity {what} is limited to 200 characters.")
    return value


def _entity_row(conn: sqlite3.Connection, key: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM entity WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise NotFound(f"No entity {key!r}; `desk entities` lists them.")
    return row


def _aliases(conn: sqlite3.Connection, entity_id: int) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT alias FROM entity_alias WHERE entity_id = ? ORDER BY alias", (entity_id,)
        )
    ]


def _mentioning(conn: sqlite3.Connection, keys: Iterable[str]) -> set[str]:
    keys = list(keys)
    if not keys:
        return set()
    marks = ",".join("?" * len(keys))
    return {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT m.passage_id FROM mention m JOIN entity e ON e.id = m.entity_id "
            f"WHERE e.key IN ({marks})",
            keys,
        )
    }


def rescan(lib: Library, conn: sqlite3.Connection, progress: Progress | None = None) -> set[str]:
    """Recompute every passage's mentions with a fresh matcher (inside ``conn``'s transaction).

    Passages whose mentions changed get a new ``updated`` stamp, so the
    index reconciliation on the next open repairs them if the process dies
    between this transaction and the index write.

    Returns:
        The ids of the passages whose mentions changed.
    """
    lib._matcher = None
    lib._entity_ids = {}
    matcher = lib._entity_matcher()
    key_to_id = lib._entity_ids
    total = int(conn.execute("SELECT count(*) FROM passage").fetchone()[0])
    changed: set[str] = set()
    done = 0
    last = ""
    while True:
        rows = conn.execute(
            "SELECT id, body FROM passage WHERE id > ? ORDER BY id LIMIT ?", (last, RESCAN_BATCH)
        ).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        old: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
        for pid, key, start, end in conn.execute(
            'SELECT m.passage_id, e.key, m.start, m."end" FROM mention m '
            f"JOIN entity e ON e.id = m.entity_id WHERE m.passage_id IN ({marks})",
            ids,
        ):
            old[pid].add((key, start, end))
        for pid, body in rows:
            found = matcher.find(body)
            new = {(m.entity_key, m.start, m.end) for m in found if m.entity_key in key_to_id}
            if new != old.get(pid, set()):
                lib.store.replace_mentions(conn, pid, found, key_to_id)
                # Its entities changed (and with them its exported front
                # matter); the new stamp also lets a stale index catch up
                # after a crash before the index was written.
                lib.store.touch(conn, pid)
                changed.add(pid)
        done += len(rows)
        if progress:
            progress(done, total)
    return changed


def _finish(
    lib: Library,
    conn_ids: set[str],
    initiator: object,
) -> Changes:
    ids = sorted(conn_ids)
    return lib._commit(ids, Changes(frozenset(ids), entities=True, initiator=initiator))


def add_entity(
    lib: Library,
    name: str,
    kind: str,
    aliases: Sequence[str] = (),
    description: str | None = None,
    *,
    key: str | None = None,
    initiator: object = None,
) -> str:
    """Create an entity, re-scan the passages, return its key (undoable)."""
    from desk.core.analysis.gazetteer import ENTITY_KINDS

    name = _clean_name(name, "name")
    if kind not in ENTITY_KINDS:
        raise UserError(f"An entity kind is one of {', '.join(ENTITY_KINDS)}; not {kind!r}.")
    clean_aliases: list[str] = []
    for alias in aliases:
        alias = _clean_name(alias, "alias")
        if alias != name and alias not in clean_aliases:
            clean_aliases.append(alias)
    description = (description or "").strip() or None
    with lib._lock:
        lib._require_writable()
        with lib.store.transaction() as conn:
            for row in conn.execute(
                "SELECT key, name FROM entity WHERE kind = ? AND lower(name) = lower(?)",
                (kind, name),
            ):
                raise UserError(
                    f"There is already a {kind} named {row['name']!r} ({row['key']}); "
                    "add the spelling as an alias of it instead."
                )
            if key is None or conn.execute("SELECT 1 FROM entity WHERE key = ?", (key,)).fetchone():
                base = slug(name)
                key, n = base, 1
                while conn.execute("SELECT 1 FROM entity WHERE key = ?", (key,)).fetchone():
                    n += 1
                    key = f"{base}-{n}"
            lib.store.upsert_entity(conn, key, name, kind, clean_aliases, description, "user")
            changed = rescan(lib, conn)
            changed |= _mentioning(conn, [key])
        new_key = key
        lib.undo_stack.push(
            UndoStep(
                f"add entity {name}",
                lambda: delete_entity(lib, new_key),
                lambda: add_entity(lib, name, kind, clean_aliases, description, key=new_key),
            )
        )
        _finish(lib, changed, initiator)
        return new_key


def delete_entity(lib: Library, key: str, *, initiator: object = None) -> Changes:
    """Delete an entity and its mentions (used by undo; not offered in the faces)."""
    with lib._lock:
        lib._require_writable()
        with lib.store.transaction() as conn:
            _entity_row(conn, key)
            affected = _mentioning(conn, [key])
            conn.execute("DELETE FROM entity WHERE key = ?", (key,))
            changed = rescan(lib, conn) | affected
        return _finish(lib, changed, initiator)


def add_alias(lib: Library, key: str, alias: str, *, initiator: object = None) -> Changes:
    """Give an entity another spelling and re-scan the passages (undoable)."""
    alias = _clean_name(alias, "alias")
    with lib._lock:
        lib._require_writable()
        with lib.store.transaction() as conn:
            row = _entity_row(conn, key)
            if alias == row["name"] or alias in _aliases(conn, row["id"]):
                raise UserError(f"{alias!r} is already a spelling of {row['name']}.")
            conn.execute(
                "INSERT INTO entity_alias (entity_id, alias) VALUES (?, ?)", (row["id"], alias)
            )
            changed = rescan(lib, conn) | _mentioning(conn, [key])
        lib.undo_stack.push(
            UndoStep(
                f"add alias {alias}",
                lambda: remove_alias(lib, key, alias),
                lambda: add_alias(lib, key, alias),
            )
        )
        return _finish(lib, changed, initiator)


def remove_alias(lib: Library, key: str, alias: str, *, initiator: object = None) -> Changes:
    """Take a spelling away from an entity and re-scan the passages (undoable)."""
    with lib._lock:
        lib._require_writable()
        with lib.store.transaction() as conn:
            row = _entity_row(conn, key)
            affected = _mentioning(conn, [key])
            cur = conn.execute(
                "DELETE FROM entity_alias WHERE entity_id = ? AND alias = ?", (row["id"], alias)
            )
            if not cur.rowcount:
                raise UserError(f"{alias!r} is not an alias of {row['name']}.")
            changed = rescan(lib, conn) | affected
        lib.undo_stack.push(
            UndoStep(
                f"remove alias {alias}",
                lambda: add_alias(lib, key, alias),
                lambda: remove_alias(lib, key, alias),
            )
        )
        return _finish(lib, changed, initiator)


def merge_entities(
    lib: Library, keep_key: str, other_key: str, *, initiator: object = None
) -> Changes:
    """Fold ``other`` into ``keep``: its name and aliases become aliases of ``keep``,
    its mentions move to ``keep``, and ``other`` is deleted (undoable).
    """
    if keep_key == other_key:
        raise UserError("An entity cannot be merged into itself.")
    with lib._lock:
        lib._require_writable()
        with lib.store.transaction() as conn:
            keep = _entity_row(conn, keep_key)
            other = _entity_row(conn, other_key)
            keep_aliases = _aliases(conn, keep["id"])
            other_aliases = _aliases(conn, other["id"])
            affected = _mentioning(conn, [keep_key, other_key])
            added = [
                s
                for s in dict.fromkeys([other["name"], *other_aliases])
                if s != keep["name"] and s not in keep_aliases
            ]
            conn.executemany(
                "INSERT OR IGNORE INTO entity_alias (entity_id, alias) VALUES (?, ?)",
                [(keep["id"], s) for s in added],
            )
            # Move the mentions first (the re-scan then confirms them), so a
            # mention is never lost even where the matcher would disagree.
            conn.execute(
                "UPDATE OR IGNORE mention SET entity_id = ? WHERE entity_id = ?",
                (keep["id"], other["id"]),
            )
            conn.execute("DELETE FROM entity WHERE id = ?", (other["id"],))
            changed = rescan(lib, conn) | affected
        snapshot = {
            "key": other["key"],
            "name": other["name"],
            "kind": other["kind"],
            "description": other["description"],
            "origin": other["origin"],
            "aliases": other_aliases,
        }
        lib.undo_stack.push(
            UndoStep(
                f"merge {other['name']} into {keep['name']}",
                lambda: _unmerge(lib, keep_key, snapshot, added),
                lambda: merge_entities(lib, keep_key, other_key),
            )
        )
        return _finish(lib, changed, initiator)


def _unmerge(lib: Library, keep_key: str, other: dict[str, Any], added: list[str]) -> Changes:
    with lib._lock:
        lib._require_writable()
        with lib.store.transaction() as conn:
            keep = _entity_row(conn, keep_key)
            affected = _mentioning(conn, [keep_key])
            conn.executemany(
                "DELETE FROM entity_alias WHERE entity_id = ? AND alias = ?",
                [(keep["id"], s) for s in added],
            )
            lib.store.upsert_entity(
                conn,
                other["key"],
                other["name"],
                other["kind"],
                other["aliases"],
                other["description"],
                other["origin"],
            )
            changed = rescan(lib, conn) | affected | _mentioning(conn, [other["key"]])
        return _finish(lib, changed, None)


def rescan_all(lib: Library, progress: Progress | None = None) -> Changes:
    """Re-scan every passage with the current entities (after a gazetteer change)."""
    with lib._lock:
        lib._require_writable()
        with lib.store.transaction() as conn:
            changed = rescan(lib, conn, progress)
        return _finish(lib, changed, None)


# ---------------------------------------------------------------------------
# reading: see also, timeline, graph


def _live_titles(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        r[0]: r[1] for r in conn.execute("SELECT id, title FROM passage WHERE trashed_at IS NULL")
    }


def _mentions(conn: sqlite3.Connection) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for pid, key in conn.execute(
        "SELECT m.passage_id, e.key FROM mention m JOIN entity e ON e.id = m.entity_id "
        "ORDER BY m.passage_id, m.start"
    ):
        if key not in out[pid]:
            out[pid].append(key)
    return out


def related(lib: Library, ref: str, limit: int = 10) -> list[Related]:
    """The passages most related to one passage, with the reasons (see ``related.py``).

    Reads only what bears on this passage: the passages sharing one of its
    entities or tags, its links and their links, and the counts of its
    entities and tags (for rarity), so it stays quick in a large library.
    """
    with lib._lock:
        pid = lib.store.resolve_id(ref)
        conn = lib.store.conn
        live = "SELECT id FROM passage WHERE trashed_at IS NULL"
        n = int(conn.execute(f"SELECT count(*) FROM ({live})").fetchone()[0])
        my_entities = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT entity_id FROM mention WHERE passage_id = ?", (pid,)
            )
        ]
        my_tags = [
            r[0]
            for r in conn.execute("SELECT tag_id FROM passage_tag WHERE passage_id = ?", (pid,))
        ]
        mentions: dict[str, list[str]] = defaultdict(list)
        entity_df: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        if my_entities:
            marks = ",".join("?" * len(my_entities))
            for p, key, name in conn.execute(
                "SELECT DISTINCT m.passage_id, e.key, e.name FROM mention m "
                "JOIN entity e ON e.id = m.entity_id JOIN passage p ON p.id = m.passage_id "
                f"WHERE m.entity_id IN ({marks}) AND p.trashed_at IS NULL",
                my_entities,
            ):
                mentions[p].append(key)
                entity_df[key] += 1
                names[key] = name
            # The passage's own entities (also when it is in the trash).
            for key, name in conn.execute(
                f"SELECT key, name FROM entity WHERE id IN ({marks})", my_entities
            ):
                names[key] = name
                if key not in mentions[pid]:
                    mentions[pid].append(key)
        tags: dict[str, list[str]] = defaultdict(list)
        tag_df: dict[str, int] = defaultdict(int)
        if my_tags:
            marks = ",".join("?" * len(my_tags))
            for p, path in conn.execute(
                "SELECT pt.passage_id, t.path FROM passage_tag pt JOIN tag t ON t.id = pt.tag_id "
                "JOIN passage p ON p.id = pt.passage_id "
                f"WHERE pt.tag_id IN ({marks}) AND p.trashed_at IS NULL",
                my_tags,
            ):
                tags[p].append(path)
                tag_df[path] += 1
            for (path,) in conn.execute(f"SELECT path FROM tag WHERE id IN ({marks})", my_tags):
                if path not in tags[pid]:
                    tags[pid].append(path)
        links = _links_near(conn, pid)
        candidates = set(mentions) | set(tags) | {x for a, b, _ in links for x in (a, b)} | {pid}
        titles = {p: t for p, t in lib.store.titles(sorted(candidates)).items()}
        live_ids = _live_among(conn, list(titles))
        titles = {p: t for p, t in titles.items() if p in live_ids or p == pid}
    return rank_related(
        pid,
        titles=titles,
        mentions=mentions,
        entity_names=names,
        tags=tags,
        links=links,
        limit=limit,
        n_passages=n,
        entity_df=entity_df,
        tag_df=tag_df,
    )


def _links_near(conn: sqlite3.Connection, pid: str) -> list[tuple[str, str, str]]:
    """Links of ``pid`` and of the passages linked to it (for two-hop links)."""
    first = conn.execute(
        "SELECT from_id, to_id, kind FROM link WHERE from_id = ? OR to_id = ?", (pid, pid)
    ).fetchall()
    near = sorted({x for a, b, _ in first for x in (a, b)} - {pid})
    out = {(a, b, k) for a, b, k in first}
    for i in range(0, len(near), 400):
        chunk = near[i : i + 400]
        marks = ",".join("?" * len(chunk))
        out.update(
            (a, b, k)
            for a, b, k in conn.execute(
                f"SELECT from_id, to_id, kind FROM link WHERE from_id IN ({marks}) "
                f"OR to_id IN ({marks})",
                chunk + chunk,
            )
        )
    return sorted(out)


def _live_among(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    out: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        out.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM passage WHERE id IN ({marks}) AND trashed_at IS NULL", chunk
            )
        )
    return out


def timeline(lib: Library, query: str | None = None) -> list[TimelineEvent]:
    """The event dates of the live passages matching ``query`` (all when None), by date.

    A partial date sorts before the full dates of its period (``2021`` before
    ``2021-06`` before ``2021-06-01``): ISO strings already do.
    """
    with lib._lock:
        wanted: set[str] | None = None
        if query is not None and query.strip():
            result = lib.search(query, limit=None, counts=False)
            wanted = {h.id for h in result.hits}
        rows = lib.store.conn.execute(
            "SELECT e.passage_id, e.date, e.precision, e.approximate, e.start, e.text, p.title "
            "FROM event_date e JOIN passage p ON p.id = e.passage_id "
            "WHERE p.trashed_at IS NULL"
        ).fetchall()
    events = [
        (
            r["date"],
            r["title"],
            r["passage_id"],
            r["start"],
            TimelineEvent(
                r["date"],
                r["precision"],
                bool(r["approximate"]),
                r["passage_id"],
                r["title"],
                r["text"],
            ),
        )
        for r in rows
        if wanted is None or r["passage_id"] in wanted
    ]
    events.sort(key=lambda e: (e[0], e[4].approximate, e[1].casefold(), e[2], e[3]))
    return [e[4] for e in events]


def graph_data(lib: Library) -> GraphData:
    """The plain data :func:`build_graph` reads, from the live passages."""
    from desk.core.analysis.grading import badge

    with lib._lock:
        conn = lib.store.conn
        passages = {
            r[0]: (r[1], badge(r[3], r[2]))
            for r in conn.execute(
                "SELECT p.id, p.title, p.credibility, s.reliability FROM passage p "
                "LEFT JOIN source s ON s.id = p.source_id WHERE p.trashed_at IS NULL"
            )
        }
        links = [lnk for lnk in lib.store.all_links() if lnk[0] in passages and lnk[1] in passages]
        mentions = _mentions(conn)
        entities = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT key, name, kind FROM entity")}
    return GraphData(passages, links, mentions, entities)


def graph(
    lib: Library,
    center_id: str | None = None,
    *,
    ids: Sequence[str] | None = None,
    depth: int = 1,
    max_nodes: int = 500,
) -> Graph:
    """The link graph around a passage (or over ``ids``, or over everything)."""
    if depth not in (1, 2, 3):
        raise UserError("The graph depth is 1, 2 or 3.")
    center = lib.resolve(center_id) if center_id is not None else None
    data = graph_data(lib)
    if center is not None and center not in data.passages:
        raise UserError("That passage is in the trash; restore it to see its graph.")
    return build_graph(data, center, ids=ids, depth=depth, max_nodes=max_nodes)
