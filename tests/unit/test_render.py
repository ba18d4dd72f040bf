"""Passage rendering: inert HTML, safe links, no images, highlighting in text only."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.core.render import escape_text, render_passage_html

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=http://x>",
    "<img src=x onerror=alert(1)>",
    "![x](http://evil/p.png)",
    '![tracker](https://evil.example/pixel.gif "t")',
    "[a](javascript:alert(1))",
    "[A](JaVaScRiPt:alert(1))",
    "[e](java%0ascript:alert(1))",
    "[b](file:///etc/passwd)",
    "[c](data:text/html,<script>alert(1)</script>)",
    "[v](vbscript:msgbox(1))",
    "[d](\\\\server\\share)",
    "[r](//evil.example/x)",
    "[rel](/relative/path)",
    "<iframe src=https://evil.example></iframe>",
    '<p onerror="alert(1)">x</p>',
    "<a href=javascript:alert(1)>x</a>",
    '<div style="background:url(http://evil/x)">x</div>',
    "<http://ok.example/auto> <javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<svg onload=alert(1)>",
    '<object data="evil.swf"></object>',
]

_ALLOWED_TAGS = {
    "p",
    "a",
    "span",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "br",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_of(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def assert_inert(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in _ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert name in ("href", "title", "class"), (name, html)
            if name == "href":
                assert value is not None
                assert re.match(r"^(?:https?://|mailto:)", value, re.I), html
    assert not re.search(r"<[^>]*\bsrc\s*=", html), html
    assert not re.search(r"<[^>]*\bon\w+\s*=", html, re.I), html
    assert "<img" not in html and "<script" not in html and "<iframe" not in html


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_inputs_are_inert(markdown: str) -> None:
    html = render_passage_html(markdown, ["alert", "x"])
    assert_inert(html)


def test_raw_html_is_shown_as_text() -> None:
    html = render_passage_html("<script>alert(1)</script>")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


def test_images_become_their_alt_text() -> None:
    assert render_passage_html("![x](http://evil/p.png)") == "<p>[x]</p>\n"
    assert render_passage_html("![](http://evil/p.png)") == "<p>[image]</p>\n"


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("[a](javascript:alert(1))", "a"),
        ("[b](file:///etc/passwd)", "b"),
        ("[c](data:text/html,...)", "c"),
        ("[d](\\\\server\\share)", "d"),
    ],
)
def test_unsafe_links_become_plain_text(markdown: str, text: str) -> None:
    assert render_passage_html(markdown) == f"<p>{text}</p>\n"


def test_safe_links_are_kept() -> None:
    html = render_passage_html(
        '[ok](https://a.example/c?d=1&e="2") [m](mailto:a@b.example) [h](http://h.example)'
    )
    hrefs = [dict(attrs)["href"] for tag, attrs in tags_of(html) if tag == "a"]
    assert hrefs == ["https://a.example/c?d=1&e=%222%22", "mailto:a@b.example", "http://h.example"]


def test_markdown_renders() -> None:
    html = render_passage_html("# Head\n\nSome **bold** and *em*.\n\n* one\n* two\n\n> quote")
    assert "<h1>Head</h1>" in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html


def test_highlight_is_case_and_diacritic_insensitive() -> None:
    html = render_passage_html("President Rakhmón and RAKHMON met.", ["rakhmon"])
    assert html.count('<span class="hl">') == 2
    assert '<span class="hl">Rakhmón</span>' in html
    assert '<span class="hl">RAKHMON</span>' in html


def test_highlight_whole_words_the_search_matches() -> None:
    # As search matches them: by stem, whole words; "tajik" does not find "Tajikistan".
    html = render_passage_html("Tajikistan and the Tajiks, not Matajik; clashes.", ["tajik"])
    assert '<span class="hl">Tajiks</span>' in html
    assert "Tajikistan" in html and "Matajik" in html and html.count('class="hl"') == 1
    html = render_passage_html("Security clashes and secured posts.", ["clash", "secur*"])
    assert '<span class="hl">Security clashes</span>' in html
    assert '<span class="hl">secured</span>' in html


def test_highlight_cyrillic_and_chinese() -> None:
    html = render_passage_html("Таджикистане и 中国塔吉克斯坦边境", ["Таджикистан", "塔吉克"])
    assert '<span class="hl">Таджикистане</span>' in html
    assert '中国<span class="hl">塔吉克</span>斯坦' in html


def test_highlight_traditional_matches_simplified() -> None:
    html = render_passage_html("中國塔吉克", ["中国"])
    assert '<span class="hl">中國</span>' in html


def test_highlight_phrase_across_hyphen() -> None:
    html = render_passage_html("Islamic State-Khorasan fighters", ["islamic state khorasan"])
    assert '<span class="hl">Islamic State-Khorasan</span>' in html


def test_highlight_never_inside_tags_or_attributes() -> None:
    md = "[href text](https://example.com/span/hl?q=href) and `code` with span"
    html = render_passage_html(md, ["href", "span", "example", "https", "hl", "code"])
    assert_inert(html)
    assert 'href="https://example.com/span/hl?q=href"' in html
    assert (
        '<a href="https://example.com/span/hl?q=href"><span class="hl">href</span> text</a>' in html
    )
    assert "<code>code</code>" in html


def test_highlight_escapes_text_and_class() -> None:
    html = render_passage_html("a <b> & c", ["b"], css_class='x" onclick="y')
    assert "<b>" not in html
    assert 'class="x&quot; onclick=&quot;y"' in html
    assert_inert(html.replace("x&quot; onclick=&quot;y", "hl"))


def test_highlight_overlapping_terms_merge() -> None:
    html = render_passage_html("Tajikistan", ["tajik", "tajikistan", ""])
    assert html == '<p><span class="hl">Tajikistan</span></p>\n'


def test_escape_text() -> None:
    assert escape_text('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet="<>\"'&[]()!:/\\ *_`#\nabcjsrviptmgo=.Ё中",
        max_size=80,
    ),
    st.lists(st.text(alphabet='abcsrc<>中Ё"', min_size=1, max_size=4), max_size=3),
)
def test_random_markdown_is_inert(markdown: str, terms: list[str]) -> None:
    assert_inert(render_passage_html(markdown, terms))
