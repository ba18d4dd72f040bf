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
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from desk.core.text import fold, fold_keep_offsets, is_cjk

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


def _find_terms(folded: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Spans of ``terms`` in ``folded`` text, merged, in order."""
    spans: list[tuple[int, int]] = []
    for term in terms:
        t = " ".join(fold(term).split())
        if not t:
            continue
        anywhere = any(is_cjk(c) for c in t)
        start = 0
        while True:
            i = folded.find(t, start)
            if i < 0:
                break
            before = folded[i - 1] if i > 0 else " "
            if anywhere or not (before.isalnum() or before == "'") or is_cjk(before):
                spans.append((i, i + len(t)))
            start = i + 1
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def highlight_html_text(text: str, terms: Sequence[str], css_class: str = "hl") -> str:
    """Escape ``text`` and wrap the matches of ``terms`` in ``<span class=...>``."""
    if not terms or not text:
        return escape_text(text)
    folded, origin = fold_keep_offsets(text)
    spans = _find_terms(folded, terms)
    if not spans:
        return escape_text(text)
    out: list[str] = []
    pos = 0
    cls = escape_text(css_class)
    for fs, fe in spans:
        s = origin[fs]
        e = origin[fe - 1] + 1
        if s < pos:
            s = pos
        if e <= s:
            continue
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
