"""The real ``desk`` command in a subprocess, against a temporary library."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "seeds" / "article.txt"


def assert_one_line_error(run, code: int = 1) -> None:  # type: ignore[no-untyped-def]
    assert run.code == code, (run.code, run.out, run.err)
    assert "Traceback" not in run.err
    lines = [ln for ln in run.err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 if code == 1 else lines, run.err


def test_version(desk) -> None:
    from desk import __version__

    r = desk("--version")
    assert r.code == 0
    assert __version__ in r.out


def test_seed_then_stats_shows_the_collection(desk) -> None:
    assert desk("seed").code == 0
    s = desk("stats", "--json").json()
    assert set(s) == {"passages", "sources", "tags", "links", "annotations", "entities"}
    assert s["passages"] >= 15 and s["sources"] == 1
    assert s["tags"] >= 8 and s["links"] >= 5 and s["annotations"] >= 5
    assert s["entities"] >= 10


def test_seed_is_idempotent(desk) -> None:
    desk("seed")
    first = desk("stats", "--json").json()
    r = desk("seed")
    assert r.code == 0
    assert desk("stats", "--json").json() == first


def test_import_article_split_by_paragraph(desk) -> None:
    r = desk(
        "import",
        str(SEED_ARTICLE),
        "--split",
        "paragraphs",
        "--publisher",
        "Asia Times",
        "--published",
        "2021-11",
        "--reliability",
        "B",
        "--tag",
        "topic/test",
        "--json",
    )
    assert r.code == 0, r.err
    ids = [x["id"] for x in r.json()]
    assert len(ids) > 15
    shown = [desk("show", i, "--json").json() for i in (ids[0], ids[1], ids[-1])]
    assert shown[0]["source"]["title"] == "China looks to Tajiks to spy Afghan terror risks"
    assert shown[0]["source"]["publisher"] == "Asia Times"
    assert shown[0]["source"]["published"] == "2021-11"
    assert all(s["tags"] == ["topic/test"] for s in shown)
    # captions ("Photo: AFP / ...") and image file names were left out
    assert desk("search", "AFP", "--json").json() == []
    assert len(desk("search", "tag:topic/test", "--limit", "100", "--json").json()) == len(ids)
    # importing the same file again adds nothing
    again = desk("import", str(SEED_ARTICLE), "--json")
    assert again.code == 0 and again.json() == []


def test_clip_from_stdin_and_show(desk) -> None:
    r = desk(
        "clip",
        "--title",
        "Border note",
        "--url",
        "https://example.org/a",
        "--credibility",
        "3",
        "--tag",
        "place/wakhan",
        "--json",
        stdin="Chinese guards patrol the Wakhan corridor.",
    )
    assert r.code == 0, r.err
    pid = r.json()[0]["id"]
    p = desk("show", pid, "--json").json()
    for key in (
        "id",
        "title",
        "body",
        "credibility",
        "tags",
        "annotations",
        "links",
        "backlinks",
        "entities",
        "created",
        "updated",
        "source",
    ):
        assert key in p
    assert p["title"] == "Border note"
    assert p["credibility"] == 3
    assert p["tags"] == ["place/wakhan"]
    assert p["source"]["url"] == "https://example.org/a"
    assert set(p["source"]) >= {
        "title",
        "url",
        "publisher",
        "author",
        "published",
        "reliability",
        "language",
    }


def test_tag_untag_annotate_link_grade_trash_restore(desk) -> None:
    a = desk("clip", "--json", stdin="First passage about Dushanbe.").json()[0]["id"]
    b = desk("clip", "--json", stdin="Second passage about Murghab.").json()[0]["id"]
    assert desk("tag", a, "actor/china", "place/pamir").code == 0
    assert desk("untag", a, "place/pamir").code == 0
    assert desk("annotate", a, "Check this against RFE.").code == 0
    assert desk("link", a, b, "--kind", "supports", "--note", "same base").code == 0
    g = desk("grade", a, "--reliability", "c", "--credibility", "2", "--json")
    assert g.code == 0 and g.json()["grade"] == "C2"
    pa = desk("show", a, "--json").json()
    pb = desk("show", b, "--json").json()
    assert pa["tags"] == ["actor/china"]
    assert [x["body"] for x in pa["annotations"]] == ["Check this against RFE."]
    assert pa["links"][0]["id"] == b and pa["links"][0]["kind"] == "supports"
    assert pb["backlinks"][0]["id"] == a and pb["backlinks"][0]["kind"] == "supports"
    assert pa["source"]["reliability"] == "C" and pa["credibility"] == 2
    before = desk("stats", "--json").json()["passages"]
    assert desk("trash", a).code == 0
    assert desk("stats", "--json").json()["passages"] == before - 1
    assert desk("restore", a).code == 0
    after = desk("show", a, "--json").json()
    assert after["tags"] == ["actor/china"] and after["links"] and after["annotations"]


def test_unknown_id_is_one_clear_line(desk) -> None:
    desk("seed")
    for args in (
        ("show", "nope"),
        ("tag", "nope", "x"),
        ("annotate", "nope", "t"),
        ("trash", "nope"),
        ("grade", "nope", "--credibility", "2"),
        ("link", "nope", "nada"),
    ):
        r = desk(*args)
        assert_one_line_error(r)
        assert "nope" in r.err


def test_missing_file_and_folder_and_binary(desk, tmp_path: Path) -> None:
    r = desk("import", str(tmp_path / "missing.txt"))
    assert_one_line_error(r)
    assert "missing.txt" in r.err
    r = desk("import", str(tmp_path))
    assert_one_line_error(r)
    binary = tmp_path / "x.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    r = desk("import", str(binary))
    assert_one_line_error(r)
    assert "binary" in r.err.lower()
    assert desk("stats", "--json").json()["passages"] == 0


def test_empty_stdin_is_refused(desk) -> None:
    r = desk("clip", stdin="")
    assert_one_line_error(r)
    assert "empty" in r.err.lower()
    r = desk("clip", stdin="   \n\n ")
    assert_one_line_error(r)


def test_bad_grades_and_dates_and_kinds(desk) -> None:
    pid = desk("clip", "--json", stdin="Some text.").json()[0]["id"]
    assert_one_line_error(desk("grade", pid, "--reliability", "Z"))
    assert_one_line_error(desk("grade", pid, "--credibility", "9"))
    assert_one_line_error(desk("clip", "--published", "2021-13", stdin="x"))
    r = desk("link", pid, pid)
    assert_one_line_error(r)
    r = desk("link", pid, pid, "--kind", "bogus")
    assert r.code == 2 and "Traceback" not in r.err


def test_usage_errors_exit_2(desk) -> None:
    assert desk("show").code == 2
    assert desk("no-such-command").code == 2
    assert desk("import", "--split", "sentences", "x").code == 2


def test_newer_library_is_refused_without_traceback(desk) -> None:
    import sqlite3

    desk("seed")
    conn = sqlite3.connect(desk.library / "desk.sqlite")
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    r = desk("stats")
    assert_one_line_error(r)
    assert "newer" in r.err


def test_a_file_where_the_library_should_be(desk, tmp_path: Path) -> None:
    f = tmp_path / "afile"
    f.write_text("x")
    r = desk("stats", library=f)
    assert_one_line_error(r)


def test_default_library_comes_from_the_environment(desk, tmp_path: Path) -> None:
    lib = tmp_path / "envlib"
    r = desk("stats", "--json", library=None, env={"DESK_LIBRARY": str(lib)})
    assert r.code == 0, r.err
    assert (lib / "desk.sqlite").exists()


def test_import_of_several_files_keeps_the_good_ones_and_names_the_bad(
    desk, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("On 28 October 2021 a post opened near the Wakhan corridor.\n", "utf-8")
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 2)
    empty = tmp_path / "empty.md"
    empty.write_text("", "utf-8")
    ru = tmp_path / "ru.txt"
    ru.write_text("Пограничники провели учения у Хорога.\n", "utf-8")
    r = desk("import", str(good), str(bad), str(empty), str(ru))
    assert r.code == 1
    assert "2 passages added" in r.out
    errors = [ln for ln in r.err.splitlines() if ln.startswith("Error:")]
    assert errors == [
        "Error: bad.html looks like a binary file, not text",
        "Error: empty.md is empty",
        "Error: 2 of 4 files could not be imported (named above); the others were imported.",
    ]
    assert desk("search", "Хорога", "--json").json()[0]["title"]
    # One file alone still fails as a whole, with its one message.
    r = desk("import", str(bad))
    assert r.code == 1 and r.err.strip().endswith("not text; nothing was imported")


def test_show_lists_the_dates_a_passage_mentions(desk, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("The post opened on 28 October 2021, months after the summit.\n", "utf-8")
    assert desk("import", str(f)).code == 0
    pid = desk("search", "summit", "--json").json()[0]["id"]
    out = desk("show", pid).out
    assert "dates: 2021-10-28 (“28 October 2021”)" in out


def test_search_repairs_a_deleted_index_once(desk) -> None:
    assert desk("seed").code == 0
    shutil.rmtree(desk.library / "index")
    first = desk("search", "Wakhan", "--json")
    assert first.code == 0, first.err
    assert len(first.json()) == 3
    assert "rebuilt it from the database" in first.err
    again = desk("search", "Wakhan", "--json")
    assert len(again.json()) == 3 and "rebuil" not in again.err.lower()


def test_reindex_after_a_rebuild_at_open_does_not_rebuild_twice(desk) -> None:
    assert desk("seed").code == 0
    shutil.rmtree(desk.library / "index")
    r = desk("reindex")
    assert r.code == 0, r.err
    assert "Indexed 30 passages." in r.out
    assert "rebuilt it from the database" in r.err
    assert "Indexing" not in r.err  # the second, redundant rebuild's bar
    plain = desk("reindex")
    assert "Indexing" in plain.err and "Indexed 30 passages." in plain.out


def test_search_while_the_library_is_locked_stays_read_only(desk) -> None:
    assert desk("seed").code == 0
    shutil.rmtree(desk.library / "index")
    fd = os.open(desk.library / ".desk.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = desk("search", "Wakhan")
    finally:
        os.close(fd)
    assert r.code == 0
    assert "results may be incomplete" in r.err
    assert not (desk.library / "index").exists() or "rebuilt" not in r.err


def test_a_big_rebuild_at_open_draws_a_bar_a_small_one_does_not(capsys) -> None:  # type: ignore[no-untyped-def]
    from desk.cli.main import _rebuild_bar

    small = _rebuild_bar()
    small(0, 30)
    small(30, 30)
    small.close()
    assert capsys.readouterr().err == ""
    big = _rebuild_bar()
    for done in range(0, 5001, 1000):
        big(done, 5000)
    big.close()
    assert "Rebuilding the search index" in capsys.readouterr().err
