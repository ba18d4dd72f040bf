"""Where a page's article is: the boxes around it, its paragraphs, its main element.

Boxes of ads, sharing buttons, menus, cookie banners and sign-ups are named
by their class or id (``ad-slot``, ``newsletter-signup``, ``article__tags``);
the article is the ``<article>``, the ``<main>``, or else the element holding
the most paragraph text, as Readability scores it. Pages built of
``<div class="article__text">`` without a single ``<p>`` count too.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

# class/id words of the boxes around an article: ads, sharing, related links.
_CHROME_WORD = re.compile(
    r"^(?:ads?|adv|advert\w*|advertisement|adslot|ad-\w+|\w+-ad|banner|promo\w*|sponsor\w*|"
    r"share|sharing|social|share-\w+|social-\w+|related(?:-\w+)?|newsletter\w*|subscribe\w*|"
    r"subscription|cookie\w*|consent|paywall|popup|modal|outbrain|taboola|breadcrumbs?|"
    r"comments?|sidebar|menu|skip-link|visually-hidden|sr-only|hidden|print-only|"
    r"nav|navbar|navigation|footer|site-header|site-footer|masthead|topbar|top-bar|toolbar|"
    r"copyright|tags|tag-list|tags-list)$",
    re.IGNORECASE,
)
# The same words as one part of a BEM or hyphenated class (``newsletter-signup``,
# ``article__tags``, ``cookies-notice``); only for boxes with little text, so
# that a page-wide ``has-cookie-bar`` or ``overflow-hidden`` never takes the
# article with it.
_CHROME_PART = re.compile(
    r"^(?:ads?|advert\w*|advertisement|banner|promo\w*|sponsor\w*|share|sharing|social|"
    r"related|newsletter|subscribe|subscription|cookies?|consent|paywall|popup|modal|"
    r"breadcrumbs?|comments?|sidebar|menu|nav|navbar|navigation|footer|copyright|tags)$",
    re.IGNORECASE,
)
_CHROME_PART_MAX_TEXT = 1500
_WORD_JOINS = re.compile(r"[-_]+")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
# Never dropped as chrome, whatever their class says.
_NEVER_CHROME = ("html", "body", "main", "article")
# Blocks whose text is a paragraph when they hold no other block.
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_LEAF_PARAGRAPH_TAGS = ("div", "section", "td", "blockquote", "dd", "span")
_MIN_LEAF_TEXT = 25


def is_chrome_box(tag: Tag) -> bool:
    if tag.name in _NEVER_CHROME or tag.get("itemprop") == "articleBody":
        return False
    words: list[str] = []
    for attr in ("class", "id", "role"):
        value = tag.get(attr)
        if isinstance(value, str):
            words.extend(value.split())
        elif isinstance(value, list):
            words.extend(str(v) for v in value)
    if tag.get("hidden") is not None or tag.get("aria-hidden") == "true":
        return True
    style = tag.get("style")
    if isinstance(style, str) and _DISPLAY_NONE.search(style):
        return True
    if any(_CHROME_WORD.match(w) for w in words) or tag.get("role") in (
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "search",
    ):
        return True
    parts = [p for w in words for p in _WORD_JOINS.split(w) if p]
    return any(_CHROME_PART.match(p) for p in parts) and (
        len(tag.get_text(" ", strip=True)) <= _CHROME_PART_MAX_TEXT
    )


def _paragraphs(tag: Tag) -> list[Tag]:
    """The paragraphs of ``tag``: ``<p>``, and blocks holding text but no other block.

    Pages built of ``<div class="article__text">`` have no ``<p>`` at all.
    """
    out: list[Tag] = []
    for node in tag.find_all(["p", *_LEAF_PARAGRAPH_TAGS]):
        if not isinstance(node, Tag):
            continue
        if node.name == "p":
            out.append(node)
            continue
        if node.find_parent("p") is not None or node.find(_BLOCK_TAGS) is not None:
            continue
        if node.name == "span" and (node.parent is None or node.parent.name != "div"):
            continue
        if len(node.get_text(" ", strip=True)) >= _MIN_LEAF_TEXT:
            out.append(node)
    return out


def _text_len(tag: Tag) -> int:
    return sum(len(p.get_text(" ", strip=True)) for p in _paragraphs(tag))


def main_content(soup: BeautifulSoup) -> Tag:
    articles = [a for a in soup.find_all("article") if isinstance(a, Tag)]
    if articles:
        best_article = max(articles, key=_text_len)
        if _text_len(best_article) > 0:
            return best_article
    for finder in (
        lambda: soup.find("main"),
        lambda: soup.find(attrs={"role": "main"}),
        lambda: soup.find(attrs={"itemprop": "articleBody"}),
    ):
        found = finder()
        if isinstance(found, Tag) and _text_len(found) > 0:
            return found
    # The element holding the most paragraph text: each paragraph counts for
    # its parent, half for its grandparent (as Readability scores).
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for para in _paragraphs(soup):
        n = len(para.get_text(" ", strip=True))
        for parent, weight in ((para.parent, 1.0), (getattr(para.parent, "parent", None), 0.5)):
            if isinstance(parent, Tag):
                scores[id(parent)] = scores.get(id(parent), 0.0) + n * weight
                tags[id(parent)] = parent
    if scores:
        best = tags[max(scores, key=lambda k: scores[k])]
        return _with_headline(best)
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


def _with_headline(best: Tag) -> Tag:
    """``best``, or its parent when that adds the page's headline and little else.

    The headline, the byline and the date often sit in a box beside the
    body's (``<h1>`` + ``<div class="meta">`` + ``<div class="content">``).
    """
    parent = best.parent
    if not isinstance(parent, Tag) or parent.name in ("html", "[document]"):
        return best
    if best.find("h1") is not None or parent.find("h1") is None:
        return best
    inner = len(best.get_text(" ", strip=True))
    outer = len(parent.get_text(" ", strip=True))
    # A head box is short: the headline, a date, a byline, a standfirst.
    return parent if outer - inner <= 600 or inner >= 0.6 * outer else best
