"""Dates as a page prints them: in a date line, a byline or a dateline.

``28 October 2021``, ``October 28, 2021``, ``28.10.2021``, ``2021年10月28日``,
``28 октября 2021 г.``, Tajik ``28 октябри соли 2021``, and the Solar Hijri
dates of Dari and Persian pages (``۲۲ حوت ۱۴۰۲``, ``1402/12/22``), in any
digits, all become ISO Gregorian dates.
"""

from __future__ import annotations

import re

from desk.core.analysis.calendars import solar_hijri_month, solar_hijri_to_gregorian

_MONTH_NUMBERS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan", "января", "январь", "январи"),
            ("february", "feb", "февраля", "февраль", "феврал", "феврали"),
            ("march", "mar", "марта", "март", "марти"),
            ("april", "apr", "апреля", "апрель", "апрел", "апрели"),
            ("may", "мая", "май", "майи"),
            ("june", "jun", "июня", "июнь", "июн", "июни"),
            ("july", "jul", "июля", "июль", "июл", "июли"),
            ("august", "aug", "августа", "август", "августи"),
            ("september", "sep", "sept", "сентября", "сентябрь", "сентябр", "сентябри"),
            ("october", "oct", "октября", "октябрь", "октябр", "октябри"),
            ("november", "nov", "ноября", "ноябрь", "ноябр", "ноябри"),
            ("december", "dec", "декабря", "декабрь", "декабр", "декабри"),
        ],
        start=1,
    )
    for name in names
}
# Arabic-Indic and extended (Persian) digits to ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Tajik "соли 2021" (of the year 2021) between the month and the year.
_YEAR_WORD = r"(?:соли\s+)?"
# The full dates parse_date knows, tried in this order.
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SOLAR_SLASHED = re.compile(r"(?<!\d)(1[2-4]\d\d)/(\d{1,2})/(\d{1,2})(?!\d)")
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+([^\W\d_]+)\.?,?\s+{_YEAR_WORD}(\d{{4}})(?!\d)"
)
_MONTH_DAY_YEAR = re.compile(r"\b([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def _iso(y: int, mo: int, d: int) -> str | None:
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1000 <= y <= 2999):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _solar(y: int, mo: int, d: int) -> str | None:
    converted = solar_hijri_to_gregorian(y, mo, d)
    return converted.isoformat() if converted is not None else None


def parse_date(value: str) -> str | None:
    """A full date in ``value`` to ISO; None when no full date is recognised.

    ``2021-10-28``, ``28.10.2021``, ``28 October 2021``, ``October 28, 2021``,
    ``2021年10月28日``, ``28 октября 2021``, ``28 октябри соли 2021``;
    a year before 1700 is a Solar Hijri one (``۲۲ حوت ۱۴۰۲``, ``1402/12/22``).
    """
    value = value.strip().translate(_DIGITS)
    m = _ISO_DATE.search(value) or _CJK_DATE.search(value)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _iso(y, mo, d)
    if m := _SOLAR_SLASHED.search(value):
        return _solar(*(int(g) for g in m.groups()))
    if m := _DOTTED.search(value):
        d, mo, y = (int(g) for g in m.groups())
        return _iso(y, mo, d)
    if m := _DAY_MONTH_YEAR.search(value):
        d, name, y = int(m.group(1)), m.group(2), int(m.group(3))
        if y < 1700:
            month = solar_hijri_month(name)
            return _solar(y, month, d) if month else None
        return _iso(y, _MONTH_NUMBERS.get(name.casefold(), 0), d)
    if m := _MONTH_DAY_YEAR.search(value):
        d, y = int(m.group(2)), int(m.group(3))
        return _iso(y, _MONTH_NUMBERS.get(m.group(1).casefold(), 0), d)
    return None


# What a date line may hold besides its dates: times, zones, "updated".
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?"
_FILLER = re.compile(
    rf"{_TIME}|\b(?:GMT|UTC|MSK|МСК|ET|EST|EDT|BST|CET|CEST|IST)\b(?:\s*[+-]\s*\d{{1,2}})?|"
    r"(?i:last\s+updated|updated|published|posted|обновлено|опубликовано|обновлен[оа]?|"
    r"ساعت|به\s+روز\s+شده|نشر|更新|发布|发布时间|编辑)|"
    r"(?i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|"
    r"Sun|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)",
)
_DATE_PART = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?|"
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
    r"\d{4}/\d{1,2}/\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4}|"
    rf"\d{{1,2}}\s+[^\W\d_]+\.?,?\s+{_YEAR_WORD}\d{{4}}(?:\s*(?:года|г\.))?|"
    r"[^\W\d_]+\.?\s+\d{1,2},?\s+\d{4}"
)


_ALNUM = re.compile(r"[^\W_]")
_DATELINE = re.compile(r"^[^\W\d_][^\d,،\n]{1,40}[,،]\s*([^—–\-/(|\n]{6,40}?)\s*[—–\-/(|]")


def date_line(line: str) -> str | None:
    """The date of a line that holds only a date (and times), else None.

    ``March 12, 2024, 8:30 AM``, ``10:15 12.03.2024 (обновлено: 12:40
    12.03.2024)``, ``۲۲ حوت ۱۴۰۲``: the first date is the publication date.
    """
    line = line.strip().translate(_DIGITS)
    if not line or len(line) > 120:
        return None
    dates = [m.group() for m in _DATE_PART.finditer(line) if parse_date(m.group())]
    if not dates:
        return None
    rest = _DATE_PART.sub(" ", line)
    rest = _FILLER.sub(" ", rest)
    if _ALNUM.search(rest):
        return None
    return parse_date(dates[0])


def dateline_date(paragraph: str) -> str | None:
    """The full date of a news dateline opening ``paragraph``, else None.

    ``КАБУЛ، ۲۲ حوت ۱۴۰۲ - ...``, ``ДУШАНБЕ, 12.03.2024 /АМИТ «Ховар»/. ...``:
    a place, a comma and a date, before a dash, slash or bracket.
    """
    m = _DATELINE.match(paragraph)
    if not m:
        cn = chinese_dateline(paragraph)
        return cn[0] if cn else None
    return date_line(m.group(1))


# A Chinese wire dateline: "新华社杜尚别10月28日电（记者王小明）" (Xinhua, Dushanbe,
# 28 October, cable; reporter Wang Xiaoming), a year sometimes before the month.
_CN_DATELINE = re.compile(
    r"^[^\n。，,（(]{0,24}?(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*电"
    r"\s*(?:[（(](?P<who>[^）)\n]{2,60})[）)])?"
)
_CN_NAME = r"[\u4e00-\u9fff·]{2,6}"
# "记者王小明 李华 通讯员张三": the reporters, not the correspondents after them.
_CN_REPORTERS = re.compile(rf"^记者[：:\s]*(?P<names>{_CN_NAME}(?:[\s、，,]+{_CN_NAME})*)")
_CN_ROLES = re.compile(r"[\s、，,]*(?:通讯员|实习生|编辑|摄影|见习记者).*$")


def chinese_dateline(paragraph: str) -> tuple[str | None, str | None] | None:
    """(date, reporters) of a Chinese wire dateline opening ``paragraph``, else None.

    ``新华社北京2024年3月12日电（记者王小明、李华）``: the date only when it
    gives the year (a month and day alone are left to other clues), the
    reporters joined by ``、``.
    """
    m = _CN_DATELINE.match(paragraph.strip().translate(_DIGITS))
    if not m:
        return None
    date = None
    if m.group("y"):
        date = _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    who = None
    if m.group("who") and (r := _CN_REPORTERS.match(m.group("who").strip())):
        names = _CN_ROLES.sub("", r.group("names"))
        parts = [p for p in re.split(r"[\s、，,]+", names) if p]
        who = "、".join(parts) or None
    return date, who
