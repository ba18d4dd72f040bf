"""Page chrome and the lines around a headline.

Photo captions and credits, image file names, date banners, bylines and
``Published:`` lines: what a copied page carries besides the article, and
what tells a headline or a standfirst from a paragraph.
"""

from __future__ import annotations

import re

from desk.core.clipping.blocks import _MD_LINK, cjk_share
from desk.core.clipping.datelines import parse_date

# ---------------------------------------------------------------------------
# Page chrome

_CREDIT_WORDS = (
    r"Photos?|Photograph|Photo\s+credit|Picture|Image|Illustration|Credit|"
    r"Фото|Фотография|Фото\s*и\s*видео|Иллюстрация|Сурат|Акс|"
    r"图片|照片|摄影|图片来源|圖片|"
    r"عکس|تصویر|صورة|عکس‌ها|المصدر"
)
_CREDIT = re.compile(rf"(?:^|[\s.(\[|—–-])(?:{_CREDIT_WORDS})\s*(?:[:：/]|by\b)", re.IGNORECASE)
_AGENCIES = (
    r"Getty\s*Images?|Getty|AFP|Reuters|AP\s+Photo|AP|EPA|Shutterstock|Xinhua|Anadolu|"
    r"ИТАР-ТАСС|ТАСС|РИА\s+Новости|Спутник|新华社|中新社"
)
_CREDIT_END = re.compile(
    rf"(?:(?<![A-Za-zА-Яа-яЁё])(?:{_CREDIT_WORDS})\s*(?:[:：/]|by\b)\s*[^.。!?]{{0,120}}|"
    # An agency credit after a caption sentence or a slash: "... river. Getty Images".
    rf"(?:^|[.。!?]\s+|\s[/|]\s*)(?:{_AGENCIES})(?:\s*(?:/|\||via\b)\s*[^.。!?]{{0,60}})?)"
    r"[)\]]?\s*$",
    re.IGNORECASE,
)
_CREDIT_START = re.compile(rf"^\(?(?:{_CREDIT_WORDS})\s*[:：]", re.IGNORECASE)
_GETTY = re.compile(r"Getty\s*Images?", re.IGNORECASE)
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|svg|heic)$", re.IGNORECASE)
_FILE_NAME = re.compile(r"^[^\W_]+(?:[-_][^\W_]*)+(?:\s*\(\d{1,3}\))?$")
_FILE_NUMBERED = re.compile(r"\(\d{1,3}\)$")


def is_image_name(line: str) -> bool:
    """A line that is an image's file name left behind by copying a page.

    ``Tajikistan-Afghanistan-Border (1)``, ``Tajikistan-Emomali-Rahmon- (1)``,
    ``IMG_2041.jpg``: hyphen- or underscore-joined words without spaces,
    optionally numbered, or a name with an image extension.
    """
    line = line.strip()
    if not line or len(line) > 150:
        return False
    if " " not in line and _IMAGE_EXT.search(line):
        return True
    if not _FILE_NAME.match(line):
        return False
    name = _FILE_NUMBERED.sub("", line).strip()
    if " " in name:
        return False
    joins = name.count("-") + name.count("_")
    return bool(_FILE_NUMBERED.search(line)) or joins >= 2


def is_caption(line: str) -> bool:
    """A photo caption or credit line (``... Photo: AFP / Name``, ``Фото: ТАСС``)."""
    line = line.strip()
    if not line or len(line) > 600 or "\n" in line:
        return False
    # A credit at the end of a line: a caption if the credit is marked as one
    # (``Photo:``, ``(Фото: ...)``) or a photo agency ends a short line.
    if _CREDIT_END.search(line) and (
        _CREDIT.search(line) or len(line) < 300 or _GETTY.search(line)
    ):
        return True
    return bool(_CREDIT_START.match(line)) and len(line) < 300


# Lines a news site puts under every article: agency credits, copyright,
# "follow us", the editor's name. Matched whole and short, never inside prose.
_BOILERPLATE = re.compile(
    r"^(?:"
    r"\(?(?:Reporting|Additional reporting|Writing|Editing|Compiled) by\s+[A-ZА-ЯЁ][^\n]{0,200}|"
    r"Our Standards: The Thomson Reuters Trust Principles\.?|"
    r"(?:Copyright\s*)?(?:©|\(c\)|Copyright)\s*(?:\d{4}|[۰-۹]{4})?[^\n]{0,150}|"
    r"[^\n]{0,150}(?:All [Rr]ights [Rr]eserved|Все права защищены|Ҳамаи ҳуқуқҳо ҳифз шудаанд|"
    r"版权所有|حقوق[^\n]{0,40}محفوظ[^\n]{0,20})[^\n]{0,60}|"
    r"(?:Подписывайтесь на|Читайте (?:также|нас в)|Follow us on|Sign up for|Subscribe to)\b[^\n]{0,150}|"
    r"[（(]\s*(?:责任编辑|編輯|编辑|来源)\s*[:：][^\n]{1,30}[)）]|"
    r"【纠错】[^\n]{0,60}|"
    # The page's buttons and labels, copied along with the text.
    r"(?i:Skip to (?:main )?content|Advertisement|Sponsored|Реклама|广告|تبلیغات|آگهی|"
    r"Share(?: this)?(?: article| story| page)?(?: on \w+)?|Поделиться|Read more|Read next|"
    r"Читать далее|Читайте также|Related(?: articles| stories| news)?|Most read|Sign in|Log in|"
    r"Войти|Subscribe|Подписаться|Print|Copy link|Comments?|Комментарии|Show comments|"
    r"阅读全文|分享到[:：]?[^\n]{0,30})"
    r")$"
)


_MENU_ITEM_WORDS = 3
_MENU_ITEM_CHARS = 25
_MENU_MIN_LINES = 3


def is_menu(lines: list[str], *, at_top: bool = False) -> bool:
    """A block of a copied page's navigation: three or more short labels, one per line.

    ``World / Politics / Business / Subscribe``; a date banner or a button
    among them is allowed, a sentence is not. Below the top of the page a
    block of short lines is a menu only with a button or banner in it
    (``Share this article / Facebook / Email``): a list of names stays.
    """
    if len(lines) < _MENU_MIN_LINES:
        return False
    labels = 0
    marked = at_top
    for line in lines:
        line = line.strip()
        if not line:
            continue  # a blank line is neither a label nor a sentence
        if is_boilerplate(line) or is_banner(line):
            marked = True
            continue
        if (
            len(line.split()) > _MENU_ITEM_WORDS
            or len(line) > _MENU_ITEM_CHARS
            or line[-1] in ".!?。！？:;,，：；…"
        ):
            return False
        labels += 1
    return labels >= 2 and marked


def is_boilerplate(line: str) -> bool:
    """A site's standard line under an article (credits, copyright, "follow us")."""
    line = line.strip()
    return bool(line) and len(line) <= 300 and bool(_BOILERPLATE.match(line))


_WEEKDAYS = (
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Mon|Tue|Wed|Thu|Fri|Sat|Sun|"
    r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    r"Душанбе|Сешанбе|Чоршанбе|Панҷшанбе|Ҷумъа|Шанбе|Якшанбе|"
    r"星期[一二三四五六日天]|周[一二三四五六日]|"
    r"دوشنبه|سه‌شنبه|چهارشنبه|پنجشنبه|جمعه|شنبه|یکشنبه"
)
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
_DATEISH = re.compile(
    rf"(?:\b(?:{_WEEKDAYS})\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\d{4}\s*年\s*\d{1,2}\s*月|"
    r"[۰-۹0-9]{4}/[۰-۹0-9]{1,2}/[۰-۹0-9]{1,2})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d{2}|[۱۲][۰-۹]{3}")
# Matched case-sensitively, unlike _DATEISH (as is_banner always has).
_WEEKDAY = re.compile(_WEEKDAYS)
_BYLINE = re.compile(
    r"^(?:By|Written by|Автор|Автор:|Муаллиф|作者|记者|نویسنده|بقلم)[:：\s]\s*(?P<name>[^\n]{2,80})$",
    re.IGNORECASE,
)
# What follows the name on a byline: "· 29 October 2021", "| Dushanbe", ", 12".
_BYLINE_TAIL = re.compile(r"\s+[·|•–—]\s+|\s*,\s*(?=\d)")
_PUBLISHED = re.compile(
    r"^(?:Published|Posted|Published on|Опубликовано|Дата публикации|发布时间|发布日期|"
    r"تاریخ انتشار|منتشر شده)[:：\s]\s*(?P<date>[^\n]{4,60})$",
    re.IGNORECASE,
)


def is_banner(line: str) -> bool:
    """The page's own header line: a date banner, not part of the article.

    ``We're Live Bangla Thursday, June 01, 2023``: short, carries a weekday or
    a full date, and is not a sentence. Its date is the day the page was
    viewed, never the article's publication date.
    """
    line = line.strip()
    if not line or len(line) > 120 or line[-1] in ".!?。！？":
        return False
    return bool(_DATEISH.search(line)) and bool(_YEAR.search(line) or _WEEKDAY.search(line))


def byline(line: str) -> str | None:
    """The author's name from a ``By Jane Smith`` line, else None."""
    m = _BYLINE.match(line.strip())
    if not m:
        return None
    name = _MD_LINK.sub(r"\1", m.group("name"))
    # "Jane Smith · 29 October 2021", "Jane Smith | Dushanbe"
    name = _BYLINE_TAIL.split(name)[0].strip(" *_")
    if not name or len(name.split()) > 8 or name[-1] in ".!?。":
        return None
    return name


def published_line(line: str) -> str | None:
    """The date (ISO, maybe partial) of a ``Published: ...`` line, else None."""
    m = _PUBLISHED.match(line.strip())
    return parse_date(m.group("date")) if m else None


def _words(line: str) -> list[str]:
    return line.split()


def looks_like_headline(line: str) -> bool:
    """A short line without a final full stop: a headline or a standfirst."""
    line = line.strip()
    if "\n" in line or not line or line[-1] in ".。:;,，：；":
        return False
    if cjk_share(line) > 0.5:
        return 4 <= len(line) <= 60
    n = len(_words(line))
    return 2 <= n <= 30 and len(line) <= 250


def _title_cased(line: str) -> bool:
    words = [w for w in _words(line) if w[:1].isalpha()]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[:1].isupper())
    return caps / len(words) >= 0.6


def looks_like_standfirst(line: str) -> bool:
    """A sub-headline: short or title-cased, no final sentence punctuation."""
    line = line.strip()
    if "\n" in line or not line or line[-1] in ".!?。！？:;,，：；…":
        return False
    if cjk_share(line) > 0.5:
        return 6 <= len(line) <= 120
    n = len(_words(line))
    if n < 3 or len(line) > 300:
        return False
    return _title_cased(line) or n <= 25
