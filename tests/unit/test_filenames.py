"""File names of exported notes: safe everywhere, unique, stable."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.core.errors import UserError
from desk.core.interchange.filenames import NamePlanner, ensure_inside, fold, safe_stem

RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in "123456789"}
FORBIDDEN = set('/\\:*?"<>|') | {chr(c) for c in range(32)} | {"\x7f"}

HOSTILE = [
    "../../x",
    "/abs",
    "C:\\x",
    "C:x",
    "CON",
    "com1",
    "con.txt",
    "Lpt9.md",
    "aux ",
    "name. ",
    "a:b*c?",
    "x" * 300,
    "ж" * 300,
    "😀" * 100,
    "",
    "   ",
    ".",
    "..",
    "....",
    ". . .",
    "😀",
    "مرحبا بالعالم",
    "\u202egnp.exe",
    "a\x00b",
    "\x00",
    "line\nbreak\r\nand\ttab",
    "[[wiki|link]]#^x",
    "e\u0301" * 90,
    "Q1/Q2",
    "\\\\server\\share",
    "~/.ssh/id_rsa",
]


def assert_safe(stem: str, max_bytes: int = 120) -> None:
    assert stem
    assert stem not in (".", "..")
    assert not set(stem) & FORBIDDEN
    assert stem == stem.strip(" .")
    assert len(stem.encode("utf-8")) <= max_bytes
    assert stem.split(".")[0].strip().upper() not in RESERVED
    assert unicodedata.normalize("NFC", stem) == stem


@pytest.mark.parametrize("title", HOSTILE)
def test_safe_stem_hostile(title: str, tmp_path: Path) -> None:
    stem = safe_stem(title)
    assert_safe(stem)
    root = tmp_path / "vault"
    root.mkdir()
    joined = (root / "notes" / f"{stem}.md").resolve()
    assert joined.is_relative_to(root.resolve())
    assert joined.parent == (root / "notes").resolve()
    # The file can really be created.
    joined.parent.mkdir(exist_ok=True)
    joined.write_text("x", encoding="utf-8")
    assert joined.read_text(encoding="utf-8") == "x"


def test_safe_stem_examples() -> None:
    assert safe_stem("") == "untitled"
    assert safe_stem("...") == "untitled"
    assert safe_stem("../../x") == "x"
    assert safe_stem("Q1/Q2") == "Q1 Q2"  # a separator becomes a space, words stay apart
    assert safe_stem("name. ") == "name"
    assert safe_stem("CON").upper() != "CON"
    assert safe_stem("con.txt").split(".")[0].upper() != "CON"
    assert safe_stem("Parliament announces outpost") == "Parliament announces outpost"
    assert safe_stem("Таджикистан: пост") == "Таджикистан пост"


def test_safe_stem_truncates_on_character_boundary() -> None:
    stem = safe_stem("ж" * 300, max_bytes=121)
    assert len(stem.encode()) <= 121
    assert stem == "ж" * 60
    assert safe_stem("😀" * 100, max_bytes=10) == "😀😀"


def test_safe_stem_nfc() -> None:
    assert safe_stem("Cafe\u0301") == "Café"


@given(st.text(max_size=400), st.integers(min_value=8, max_value=200))
def test_safe_stem_any_text(title: str, max_bytes: int) -> None:
    assert_safe(safe_stem(title, max_bytes=max_bytes), max_bytes)


def test_planner_unique_case_insensitive() -> None:
    items = [("p-a1", "Report"), ("p-a2", "report"), ("p-a3", "REPORT"), ("p-b", "Other")]
    planner = NamePlanner(items)
    names = [planner.name_for(pid) for pid, _ in items]
    assert names[0] == "Report.md"
    assert names[3] == "Other.md"
    assert len({fold(n) for n in names}) == len(names)
    assert all(n.endswith(".md") for n in names)
    assert names[1].startswith("report — ")


def test_planner_suffix_from_id_not_order() -> None:
    ids = [("p-aaaaaa-1", "Same"), ("p-aaaaaa-2", "Same"), ("q-zzzzzz", "Same")]
    a = NamePlanner(ids)
    b = NamePlanner(list(reversed(ids)))
    assert [a.name_for(i) for i, _ in ids] == [b.name_for(i) for i, _ in ids]
    assert a.name_for("q-zzzzzz") == "Same — q-zzzz.md"
    # Removing one duplicate does not rename the other one.
    c = NamePlanner([ids[0], ids[2]])
    assert c.name_for("q-zzzzzz") == a.name_for("q-zzzzzz")


def test_planner_stable_when_unrelated_note_added() -> None:
    base = [(f"p-{i:03d}", f"Note {i % 7}") for i in range(40)]
    before = NamePlanner(base)
    after = NamePlanner([*base, ("p-999", "Something new"), ("a-000", "Another")])
    for pid, _ in base:
        assert before.name_for(pid) == after.name_for(pid)
    assert NamePlanner(base).name_for("p-005") == before.name_for("p-005")


def test_planner_hostile_titles_unique() -> None:
    items = [(f"id-{n:02d}", t) for n, t in enumerate(HOSTILE + HOSTILE)]
    planner = NamePlanner(items)
    names = [planner.name_for(pid) for pid, _ in items]
    assert len({fold(n) for n in names}) == len(names)
    for name in names:
        assert_safe(name.removesuffix(".md"), 200)


def test_planner_many_duplicates_skip_shared_prefixes() -> None:
    # 600 "Untitled" notes whose ids share their first 6 (and some their first
    # 8) characters: a suffix two duplicates could both claim is never used, so
    # each name is the shortest prefix of its own id that no other duplicate has.
    items = [(f"aaaaaa{i // 10:02d}{i:08x}", "Untitled") for i in range(600)]
    planner = NamePlanner(items)
    names = {pid: planner.name_for(pid) for pid, _ in items}
    assert len({fold(n) for n in names.values()}) == len(items)
    assert names[items[0][0]] == "Untitled.md"
    for pid, _ in items[1:]:
        suffix = names[pid].removeprefix("Untitled — ").removesuffix(".md")
        assert suffix == pid[:16], (pid, names[pid])
    reordered = NamePlanner(list(reversed(items)))
    assert all(reordered.name_for(pid) == name for pid, name in names.items())


def test_planner_avoids_taken_names() -> None:
    planner = NamePlanner([("p-1", "index"), ("p-2", "Index")])
    assert {fold(planner.name_for("p-1")), fold(planner.name_for("p-2"))}.isdisjoint({"index.md"})
    with pytest.raises(KeyError):
        planner.name_for("missing")


def test_ensure_inside(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    assert ensure_inside(root, root / "notes" / "a.md") == (root / "notes" / "a.md").resolve()
    assert ensure_inside(root, Path("notes/a.md")).is_relative_to(root.resolve())
    for bad in ("../x.md", "notes/../../x.md", "/etc/passwd", "."):
        with pytest.raises(UserError):
            ensure_inside(root, Path(bad))
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UserError):
        ensure_inside(root, root / "link" / "a.md")
