"""Build the search index's view of passages from the store.

The index is derived data: everything here reads SQLite and produces
``IndexDoc`` records. Bulk iteration reads tags, annotations and entity names
per batch with grouped queries, so a full rebuild never does one query per
passage.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

from desk.core.store import Store
from desk.core.types import IndexDoc


def url_domain(url: str | None) -> str:
    """``https://www.asiatimes.com/x`` -> ``asiatimes.com``."""
    if not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _grouped(conn: sqlite3.Connection, sql: str, ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    marks = ",".join("?" * len(ids))
    for key, value in conn.execute(sql.format(marks=marks), list(ids)):
        out[key].append(value)
    return out


def docs_for(store: Store, ids: Sequence[str]) -> list[IndexDoc]:
    """Index documents for the given passage ids (missing ids are skipped)."""
    docs: list[IndexDoc] = []
    for i in range(0, len(ids), 500):
        chunk = list(ids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(f"SELECT * FROM passage WHERE id IN ({marks})", chunk).fetchall()
        docs.extend(_docs_for_rows(store, rows))
    return docs


def iter_docs(store: Store, batch: int = 2000) -> Iterator[IndexDoc]:
    """Every passage (trashed ones too, flagged) as index documents."""
    rows: list[sqlite3.Row] = []
    for row in store.iter_passage_rows(batch):
        rows.append(row)
        if len(rows) >= batch:
            yield from _docs_for_rows(store, rows)
            rows = []
    if rows:
        yield from _docs_for_rows(store, rows)


def _docs_for_rows(store: Store, rows: Sequence[sqlite3.Row]) -> list[IndexDoc]:
    if not rows:
        return []
    conn = store.conn
    ids = [r["id"] for r in rows]
    tags = _grouped(
        conn,
        "SELECT pt.passage_id, t.path FROM passage_tag pt JOIN tag t ON t.id = pt.tag_id "
        "WHERE pt.passage_id IN ({marks})",
        ids,
    )
    notes = _grouped(
        conn,
        "SELECT passage_id, body FROM annotation WHERE passage_id IN ({marks}) "
        "ORDER BY created, id",
        ids,
    )
    keys = _grouped(
        conn,
        "SELECT DISTINCT m.passage_id, e.key FROM mention m JOIN entity e ON e.id = m.entity_id "
        "WHERE m.passage_id IN ({marks})",
        ids,
    )
    names = _entity_names(conn, {k for ks in keys.values() for k in ks})
    source_ids = {r["source_id"] for r in rows if r["source_id"] is not None}
    sources: dict[int, sqlite3.Row] = {}
    if source_ids:
        marks = ",".join("?" * len(source_ids))
        for s in conn.execute(
            f"SELECT id, title, url, publisher, published, reliability, language "
            f"FROM source WHERE id IN ({marks})",
            list(source_ids),
        ):
            sources[s["id"]] = s
    docs = []
    for r in rows:
        s = sources.get(r["source_id"]) if r["source_id"] is not None else None
        entity_keys = tuple(sorted(keys.get(r["id"], [])))
        entity_names: list[str] = []
        for k in entity_keys:
            entity_names.extend(names.get(k, ()))
        docs.append(
            IndexDoc(
                id=r["id"],
                title=r["title"],
                body=r["body"],
                annotations="\n\n".join(notes.get(r["id"], [])),
                tags=tuple(sorted(tags.get(r["id"], []), key=str.casefold)),
                source_title=(s["title"] if s else "") or "",
                publisher=(s["publisher"] if s else "") or "",
                domain=url_domain(s["url"] if s else None),
                url=(s["url"] if s else "") or "",
                source_id=s["id"] if s else None,
                entities=entity_keys,
                entity_names=tuple(entity_names),
                language=(r["language"] or (s["language"] if s else "") or ""),
                reliability=(s["reliability"] if s else "") or "",
                credibility=r["credibility"],
                published=(s["published"] if s else "") or "",
                clipped=r["created"],
                updated=r["updated"],
                trashed=r["trashed_at"] is not None,
            )
        )
    return docs


def _entity_names(conn: sqlite3.Connection, keys: set[str]) -> dict[str, tuple[str, ...]]:
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    out: dict[str, list[str]] = defaultdict(list)
    for key, name in conn.execute(
        f"SELECT key, name FROM entity WHERE key IN ({marks})", list(keys)
    ):
        out[key].append(name)
    for key, alias in conn.execute(
        f"SELECT e.key, a.alias FROM entity_alias a JOIN entity e ON e.id = a.entity_id "
        f"WHERE e.key IN ({marks})",
        list(keys),
    ):
        out[key].append(alias)
    return {k: tuple(v) for k, v in out.items()}
