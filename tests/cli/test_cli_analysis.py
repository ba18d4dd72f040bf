"""``desk entities``, ``desk entity ...``, ``desk timeline`` and ``desk related`` (real command)."""

from __future__ import annotations

import pytest


@pytest.fixture
def seeded(desk):  # type: ignore[no-untyped-def]
    assert desk("seed").code == 0
    return desk


def test_entities_json_shape_and_counts(seeded) -> None:  # type: ignore[no-untyped-def]
    run = seeded("entities", "--json")
    assert run.code == 0, run.err
    rows = run.json()
    by_key = {r["key"]: r for r in rows}
    assert set(rows[0]) == {"key", "name", "kind", "count", "aliases"}
    assert by_key["etim"]["name"] == "East Turkistan Islamic Movement"
    assert by_key["etim"]["kind"] == "organisation"
    assert by_key["etim"]["count"] >= 6
    assert "Rakhmon" in by_key["emomali-rahmon"]["aliases"]
    places = seeded("entities", "--json", "--kind", "place").json()
    assert places and all(r["kind"] == "place" for r in places)
    text = seeded("entities")
    assert text.code == 0 and "[etim]" in text.out


def test_entity_add_alias_and_merge(seeded) -> None:  # type: ignore[no-untyped-def]
    clip = seeded(
        "clip", "--title", "Crossing", "--json", stdin="Jamoati Ansorulloh fighters crossed."
    )
    pid = clip.json()[0]["id"]
    before = seeded("search", "--json", "entity:jamaat-ansarullah", "--limit", "100").json()
    assert pid not in {h["id"] for h in before}
    run = seeded("entity", "alias", "jamaat-ansarullah", "Jamoati Ansorulloh")
    assert run.code == 0, run.err
    after = seeded("search", "--json", "entity:jamaat-ansarullah", "--limit", "100").json()
    assert pid in {h["id"] for h in after}

    run = seeded("entity", "add", "Khorog Garrison", "--kind", "facility", "--alias", "KG HQ")
    assert run.code == 0, run.err
    assert run.out.strip() == "khorog-garrison"
    rows = {r["key"]: r for r in seeded("entities", "--json").json()}
    assert rows["khorog-garrison"]["aliases"] == ["KG HQ"]

    run = seeded("entity", "merge", "taliban", "islamic-emirate")
    assert run.code == 0, run.err
    rows = {r["key"]: r for r in seeded("entities", "--json").json()}
    assert "islamic-emirate" not in rows
    assert "Islamic Emirate of Afghanistan" in rows["taliban"]["aliases"]


def test_entity_errors_are_one_line(seeded) -> None:  # type: ignore[no-untyped-def]
    run = seeded("entity", "alias", "no-such", "x")
    assert run.code == 1 and run.err.count("\n") == 1 and "No entity" in run.err
    run = seeded("entity", "add", "X", "--kind", "planet")
    assert run.code == 2
    run = seeded("entity", "merge", "etim", "etim")
    assert run.code == 1 and "Traceback" not in run.err


def test_timeline_json_and_text(seeded) -> None:  # type: ignore[no-untyped-def]
    run = seeded("timeline", "--json")
    assert run.code == 0, run.err
    rows = run.json()
    assert set(rows[0]) == {"date", "precision", "approximate", "id", "title", "text"}
    seen = {(r["id"], r["date"], r["precision"], r["approximate"]) for r in rows}
    assert ("p-outpost-announcement", "2021-10-28", "day", False) in seen
    assert ("p-un-foreign-fighters", "2021-06", "month", False) in seen
    assert ("p-joint-exercises", "2006", "year", False) in seen
    assert ("p-joint-exercises", "2021-08", "month", False) in seen
    assert ("p-border-guards-2015", "2015", "year", True) in seen
    assert ("p-arsalon-five-districts", "2021-07", "month", False) in seen
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    text = seeded("timeline").out.splitlines()
    assert "2021" in text and "  October" in text
    assert any("2015 (c.)" in line for line in text)
    only = seeded("timeline", "--query", "tag:place/wakhan", "--json").json()
    assert {r["id"] for r in only} == {"p-shaymak-base", "p-border-guards-2015"}


def test_related_json_and_text(seeded) -> None:  # type: ignore[no-untyped-def]
    run = seeded("related", "p-outpost-location", "--json")
    assert run.code == 0, run.err
    rows = run.json()
    assert set(rows[0]) == {"id", "title", "score", "reasons"}
    ids = [r["id"] for r in rows]
    assert "p-shaymak-base" in ids and "p-border-guards-2015" in ids
    text = seeded("related", "p-outpost-loc")  # a unique prefix is enough
    assert "linked (relates)" in text.out
    assert seeded("related", "nope").code == 1
