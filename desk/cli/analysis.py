"""``desk entities``, ``desk entity add|alias|merge``, ``desk timeline``, ``desk related``.

JSON shapes (a public contract):

- ``entities --json``: ``[{"key", "name", "kind", "count", "aliases": [...]}]``,
  ``count`` being the live passages that mention the entity;
- ``timeline --json``: ``[{"date", "precision", "approximate", "id", "title", "text"}]``
  sorted by date, partial dates first within their period;
- ``related ID --json``: ``[{"id", "title", "score", "reasons": [...]}]`` best first.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import click

from desk.cli import formatting as fmt
from desk.core.analysis.gazetteer import ENTITY_KINDS
from desk.core.text import count_of

_MONTHS = list(calendar.month_name)[1:]


def _reading(ctx: click.Context) -> bool:
    """Open read-only when the library exists (works beside an open window)."""
    from desk.cli.main import library_path

    return (Path(library_path(ctx)) / "desk.sqlite").exists()


@click.command("entities")
@click.option("--kind", type=click.Choice(ENTITY_KINDS), help="Only entities of this kind.")
@click.option("--all", "show_all", is_flag=True, help="Include entities no passage mentions.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (every entity).")
@click.pass_context
def entities_cmd(ctx: click.Context, kind: str | None, show_all: bool, as_json: bool) -> None:
    """List entities with their kind, how many passages mention them, and aliases.

    Text output shows the mentioned ones, most mentioned first (--all for
    every entity); --json lists every entity of the gazetteer.
    """
    from desk.cli.main import open_library

    with open_library(ctx, readonly=_reading(ctx)) as lib:
        ents = [e for e in lib.entities() if kind is None or e.kind == kind]
    if as_json:
        fmt.emit_json(
            [
                {
                    "key": e.key,
                    "name": e.name,
                    "kind": e.kind,
                    "count": e.mention_count,
                    "aliases": list(e.aliases),
                }
                for e in ents
            ]
        )
        return
    shown = ents if show_all else [e for e in ents if e.mention_count]
    shown.sort(key=lambda e: (-e.mention_count, e.name.casefold()))
    for e in shown:
        aliases = f"  ({', '.join(e.aliases)})" if e.aliases else ""
        click.echo(f"{e.mention_count:5}  {e.kind:12}  {e.name} [{e.key}]{aliases}")
    click.echo(f"{len(shown)} entit{'ies' if len(shown) != 1 else 'y'}", err=True)


@click.group("entity")
def entity_group() -> None:
    """Add entities and aliases, merge duplicates (passages are re-scanned)."""


@entity_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(ENTITY_KINDS), required=True, help="What the entity is.")
@click.option("--alias", "aliases", multiple=True, help="Another spelling (repeatable).")
@click.option("--description", help="One line on who or what it is.")
@click.pass_context
def entity_add(
    ctx: click.Context,
    name: str,
    kind: str,
    aliases: tuple[str, ...],
    description: str | None,
) -> None:
    """Add an entity; prints its key and how many passages now mention it."""
    from desk.cli.main import open_library

    with open_library(ctx) as lib:
        key = lib.add_entity(name, kind, aliases, description)
        count = next((e.mention_count for e in lib.entities() if e.key == key), 0)
    click.echo(key)
    click.echo(f"mentioned in {count_of(count, 'passage')}", err=True)


@entity_group.command("alias")
@click.argument("key")
@click.argument("alias")
@click.pass_context
def entity_alias(ctx: click.Context, key: str, alias: str) -> None:
    """Give entity KEY another spelling ALIAS; passages are re-scanned."""
    from desk.cli.main import open_library

    with open_library(ctx) as lib:
        changes = lib.add_alias(key, alias)
    n = len(changes.passages)
    click.echo(f"alias added; {count_of(n, 'passage')} re-indexed")


@entity_group.command("merge")
@click.argument("keep")
@click.argument("other")
@click.pass_context
def entity_merge(ctx: click.Context, keep: str, other: str) -> None:
    """Merge entity OTHER into KEEP: its names become aliases, its mentions move."""
    from desk.cli.main import open_library

    with open_library(ctx) as lib:
        changes = lib.merge_entities(keep, other)
    n = len(changes.passages)
    click.echo(f"merged {other} into {keep}; {count_of(n, 'passage')} re-indexed")


@click.command("timeline")
@click.option("--query", "-q", help="Only passages matching this search.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def timeline_cmd(ctx: click.Context, query: str | None, as_json: bool) -> None:
    """The dates the passages mention, in order, grouped by year and month.

    "c." marks an approximate date ("since at least 2015").
    """
    from desk.cli.main import open_library

    with open_library(ctx, readonly=_reading(ctx)) as lib:
        events = lib.timeline(query)
    if as_json:
        fmt.emit_json([e.to_json() for e in events])
        return
    year = month = None
    for e in events:
        y = e.date[:4]
        m = e.date[5:7] or None
        if y != year:
            click.echo(y)
            year, month = y, None
        if m and m != month:
            click.echo(f"  {_MONTHS[int(m) - 1]}")
            month = m
        indent = "    " if m else "  "
        when = e.date + (" (c.)" if e.approximate else "")
        click.echo(f"{indent}{when:14} {e.title}  [{e.passage_id}]  “{e.text}”")
    if not events:
        click.echo("No dated events.", err=True)


@click.command("related")
@click.argument("passage_id")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def related_cmd(ctx: click.Context, passage_id: str, limit: int, as_json: bool) -> None:
    """See also: the passages most related to one, and why."""
    from desk.cli.main import open_library

    with open_library(ctx, readonly=_reading(ctx)) as lib:
        items = lib.related(passage_id, limit)
    if as_json:
        fmt.emit_json([r.to_json() for r in items])
        return
    for r in items:
        click.echo(f"{r.score:6.2f}  {r.title}  [{r.id}]")
        click.echo(f"        {' · '.join(r.reasons)}")
    if not items:
        click.echo("Nothing related.", err=True)


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``desk`` group."""
    for command in (entities_cmd, entity_group, timeline_cmd, related_cmd):
        cli.add_command(command)
