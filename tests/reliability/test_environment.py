"""The environment: T06 second instance, T18 full disk, T19 read-only folder, T20 network fs."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from desk.core import backup
from desk.core.errors import ReadOnlyLibrary
from desk.library import Library
from tests.reliability import crashwriter
from tests.reliability.conftest import ROOT, desk_cmd, subprocess_env


def _one_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert "Traceback" not in text, text
    assert len(lines) == 1, text
    return lines[0]


# ----------------------------------------------------------------------
# T06 / T07: a second instance


def test_t06_second_writer_gets_one_line_and_readers_still_work(tmp_path: Path) -> None:
    """T06: while one process writes, a second writer is refused in one line; reads work."""
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        lib.clip("A passage about the Kulma pass so that searches find something.")
    writer = subprocess.Popen(
        [sys.executable, crashwriter.__file__, str(library), "7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
        text=True,
    )
    try:
        assert writer.stdout is not None
        for line in writer.stdout:
            if line.startswith("C "):
                break  # open and writing
        second = subprocess.run(
            desk_cmd(library, "clip"),
            input=b"a second instance must not write this",
            capture_output=True,
            env=subprocess_env(),
            timeout=60,
        )
        assert second.returncode == 1
        line = _one_line(second.stderr)
        assert "open in another Desk" in line and "read-only" in line
        assert "LockError" not in line and "database is locked" not in line
        reader = subprocess.run(
            desk_cmd(library, "stats", "--json"),
            capture_output=True,
            env=subprocess_env(),
            timeout=60,
        )
        assert reader.returncode == 0, reader.stderr
        assert '"passages"' in reader.stdout.decode()
        found = subprocess.run(
            desk_cmd(library, "search", "k"),
            capture_output=True,
            env=subprocess_env(),
            timeout=60,
        )
        assert found.returncode == 0, found.stderr
        # The writer rewrites bodies at random; a search that runs is what counts here.
        assert "match" in found.stderr.decode(), found.stderr
        # An in-process read-only open works too, while the writer holds the lock.
        with Library.open(library, readonly=True) as ro:
            assert ro.readonly and ro.stats()["passages"] >= 1
    finally:
        writer.send_signal(signal.SIGTERM)
        writer.communicate(timeout=30)
    with Library.open(library) as lib:
        assert lib.check(repair=False).ok
        texts = [lib.get(pid).body for pid in lib.store.passage_ids()]
    assert not any("second instance" in t for t in texts)


# ----------------------------------------------------------------------
# T18: a full disk


def test_t18_full_disk_mid_import_fails_in_one_line_and_keeps_whole_files(
    tmp_path: Path,
) -> None:
    """T18: writes fail with EFBIG (RLIMIT_FSIZE) part-way through a 30-file import."""
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        lib.clip("A seed passage about Khorog and the Pamir highway.")
        before = set(lib.store.passage_ids())
    files = []
    for i in range(30):
        f = tmp_path / "in" / f"f{i:02d}.txt"
        f.parent.mkdir(exist_ok=True)
        f.write_text(
            "\n\n".join(
                f"File {i} paragraph {j} on the border posts near Murghab and Karakul. {'x' * 800}"
                for j in range(8)
            ),
            encoding="utf-8",
        )
        files.append(str(f))
    biggest = max(p.stat().st_size for p in library.rglob("*") if p.is_file())
    limit = biggest + 256 * 1024

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    p = subprocess.run(
        desk_cmd(library, "import", *files),
        capture_output=True,
        env=subprocess_env(),
        preexec_fn=small_disk,
        timeout=120,
    )
    assert p.returncode == 1
    line = _one_line(p.stderr)
    assert "not saved" in line or "full" in line, line
    with Library.open(library) as lib:
        report = lib.check(repair=False)
        assert report.ok, report.to_json()
        new = set(lib.store.passage_ids()) - before
        assert before <= set(lib.store.passage_ids())
        per_source: dict[int | None, int] = {}
        for pid in new:
            src = lib.get(pid).source
            per_source[src.id if src else None] = per_source.get(src.id if src else None, 0) + 1
    assert 0 < len(per_source) < 30, "some files, not all, made it before the disk filled"
    assert set(per_source.values()) == {8}, f"a file was imported in part: {per_source}"


# ----------------------------------------------------------------------
# T19: a read-only folder


def test_t19_read_only_folder_opens_read_only_with_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """T19 (emulated: root ignores permissions, so ``os.access`` is made to say no)."""
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        pid = lib.clip("A passage about Rushan that must stay readable.").ids[0]
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with Library.open(library) as lib:
        assert lib.readonly
        assert any("read-only" in n for n in lib.notices)
        assert lib.get(pid).body.startswith("A passage about Rushan")
        assert lib.search("Rushan").total == 1
        with pytest.raises(ReadOnlyLibrary):
            lib.clip("must not be written")
        with pytest.raises(ReadOnlyLibrary):
            lib.tag(pid, ["x"])


def _nobody_can_run_desk(python: str) -> bool:
    try:
        p = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                python,
                "-c",
                "import desk.library, whoosh",
            ],
            capture_output=True,
            env=subprocess_env(),
            cwd="/",
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0


def test_t19_read_only_folder_for_real_as_an_unprivileged_user(tmp_path: Path) -> None:
    """T19 for real: the CLI, as a user who cannot write the folder (``nobody`` under root)."""
    cmd: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root ignores permissions and setpriv is missing to drop them")
        if not _nobody_can_run_desk(sys.executable):
            pytest.skip(
                f"root ignores permissions, and the unprivileged user cannot run "
                f"{sys.executable} with Desk's dependencies (the interpreter or {ROOT} "
                "is not readable by uid 65534)"
            )
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    base = Path(tempfile.mkdtemp(prefix="desk-ro-"))
    try:
        os.chmod(base, 0o755)
        library = base / "lib"
        with Library.open(library) as lib:
            lib.clip("A passage about Vanj for the read-only test.")
        os.chmod(library, 0o555)
        files_before = sorted(p.name for p in library.iterdir())
        p = subprocess.run(
            [*cmd, *desk_cmd(library, "search", "Vanj")],
            capture_output=True,
            env=subprocess_env(),
            cwd="/",
            timeout=60,
        )
        assert p.returncode == 0, p.stderr
        w = subprocess.run(
            [*cmd, *desk_cmd(library, "clip")],
            input=b"must not be written",
            capture_output=True,
            env=subprocess_env(),
            cwd="/",
            timeout=60,
        )
        assert w.returncode == 1
        assert "read-only" in w.stderr.decode(), w.stderr
        assert sorted(p.name for p in library.iterdir()) == files_before, "no stray files"
    finally:
        os.chmod(base / "lib", 0o755)
        shutil.rmtree(base, ignore_errors=True)


# ----------------------------------------------------------------------
# T20: network filesystems


def test_t20_library_on_a_network_filesystem_gets_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """T20: ``Library.open`` adds the detector's warning to its notices."""
    monkeypatch.setattr(backup, "filesystem_type", lambda path, mountinfo=None: "nfs4")
    with Library.open(tmp_path / "lib") as lib:
        assert any("network filesystem (nfs4)" in n for n in lib.notices)
    monkeypatch.setattr(backup, "filesystem_type", lambda path, mountinfo=None: "ext4")
    with Library.open(tmp_path / "lib") as lib:
        assert not any("network" in n for n in lib.notices)


def test_t20_real_mountinfo_is_parsed() -> None:
    assert backup.filesystem_type(Path("/proc")) == "proc"
    assert backup.filesystem_type(ROOT) is not None
