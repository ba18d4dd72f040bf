"""A reading command on a library this Desk has not upgraded yet (in process, so the
schema can gain a step; the other CLI tests run the real command in a subprocess)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from desk.cli.main import cli
from desk.core import backup
from desk.core.store import schema
from desk.core.types import PassageDraft
from desk.library import Library


@pytest.fixture
def older_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library written by this Desk, then a Desk whose schema has one more step."""
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.create(None, [PassageDraft(body="Trucks waited at the Kulma pass.", title="Kulma")])

    def v_next(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE future_table (x)")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, ("future", v_next)])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    monkeypatch.delenv("DESK_LIBRARY", raising=False)
    return path


def test_a_reading_command_upgrades_the_library_first(older_library: Path) -> None:
    result = CliRunner().invoke(cli, ["--library", str(older_library), "search", "kulma"])
    assert result.exit_code == 0, result.output
    assert "Kulma" in result.output
    conn = sqlite3.connect(older_library / "desk.sqlite")
    assert schema.user_version(conn) == schema.SCHEMA_VERSION
    conn.close()
    pre = [b for b in backup.list_backups(older_library) if b.reason.startswith("pre-migrate")]
    assert len(pre) == 1  # the upgrade made its backup, as an upgrade by the window does


def test_held_by_another_desk_it_says_so_in_one_line(older_library: Path) -> None:
    import fcntl

    fd = os.open(older_library / ".desk.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as another Desk's window would
    try:
        result = CliRunner().invoke(cli, ["--library", str(older_library), "search", "kulma"])
    finally:
        os.close(fd)
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert lines == [
        f"Error: The library {older_library} needs an upgrade, and another Desk holds it; "
        "close that one first."
    ]
