"""The Solar Hijri calendar (Afghanistan's and Iran's), to Gregorian dates.

Dari news dates its articles ``۲۲ حوت ۱۴۰۲`` (Afghan month names, from the
zodiac), Iranian Persian ``۲۲ اسفند ۱۴۰۲``; both are the same calendar. The
conversion is the arithmetic one of jalaali-js (Borkowski's leap-year breaks),
exact for the years 1 to 3177 of that calendar.
"""

from __future__ import annotations

from datetime import date, timedelta

# Afghan (Dari) and Iranian month names, in calendar order from the vernal equinox.
AFGHAN_MONTHS = ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت")  # fmt: skip
IRANIAN_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")  # fmt: skip

# Month names that are also everyday words ("serious", "cancer", "scales",
# "bullet", "kindness", "bucket", "arc"): a date only with a year after them.
AMBIGUOUS_MONTHS = frozenset(
    ("اسد", "سرطان", "میزان", "قوس", "جدی", "دلو", "تیر", "مهر", "آذر", "دی", "حمل")
)

_BREAKS = (
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262,
    2324, 2394, 2456, 3178,
)  # fmt: skip


def fold_month_name(name: str) -> str:
    """A Persian month name with Arabic yeh/kaf as Persian, alef madda as alef, no ZWNJ."""
    return name.replace("ي", "ی").replace("ك", "ک").replace("آ", "ا").replace("\u200c", "")


_MONTH_NUMBERS = {
    fold_month_name(name): number
    for names in (AFGHAN_MONTHS, IRANIAN_MONTHS)
    for number, name in enumerate(names, start=1)
}


def solar_hijri_month(name: str) -> int | None:
    """The month number (1-12) of a Dari or Iranian month name, else None."""
    return _MONTH_NUMBERS.get(fold_month_name(name.strip()))


def _first_of_year(year: int) -> date:
    """The Gregorian date of 1 Hamal (Farvardin) of the Solar Hijri ``year``."""
    gy = year + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if year < jm:
            break
        leap_j += jump // 33 * 8 + jump % 33 // 4
        jp = jm
    n = year - jp
    leap_j += n // 33 * 8 + (n % 33 + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = gy // 4 - (gy // 100 + 1) * 3 // 4 - 150
    return date(gy, 3, 20 + leap_j - leap_g)


def solar_hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """``1402, 12, 22`` (22 Hut 1402) -> ``date(2024, 3, 12)``; None if no such day."""
    if not (1 <= year <= 3177 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    if day == 31 and month > 6:
        return None
    start = _first_of_year(year)
    offset = (month - 1) * 31 - max(0, month - 7) + day - 1
    result = start + timedelta(days=offset)
    if month == 12 and day > 29 and result >= _first_of_year(year + 1):
        return None  # 30 Hut exists only in leap years
    return result
