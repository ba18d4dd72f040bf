"""The date phrases :mod:`desk.core.analysis.dates` looks for: vocabulary and regexes.

One compiled regular expression (``_PATTERN``) finds every candidate in one
pass; each alternative is named, and :mod:`.date_resolve` has one resolver
per name. A fast gate in front rejects most of prose at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from desk.core.analysis.calendars import AFGHAN_MONTHS, AMBIGUOUS_MONTHS, IRANIAN_MONTHS

# --- vocabulary -----------------------------------------------------------

_EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Month names are matched capitalised only: "may", "march" are also words.
_EN_MONTH = rf"(?:{_EN_MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
# Russian, and Tajik with its izofa "-и" ("28 октябри соли 2021").
_RU_MONTH = (
    r"(?i:(?<!\w)(?:январ[ьяеи]?|феврал[ьяеи]?|март[аеи]?|апрел[ьяеи]?|ма[йяе]|майи|"
    r"июн[ьяеи]?|июл[ьяеи]?|август[аеи]?|сентябр[ьяеи]?|октябр[ьяеи]?|ноябр[ьяеи]?|"
    r"декабр[ьяеи]?)(?!\w))"
)
# Tajik "соли 2021", "the year 2021", between a month and its year.
_TJ_YEAR = r"(?:(?i:соли)\s+)?"
_YE = "[یي]"
_KAF = "[کك]"
_FA_MONTH = (
    rf"(?<!\w)(?:ژانو{_YE}ه|فور{_YE}ه|مارس|[آا]ور{_YE}ل|مه|م{_YE}|ژوئن|ژوئ{_YE}ه|جولا{_YE}|"
    rf"اوت|[آا]گوست|سپتامبر|ا{_KAF}تبر|نوامبر|دسامبر)(?!\w)"
)


def _persian_letters(word: str) -> str:
    """A regex for ``word`` with Arabic and Persian yeh/kaf and alef forms alike."""
    return word.replace("ی", _YE).replace("ک", _KAF).replace("آ", "[آا]")


# Solar Hijri months (calendars.py); the ambiguous ones are dates only with a year.
_SH_NAMES = sorted((*AFGHAN_MONTHS, *IRANIAN_MONTHS), key=len, reverse=True)
_SH_ALL = "|".join(_persian_letters(m) for m in _SH_NAMES)
_SH_SAFE = "|".join(_persian_letters(m) for m in _SH_NAMES if m not in AMBIGUOUS_MONTHS)
# A Solar Hijri year (1200-1499) in ASCII, Persian or Arabic-Indic digits.
_SH_Y = "[1۱١][2-4۲-۴٢-٤]"
_SH_YEAR = rf"(?:سال\s+)?(?P<{{}}>{_SH_Y}\d\d)(?!\d)"
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
    ("zy", r"(?<!\d)(?P<zy_y>\d{4})\s*年(?P<zy_q>年?底|年?初|年?末|中)?"),
    # 今年8月, 去年, 10月28日
    (
        "zrel",
        r"(?P<zrel_w>今年|去年|前年|明年)(?:\s*(?P<zrel_m>\d{1,2})\s*月"
        r"(?:\s*(?P<zrel_d>\d{1,2})\s*[日号])?)?",
    ),
    ("zmd", r"(?<!\d)(?P<zmd_m>\d{1,2})\s*月\s*(?P<zmd_d>\d{1,2})\s*[日号]"),
    # 12日 (a day of the reference month); not 日本, not 12号 ("No. 12")
    ("zd", r"(?<![\d月年])(?P<zd_d>\d{1,2})\s*日(?!本)"),
    ("zword", r"(?P<zword_w>上个月|上月|本月|下个月|昨天|明天|最近|近日)"),
    # 28 October 2021, 28 октября 2021 года, 28 October
    (
        "dmy",
        rf"(?<![\d.,])(?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmy_m>{_ANY_MONTH})"
        rf"(?:,?\s+{_TJ_YEAR}(?P<dmy_y>\d{{4}})(?![\d\w])(?:\s*(?:года|г\.))?)?",
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
        rf"(?P<my_m>{_ANY_MONTH}),?\s+(?:of\s+)?{_TJ_YEAR}(?P<my_y>\d{{4}})(?![\d\w])"
        r"(?:\s*(?:года|г\.))?",
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
    # ۲۲ حوت ۱۴۰۲, ۶ عقرب (Solar Hijri, Afghan or Iranian month names)
    (
        "sh",
        rf"(?<!\w)(?P<sh_d>\d{{1,2}})\s+(?:(?P<sh_m>{_SH_ALL})\s+{_SH_YEAR.format('sh_y')}"
        rf"|(?P<sh_u>{_SH_SAFE})(?!\w)(?!\s+(?:سال\s+)?\d))",
    ),
    ("shm", rf"(?<!\w)(?P<shm_m>{_SH_ALL})\s+{_SH_YEAR.format('shm_y')}"),
    (
        "shn",
        rf"(?<![\d/])(?P<shn_y>{_SH_Y}\d\d)/(?P<shn_m>\d{{1,2}})/(?P<shn_d>\d{{1,2}})(?![\d/])",
    ),
    # до конца 2024 года, то охири соли 2024, پایان سال ۲۰۲۴
    (
        "xq",
        r"(?<!\w)(?P<xq_w>(?i:конц[аеу]|начал[аеу]|середин[аеуы]|охири|аввали|нимаи|миёнаи)|"
        r"پایان|اواخر|اوایل|اواسط|آغاز|ابتدای)"
        r"\s+(?:(?i:соли)\s+|سال\s+)?(?P<xq_y>\d{4})(?![\d\w])(?:\s*(?:года|г\.))?",
    ),
    # в понедельник, рӯзи сешанбе, روز سه‌شنبه
    (
        "wdx",
        r"(?<!\w)(?:(?i:в|во)\s+(?P<wdx_r>(?i:понедельник|вторник|среду|четверг|пятницу|субботу|"
        r"воскресенье))|(?i:рӯзи)\s+(?P<wdx_j>(?i:душанбе|сешанбе|чоршанбе|панҷшанбе|ҷумъа|"
        r"шанбе|якшанбе))|روز\s+(?P<wdx_p>دوشنبه|سه\u200c?\s?شنبه|چهارشنبه|پنج\u200c?\s?شنبه|"
        r"جمعه|شنبه|یک\u200c?\s?شنبه))(?!\w)",
    ),
    # соли гузашта (last year), امسال (this year), дирӯз (yesterday)
    (
        "relw",
        r"(?<!\w)(?P<relw_w>(?i:соли\s+гузашта|соли\s+ҷор[ӣи]|соли\s+оянда|моҳи\s+гузашта|"
        r"моҳи\s+ҷор[ӣи]|моҳи\s+оянда|имсол|парсол|дирӯз|фардо)|سال\s+گذشته|سال\s+جاری|"
        r"سال\s+آینده|ماه\s+گذشته|ماه\s+جاری|ماه\s+آینده|امسال|پارسال|دیروز|فردا)(?!\w)",
    ),
    # 2006 (a bare year)
    ("y", rf"(?<![\w.,$€£¥/#])(?P<y_y>\d{{4}})(?![\w%])(?![.,]\d){_YEAR_NOT_QUANTITY}"),
)

_RU_MONTH_FORMS = [
    stem + ending
    for stem in ("январ", "феврал", "апрел", "июн", "июл", "сентябр", "октябр", "ноябр", "декабр")
    for ending in ("ь", "я", "е", "и", "")
] + ["март", "марта", "марте", "марти", "май", "мая", "мае", "майи"]
_RU_MONTH_FORMS += ["август", "августа", "августе", "августи"]
_SH_MONTH_FORMS = sorted(
    {
        w.replace("ی", v).replace("ک", k).replace("آ", a)
        for w in (*AFGHAN_MONTHS, *IRANIAN_MONTHS)
        for v in "یي"
        for k in "کك"
        for a in "آا"
    }
)
# Words that start a phrase of their own in Russian, Tajik and Persian.
_OTHER_STARTS = (  # noqa: SIM905
    "конца конце концу начала начале началу середины середине середину охири аввали нимаи "
    "миёнаи рӯзи соли моҳи имсол парсол дирӯз фардо پایان اواخر اوایل اواسط آغاز ابتدای روز "
    "سال ماه امسال پارسال دیروز فردا"
).split()
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
    rf"|{_word_trie(_RU_MONTH_FORMS + _FA_MONTH_FORMS + _SH_MONTH_FORMS + _OTHER_STARTS)}"
    r"|(?i:в|во)\s+(?i:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)"
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
    r"этом|прошлом|следующем|вчера|завтра|недавно|понедельник|вторник|среду|четверг|пятницу|"
    r"субботу|воскресенье|конц|начал|середин|охири|аввали|нимаи|миёнаи|рӯзи|соли|моҳи|имсол|"
    r"парсол|дирӯз|фардо)|سال|ماه|امسال|پارسال|دیروز|فردا|روز|今年|去年|前年|明年|上个月|上月|本月|"
    r"下个月|昨天|明天|最近|近日"
)
