"""Hostile input files: T15 (giant paste), T16 (non-UTF-8), T23 (unsafe YAML), binaries, links.

Every refusal is one ``UserError`` line and leaves the library exactly as it
was; every acceptance stores the text faithfully.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from desk.core.errors import UserError
from desk.library import Library
from tests.reliability.conftest import desk_cmd, subprocess_env

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _snapshot(lib: Library) -> tuple[int, int, dict[str, str]]:
    return lib.store.generation, lib.stats()["sources"], lib.store.passage_stamps()


@pytest.fixture
def lib(tmp_path: Path):
    library = Library.open(tmp_path / "lib")
    library.clip("A first passage about the Wakhan corridor and its patrols.")
    yield library
    library.close()


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1251", "Пограничная застава на реке Пяндж усилена весной."),
        ("gb18030", "中国与塔吉克斯坦在边境地区加强安全合作。"),
        ("latin-1", "Le garçon était très content de voir la façade à Noël, où il a mangé."),
        ("cp1252", "Die Grenzüberwachung wurde verstärkt; die Soldaten müssen täglich laufen."),
        ("utf-16", "Ҷумҳурии Тоҷикистон ва 边境 — می‌شود"),
        ("utf-8-sig", "Ҷумҳурии Тоҷикистон: with a BOM"),
    ],
)
def test_t16_non_utf8_files_import_correctly(
    lib: Library, tmp_path: Path, encoding: str, text: str
) -> None:
    """T16: legacy encodings are detected and decoded, not imported as mojibake."""
    paragraphs = [f"{text} ({n})" for n in range(4)]
    f = tmp_path / f"{encoding}.txt"
    f.write_bytes("\n\n".join(paragraphs).encode(encoding))
    res = lib.import_files([f])
    assert res.ids
    bodies = [p.body for p in lib.passages(res.ids)]
    assert all(b in paragraphs for b in bodies), bodies
    source = lib.get(res.ids[0]).source
    assert source is not None
    assert text in (lib.store.source_text(source.id) or "")
    assert lib.check(repair=False).ok


def test_t16_truncated_utf8_keeps_the_text_it_has(lib: Library, tmp_path: Path) -> None:
    """T16: a UTF-8 file cut mid-character keeps its text (a replacement mark at most)."""
    text = "Душанбе и граница Таджикистана. " * 20
    f = tmp_path / "cut.txt"
    f.write_bytes(text.encode()[:-1] + "Д".encode()[:1])
    try:
        res = lib.import_files([f])
    except UserError:
        return  # refusing with one line is acceptable too
    body = next(iter(lib.passages(res.ids))).body
    assert "Душанбе" in body


@pytest.mark.parametrize(
    "kind",
    ["png", "zip", "random", "sqlite", "nul-text"],
)
def test_binary_files_are_refused_and_nothing_changes(
    lib: Library, tmp_path: Path, kind: str
) -> None:
    f = tmp_path / f"file.{kind}.txt"
    if kind == "png":
        f.write_bytes(PNG)
    elif kind == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("../../evil.txt", "escape")
        f.write_bytes(buf.getvalue())
    elif kind == "random":
        f.write_bytes(os.urandom(64 * 1024))
    elif kind == "sqlite":
        f.unlink(missing_ok=True)
        conn = sqlite3.connect(f)
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES ('hello')")
        conn.commit()
        conn.close()
    else:
        f.write_bytes(b"text with NUL \x00 bytes inside " * 100)
    before = _snapshot(lib)
    with pytest.raises(UserError):
        lib.import_files([f])
    assert _snapshot(lib) == before
    assert not (tmp_path / "evil.txt").exists()


def test_a_refused_file_in_a_batch_keeps_the_files_around_it(lib: Library, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A good file about the Pamir highway.\n\nAnd a second paragraph here.\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(PNG)
    after = tmp_path / "after.txt"
    after.write_text("A later file about the Kulma pass.\n")
    before = lib.stats()["passages"]
    res = lib.import_files([good, bad, after])
    assert [name for name, _why in res.failed] == ["bad.txt"]
    assert "binary" in res.failed[0][1]
    assert lib.stats()["passages"] == before + 3
    assert lib.search("Kulma").total == 1
    assert lib.check(repair=False).ok
    with pytest.raises(UserError, match=r"bad\.txt"):  # alone, it fails as a whole
        lib.import_files([bad])


def test_t23_unsafe_yaml_front_matter_executes_nothing(lib: Library, tmp_path: Path) -> None:
    """T23: ``!!python/object/apply`` in front matter runs nothing; the note still imports."""
    marker = tmp_path / "PWNED"
    md = tmp_path / "evil.md"
    md.write_text(
        "---\n"
        f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'author: !!python/object/new:os.system ["touch {marker}"]\n'
        "---\n\nA note about Khorog that must still be imported.\n",
        encoding="utf-8",
    )
    res = lib.import_files([md])
    assert not marker.exists()
    bodies = [p.body for p in lib.passages(res.ids)]
    assert any("Khorog" in b for b in bodies)
    assert all("python/object" not in (p.title or "") for p in lib.passages(res.ids))


def test_t15_a_paste_over_the_cap_is_refused_quickly_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """T15 (core part): a >50 MB paste through ``desk clip`` is one line, library unchanged.

    The 200 ms UI-freeze half of T15 belongs to the window's tests.
    """
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        lib.clip("Something already in the library about Murghab.")
        before = _snapshot(lib)
    data = b"border patrol " * (51 * 1024 * 1024 // 14 + 1)
    p = subprocess.run(
        desk_cmd(library, "clip"), input=data, capture_output=True, env=subprocess_env(), timeout=60
    )
    err = p.stderr.decode()
    assert p.returncode == 1
    assert len(err.strip().splitlines()) == 1 and "too large" in err, err
    assert "Traceback" not in err
    with Library.open(library) as lib:
        after = _snapshot(lib)
        assert after == before


def test_vault_import_ignores_symlinks_out_and_dotdot_names(tmp_path: Path) -> None:
    """A Markdown folder with a link to a file outside and ``..`` names reads nothing outside."""
    from desk.core.interchange.markdown_import import parse_vault

    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: secret\n---\nTOP SECRET OUTSIDE\n", encoding="utf-8")
    vault = tmp_path / "vault"
    (vault / "sub").mkdir(parents=True)
    (vault / "ok.md").write_text("# Fine\n\nA fine note about Ishkashim.\n", encoding="utf-8")
    (vault / "sub" / "..md").write_text("dots in the name\n", encoding="utf-8")
    (vault / "link.md").symlink_to(outside)
    (vault / "sub" / "up").symlink_to(tmp_path)
    skipped: list[tuple[str, str]] = []
    notes = list(parse_vault(vault, on_skip=lambda rel, why: skipped.append((rel, why))))
    text = " ".join(n.draft.body for n in notes)
    assert "TOP SECRET OUTSIDE" not in text
    assert "Ishkashim" in text
    assert any(rel == "link.md" for rel, _ in skipped)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert "secret.md" in before


def test_cli_import_markdown_writes_nothing_outside(tmp_path: Path) -> None:
    """``desk import-markdown`` on a hostile folder: nothing outside read or written."""
    library = tmp_path / "lib"
    probe = subprocess.run(
        desk_cmd(library, "import-markdown", "--help"),
        capture_output=True,
        env=subprocess_env(),
        timeout=60,
    )
    if probe.returncode != 0:
        pytest.skip("desk import-markdown does not exist yet (the Markdown engineer's command)")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("TOP SECRET OUTSIDE\n", encoding="utf-8")
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text(
        "# A\n\nA note about Rushan, see [[../outside/secret]] and "
        "![x](../outside/secret.md) and [y](../../etc/passwd).\n",
        encoding="utf-8",
    )
    (vault / "b.md").symlink_to(outside / "secret.md")
    (vault / "escape").symlink_to(outside)
    listing = sorted(str(p) for p in tmp_path.rglob("*"))
    p = subprocess.run(
        desk_cmd(library, "import-markdown", str(vault)),
        capture_output=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert "Traceback" not in p.stderr.decode()
    new = sorted(str(p) for p in tmp_path.rglob("*") if not str(p).startswith(str(library)))
    assert new == [x for x in listing if not x.startswith(str(library))]
    with Library.open(library) as lib:
        bodies = [lib.get(pid).body for pid in lib.store.passage_ids()]
    assert not any("TOP SECRET" in b for b in bodies)
    assert any("Rushan" in b for b in bodies), "the ordinary note was imported"
    assert (outside / "secret.md").read_text(encoding="utf-8") == "TOP SECRET OUTSIDE\n"
