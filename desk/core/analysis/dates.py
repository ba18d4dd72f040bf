"""Find the dates a passage mentions, resolved to ISO dates at their precision.

One compiled regular expression finds every candidate in one pass; each kind
of phrase then resolves against the source's publication date:

- absolute: ``2021-10-28``, ``28.10.2021``, ``28 October 2021``, ``October 28, 2021``,
  ``June 2021``, ``in 2006``, ``October 28`` (year of the reference date);
  Russian (``28 октября 2021 года``, ``в июне 2021``), Chinese
  (``2021年10月28日``, ``2021年6月``, ``2006年``) and Persian spellings of the
  Gregorian months (``۲۸ اکتبر ۲۰۲۱``, ``ژوئن 2021``); the Solar Hijri
  calendar is not converted, so ``۱۴۰۰`` is not a date;
- approximate: ``since at least 2015``, ``mid-2020``, ``early 2019``,
  ``late October``; a decade (``the 1990s``, ``1990年代``) gives its first year,
  approximate;
- relative, resolved against ``published`` (or ``today`` when there is no
  publication date; skipped when there is neither): ``in August this year``,
  ``in July`` (the latest July not after the reference), ``last month``,
  ``last year``, ``a decade ago``, ``over the past five or six years`` (the
  start of the period), ``recently`` (the reference itself, approximate),
  ``yesterday``, ``on Monday`` (the latest Monday before the reference; both
  need a reference with a day).

A year is four digits from 1900 to 2099 standing alone: ``8,000``,
``US$8.5 million``, ``1,300-kilometer`` and ``2000 troops`` are not years.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple

from desk.core.types import DateMention

# --- vocabulary -----------------------------------------------------------

_EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Month names are matched capitalised only: "may", "march" are also words.
_EN_MONTH = rf"(?:{_EN_MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
_RU_MONTH = (
    r"(?i:(?<!\w)(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|"
    r"июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])(?!\w))"
)
_YE = "[یي]"
_KAF = "[کك]"
_FA_MONTH = (
    rf"(?<!\w)(?:ژانو{_YE}ه|فور{_YE}ه|مارس|[آا]ور{_YE}ل|مه|م{_YE}|ژوئن|ژوئ{_YE}ه|جولا{_YE}|"
    rf"اوت|[آا]گوست|سپتامبر|ا{_KAF}تبر|نوامبر|دسامبر)(?!\w)"
)
_MONTH = rf"(?:{_EN_MONTH}|{_RU_MONTH})"
_ANY_MONTH = rf"(?:{_EN_MONTH}|{_RU_MONTH}|{_FA_MONTH})"

_RU_STEMS = (
    ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("июн", 6), ("июл", 7), ("авг", 8),
    ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12), ("ма", 5),
)  # fmt: skip
_FA_MONTHS = {
    "ژانویه": 1, "فوریه": 2, "مارس": 3, "آوریل": 4, "اوریل": 4, "مه": 5, "می": 5,
    "ژوئن": 6, "ژوئیه": 7, "جولای": 7, "اوت": 8, "آگوست": 8, "اگوست": 8,
    "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50,
}  # fmt: skip
_FUZZY_NUMBERS = {"a few": 3, "few": 3, "several": 3, "a couple of": 2, "a couple": 2}
_NUM = (
    r"(?:\d{1,2}|a\s+few|few|several|a\s+couple(?:\s+of)?|an?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty)"
)
# Words after a four-digit number that make it a quantity, not a year.
_UNITS = (
    r"km|kms|kilomet\w*|kilogram\w*|kg|miles?|met(?:er|re)s?|m|ft|feet|foot|tons?|tonnes?|"
    r"hectares?|acres?|sq|square|people|persons?|troops|soldiers|fighters|militants|men|women|"
    r"children|refugees|families|households|members|deaths|dead|casualties|cases|vehicles|"
    r"buildings|houses|units|dollars|euros|yuan|rubles|roubles|somoni|afghanis|usd|hours|"
    r"minutes|seconds|days|weeks|months|years|times|percent|per\s*cent|человек|км|тысяч\w*|"
    r"рубл\w*|долл\w*|人|名|公里|万|元|千米"
)
_YEAR_NOT_QUANTITY = rf"(?!\s*[-–]?\s*(?i:{_UNITS})(?!\w))"

_ALTERNATIVES = (
    # 2021-10-28
    ("iso", r"(?<![\d.\-/])(?P<iso_y>\d{4})-(?P<iso_m>\d\d)-(?P<iso_d>\d\d)(?![\d\w])"),
    # 28.10.2021 (day first, as written in Russian and most of Europe)
    (
        "dot",
        r"(?<![\d.])(?P<dot_d>\d{1,2})\.(?P<dot_m>\d{1,2})\.(?P<dot_y>\d{4})(?![\d\w]|\.\d)",
    ),
    # 2021年10月28日, 2021年6月
    (
        "zymd",
        r"(?<!\d)(?P<zymd_y>\d{4})\s*年\s*(?P<zymd_m>\d{1,2})\s*月"
        r"(?:\s*(?P<zymd_d>\d{1,2})\s*[日号])?",
    ),
    ("zdec", r"(?<!\d)(?P<zdec_y>\d{3}0)\s*年代"),
    ("zy", r"(?<!\d)(?P<zy_y>\d{4})\s*年"),
    # 今年8月, 去年, 10月28日
    (
        "zrel",
        r"(?P<zrel_w>今年|去年|前年|明年)(?:\s*(?P<zrel_m>\d{1,2})\s*月"
        r"(?:\s*(?P<zrel_d>\d{1,2})\s*[日号])?)?",
    ),
    ("zmd", r"(?<!\d)(?P<zmd_m>\d{1,2})\s*月\s*(?P<zmd_d>\d{1,2})\s*[日号]"),
    ("zword", r"(?P<zword_w>上个月|上月|本月|下个月|昨天|明天|最近|近日)"),
    # 28 October 2021, 28 октября 2021 года, 28 October
    (
        "dmy",
        rf"(?<![\d.,])(?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmy_m>{_ANY_MONTH})"
        r"(?:,?\s+(?P<dmy_y>\d{4})(?![\d\w])(?:\s*(?:года|г\.))?)?",
    ),
    # October 28, 2021; October 28
    (
        "mdy",
        rf"(?P<mdy_m>{_EN_MONTH}|{_FA_MONTH})\s+(?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d\w])"
        r"(?:,?\s+(?P<mdy_y>\d{4})(?![\d\w]))?",
    ),
    # June 2021, в июне 2021 года
    (
        "my",
        rf"(?P<my_m>{_ANY_MONTH}),?\s+(?:of\s+)?(?P<my_y>\d{{4}})(?![\d\w])(?:\s*(?:года|г\.))?",
    ),
    # mid-2020, early 2019, late October, the end of 2021, early 1990s
    (
        "q",
        r"(?<!\w)(?P<q_w>(?i:early|mid|late|the\s+(?:end|beginning|start|middle)\s+of))"
        rf"[\s\-–]*(?:(?P<q_m>{_EN_MONTH})(?:,?\s+(?P<q_my>\d{{4}})(?![\d\w]))?"
        r"|(?P<q_y>\d{4})(?P<q_s>['’]?s)?(?![\d\w]))",
    ),
    # since at least 2015, around 2010
    (
        "sal",
        r"(?<!\w)(?i:since\s+at\s+least|at\s+least\s+since|as\s+early\s+as|around|circa|"
        r"approximately|roughly|some\s*time\s+in|about)\s+(?P<sal_y>\d{4})(?![\d\w])"
        + _YEAR_NOT_QUANTITY,
    ),
    # the 1990s
    ("dec", r"(?<![\w.,$])(?P<dec_y>\d{3}0)['’]?s(?!\w)"),
    # (in) August this year, в августе этого года
    (
        "mrel",
        rf"(?:(?i:in|since|by|during|until|from|of|в|с|до)\s+)?(?P<mrel_t>(?P<mrel_m>{_MONTH})"
        r"\s+(?P<mrel_w>(?i:this|last|next|этого|текущего|прошлого|следующего))"
        r"\s+(?i:year|года))",
    ),
    # last August, this March
    ("wm", rf"(?<!\w)(?P<wm_w>(?i:last|this|next))\s+(?P<wm_m>{_EN_MONTH})(?!,?\s+\d)"),
    # in July, в июле
    (
        "pm",
        r"(?<!\w)(?i:in|since|by|during|until|till|from|through|throughout|before|after|of|"
        rf"в|во|с|до|к|после)\s+(?P<pm_t>(?P<pm_m>{_MONTH}))(?!,?\s+\d)(?!['’]s\b)",
    ),
    # on Monday, last Friday
    (
        "wd",
        r"(?<!\w)(?i:on|last|this\s+past|since|by|until|from)\s+"
        r"(?P<wd_t>(?P<wd_d>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))(?!\w)",
    ),
    # last year, this month, next week
    (
        "rw",
        r"(?<!\w)(?P<rw_w>(?i:last|this|next|previous))\s+(?P<rw_u>(?i:year|month|week))(?!\w)",
    ),
    ("ruw", r"(?<!\w)(?i:в\s+)?(?P<ruw_w>(?i:этом|прошлом|следующем))\s+(?i:году)(?!\w)"),
    # a decade ago, two years ago
    (
        "ago",
        rf"(?<!\w)(?P<ago_n>(?i:{_NUM}))\s+(?P<ago_u>(?i:decades?|years?|months?|weeks?|days?))"
        r"\s+(?i:ago)(?!\w)",
    ),
    # over the past five or six years, the past decade
    (
        "pn",
        r"(?<!\w)(?i:(?:over|in|during|for|within)\s+)?(?i:the\s+)?(?i:past|last)\s+"
        rf"(?:(?P<pn_a>(?i:{_NUM}))(?:\s+(?i:or|to)\s+(?P<pn_b>(?i:{_NUM})))?\s+)?"
        r"(?P<pn_u>(?i:decades?|years|months))(?!\w)",
    ),
    # "recently" on its own: "most recently in August" dates by "August".
    (
        "word",
        r"(?<!\w)(?P<word_w>(?i:yesterday|tomorrow|вчера|завтра)(?!\w)|(?i:recently|недавно)"
        r"(?!\w)(?!,?\s+(?i:in|on|since|by|в)\s+(?:[A-ZА-Я]|\d)))",
    ),
    # 2006 (a bare year)
    ("y", rf"(?<![\w.,$€£¥/#])(?P<y_y>\d{{4}})(?![\w%])(?![.,]\d){_YEAR_NOT_QUANTITY}"),
)

_RU_MONTH_FORMS = [
    stem + ending
    for stem in ("январ", "феврал", "апрел", "июн", "июл", "сентябр", "октябр", "ноябр", "декабр")
    for ending in "ьяе"
] + ["март", "марта", "марте", "май", "мая", "мае", "август", "августа", "августе"]
_FA_MONTH_FORMS = sorted(
    {w.replace("ی", v).replace("ک", k) for w in _FA_MONTHS for v in "یي" for k in "کك"}
)
# Words that start a phrase only when a date word follows them.
_PREPOSITIONS = (  # noqa: SIM905
    "in since by during until till from through throughout before after of on at as around "
    "circa approximately roughly some sometime about over for within в во с до к после"
).split()
_COUNT_WORDS = [*_NUMBERS, "few", "several"]


def _word_trie(words: Iterable[str]) -> str:
    """A regex for the whole words ``words`` (any case) as a trie of character classes.

    Each branch starts with a character class, which the regex engine tests
    before entering the branch: testing a position against 100 words costs
    a few class lookups.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = []
        for ch, child in node.items():
            if ch == "":
                continue
            cls = re.escape(ch) if ch.upper() == ch else f"[{ch}{ch.upper()}]"
            branches.append(cls + emit(child))
        if "" in node:
            branches.append(r"(?!\w)")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(trie)


# Every phrase starts at the start of a word, or at a digit or a date word in
# Chinese text. The gate checks that the word can start a date and, for
# common words ("in", "a", "last"), that a date word follows, before the
# engine tries the alternatives one by one: prose is mostly rejected at once.
_GATE = (
    r"(?:(?<!\w)(?="
    r"\d"
    rf"|(?:{_EN_MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b"
    rf"|{_word_trie(['recently', 'yesterday', 'tomorrow', 'вчера', 'завтра', 'недавно'])}"
    rf"|{_word_trie(_RU_MONTH_FORMS + _FA_MONTH_FORMS)}"
    rf"|{_word_trie(_PREPOSITIONS)}\s+(?:\d|[A-ZА-ЯЁ]|{_word_trie(_RU_MONTH_FORMS)}"
    r"|(?i:at\s+least|least|early|the\s+(?:past|last)|past|last|time\s+in|in|этом|прошлом"
    r"|следующем))"
    r"|(?i:the)\s+(?i:past|last|end|beginning|start|middle)"
    r"|(?i:early|mid|late)[\s\-–]*(?:\d|[A-Z])"
    r"|(?i:last|this|next|previous|past)\s+(?:\d|[A-Z]|(?i:year|month|week|decade|past|"
    rf"couple|{'|'.join(_COUNT_WORDS)})(?!\w)|(?i:years|months|decades)(?!\w))"
    rf"|{_word_trie(_COUNT_WORDS)}\s+(?i:(?:few\s+|couple(?:\s+of)?\s+)?"
    r"(?:decade|year|month|week|day)s?\s+ago)"
    r"|(?i:этом|прошлом|следующем)\s+(?i:году)"
    r")"
    r"|(?<=[\u3400-\u9fff])(?=\d)|(?=[今去前明上本下昨最近]))"
)
_PATTERN = re.compile(_GATE + "(?:" + "|".join(f"(?P<{n}>{rx})" for n, rx in _ALTERNATIVES) + ")")

# Quick test: does the text contain anything that could start a date?
_MAYBE = re.compile(
    r"\d|[JFMASOND][a-z]|(?i:recently|yesterday|tomorrow|ago|last|this|next|past|"
    r"январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"этом|прошлом|следующем|вчера|завтра|недавно)|今年|去年|前年|明年|上个月|上月|本月|"
    r"下个月|昨天|明天|最近|近日"
)


class _Ref(NamedTuple):
    """A reference date at its precision (month/day None when unknown)."""

    year: int
    month: int | None
    day: int | None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"


# --- public ---------------------------------------------------------------


def extract_dates(
    text: str, published: str | None = None, *, today: date | None = None
) -> list[DateMention]:
    """Every date ``text`` mentions.

    Args:
        text: the passage.
        published: the source's publication date, ISO and maybe partial
            (``2021``, ``2021-11``, ``2021-11-05``); anchors relative dates
            and dates without a year.
        today: the reference when ``published`` is missing (the UI passes the
            clip date); with neither, relative dates are skipped.

    Returns:
        Date mentions sorted by start, not overlapping; spans index ``text``.
    """
    if not text or not _MAYBE.search(text):
        return []
    ref = parse_reference(published)
    if ref is None and today is not None:
        ref = _Ref(today.year, today.month, today.day)
    out: list[DateMention] = []
    for m in _PATTERN.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        resolved = _RESOLVERS[kind](m, ref)
        if resolved is None:
            continue
        iso, precision, approximate = resolved
        core = f"{kind}_t"
        start, end = m.span(core) if core in m.re.groupindex and m.group(core) else m.span()
        out.append(DateMention(iso, precision, start, end, text[start:end], approximate))
    return out


def parse_reference(published: str | None) -> _Ref | None:
    """Parse a partial ISO date (``2021``, ``2021-11``, ``2021-11-05T...``); None if unusable."""
    if not published:
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", published)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        return _Ref(year, None, None)
    if day is not None:
        assert month is not None
        try:
            date(year, month, day)
        except ValueError:
            return _Ref(year, month, None)
    return _Ref(year, month, day)


# --- resolution -----------------------------------------------------------

_Resolved = tuple[str, str, bool] | None


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    year = int(value)
    return year if 1900 <= year <= 2099 else None


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    lower = name.lower()
    if lower[:3] in _EN_INDEX:
        return _EN_INDEX[lower[:3]]
    for stem, number in _RU_STEMS:
        if lower.startswith(stem):
            return number
    folded = name.replace("ي", "ی").replace("ك", "ک").replace("آ", "ا")
    for spelling, number in _FA_MONTHS.items():
        if spelling.replace("آ", "ا") == folded:
            return number
    raise ValueError(name)


_EN_INDEX = {m[:3].lower(): i for i, m in enumerate(_EN_MONTHS.split("|"), start=1)}


def _day(y: int | None, m: int, d: int, approximate: bool = False) -> _Resolved:
    if y is None:
        return None
    try:
        return date(y, m, d).isoformat(), "day", approximate
    except ValueError:
        return None


def _month(y: int | None, m: int, approximate: bool = False) -> _Resolved:
    if y is None or not 1 <= m <= 12 or not 1900 <= y <= 2099:
        return None
    return f"{y:04d}-{m:02d}", "month", approximate


def _year_only(y: int | None, approximate: bool = False) -> _Resolved:
    if y is None or not 1900 <= y <= 2099:
        return None
    return f"{y:04d}", "year", approximate


def _add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    total = y * 12 + (m - 1) + delta
    return total // 12, total % 12 + 1


def _ref_year(ref: _Ref | None) -> int | None:
    return ref.year if ref else None


def _number(word: str | None) -> tuple[int, bool] | None:
    """(value, fuzzy) of a count word; None when absent."""
    if word is None:
        return None
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word), False
    if word in _FUZZY_NUMBERS:
        return _FUZZY_NUMBERS[word], True
    return _NUMBERS.get(word, 1), False


def _r_iso(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _day(_year(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))


def _r_dot(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _day(_year(m["dot_y"]), int(m["dot_m"]), int(m["dot_d"]))


def _r_zymd(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    y = _year(m["zymd_y"])
    if m["zymd_d"]:
        return _day(y, int(m["zymd_m"]), int(m["zymd_d"]))
    return _month(y, int(m["zymd_m"]))


def _r_zdec(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _year_only(_year(m["zdec_y"]), approximate=True)


def _r_zy(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _year_only(_year(m["zy_y"]))


def _r_zrel(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    if ref is None:
        return None
    y = ref.year + {"今年": 0, "去年": -1, "前年": -2, "明年": 1}[m["zrel_w"]]
    if m["zrel_d"]:
        return _day(y, int(m["zrel_m"]), int(m["zrel_d"]))
    if m["zrel_m"]:
        return _month(y, int(m["zrel_m"]))
    return _year_only(y)


def _r_zmd(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _day(_ref_year(ref), int(m["zmd_m"]), int(m["zmd_d"]))


def _r_zword(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    word = m["zword_w"]
    if word in ("上个月", "上月"):
        return _relative_unit(ref, "month", -1)
    if word == "本月":
        return _relative_unit(ref, "month", 0)
    if word == "下个月":
        return _relative_unit(ref, "month", 1)
    if word in ("昨天", "明天"):
        return _shift_days(ref, -1 if word == "昨天" else 1)
    return _recently(ref)


def _r_dmy(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    y = _year(m["dmy_y"]) if m["dmy_y"] else _ref_year(ref)
    return _day(y, _month_number(m["dmy_m"]), int(m["dmy_d"]))


def _r_mdy(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    y = _year(m["mdy_y"]) if m["mdy_y"] else _ref_year(ref)
    return _day(y, _month_number(m["mdy_m"]), int(m["mdy_d"]))


def _r_my(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _month(_year(m["my_y"]), _month_number(m["my_m"]))


def _r_q(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    if m["q_m"]:
        y = _year(m["q_my"]) if m["q_my"] else _latest_year(ref, _month_number(m["q_m"]))
        return _month(y, _month_number(m["q_m"]), approximate=True)
    y = _year(m["q_y"])
    if m["q_s"] and (y is None or y % 10):
        return None
    return _year_only(y, approximate=True)


def _r_sal(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _year_only(_year(m["sal_y"]), approximate=True)


def _r_dec(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _year_only(_year(m["dec_y"]), approximate=True)


def _r_mrel(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    if ref is None:
        return None
    word = m["mrel_w"].lower()
    delta = -1 if word in ("last", "прошлого") else 1 if word in ("next", "следующего") else 0
    return _month(ref.year + delta, _month_number(m["mrel_m"]))


def _r_wm(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    if ref is None:
        return None
    month = _month_number(m["wm_m"])
    word = m["wm_w"].lower()
    y = ref.year
    if word == "last":
        y = ref.year - 1 if ref.month is None or month >= ref.month else ref.year
    elif word == "next":
        y = ref.year + 1 if ref.month is None or month <= ref.month else ref.year
    return _month(y, month)


def _latest_year(ref: _Ref | None, month: int) -> int | None:
    """Year of the latest ``month`` not after the reference."""
    if ref is None:
        return None
    if ref.month is not None and month > ref.month:
        return ref.year - 1
    return ref.year


def _r_pm(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    month = _month_number(m["pm_m"])
    return _month(_latest_year(ref, month), month)


def _r_wd(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    if ref is None or ref.day is None:
        return None
    assert ref.month is not None
    anchor = date(ref.year, ref.month, ref.day)
    wanted = _WEEKDAYS.index(m["wd_d"].lower())
    back = (anchor.weekday() - wanted) % 7 or 7
    return (anchor - timedelta(days=back)).isoformat(), "day", False


def _relative_unit(ref: _Ref | None, unit: str, delta: int) -> _Resolved:
    if ref is None:
        return None
    if unit == "year":
        return _year_only(ref.year + delta)
    if unit == "month":
        if ref.month is None:
            return None
        return _month(*_add_months(ref.year, ref.month, delta))
    return _shift_days(ref, 7 * delta, approximate=True)


def _shift_days(ref: _Ref | None, days: int, approximate: bool = False) -> _Resolved:
    if ref is None or ref.day is None:
        return None
    assert ref.month is not None
    shifted = date(ref.year, ref.month, ref.day) + timedelta(days=days)
    return shifted.isoformat(), "day", approximate


def _recently(ref: _Ref | None) -> _Resolved:
    if ref is None:
        return None
    if ref.day is not None:
        assert ref.month is not None
        return _day(ref.year, ref.month, ref.day, approximate=True)
    if ref.month is not None:
        return _month(ref.year, ref.month, approximate=True)
    return _year_only(ref.year, approximate=True)


def _r_rw(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    word = m["rw_w"].lower()
    delta = {"last": -1, "previous": -1, "this": 0, "next": 1}[word]
    return _relative_unit(ref, m["rw_u"].lower(), delta)


def _r_ruw(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    delta = {"этом": 0, "прошлом": -1, "следующем": 1}[m["ruw_w"].lower()]
    return _relative_unit(ref, "year", delta)


def _period_back(ref: _Ref | None, count: int, unit: str, approximate: bool) -> _Resolved:
    if ref is None:
        return None
    if unit.startswith("decade"):
        return _year_only(ref.year - 10 * count, approximate=True)
    if unit.startswith("year"):
        return _year_only(ref.year - count, approximate)
    if unit.startswith("month"):
        if ref.month is None:
            return None
        return _month(*_add_months(ref.year, ref.month, -count), approximate=approximate)
    days = 7 * count if unit.startswith("week") else count
    return _shift_days(ref, -days, approximate=approximate or unit.startswith("week"))


def _r_ago(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    number = _number(m["ago_n"])
    assert number is not None
    count, fuzzy = number
    return _period_back(ref, count, m["ago_u"].lower(), fuzzy)


def _r_pn(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    counts = [n for n in (_number(m["pn_a"]), _number(m["pn_b"])) if n is not None]
    count = max((n for n, _ in counts), default=1)
    return _period_back(ref, count, m["pn_u"].lower(), approximate=True)


def _r_word(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    word = m["word_w"].lower()
    if word in ("yesterday", "вчера"):
        return _shift_days(ref, -1)
    if word in ("tomorrow", "завтра"):
        return _shift_days(ref, 1)
    return _recently(ref)


def _r_y(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _year_only(_year(m["y_y"]))


_RESOLVERS = {name: globals()[f"_r_{name}"] for name, _ in _ALTERNATIVES}
