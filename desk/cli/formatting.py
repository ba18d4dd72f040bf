"""Turning records into the command line's text and JSON (a public contract)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from desk.core.types import DateMention, Hit, Link, Passage, Source

HL_START, HL_END = "\x02", "\x03"


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def source_json(s: Source | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "id": s.id,
        "title": s.title,
        "url": s.url,
        "publisher": s.publisher,
        "author": s.author,
        "published": s.published,
        "reliability": s.reliability,
        "language": s.language,
        "originator": s.originator,
    }


def _link_json(ln: Link) -> dict[str, Any]:
    return {"id": ln.other_id, "title": ln.other_title, "kind": ln.kind, "note": ln.note}


def passage_json(p: Passage) -> dict[str, Any]:
    return {
        "id": p.id,
        "title": p.title,
        "kind": p.kind,
        "body": p.body,
        "credibility": p.credibility,
        "grade": p.grade,
        "tags": list(p.tags),
        "annotations": [
            {"id": a.id, "body": a.body, "created": a.created, "updated": a.updated}
            for a in p.annotations
        ],
        "links": [_link_json(ln) for ln in p.links],
        "backlinks": [_link_json(ln) for ln in p.backlinks],
        "entities": [
            {"key": e.key, "name": e.name, "kind": e.kind, "mentions": e.mention_count}
            for e in p.entities
        ],
        "mentions": [
            {"entity": m.entity_key, "start": m.start, "end": m.end, "text": m.surface}
            for m in p.mentions
        ],
        "events": [
            {"date": d.date, "precision": d.precision, "approximate": d.approximate, "text": d.text}
            for d in p.events
        ],
        "offsets": [p.start, p.end] if p.start is not None else None,
        "created": p.created,
        "updated": p.updated,
        "trashed": p.trashed_at is not None,
        "source": source_json(p.source),
    }


def render_snippet(snippet: str, *, color: bool) -> str:
    if color:
        return snippet.replace(HL_START, "\x1b[1m").replace(HL_END, "\x1b[0m")
    return snippet.replace(HL_START, "").replace(HL_END, "")


def hit_line(hit: Hit, *, color: bool) -> str:
    grade = f" [{hit.grade}]" if hit.grade else ""
    date = f" {hit.published}" if hit.published else ""
    tags = f"  #{' #'.join(hit.tags)}" if hit.tags else ""
    snippet = " ".join(render_snippet(hit.snippet, color=color).split())
    title = click.style(hit.title, bold=True) if color else hit.title
    return f"{hit.id}  {title}{grade}{date}{tags}\n    {snippet}"


def passage_text(p: Passage) -> str:
    lines = [f"{p.title}", f"id: {p.id}" + (f"   grade: {p.grade}" if p.grade else "")]
    if p.source:
        s = p.source
        cite = ", ".join(x for x in (s.title, s.publisher, s.published) if x)
        lines.append(f"source: {cite}")
        if s.url:
            lines.append(f"url: {s.url}")
    if p.tags:
        lines.append("tags: " + ", ".join(p.tags))
    if p.trashed_at:
        lines.append(f"in the trash since {p.trashed_at}")
    lines += ["", p.body, ""]
    for a in p.annotations:
        lines.append(f"note {a.id}: {a.body}")
    for ln in p.links:
        lines.append(f"-> {ln.kind} {ln.other_id} {ln.other_title}")
    for ln in p.backlinks:
        lines.append(f"<- {ln.kind} {ln.other_id} {ln.other_title}")
    if p.entities:
        lines.append("entities: " + ", ".join(e.name for e in p.entities))
    if p.events:
        lines.append("dates: " + "; ".join(_event_text(d) for d in p.events))
    return "\n".join(lines).rstrip()


def _event_text(d: DateMention) -> str:
    """``2021-10-28 (“28 October 2021”)``, ``~2024-03 (“March”)`` for approximate ones."""
    when = ("~" if d.approximate else "") + d.date
    return f"{when} (“{' '.join(d.text.split())}”)" if d.text else when


def use_color() -> bool:
    return sys.stdout.isatty()
