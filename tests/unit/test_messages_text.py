"""Counted nouns in messages: one spelling rule for every status line and dialog."""

from __future__ import annotations

import pytest

from desk.core.text import count_of, plural


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("passage", "passages"),
        ("entity", "entities"),
        ("day", "days"),
        ("box", "boxes"),
        ("match", "matches"),
        ("Entity", "Entities"),
        ("dated event", "dated events"),
    ],
)
def test_plural(word: str, expected: str) -> None:
    assert plural(word) == expected


def test_count_of() -> None:
    assert count_of(1, "passage") == "1 passage"
    assert count_of(0, "passage") == "0 passages"
    assert count_of(2, "entity") == "2 entities"
    assert count_of(12400, "passage") == "12400 passages"
    assert count_of(12400, "passage", sep=",") == "12,400 passages"
    assert count_of(-1, "image") == "-1 images"
