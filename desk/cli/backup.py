"""``desk backup`` and ``desk restore-backup``.

``desk restore ID`` is the trash command; restoring a whole database is the
separate, deliberately longer ``restore-backup``.
"""

from __future__ import annotations

from pathlib import Path

import click

from desk.core import backup as core_backup
from desk.core.errors import UserError


@click.command("backup")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@click.pass_context
def backup_cmd(ctx: click.Context, dest: Path | None) -> None:
    """Back up the library's database, safely even while Desk is open.

    Without DEST the copy goes into the library's backups/ folder (manual
    backups are never pruned). DEST may be a new file or an existing folder.
    Prints the path of the verified copy.
    """
    from desk.cli.main import library_path, open_library

    root = library_path(ctx)
    if not (root / core_backup.DB_NAME).exists():
        raise UserError(f"There is no library at {root}; nothing to back up.")
    # Read-only: a backup needs no write lock, so it works while the window is open.
    with open_library(ctx, readonly=True) as lib:
        path = lib.backup(dest)
    click.echo(str(path))


@click.command("restore-backup")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Restore without asking.")
@click.pass_context
def restore_backup_cmd(ctx: click.Context, file: Path, yes: bool) -> None:
    """Replace the library's database with the backup FILE.

    The current database (with its -wal and -shm files) is moved to
    backups/replaced-<time>/, never deleted; the search index is rebuilt.
    Desk must be closed on this library.
    """
    from desk.cli.main import library_path, open_library

    root = library_path(ctx)
    core_backup.verify_backup(file)
    if not yes:
        try:
            click.confirm(
                f"Replace the database of {root} with {file}? "
                "The current database is kept in backups/.",
                abort=True,
                err=True,
            )
        except click.Abort:
            raise UserError(
                "Nothing was restored: confirm at the prompt, or pass --yes to restore "
                "without being asked."
            ) from None
    result = core_backup.restore_backup(root, file)
    if result.kept_aside is not None:
        click.echo(f"The previous database was kept in {result.kept_aside}")
    with open_library(ctx) as lib:
        stats = lib.stats()
    click.echo(
        f"Restored {file}: {stats['passages']} passages ({stats['trashed']} in the trash); "
        "the search index was rebuilt."
    )


def register(cli: click.Group) -> None:
    """Add the backup commands to the ``desk`` group."""
    cli.add_command(backup_cmd)
    cli.add_command(restore_backup_cmd)
