"""Admiralty grading (desk.core.analysis.grading)."""

from __future__ import annotations

import pytest

from desk.core.analysis.grading import (
    CREDIBILITY,
    RELIABILITY,
    badge,
    describe,
    parse_credibility,
    parse_grade,
    parse_reliability,
)
from desk.core.errors import UserError
from desk.core.types import CREDIBILITY_GRADES, RELIABILITY_GRADES


def test_tables_cover_the_shared_grades() -> None:
    assert tuple(RELIABILITY) == RELIABILITY_GRADES
    assert tuple(CREDIBILITY) == CREDIBILITY_GRADES
    assert RELIABILITY["A"] == (
        "Completely reliable",
        "No doubt about authenticity, trustworthiness or competency; "
        "history of complete reliability",
    )
    assert RELIABILITY["F"][0] == "Reliability cannot be judged"
    assert CREDIBILITY[1][0] == "Confirmed by other sources"
    assert CREDIBILITY[6][0] == "Truth cannot be judged"
    assert [label for label, _ in RELIABILITY.values()] == [
        "Completely reliable",
        "Usually reliable",
        "Fairly reliable",
        "Not usually reliable",
        "Unreliable",
        "Reliability cannot be judged",
    ]
    assert [label for label, _ in CREDIBILITY.values()] == [
        "Confirmed by other sources",
        "Probably true",
        "Possibly true",
        "Doubtful",
        "Improbable",
        "Truth cannot be judged",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("b", "B"),
        ("B", "B"),
        (" f ", "F"),
        ("", None),
        (None, None),
        ("-", None),
        ("none", None),
        ("None", None),
        ("ungraded", None),
        ("?", None),
    ],
)
def test_parse_reliability(value: str | None, expected: str | None) -> None:
    assert parse_reliability(value) == expected


@pytest.mark.parametrize("value", ["G", "AB", "1", "reliable", "b2", "Б"])
def test_parse_reliability_errors(value: str) -> None:
    with pytest.raises(UserError) as info:
        parse_reliability(value)
    message = info.value.message
    assert message.startswith("reliability must be one of A–F (")
    assert "B usually reliable" in message
    assert repr(value) in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2, 2), ("2", 2), (" 6 ", 6), ("", None), (None, None), ("-", None), ("ungraded", None)],
)
def test_parse_credibility(value: str | int | None, expected: int | None) -> None:
    assert parse_credibility(value) == expected


@pytest.mark.parametrize("value", [0, 7, "7", "B", "2.0", True, "٢", 2.0, "12"])
def test_parse_credibility_errors(value: object) -> None:
    with pytest.raises(UserError) as info:
        parse_credibility(value)  # type: ignore[arg-type]
    assert info.value.message.startswith("credibility must be one of 1–6 (")
    assert "2 probably true" in info.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("B2", ("B", 2)),
        ("b2", ("B", 2)),
        (" b 2 ", ("B", 2)),
        ("B", ("B", None)),
        ("2", (None, 2)),
        ("B?", ("B", None)),
        ("?2", (None, 2)),
        ("??", (None, None)),
        ("", (None, None)),
        ("-", (None, None)),
        ("none", (None, None)),
        ("F6", ("F", 6)),
    ],
)
def test_parse_grade(value: str, expected: tuple[str | None, int | None]) -> None:
    assert parse_grade(value) == expected


@pytest.mark.parametrize("value", ["G2", "B7", "2B", "B22", "BB", "grade", "B-2"])
def test_parse_grade_errors(value: str) -> None:
    with pytest.raises(UserError, match="grade must be"):
        parse_grade(value)


def test_badge() -> None:
    assert badge("B", 2) == "B2"
    assert badge("B", None) == "B?"
    assert badge(None, 2) == "?2"
    assert badge(None, None) is None


def test_describe() -> None:
    assert describe("B", 2) == "B2 — Usually reliable source; information probably true"
    assert describe("A", 1) == (
        "A1 — Completely reliable source; information confirmed by other sources"
    )
    assert describe("F", 6) == (
        "F6 — Source reliability cannot be judged; truth of information cannot be judged"
    )
    assert describe("E", None) == "E? — Unreliable source; information not graded"
    assert describe(None, 5) == "?5 — Source not graded; information improbable"
    assert describe(None, None) == "Not graded"


def test_round_trip() -> None:
    for rel in RELIABILITY:
        for cred in CREDIBILITY:
            mark = badge(rel, cred)
            assert mark is not None
            assert parse_grade(mark) == (rel, cred)
            assert parse_grade(mark.lower()) == (rel, cred)


def test_package_exports_every_name() -> None:
    import desk.core.analysis as analysis

    for name in analysis.__all__:
        assert getattr(analysis, name) is not None
    with pytest.raises(AttributeError):
        _ = analysis.no_such_name
