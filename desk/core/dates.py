"""Partial dates as the analyst types them (``2021``, ``2021-10``, ``2021-10-28``)."""

from __future__ import annotations

import re
from datetime import date

from desk.core.errors import UserError

_PARTIAL = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")


def parse_partial_date(value: str) -> str:
    """Validate and normalise a partial date to ISO (``2021-6`` -> ``2021-06``).

    Raises:
        UserError: for anything that is not a real year, month or day.
    """
    m = _PARTIAL.match(value)
    if not m:
        raise UserError(
            f"{value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2021-10-28)."
        )
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            return date(int(year), int(month), int(day)).isoformat()
        if month:
            date(int(year), int(month), 1)
            return f"{year}-{int(month):02d}"
        return year
    except ValueError:
        raise UserError(f"{value!r} is not a real date.") from None
