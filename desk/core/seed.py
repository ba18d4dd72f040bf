"""Read the sample collection in ``seeds/`` (readable YAML plus the article).

Each passage in ``collection.yaml`` quotes the article exactly; its offsets
are found here, so the data stays readable and the offsets stay true.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from desk.core.errors import UserError
from desk.core.types import PassageDraft, SourceDraft


@dataclass
class Collection:
    source: SourceDraft
    source_note: str | None
    passages: list[PassageDraft]
    tags: list[tuple[str, str | None]]
    annotations: dict[str, list[str]]
    links: list[tuple[str, str, str, str | None]]
    saved_searches: list[tuple[str, str]]


def load_collection(folder: Path) -> Collection:
    """Parse ``folder/collection.yaml`` and the article it names."""
    path = folder / "collection.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"Cannot read the sample collection {path}: {exc}") from exc
    src = data["source"]
    text = (folder / src["text_file"]).read_text(encoding="utf-8")
    source = SourceDraft(
        title=src["title"],
        url=src.get("url"),
        publisher=src.get("publisher"),
        author=src.get("author"),
        published=str(src["published"]) if src.get("published") else None,
        language=src.get("language"),
        reliability=src.get("reliability"),
        originator=src.get("originator"),
        text=text,
    )
    passages = []
    annotations: dict[str, list[str]] = {}
    for p in data["passages"]:
        quote = p["quote"]
        start = text.find(quote)
        if start < 0:
            raise UserError(f"Seed passage {p['id']} does not quote the article exactly.")
        passages.append(
            PassageDraft(
                id=p["id"],
                body=quote,
                title=p.get("title"),
                kind=p.get("kind", "passage"),
                start=start,
                end=start + len(quote),
                credibility=p.get("credibility"),
                language=src.get("language"),
                tags=tuple(p.get("tags", ())),
            )
        )
        if p.get("annotations"):
            annotations[p["id"]] = [str(a).strip() for a in p["annotations"]]
    return Collection(
        source=source,
        source_note=src.get("note"),
        passages=passages,
        tags=[(t["path"], t.get("description")) for t in data.get("tags", [])],
        annotations=annotations,
        links=[(x["from"], x["to"], x["kind"], x.get("note")) for x in data.get("links", [])],
        saved_searches=[(s["name"], s["query"]) for s in data.get("saved_searches", [])],
    )
