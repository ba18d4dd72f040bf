"""``desk export`` and ``desk import-markdown``: the real command in a subprocess."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def assert_one_line_error(run, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run.code == 1, (run.code, run.out, run.err)
    assert "Traceback" not in run.err
    lines = [ln for ln in run.err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, run.err
    assert text in lines[0], lines[0]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _shown(desk, pid: str, **kw):  # type: ignore[no-untyped-def]
    """``show --json`` without the numbers a database assigns (annotation and source ids)."""
    p = desk("show", pid, "--json", **kw).json()
    for a in p["annotations"]:
        del a["id"]
    if p["source"]:
        del p["source"]["id"]
    return p


def test_export_import_round_trip(desk, tmp_path: Path) -> None:
    assert desk("seed").code == 0
    stats = desk("stats", "--json").json()
    out = tmp_path / "vault"
    r = desk("export", str(out), "--json")
    assert r.code == 0, r.err
    report = r.json()
    assert set(report) >= {"written", "unchanged", "removed", "conflicts", "refused", "warnings"}
    notes = [f for f in report["written"] if f.startswith("notes/")]
    assert len(notes) == stats["passages"]
    assert "index.md" in report["written"]
    other = tmp_path / "other" / "lib"
    r = desk("import-markdown", str(out), "--json", library=other)
    assert r.code == 0, r.err
    res = r.json()
    assert res["imported"] == stats["passages"] and res["already_present"] == 0
    assert res["links"] == stats["links"] and res["skipped"] == [] and res["warnings"] == []
    assert desk("stats", "--json", library=other).json() == stats
    for pid in res["ids"][:5]:
        assert _shown(desk, pid) == _shown(desk, pid, library=other)
    # A second import adds nothing.
    r = desk("import-markdown", str(out), library=other)
    assert r.code == 0
    assert r.out.strip() == f"0 notes imported, {stats['passages']} already present, 0 links added."
    # Exporting again unchanged writes nothing.
    r = desk("export", str(out))
    assert r.code == 0
    assert "0 files written" in r.out and f"Exported {stats['passages']} notes" in r.out


def test_export_with_query(desk, tmp_path: Path) -> None:
    desk("seed")
    total = len(desk("search", "Taliban", "--json", "--limit", "1000").json())
    r = desk("export", str(tmp_path / "q"), "--query", "Taliban", "--json")
    assert r.code == 0, r.err
    assert len([f for f in r.json()["written"] if f.startswith("notes/")]) == total
    r = desk("export", str(tmp_path / "none"), "--query", "zzzqqqxxx")
    assert_one_line_error(r, "No passages match")


def test_reexport_leaves_a_foreign_file_alone(desk, tmp_path: Path) -> None:
    desk("seed")
    out = tmp_path / "vault"
    desk("export", str(out))
    mine = out / "notes" / "mine.md"
    mine.write_text("# Mine\n", encoding="utf-8")
    ids = desk("search", "Taliban", "--json").json()
    assert desk("trash", ids[0]["id"]).code == 0
    r = desk("export", str(out), "--json")
    assert r.code == 0
    assert len(r.json()["removed"]) == 1
    assert mine.read_text(encoding="utf-8") == "# Mine\n"


def test_import_obsidian_vault(desk) -> None:
    r = desk("import-markdown", str(FIXTURES / "obsidian_vault"), "--json")
    assert r.code == 0, r.err
    res = r.json()
    assert res["imported"] == 4 and res["links"] == 5 and res["skipped"] == []
    shown = {}
    for pid in res["ids"]:
        p = desk("show", pid, "--json").json()
        shown[p["title"]] = p
    assert set(shown) == {"Dushanbe", "ETIM", "Vakhon outpost", "Emomali Rahmon"}
    vakhon = shown["Vakhon outpost"]
    assert set(vakhon["tags"]) == {"china", "security", "tajikistan", "place/vakhon", "followup"}
    assert {(ln["title"], ln["kind"]) for ln in vakhon["links"]} == {
        ("ETIM", "relates"),
        ("Emomali Rahmon", "relates"),
        ("Dushanbe", "relates"),
    }
    assert {(ln["title"], ln["kind"]) for ln in shown["ETIM"]["links"]} == {
        ("Vakhon outpost", "supports"),
        ("Emomali Rahmon", "relates"),
    }
    assert set(shown["Emomali Rahmon"]["tags"]) == {"person", "leader"}
    assert set(shown["Dushanbe"]["tags"]) == {"place", "dushanbe"}
    assert "Deleted idea" not in shown  # .trash/ is skipped
    hits = desk("search", "tag:group/militant", "--json").json()
    assert [h["title"] for h in hits] == ["ETIM"]
    again = desk("import-markdown", str(FIXTURES / "obsidian_vault"), "--json").json()
    assert again["imported"] == 0 and again["already_present"] == 4
    assert desk("stats", "--json").json()["passages"] == 4


def test_unsafe_yaml_executes_nothing(desk, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    vault = tmp_path / "vault"
    vault.mkdir()
    payloads = [
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f"title: !!python/object/apply:os.system ['touch {marker}']",
        f"!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    ]
    for n, payload in enumerate(payloads):
        (vault / f"evil{n}.md").write_text(f"---\n{payload}\n---\n\nBody {n}.\n", encoding="utf-8")
    r = desk("import-markdown", str(vault), "--json")
    assert r.code == 0, r.err
    assert not marker.exists()
    res = r.json()
    assert res["imported"] == 3
    assert sum("front matter ignored" in w for w in res["warnings"]) == 3
    assert r.err.count("front matter ignored") == 3


def test_skipped_files_are_reported(desk, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "ok.md").write_text("Fine.\n", encoding="utf-8")
    outside = tmp_path / "outside.md"
    outside.write_text("secret\n", encoding="utf-8")
    (vault / "escape.md").symlink_to(outside)
    r = desk("import-markdown", str(vault), "--json")
    assert r.code == 0, r.err
    res = r.json()
    assert res["imported"] == 1
    assert res["skipped"] == [
        {"path": "escape.md", "reason": "a link to a file outside the folder"}
    ]
    assert "skipped escape.md: a link to a file outside the folder" in r.err


def test_import_errors_are_one_line(desk, tmp_path: Path) -> None:
    assert_one_line_error(desk("import-markdown", str(tmp_path / "missing")), "No such folder")
    a_file = tmp_path / "note.md"
    a_file.write_text("x", encoding="utf-8")
    assert_one_line_error(desk("import-markdown", str(a_file)), "is a file")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(desk("import-markdown", str(empty)), "No Markdown notes found")
    assert not (tmp_path / "lib").exists() or desk("stats", "--json").json()["passages"] == 0


def test_export_errors_are_one_line(desk, tmp_path: Path) -> None:
    desk("seed")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    assert_one_line_error(desk("export", str(a_file)), "is a file")
    assert_one_line_error(desk("export", str(a_file / "sub")), "is a file")
    assert a_file.read_text(encoding="utf-8") == "x"
    before = sorted(p.name for p in tmp_path.iterdir())
    r = desk("export", str(tmp_path / "fine"))
    assert r.code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "fine"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_export_into_read_only_folder(desk, tmp_path: Path) -> None:
    desk("seed")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert_one_line_error(desk("export", str(locked)), "permission denied")
    finally:
        locked.chmod(0o700)


def test_progress_goes_to_stderr(desk, tmp_path: Path) -> None:
    desk("seed")
    r = desk("export", str(tmp_path / "v"), "--json")
    json.loads(r.out)  # stdout is only the report
    assert "Exporting" in r.err
    r = desk("import-markdown", str(tmp_path / "v"), "--json", library=tmp_path / "l2")
    json.loads(r.out)
    assert "Importing" in r.err
    assert _files(tmp_path / "v")


def test_ctrl_c_stops_an_import_between_notes(desk, tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    from tests.cli.conftest import _desk_command

    vault = tmp_path / "vault"
    vault.mkdir()
    for n in range(1200):
        (vault / f"n{n:04d}.md").write_text(f"Note number {n}.\n", encoding="utf-8")
    lib = tmp_path / "lib"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DESK_LIBRARY", None)
    proc = subprocess.Popen(
        [*_desk_command(), "--library", str(lib), "import-markdown", str(vault)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    count = desk("stats", "--json", library=lib).json()["passages"]
    if proc.returncode == 0:  # finished before the signal came
        assert count == 1200
        return
    assert proc.returncode == 1, err
    assert b"Traceback" not in err
    assert b"The import was interrupted" in err
    assert count % 500 == 0  # whole batches only
    assert f"{count} notes imported".encode() in out or count == 0


def test_a_big_import_shows_the_index_step_and_is_searchable_after(desk, tmp_path: Path) -> None:
    """From 2,000 files the index is written once at the end, under its own bar."""
    vault = tmp_path / "vault"
    vault.mkdir()
    for n in range(2000):
        (vault / f"n{n:04d}.md").write_text(f"Convoy {n} crossed at Ishkashim.\n", encoding="utf-8")
    r = desk("import-markdown", str(vault))
    assert "2000 notes imported" in r.out
    assert r.err.count("Importing") == 1 and r.err.count("Indexing") == 1, r.err
    assert r.err.index("Importing") < r.err.index("Indexing")
    assert desk("search", "ishkashim").err.splitlines()[-1] == "2000 matches"
