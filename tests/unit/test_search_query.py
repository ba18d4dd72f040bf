"""The query language parser: pure, never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.core.search.compiler import Compiler
from desk.core.search.query import And, Filter, Not, Or, Word, parse


def compiled(text: str, **kw: object) -> str:
    return str(Compiler(**kw).compile(parse(text).node))  # type: ignore[arg-type]


def test_words_are_implicitly_anded() -> None:
    node = parse("border security").node
    assert isinstance(node, And) and len(node.children) == 2


def test_or_not_minus_and_parentheses() -> None:
    node = parse("(china OR russia) -drugs NOT arms").node
    assert isinstance(node, And)
    assert isinstance(node.children[0], Or)
    assert isinstance(node.children[1], Not) and isinstance(node.children[2], Not)


def test_phrase_prefix_fuzzy() -> None:
    assert parse('"tajik afghan"').node == Word("tajik afghan", None, True)
    assert "all:secur*" in compiled("secur*")
    assert "all:border~" in compiled("border~")
    assert "all:border~2" in compiled("border~2")


def test_fields() -> None:
    assert "title:rahmon" in compiled("title:Rahmon")
    assert compiled("tag:place/wakhan") == "tag:place/wakhan"
    assert compiled("lang:RU") == "lang:ru"
    assert "publisher:xinhua" in compiled("publisher:Xinhua")
    assert "domain:eurasianet.org" in compiled("source:eurasianet.org")
    assert compiled('title:"border post"') == 'title:"border post"'


def test_grade_and_comparisons() -> None:
    assert compiled("grade:B2") == "(rel:B AND cred:2)"
    assert compiled("grade:B") == "rel:B"
    assert compiled("reliability:<=C") == "(rel:A OR rel:B OR rel:C)"
    assert compiled("credibility:<3") == "(cred:1 OR cred:2)"
    assert compiled("reliability:>E") == "rel:F"


def test_dates_are_ranges() -> None:
    assert compiled("published:2021") == ("(pub_lo:[ TO 2021-12-31] AND pub_hi:[2021-01-01 TO ])")
    assert compiled("published:>=2021-10") == "pub_hi:[2021-10-01 TO ]"
    assert compiled("clipped:<2026-01-01") == "clip_day:[ TO 2026-01-01}"


def test_is_and_has() -> None:
    p = parse("is:trashed")
    assert p.include_trashed and p.node == Filter("flag", "=", "trashed")
    assert compiled("is:untagged has:annotation") == "(flags:untagged AND flags:annotated)"


def test_lone_not_matches_everything_else() -> None:
    assert compiled("-drugs foo").startswith("(")
    q = Compiler().compile(parse("NOT drugs -arms").node)
    assert "<_ALL_>" in str(q) or "Every" in repr(q)


def test_alias_expansion_for_words_and_phrases() -> None:
    def expand(term: str) -> list[str]:
        return {"rahmon": ["rakhmon"], "jamaat ansarullah": ["jamoat ansorulloh"]}.get(term, [])

    assert "all:rakhmon" in compiled("Rahmon", expand=expand)
    assert 'all:"jamoat ansorulloh"' in compiled('"Jamaat Ansarullah"', expand=expand)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('"unbalanced', "unbalanced quote"),
        ("(border", "unbalanced parenthesis"),
        ("border)", "unbalanced parenthesis"),
        ("AND border", "operator without a term"),
        ("border OR", "operator without a term"),
        ("*", "bare wildcard"),
        ("~", "bare operator"),
        pytest.param("x" * 10_000, "query too long", id="10kB"),
        ("bor\ud800der", "invalid characters"),
    ],
)
def test_malformed_queries_fall_back_to_plain_words(text: str, reason: str) -> None:
    p = parse(text)
    assert p.notices == [f"Searched as plain words: {reason}"]
    assert p.plain


def test_unknown_field_is_searched_as_words() -> None:
    p = parse("foo:bar")
    assert p.notices == ["Unknown field 'foo:' searched as words"]
    assert p.node is not None


def test_nul_and_rtl_marks_are_ignored() -> None:
    assert parse("bor\x00der \u200f\u202etest").node is not None


def test_empty_query() -> None:
    assert parse("").node is None and parse("   ").notices == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    p = parse(text)
    Compiler(fuzzy=True).compile(p.node)
    Compiler().compile(p.node)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "(",
                ")",
                "AND",
                "OR",
                "NOT",
                "-",
                "*",
                "~",
                "title:",
                "tag:",
                "x",
                "grade:",
                "published:>",
            ]
        ),
        max_size=12,
    )
)
def test_operator_soup_never_raises(parts: list[str]) -> None:
    Compiler().compile(parse(" ".join(parts)).node)
    Compiler().compile(parse("".join(parts)).node)
