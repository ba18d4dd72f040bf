"""``desk backup [DEST]`` through the real command (T08 from the command line)."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from desk.core import backup
from desk.library import Library
from tests.reliability.conftest import desk_cmd, subprocess_env


def _run(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        desk_cmd(library, *args), capture_output=True, text=True, env=subprocess_env(), timeout=120
    )


def _ids(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM passage")}
    finally:
        conn.close()


def test_backup_default_file_and_folder(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        ids = set(lib.clip("A passage about the Kyzyl-Art pass.").ids)
    p = _run(library, "backup")
    assert p.returncode == 0, p.stderr
    made = Path(p.stdout.strip())
    assert made.parent == library / "backups" and made.name.endswith("-manual.sqlite")
    assert _ids(made) == ids
    assert backup.newest_backup(library) == made

    dest = tmp_path / "elsewhere" / "copy.sqlite"
    dest.parent.mkdir()
    p = _run(library, "backup", str(dest))
    assert p.returncode == 0, p.stderr
    assert Path(p.stdout.strip()) == dest and _ids(dest) == ids

    again = _run(library, "backup", str(dest))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1

    folder = tmp_path / "folder"
    folder.mkdir()
    p = _run(library, "backup", str(folder))
    assert p.returncode == 0, p.stderr
    assert Path(p.stdout.strip()).parent == folder


def test_backup_works_while_another_desk_holds_the_library(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        ids = set(lib.clip("A passage about the Khargush pass.").ids)
        p = _run(library, "backup")  # the write lock is held right here
        assert p.returncode == 0, p.stderr
    assert _ids(Path(p.stdout.strip())) == ids


def test_backup_of_no_library_says_so(tmp_path: Path) -> None:
    p = _run(tmp_path / "nothing", "backup")
    assert p.returncode == 1 and "no library" in p.stderr
    assert not (tmp_path / "nothing").exists()


def test_restore_backup_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        ids = set(lib.clip("A passage about Langar.").ids)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 50)
    p = _run(library, "restore-backup", str(junk), "--yes")
    assert p.returncode == 1 and "nothing was changed" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert _ids(library / "desk.sqlite") == ids
    p = _run(library, "restore-backup", str(tmp_path / "missing.sqlite"), "--yes")
    assert p.returncode == 1 and "No such backup" in p.stderr


def test_restore_backup_refuses_while_the_library_is_open(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        lib.clip("A passage about Alichur.")
        saved = lib.backup()
        p = _run(library, "restore-backup", str(saved), "--yes")
        assert p.returncode == 1 and "open in another Desk" in p.stderr
    assert not list((library / "backups").glob("replaced-*"))
