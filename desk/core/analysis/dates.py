"""Find the dates a passage mentions, resolved to ISO dates at their precision.

One compiled regular expression finds every candidate in one pass; each kind
of phrase then resolves against the source's publication date:

- absolute: ``2021-10-28``, ``28.10.2021``, ``28 October 2021``, ``October 28, 2021``,
  ``June 2021``, ``in 2006``, ``October 28`` (year of the reference date);
  Russian (``28 октября 2021 года``, ``в июне 2021``), Chinese
  (``2021年10月28日``, ``2021年6月``, ``2006年``) and Persian spellings of the
  Gregorian months (``۲۸ اکتبر ۲۰۲۱``, ``ژوئن 2021``), Tajik
  (``28 октябри соли 2021``, ``моҳи августи соли 2021``);
- Solar Hijri, converted (Afghan and Iranian month names, any digits):
  ``۲۲ حوت ۱۴۰۲`` (2024-03-12), ``1402/12/22``, ``حوت ۱۴۰۲`` (the Gregorian
  month holding most of it, approximate), ``۱۵ حوت`` (year of the
  reference); a bare ``۱۴۰۰`` is not a date, nor are month names that are
  also words (``تیر``, ``سرطان`` ...) without a year;
- Chinese ``12日`` (the latest 12th not after the reference) and
  ``2024年底`` (approximate);
- approximate: ``since at least 2015``, ``mid-2020``, ``early 2019``,
  ``late October``; a decade (``the 1990s``, ``1990年代``) gives its first year,
  approximate;
- relative, resolved against ``published`` (or ``today`` when there is no
  publication date; skipped when there is neither): ``in August this year``,
  ``in July`` (the latest July not after the reference), ``last month``,
  ``last year``, ``a decade ago``, ``over the past five or six years`` (the
  start of the period), ``recently`` (the reference itself, approximate),
  ``yesterday``, ``on Monday`` (the latest Monday before the reference; both
  need a reference with a day); in Russian, Tajik and Persian too
  (``в понедельник``, ``рӯзи сешанбе``, ``روز سه‌شنبه``, ``соли гузашта``,
  ``سال گذشته``, ``до конца 2024 года``, ``то охири соли 2024``).

A year is four digits from 1900 to 2099 standing alone: ``8,000``,
``US$8.5 million``, ``1,300-kilometer`` and ``2000 troops`` are not years.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

from desk.core.analysis.date_patterns import _ALTERNATIVES, _MAYBE, _PATTERN
from desk.core.analysis.date_resolve import _RESOLVERS, _Ref
from desk.core.types import DateMention

__all__ = ["_ALTERNATIVES", "_PATTERN", "extract_dates", "parse_reference"]

# The alternatives whose date proper is a ``<name>_t`` group inside a wider match.
_CORE = {n: f"{n}_t" for n, _ in _ALTERNATIVES if f"{n}_t" in _PATTERN.groupindex}
_DIGIT = re.compile(r"\d")

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
    if not text:
        return []
    # The gated pattern rejects prose about as fast as _MAYBE alone would, and
    # _MAYBE is slow when it fails (it tries dozens of words at each place). So
    # look for a first candidate, then ask _MAYBE only when one exists, and not
    # at all when the candidate holds a digit (its first alternative). Same
    # answer as testing _MAYBE first.
    found = _PATTERN.finditer(text)
    first = next(found, None)
    if first is None:
        return []
    if _DIGIT.search(text, first.start(), first.end()) is None and not _MAYBE.search(text):
        return []
    ref = parse_reference(published)
    if ref is None and today is not None:
        ref = _Ref(today.year, today.month, today.day)
    out: list[DateMention] = []
    for m in itertools.chain((first,), found):
        kind = m.lastgroup
        assert kind is not None
        resolved = _RESOLVERS[kind](m, ref)
        if resolved is None:
            continue
        iso, precision, approximate = resolved
        core = _CORE.get(kind)
        start, end = m.span(core) if core is not None and m.group(core) else m.span()
        out.append(DateMention(iso, precision, start, end, text[start:end], approximate))
    return out


_PARTIAL_ISO = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_reference(published: str | None) -> _Ref | None:
    """Parse a partial ISO date (``2021``, ``2021-11``, ``2021-11-05T...``); None if unusable."""
    if not published:
        return None
    m = _PARTIAL_ISO.match(published)
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
