"""Resolve each kind of date phrase to an ISO date at its precision.

One resolver per alternative of :data:`.date_patterns._ALTERNATIVES`
(``_r_<name>``), against a reference date (the source's publication date).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from desk.core.analysis.calendars import (
    fold_month_name,
    solar_hijri_month,
    solar_hijri_to_gregorian,
)
from desk.core.analysis.date_patterns import (
    _ALTERNATIVES,
    _EN_MONTHS,
    _FA_MONTHS,
    _FUZZY_NUMBERS,
    _NUMBERS,
    _RU_STEMS,
    _WEEKDAYS,
)


class _Ref(NamedTuple):
    """A reference date at its precision (month/day None when unknown)."""

    year: int
    month: int | None
    day: int | None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"


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
    number = _FA_INDEX.get(fold_month_name(name))
    if number is None:
        raise ValueError(name)
    return number


_EN_INDEX = {m[:3].lower(): i for i, m in enumerate(_EN_MONTHS.split("|"), start=1)}
_FA_INDEX = {fold_month_name(spelling): number for spelling, number in _FA_MONTHS.items()}


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
    # 2024年底 "the end of 2024": approximate.
    return _year_only(_year(m["zy_y"]), approximate=bool(m["zy_q"]))


def _r_zd(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    """12日: the latest 12th of a month not after the reference."""
    if ref is None or ref.month is None:
        return None
    day = int(m["zd_d"])
    y, month = ref.year, ref.month
    if ref.day is not None and day > ref.day:
        y, month = _add_months(y, month, -1)
    return _day(y, month, day)


def _solar_year_of(ref: _Ref) -> int:
    """The Solar Hijri year the reference falls in (its start when unsure)."""
    if ref.month is not None and ref.day is not None:
        nowruz = solar_hijri_to_gregorian(ref.year - 621, 1, 1)
        assert nowruz is not None
        return ref.year - 621 if date(ref.year, ref.month, ref.day) >= nowruz else ref.year - 622
    return ref.year - 621 if (ref.month or 1) >= 4 else ref.year - 622


def _solar_day(y: int, month: int, day: int) -> _Resolved:
    converted = solar_hijri_to_gregorian(y, month, day)
    if converted is None or not 1900 <= converted.year <= 2099:
        return None
    return converted.isoformat(), "day", False


def _r_sh(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    day = int(m["sh_d"])
    if m["sh_m"]:
        month = solar_hijri_month(m["sh_m"])
        assert month is not None
        return _solar_day(int(m["sh_y"]), month, day)
    # No year: the latest such day not after the reference.
    if ref is None:
        return None
    month = solar_hijri_month(m["sh_u"])
    assert month is not None
    y = _solar_year_of(ref)
    resolved = _solar_day(y, month, day)
    if resolved is not None and ref.day is not None and resolved[0] > _ref_iso(ref):
        resolved = _solar_day(y - 1, month, day)
    return resolved


def _ref_iso(ref: _Ref) -> str:
    assert ref.month is not None and ref.day is not None
    return date(ref.year, ref.month, ref.day).isoformat()


def _r_shm(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    """حوت ۱۴۰۲: the Gregorian month holding most of it (its 15th day), approximate."""
    month = solar_hijri_month(m["shm_m"])
    assert month is not None
    middle = solar_hijri_to_gregorian(int(m["shm_y"]), month, 15)
    if middle is None:
        return None
    return _month(middle.year, middle.month, approximate=True)


def _r_shn(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _solar_day(int(m["shn_y"]), int(m["shn_m"]), int(m["shn_d"]))


def _r_xq(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    return _year_only(_year(m["xq_y"]), approximate=True)


_OTHER_WEEKDAYS = {
    "понедельник": 0, "вторник": 1, "среду": 2, "четверг": 3, "пятницу": 4, "субботу": 5,
    "воскресенье": 6, "душанбе": 0, "сешанбе": 1, "чоршанбе": 2, "панҷшанбе": 3, "ҷумъа": 4,
    "шанбе": 5, "якшанбе": 6, "دوشنبه": 0, "سهشنبه": 1, "چهارشنبه": 2, "پنجشنبه": 3,
    "جمعه": 4, "شنبه": 5, "یکشنبه": 6,
}  # fmt: skip


def _r_wdx(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    name = (m["wdx_r"] or m["wdx_j"] or m["wdx_p"]).lower()
    name = "".join(name.replace("\u200c", "").split())
    return _weekday_before(ref, _OTHER_WEEKDAYS[name])


_OTHER_RELATIVE = {
    "соли гузашта": ("year", -1), "соли ҷорӣ": ("year", 0), "соли ҷори": ("year", 0),
    "соли оянда": ("year", 1), "моҳи гузашта": ("month", -1), "моҳи ҷорӣ": ("month", 0),
    "моҳи ҷори": ("month", 0), "моҳи оянда": ("month", 1), "имсол": ("year", 0),
    "парсол": ("year", -1), "дирӯз": ("day", -1), "фардо": ("day", 1),
    "سال گذشته": ("year", -1), "سال جاری": ("year", 0), "سال آینده": ("year", 1),
    "ماه گذشته": ("month", -1), "ماه جاری": ("month", 0), "ماه آینده": ("month", 1),
    "امسال": ("year", 0), "پارسال": ("year", -1), "دیروز": ("day", -1), "فردا": ("day", 1),
}  # fmt: skip


def _r_relw(m: re.Match[str], ref: _Ref | None) -> _Resolved:
    unit, delta = _OTHER_RELATIVE[" ".join(m["relw_w"].lower().split())]
    if unit == "day":
        return _shift_days(ref, delta)
    return _relative_unit(ref, unit, delta)


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
    return _weekday_before(ref, _WEEKDAYS.index(m["wd_d"].lower()))


def _weekday_before(ref: _Ref | None, wanted: int) -> _Resolved:
    """The latest ``wanted`` weekday (0 = Monday) before the reference day."""
    if ref is None or ref.day is None:
        return None
    assert ref.month is not None
    anchor = date(ref.year, ref.month, ref.day)
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
