"""``desk export`` and ``desk import-markdown``: Markdown vaults in and out.

Thin click over ``Library.export_markdown`` and ``Library.import_markdown``;
progress goes to stderr (``desk.cli.progress``) so stdout stays the report.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from desk.cli import formatting as fmt
from desk.cli.progress import ProgressBar
from desk.core.errors import UserError
from desk.core.text import count_of


@contextmanager
def _interruptible() -> Iterator[Callable[[], bool]]:
    """A ``cancel()`` that turns Ctrl-C into a clean stop between files."""
    state = {"stop": False}

    def on_sigint(_signum: int, _frame: Any) -> None:
        state["stop"] = True

    try:
        old = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread: leave Ctrl-C alone
        yield lambda: False
        return
    try:
        yield lambda: state["stop"]
    finally:
        signal.signal(signal.SIGINT, old)


@click.command("export")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--query", "-q", help="Export only the passages this search finds.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.pass_context
def export_cmd(ctx: click.Context, dest: Path, query: str | None, as_json: bool) -> None:
    """Export passages as Markdown notes into the folder DEST (an Obsidian vault).

    One note per passage in notes/, an index note per source and per tag,
    and index.md. Exporting again into the same folder updates Desk's own
    files, removes notes no longer exported, and leaves every other file alone.
    Trashed passages are left out.
    """
    from desk import interchange_ops
    from desk.cli.main import library_path, open_library

    interchange_ops.check_export_folder(dest)
    readonly = (library_path(ctx) / "desk.sqlite").exists()
    with (
        open_library(ctx, readonly=readonly) as lib,
        ProgressBar("Exporting") as progress,
        _interruptible() as cancel,
    ):
        report = lib.export_markdown(dest, query=query, progress=progress, cancel=cancel)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path in report.conflicts:
        click.echo(f"left alone (not Desk's file): {path}", err=True)
    for path in report.refused:
        click.echo(f"refused (would leave the folder): {path}", err=True)
    if as_json:
        fmt.emit_json(interchange_ops.export_json(report))
    else:
        _export_summary(report, dest)
    if report.cancelled:
        raise UserError("The export was interrupted; the files listed were written.")


def _export_summary(report: Any, dest: Path) -> None:
    notes = sum(1 for p in [*report.written, *report.unchanged] if p.startswith("notes/"))
    click.echo(
        f"Exported {count_of(notes, 'note')} to {dest}: "
        f"{len(report.written)} files written, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed"
        + (f", {len(report.conflicts)} left alone" if report.conflicts else "")
        + "."
    )


@click.command("import-markdown")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
@click.pass_context
def import_markdown_cmd(ctx: click.Context, src: Path, as_json: bool) -> None:
    """Import a folder of Markdown notes: a Desk export, an Obsidian vault, a Joplin export.

    Desk's own exports come back exactly (ids, tags, links, annotations,
    grades, dates). Other notes get their title, tags (front matter and
    #hashtags) and [[wikilinks]]. Importing the same folder again adds nothing.
    """
    from desk import interchange_ops
    from desk.cli.main import open_library

    interchange_ops.check_import_folder(src, walk=False)
    with (
        open_library(ctx) as lib,
        ProgressBar("Importing") as progress,
        ProgressBar("Indexing") as indexing,
        _interruptible() as cancel,
    ):

        def index_progress(done: int, total: int) -> None:
            progress.close()  # the reading is over: its bar ends, the index's starts
            indexing(done, total)

        report = lib.import_markdown(
            src, progress=progress, cancel=cancel, index_progress=index_progress
        )
    for line in report.notices:
        click.echo(line, err=True)
    if as_json:
        fmt.emit_json(report.to_json())
    else:
        _import_summary(report)
    if report.cancelled:
        raise UserError("The import was interrupted; the notes counted above were kept.")


def _import_summary(report: Any) -> None:
    n = len(report.ids)
    links = report.links
    click.echo(
        f"{count_of(n, 'note')} imported"
        + (f", {report.already_present} already present" if report.already_present else "")
        + f", {count_of(links, 'link')} added"
        + (f", {len(report.skipped)} skipped" if report.skipped else "")
        + "."
    )


def register(cli: click.Group) -> None:
    """Add the Markdown commands to the ``desk`` group."""
    cli.add_command(export_cmd)
    cli.add_command(import_markdown_cmd)
