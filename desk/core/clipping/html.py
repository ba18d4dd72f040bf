"""A saved or pasted web page to clean Markdown plus its metadata.

The page is untrusted: scripts, frames, forms, event handlers, images and
``javascript:``/``data:``/``file:`` links never make it into the Markdown, and
no raw HTML tag survives (a literal ``<tag`` in the text is escaped).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import (
    BeautifulSoup,
    Comment,
    MarkupResemblesLocatorWarning,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.element import Doctype, ProcessingInstruction
from markdownify import ATX, MarkdownConverter

from desk.core.clipping.readability import is_chrome_box, main_content

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "svg",
    "math",
    "template",
    "link",
    "meta",
    "base",
    "button",
    "input",
    "select",
    "textarea",
    "label",
    "dialog",
    "canvas",
    "video",
    "audio",
    "source",
    "track",
    "picture",
    "img",
    "map",
    "area",
    "figcaption",
)
_SAFE_SCHEMES = ("http", "https", "mailto")
# Runs of spaces left where an inline image or icon was removed.
_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")


@dataclass(frozen=True)
class HtmlPage:
    """The page reduced to Markdown, with what its head says about it."""

    markdown: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    captions: int = 0
    images: int = 0


def _soup(html: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, "html.parser")


def _meta(soup: BeautifulSoup, *keys: str) -> str | None:
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            tag = soup.find("meta", attrs={attr: re.compile(rf"^{re.escape(key)}$", re.I)})
            if isinstance(tag, Tag):
                content = tag.get("content")
                if isinstance(content, str) and content.strip():
                    return " ".join(content.split())
    return None


def _json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    """The first Article-like JSON-LD object of the page (parsed, never run)."""
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.get_text())
        except (ValueError, TypeError):
            continue
        items = data if isinstance(data, list) else [data]
        flat: list[Any] = []
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("@graph"), list):
                flat.extend(item["@graph"])
            else:
                flat.append(item)
        for item in flat:
            if isinstance(item, dict) and "Article" in str(item.get("@type", "")):
                return item
    return {}


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def iso_date(value: str | None) -> str | None:
    """``2021-10-28T09:00:00Z`` -> ``2021-10-28``; ``2021-10`` stays partial."""
    if not value:
        return None
    m = _ISO.match(value)
    if not m:
        return None
    year, month, day = m.groups()
    if not 1000 <= int(year) <= 2999:
        return None
    out = year
    if month and 1 <= int(month) <= 12:
        out += f"-{int(month):02d}"
        if day and 1 <= int(day) <= 31:
            out += f"-{int(day):02d}"
    return out


def _safe_url(href: str | None, base: str | None = None) -> str | None:
    """An ``http``/``https``/``mailto`` URL, resolved against ``base``; else None."""
    if not href:
        return None
    href = "".join(href.split())  # "java\nscript:" tricks
    if not href or href.startswith("#") or "\\" in href:
        return None
    scheme = urlsplit(href).scheme.lower()
    if not scheme:
        if base is None:
            return None
        href = urljoin(base, href)
        scheme = urlsplit(href).scheme.lower()
    return href if scheme in _SAFE_SCHEMES else None


# " | Site", " - Site", "_新华网" (an underscore only beside a non-Latin letter:
# "snake_case" is a word).
_SITE_SUFFIX = re.compile(
    r"^(?P<title>.+?)\s*(?:\s[|\-–—]\s|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|｜)\s*"
    r"(?P<site>[^|_｜]{2,30})$"
)


def _split_site_name(title: str) -> tuple[str, str | None]:
    """``中国援建…哨所_新华网`` -> (the headline, ``新华网``).

    Only a short last part (three words at most, a third of the headline's
    length) is taken for the site's name.
    """
    m = _SITE_SUFFIX.match(title)
    if not m:
        return title, None
    head, site = m.group("title").strip(), m.group("site").strip()
    if len(site.split()) > 3 or len(site) * 3 > len(head) * 2 or not head:
        return title, None
    return head, site


class _Converter(MarkdownConverter):
    """markdownify with images gone and only safe links kept."""

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return ""

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = el.get("href")
        if not isinstance(href, str) or _safe_url(href) is None:
            return text
        return str(super().convert_a(el, text, parent_tags))


_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+[^`]*`+)")


def _escape_tags(markdown: str) -> str:
    """Escape ``<`` that would open a tag, outside code."""
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        stripped = line.lstrip()
        if fence is not None:
            out.append(line)
            if stripped.startswith(fence):
                fence = None
            continue
        m = _FENCE_OPEN.match(stripped)
        if m:
            fence = m.group(1)
            out.append(line)
            continue
        parts = _CODE_SPAN.split(line)
        out.append(
            "".join(
                p if p.startswith("`") else _TAG_LIKE.sub(r"\\<", _SPACES.sub(" ", p))
                for p in parts
            )
        )
    return "\n".join(out)


def html_to_markdown(html: str, *, base_url: str | None = None) -> HtmlPage:
    """Reduce a page to its main content as Markdown, with its metadata.

    Args:
        html: the page's source.
        base_url: where the page came from, to resolve relative links.

    Returns:
        An :class:`HtmlPage`; ``markdown`` may be empty for an empty page.
    """
    soup = _soup(html)
    ld = _json_ld(soup)

    url = _safe_url(_meta(soup, "og:url"))
    if url is None:
        canon = soup.find("link", rel=lambda v: bool(v) and "canonical" in v)
        if isinstance(canon, Tag):
            href = canon.get("href")
            url = _safe_url(href if isinstance(href, str) else None, base_url)
    if url is not None and not url.startswith("http"):
        url = None
    base = url or base_url

    publisher = _meta(soup, "og:site_name", "application-name") or _ld_name(ld.get("publisher"))
    title = _meta(soup, "og:title", "twitter:title")
    h1 = soup.find("h1")
    if title is None and isinstance(h1, Tag):
        title = " ".join(h1.get_text(" ", strip=True).split()) or None
    if title is None and isinstance(soup.title, Tag):
        title = " ".join(soup.title.get_text(" ", strip=True).split()) or None
        if title and publisher:
            title = re.sub(rf"\s*[|\-–—:_]\s*{re.escape(publisher)}\s*$", "", title) or title
        elif title:
            title, publisher = _split_site_name(title)

    author = _meta(soup, "author", "article:author", "byl", "sailthru.author", "dc.creator")
    if author and author.startswith(("http://", "https://")):
        author = None
    if author is None:
        author = _ld_name(ld.get("author"))
    if author is None:
        rel = soup.find(attrs={"rel": "author"}) or soup.find(attrs={"itemprop": "author"})
        if isinstance(rel, Tag):
            author = " ".join(rel.get_text(" ", strip=True).split()) or None
    if author:
        author = re.sub(r"^(?:By|Автор:?)\s+", "", author, flags=re.I)

    published = iso_date(
        _meta(soup, "article:published_time", "datePublished", "date", "dc.date", "pubdate")
    )
    if published is None:
        published = iso_date(
            ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None
        )
    if published is None:
        time = soup.find("time", attrs={"datetime": True})
        if isinstance(time, Tag):
            dt = time.get("datetime")
            published = iso_date(dt if isinstance(dt, str) else None)

    language = None
    html_tag = soup.find("html")
    if isinstance(html_tag, Tag):
        lang = html_tag.get("lang") or html_tag.get("xml:lang")
        if isinstance(lang, str) and re.match(r"^[A-Za-z]{2,3}\b", lang.strip()):
            language = re.split(r"[-_]", lang.strip())[0].lower()

    # Everything executable, interactive or decorative goes first.
    for node in soup.find_all(string=True):
        if isinstance(node, Comment | Doctype | ProcessingInstruction):
            node.extract()
    captions = len(soup.find_all("figcaption"))
    images = len(soup.find_all(["img", "picture", "svg"]))
    for tag in soup.find_all(_DROP_TAGS):
        if isinstance(tag, Tag):
            tag.decompose()
    for tag in soup.find_all(True):
        if isinstance(tag, Tag) and not tag.decomposed and is_chrome_box(tag):
            tag.decompose()

    main = main_content(soup)
    for tag in [main, *main.find_all(True)]:
        if not isinstance(tag, Tag):
            continue
        href = tag.get("href")
        keep: dict[str, str] = {}
        if tag.name == "a" and isinstance(href, str):
            safe = _safe_url(href, base)
            if safe is not None:
                keep["href"] = safe
        if tag.name in ("td", "th"):
            for attr in ("colspan", "rowspan"):
                value = tag.get(attr)
                if isinstance(value, str) and value.isdigit():
                    keep[attr] = value
        tag.attrs = keep

    converter = _Converter(
        heading_style=ATX,
        bullets="*",
        strip=["img"],
        escape_misc=False,
        autolinks=False,
        newline_style="backslash",
    )
    markdown = converter.convert_soup(main) if isinstance(main, Tag) else ""
    markdown = "\n".join(line.rstrip() for line in markdown.split("\n"))
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    markdown = _escape_tags(markdown)
    return HtmlPage(
        markdown=markdown,
        title=title,
        url=url,
        publisher=publisher,
        author=author,
        published=published,
        language=language,
        captions=captions,
        images=images,
    )
