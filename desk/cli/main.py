"""The ``desk`` command: a thin click layer over ``desk.library.Library``.

Qt is imported only when the window opens (``desk`` with no subcommand).
Errors are one line on stderr with exit code 1 (2 for usage errors); a bug
prints one line too and writes the traceback to the log file it names.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from desk import __version__
from desk.cli import formatting as fmt
from desk.cli.progress import ProgressBar
from desk.core.errors import LibraryLocked, NeedsUpgrade, UserError
from desk.core.text import count_of
from desk.core.types import LINK_KINDS, SourceDraft
from desk.library import Library
from desk.paths import default_library

F = TypeVar("F", bound=Callable[..., Any])


class DeskGroup(click.Group):
    """Turns every failure into one line on stderr."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise click.ClickException(exc.message) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except sqlite3.DatabaseError as exc:
            from desk.core.backup import damaged_message

            raise click.ClickException(
                damaged_message(library_path(ctx), None, str(exc))
                + "; `desk check` reports what is wrong."
            ) from None
        except KeyboardInterrupt:
            raise click.ClickException("Interrupted; the last completed change is saved.") from None
        except Exception as exc:
            log = Path(tempfile.gettempdir()) / "desk-crash.log"
            try:
                log.write_text(traceback.format_exc(), encoding="utf-8")
                where = f"; details in {log}"
            except OSError:
                where = ""
            raise click.ClickException(
                f"Desk hit a bug ({exc.__class__.__name__}: {exc}){where}"
            ) from None


def library_path(ctx: click.Context) -> Path:
    root = ctx.find_root()
    value = root.params.get("library")
    return Path(value).expanduser() if value else default_library()


def _rebuild_bar() -> ProgressBar:
    return ProgressBar("Rebuilding the search index", quiet_below=1000)


def _repaired(lib: Library, bar: ProgressBar) -> Library:
    """The library reopened for writing, so that opening repairs its index.

    A reading command (``search``, ``show``) opens read-only so that it works
    while the window holds the library; when the index is missing, damaged or
    behind, it is repaired here unless another Desk holds the library.
    """
    try:
        fixed = Library.open(lib.root, create=False, progress=bar)
    except (LibraryLocked, UserError):
        return lib  # keep the read-only one and its notice
    lib.close()
    return fixed


@contextmanager
def open_library(ctx: click.Context, *, readonly: bool = False) -> Iterator[Library]:
    path = library_path(ctx)
    first_run = not (path / "desk.sqlite").exists()
    bar = _rebuild_bar()
    try:
        try:
            lib = Library.open(path, readonly=readonly, create=not readonly, progress=bar)
        except NeedsUpgrade:
            # A reading command on a library this Desk has not upgraded yet: upgrade
            # it (with its backup) unless another Desk holds it.
            try:
                lib = Library.open(path, create=False, progress=bar)
            except LibraryLocked:
                raise NeedsUpgrade(
                    f"The library {path} needs an upgrade, and another Desk holds it; "
                    "close that one first."
                ) from None
        if lib.index_needs_repair and lib.readonly and readonly:
            lib = _repaired(lib, bar)
    finally:
        bar.close()
    try:
        if first_run and not readonly and path == default_library():
            lib.seed()
        for notice in lib.notices:
            click.echo(notice, err=True)
        yield lib
    finally:
        lib.close()


def source_options(f: F) -> F:
    """The metadata options shared by ``import`` and ``clip``."""
    options = [
        click.option("--title", help="Title of the source (and of a single passage)."),
        click.option("--url", help="Where the source came from."),
        click.option("--publisher", help="Who published it (the outlet)."),
        click.option("--author", help="Who wrote it."),
        click.option("--published", help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option("--language", help="Language code (en, ru, tg, zh, fa ...)."),
        click.option("--reliability", help="Source reliability, A–F (Admiralty scale)."),
        click.option("--credibility", help="Information credibility, 1–6."),
        click.option("--tag", "tags", multiple=True, help="A tag for every passage (repeatable)."),
        click.option("--json", "as_json", is_flag=True, help="Print the created ids as JSON."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _published(value: str | None) -> str | None:
    if value is None:
        return None
    from desk.core.dates import parse_partial_date

    return parse_partial_date(value)


def _source_fields(title, url, publisher, author, published, language, reliability) -> dict:  # type: ignore[no-untyped-def]
    from desk.core.analysis.grading import parse_reliability

    return {
        "title": title,
        "url": url,
        "publisher": publisher,
        "author": author,
        "published": _published(published),
        "language": language,
        "reliability": parse_reliability(reliability) if reliability is not None else None,
    }


def _credibility(value: str | None) -> int | None:
    if value is None:
        return None
    from desk.core.analysis.grading import parse_credibility

    return parse_credibility(value)


def _report_created(res: Any, as_json: bool) -> None:
    for notice in res.notices:
        click.echo(notice, err=True)
    if as_json:
        fmt.emit_json([{"id": pid} for pid in res.ids])
        return
    n = len(res.ids)
    click.echo(
        f"{count_of(n, 'passage')} added"
        + (f", {res.skipped} already there" if res.skipped else "")
    )
    for pid in res.ids:
        click.echo(pid)


@click.group(
    cls=DeskGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--library",
    "library",
    envvar="DESK_LIBRARY",
    type=click.Path(path_type=Path),
    help="The library folder (default: your user data folder; env DESK_LIBRARY).",
)
@click.option(
    "--smoke-test",
    is_flag=True,
    hidden=False,
    help="Open the window offscreen, search, and exit (for CI and packaging).",
)
@click.version_option(__version__, "--version", prog_name="desk")
@click.pass_context
def cli(ctx: click.Context, library: Path | None, smoke_test: bool) -> None:
    """Desk: clip, grade, tag, link, find and export intelligence notes.

    With no command, opens the window on the library.
    """
    if ctx.invoked_subcommand is None:
        from desk.app import run

        sys.exit(run(library_path(ctx), smoke_test=smoke_test))


@cli.command()
@click.pass_context
def seed(ctx: click.Context) -> None:
    """Load the sample collection (safe to run twice)."""
    with open_library(ctx) as lib:
        res = lib.seed()
        stats = lib.stats()
    added = len(res.ids)
    click.echo(
        f"Sample collection: {added} passages added, {res.skipped} already there; "
        f"the library has {stats['passages']} passages."
    )


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--split",
    type=click.Choice(["paragraphs", "none"]),
    default="paragraphs",
    show_default=True,
    help="One passage per paragraph, or one per file.",
)
@source_options
@click.pass_context
def import_(
    ctx: click.Context,
    files: tuple[Path, ...],
    split: str,
    title,
    url,
    publisher,  # type: ignore[no-untyped-def]
    author,
    published,
    language,
    reliability,
    credibility,
    tags,
    as_json,
) -> None:
    """Import .txt, .md and .html files as passages."""
    overrides = _source_fields(title, url, publisher, author, published, language, reliability)
    cred = _credibility(credibility)
    for f in files:
        if not f.exists():
            raise UserError(f"No such file: {f}")
        if f.is_dir():
            raise UserError(f"{f} is a folder; give the files inside it.")
    with open_library(ctx) as lib:
        res = lib.import_files(
            list(files), split=split, overrides=overrides, credibility=cred, tags=tags
        )
    _report_created(res, as_json)
    if res.failed:
        for name, why in res.failed:
            click.echo(f"Error: {why}" if name in why else f"Error: {name}: {why}", err=True)
        n = len(res.failed)
        raise UserError(
            f"{n} of {len(files)} files could not be imported (named above); "
            "the others were imported."
        )


@cli.command()
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["txt", "md", "html"]),
    default="txt",
    show_default=True,
    help="What the text on stdin is.",
)
@click.option(
    "--split", type=click.Choice(["paragraphs", "none"]), default="none", show_default=True
)
@source_options
@click.pass_context
def clip(
    ctx: click.Context,
    fmt_: str,
    split: str,
    title,
    url,
    publisher,
    author,  # type: ignore[no-untyped-def]
    published,
    language,
    reliability,
    credibility,
    tags,
    as_json,
) -> None:
    """Clip text from standard input."""
    data = sys.stdin.buffer.read() if not sys.stdin.closed else b""
    if not data.strip():
        raise UserError("Nothing to clip: standard input is empty.")
    from desk.core.clipping import decode_bytes

    text = decode_bytes(data, "standard input")
    fields = _source_fields(None, url, publisher, author, published, language, reliability)
    source = None
    if any(fields.values()) or title:
        source = SourceDraft(title=title or "", **{k: v for k, v in fields.items() if k != "title"})
    with open_library(ctx) as lib:
        res = lib.clip(
            text,
            source=source,
            fmt=fmt_,
            split=split,
            title=title,
            credibility=_credibility(credibility),
            tags=tags,
        )
    _report_created(res, as_json)


@cli.command()
@click.argument("passage_id")
@click.option("--json", "as_json", is_flag=True, help="Print the passage as JSON.")
@click.pass_context
def show(ctx: click.Context, passage_id: str, as_json: bool) -> None:
    """Show one passage with its source, tags, notes and links."""
    with open_library(ctx, readonly=True) as lib:
        p = lib.get(passage_id)
    if as_json:
        fmt.emit_json(fmt.passage_json(p))
    else:
        click.echo(fmt.passage_text(p))


@cli.command()
@click.argument("passage_id")
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
def tag(ctx: click.Context, passage_id: str, tags: tuple[str, ...]) -> None:
    """Add tags to a passage (hierarchical: place/wakhan)."""
    with open_library(ctx) as lib:
        added = lib.tag(passage_id, list(tags))
    click.echo(f"tagged: {', '.join(added)}" if added else "already had those tags")


@cli.command()
@click.argument("passage_id")
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
def untag(ctx: click.Context, passage_id: str, tags: tuple[str, ...]) -> None:
    """Remove tags from a passage."""
    with open_library(ctx) as lib:
        removed = lib.untag(passage_id, list(tags))
    if not removed:
        raise UserError(f"The passage has none of those tags: {', '.join(tags)}")
    click.echo(f"untagged: {', '.join(removed)}")


@cli.command()
@click.argument("passage_id")
@click.argument("text")
@click.pass_context
def annotate(ctx: click.Context, passage_id: str, text: str) -> None:
    """Add an annotation (your own words) to a passage."""
    with open_library(ctx) as lib:
        aid = lib.annotate(passage_id, text)
    click.echo(f"annotation {aid} added")


@cli.command()
@click.argument("from_id")
@click.argument("to_id")
@click.option("--kind", type=click.Choice(LINK_KINDS), default="relates", show_default=True)
@click.option("--note", help="Why the two bear on each other.")
@click.pass_context
def link(ctx: click.Context, from_id: str, to_id: str, kind: str, note: str | None) -> None:
    """Link one passage to another with a kind."""
    with open_library(ctx) as lib:
        lib.link(from_id, to_id, kind, note)
    click.echo(f"linked ({kind})")


@cli.command()
@click.argument("from_id")
@click.argument("to_id")
@click.pass_context
def unlink(ctx: click.Context, from_id: str, to_id: str) -> None:
    """Remove the link between two passages."""
    with open_library(ctx) as lib:
        lib.unlink(from_id, to_id)
    click.echo("unlinked")


@cli.command()
@click.argument("passage_id")
@click.option("--reliability", help="Source reliability A–F ('none' for ungraded).")
@click.option("--credibility", help="Information credibility 1–6 ('none' for ungraded).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def grade(
    ctx: click.Context,
    passage_id: str,
    reliability: str | None,
    credibility: str | None,
    as_json: bool,
) -> None:
    """Grade a passage (credibility) and its source (reliability).

    \b
    Reliability of the source:      Credibility of the information:
      A completely reliable           1 confirmed by other sources
      B usually reliable              2 probably true
      C fairly reliable               3 possibly true
      D not usually reliable          4 doubtful
      E unreliable                    5 improbable
      F cannot be judged              6 truth cannot be judged
    """
    from desk.core.analysis.grading import describe

    with open_library(ctx, readonly=reliability is None and credibility is None) as lib:
        kwargs: dict[str, Any] = {}
        if reliability is not None:
            kwargs["reliability"] = reliability
        if credibility is not None:
            kwargs["credibility"] = credibility
        p = lib.grade(passage_id, **kwargs) if kwargs else lib.get(passage_id)
    rel = p.source.reliability if p.source else None
    if as_json:
        fmt.emit_json(
            {"id": p.id, "reliability": rel, "credibility": p.credibility, "grade": p.grade}
        )
    else:
        click.echo(describe(rel, p.credibility))


@cli.command()
@click.argument("passage_ids", nargs=-1, required=True)
@click.pass_context
def trash(ctx: click.Context, passage_ids: tuple[str, ...]) -> None:
    """Move passages to the trash (restore brings them back)."""
    with open_library(ctx) as lib:
        done = lib.trash(list(passage_ids))
    click.echo(f"{len(done)} moved to the trash" if done else "already in the trash")


@cli.command()
@click.argument("passage_ids", nargs=-1, required=True)
@click.pass_context
def restore(ctx: click.Context, passage_ids: tuple[str, ...]) -> None:
    """Take passages out of the trash (not to be confused with restore-backup)."""
    with open_library(ctx) as lib:
        done = lib.restore(list(passage_ids))
    click.echo(f"{len(done)} restored" if done else "not in the trash")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Count passages, sources, tags, links, annotations and entities."""
    with open_library(ctx, readonly=(library_path(ctx) / "desk.sqlite").exists()) as lib:
        s = lib.stats()
    keys = ("passages", "sources", "tags", "links", "annotations", "entities")
    if as_json:
        fmt.emit_json({k: s[k] for k in keys})
    else:
        for k in (*keys, "trashed"):
            click.echo(f"{k:12} {s[k]}")


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100000))
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest", "published", "source", "title"]),
    default="relevance",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(
    ctx: click.Context, query: tuple[str, ...], limit: int, sort: str, as_json: bool
) -> None:
    """Search passages with the query language (see README: Searching)."""
    text = " ".join(query)
    with open_library(ctx, readonly=(library_path(ctx) / "desk.sqlite").exists()) as lib:
        result = lib.search(text, limit=limit, sort=sort, counts=False)
    for notice in result.notices:
        click.echo(notice, err=True)
    if result.suggestions:
        click.echo("Did you mean: " + ", ".join(result.suggestions), err=True)
    if as_json:
        fmt.emit_json([h.to_json() for h in result.hits])
        return
    color = fmt.use_color()
    for hit in result.hits:
        click.echo(fmt.hit_line(hit, color=color))
    click.echo(count_of(result.total, "match"), err=True)


@cli.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the search index from the database, with progress."""
    with open_library(ctx) as lib:
        stats = lib.stats()
        total = stats["passages"] + stats["trashed"]
        if not lib.rebuilt_at_open:  # else opening just did it (an outdated or damaged index)
            with ProgressBar("Indexing") as bar:
                bar(0, total)
                lib.reindex(progress=bar)
    click.echo(f"Indexed {total} passages.")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Check the database and the index; repair the index if it drifted."""
    path = library_path(ctx)
    if not (path / "desk.sqlite").exists():
        raise UserError(f"There is no library at {path}.")
    with open_library(ctx, readonly=False) as lib:
        report = lib.check(repair=True)
    if as_json:
        fmt.emit_json(report.to_json())
    else:
        click.echo(
            "database: "
            + ("ok" if not report.integrity else "PROBLEMS: " + "; ".join(report.integrity))
        )
        idx = report.index_status
        if report.missing_in_index or report.stale_in_index or report.extra_in_index:
            idx += (
                f" (missing {report.missing_in_index}, stale {report.stale_in_index}, "
                f"extra {report.extra_in_index})"
            )
        if report.repaired:
            idx += "; rebuilt from the database"
        click.echo("index: " + idx)
    if not report.ok:
        sys.exit(1)


def _register_optional_commands() -> None:
    """Commands that live in their own modules (one command group per file)."""
    import importlib

    for name in ("desk.cli.interchange", "desk.cli.analysis", "desk.cli.backup"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(cli)


_register_optional_commands()


def main() -> None:
    """Entry point of the ``desk`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    cli(prog_name="desk")
