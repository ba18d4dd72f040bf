"""Passage Markdown to safe HTML for the reader, with search terms highlighted.

The reader shows text from anywhere, so the HTML it gets is built to be
inert: raw HTML in the Markdown is shown as text, only ``http``, ``https``
and ``mailto`` links stay links, and images are replaced by their alt text
so nothing is ever fetched. Highlighting works on text only, never inside a
tag or an attribute, and matches the way search folds text
(``Rakhmón`` = ``rakhmon``, ``tajik`` highlights ``Tajikistan``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

_SAFE_SCHEMES = ("http", "https", "mailto")


def escape_text(s: str) -> str:
    """Escape ``s`` for use as HTML text or a quoted attribute value."""
    return html.escape(s, quote=True)


def _safe_href(href: str) -> bool:
    raw = "".join(unquote(href).split())
    if "\\" in raw:
        return False
    scheme = urlsplit(raw).scheme.lower()
    return scheme in _SAFE_SCHEMES and (
        scheme == "mailto" or raw.lower().startswith(scheme + "://")
    )


@lru_cache(maxsize=64)
def _matcher(terms: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The index terms (stems, Han bigrams) of the query words, and their prefixes.

    Cached: the Markdown renderer asks once per text run of the same passage.
    """
    from desk.core.search.analysis import iter_pieces

    stems: set[str] = set()
    prefixes: list[str] = []
    for term in terms:
        raw = term.strip()
        if raw.endswith("*") and "*" not in raw[:-1]:
            prefixes += [p.text for p in iter_pieces(raw[:-1], stem=False)][-1:]
            raw = raw[:-1]
        stems.update(p.text for p in iter_pieces(raw))
    return frozenset(stems), tuple(p for p in prefixes if p)


def _find_terms(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Spans (in ``text``) of its words that the query words match, merged, in order.

    Words match as the index matches them: by stem (``clashes`` for ``clash``,
    ``Таджикистане`` for ``Таджикистан``), whole words only, a ``prefix*`` any word
    it starts, Chinese by its character pairs.
    """
    from desk.core.search.analysis import iter_pieces, stem_word

    stems, prefixes = _matcher(tuple(terms))
    if not stems and not prefixes:
        return []
    spans: list[tuple[int, int]] = []
    for p in iter_pieces(text, stem=False):
        word = p.text
        if (word if p.han else stem_word(word)) in stems or (
            prefixes and word.startswith(prefixes)
        ):
            spans.append((p.start, p.end))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        # Neighbours joined by spaces or dashes read as one highlight (a phrase).
        if merged and not text[merged[-1][1] : s].strip(_JOINERS):
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


_JOINERS = " \t\u00a0-\u2010\u2011\u2012\u2013\u2014"


def highlight_html_text(text: str, terms: Sequence[str], css_class: str = "hl") -> str:
    """Escape ``text`` and wrap the words ``terms`` match in ``<span class=...>``."""
    if not terms or not text:
        return escape_text(text)
    spans = _find_terms(text, terms)
    if not spans:
        return escape_text(text)
    out: list[str] = []
    pos = 0
    cls = escape_text(css_class)
    for s, e in spans:
        out.append(escape_text(text[pos:s]))
        out.append(f'<span class="{cls}">{escape_text(text[s:e])}</span>')
        pos = e
    out.append(escape_text(text[pos:]))
    return "".join(out)


def _make_md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # Accept every URL while parsing so an unsafe link becomes its plain text
    # (below) instead of showing its raw Markdown with the URL.
    md.validateLink = lambda url: True

    def link_open(
        self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
    ) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        skip: list[bool] = env.setdefault("_skip_links", [])
        if not _safe_href(href):
            skip.append(True)
            return ""
        skip.append(False)
        title = token.attrGet("title")
        attrs = f' href="{escape_text(href)}"'
        if title:
            attrs += f' title="{escape_text(str(title))}"'
        return f"<a{attrs}>"

    def link_close(
        self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
    ) -> str:
        skip: list[bool] = env.setdefault("_skip_links", [])
        return "" if (skip.pop() if skip else False) else "</a>"

    def image(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env).strip()
        return highlight_html_text(f"[{alt or 'image'}]", env.get("_terms", ()), env["_class"])

    def text(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
        return highlight_html_text(tokens[idx].content, env.get("_terms", ()), env["_class"])

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    md.add_render_rule("image", image)
    md.add_render_rule("text", text)
    return md


_MD = _make_md()


def render_passage_html(
    body_markdown: str, highlight: Sequence[str] = (), *, css_class: str = "hl"
) -> str:
    """Render a passage's Markdown to inert HTML.

    Args:
        body_markdown: the passage body (Markdown; raw HTML is shown as text).
        highlight: terms to highlight, matched case- and diacritic-insensitively
            at word starts (Chinese terms anywhere), so a stem ``tajik``
            highlights ``Tajikistan``.
        css_class: the class of the highlighting ``<span>``.

    Returns:
        HTML with only ``http``/``https``/``mailto`` links and no images.
    """
    terms = tuple(t for t in highlight if t and t.strip())
    env: dict[str, Any] = {"_terms": terms, "_class": css_class}
    return _MD.render(body_markdown or "", env)
