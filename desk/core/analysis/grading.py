"""Source reliability (A–F) and information credibility (1–6) grading.

The Admiralty (NATO) system of AJP-2.1 / STANAG 2511: a source is graded for
reliability, each piece of information it gives for credibility, and the two
are read together as a badge (``B2``: a usually reliable source, information
probably true). Either half may be missing (``B?``, ``?2``).
"""

from __future__ import annotations

import re

from desk.core.errors import UserError

RELIABILITY: dict[str, tuple[str, str]] = {
    "A": (
        "Completely reliable",
        "No doubt about authenticity, trustworthiness or competency; "
        "history of complete reliability",
    ),
    "B": (
        "Usually reliable",
        "Minor doubts about authenticity, trustworthiness or competency; "
        "history of valid information most of the time",
    ),
    "C": (
        "Fairly reliable",
        "Doubts about authenticity, trustworthiness or competency; "
        "has provided valid information in the past",
    ),
    "D": (
        "Not usually reliable",
        "Significant doubts about authenticity, trustworthiness or competency; "
        "has provided valid information in the past",
    ),
    "E": (
        "Unreliable",
        "Lacking authenticity, trustworthiness and competency; history of invalid information",
    ),
    "F": (
        "Reliability cannot be judged",
        "No basis exists for evaluating the reliability of the source",
    ),
}

CREDIBILITY: dict[int, tuple[str, str]] = {
    1: (
        "Confirmed by other sources",
        "Confirmed by other independent sources; logical in itself; "
        "consistent with other information on the subject",
    ),
    2: (
        "Probably true",
        "Not confirmed; logical in itself; consistent with other information on the subject",
    ),
    3: (
        "Possibly true",
        "Not confirmed; reasonably logical in itself; "
        "agrees with some other information on the subject",
    ),
    4: (
        "Doubtful",
        "Not confirmed; possible but not logical; no other information on the subject",
    ),
    5: (
        "Improbable",
        "Not confirmed; not logical in itself; contradicted by other information on the subject",
    ),
    6: (
        "Truth cannot be judged",
        "No basis exists for evaluating the validity of the information",
    ),
}

# How each grade reads in a one-line description.
_RELIABILITY_PHRASE = {
    "A": "Completely reliable source",
    "B": "Usually reliable source",
    "C": "Fairly reliable source",
    "D": "Not usually reliable source",
    "E": "Unreliable source",
    "F": "Source reliability cannot be judged",
}
_CREDIBILITY_PHRASE = {
    1: "information confirmed by other sources",
    2: "information probably true",
    3: "information possibly true",
    4: "information doubtful",
    5: "information improbable",
    6: "truth of information cannot be judged",
}

_UNGRADED = {"", "-", "?", "none", "ungraded", "n/a"}
_GRADE = re.compile(r"^\s*([A-Fa-f?])?\s*([1-6?])?\s*$")


def _reliability_help() -> str:
    return ", ".join(f"{k} {label.lower()}" for k, (label, _) in RELIABILITY.items())


def _credibility_help() -> str:
    return ", ".join(f"{k} {label.lower()}" for k, (label, _) in CREDIBILITY.items())


def parse_reliability(value: str | None) -> str | None:
    """A source reliability grade from user input.

    Returns:
        ``"A"`` … ``"F"``, or None for no grade (``None``, ``""``, ``"-"``,
        ``"none"``, ``"ungraded"``).

    Raises:
        UserError: anything else.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise UserError(f"reliability must be one of A–F ({_reliability_help()}), not {value!r}")
    text = value.strip()
    if text.lower() in _UNGRADED:
        return None
    if len(text) == 1 and text.upper() in RELIABILITY:
        return text.upper()
    raise UserError(f"reliability must be one of A–F ({_reliability_help()}), not {value!r}")


def parse_credibility(value: str | int | None) -> int | None:
    """An information credibility grade from user input.

    Returns:
        1 … 6, or None for no grade (``None``, ``""``, ``"-"``, ``"none"``,
        ``"ungraded"``).

    Raises:
        UserError: anything else.
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if value in CREDIBILITY:
            return value
    elif isinstance(value, str):
        text = value.strip()
        if text.lower() in _UNGRADED:
            return None
        if len(text) == 1 and text.isascii() and text.isdigit() and int(text) in CREDIBILITY:
            return int(text)
    raise UserError(f"credibility must be one of 1–6 ({_credibility_help()}), not {value!r}")


def parse_grade(value: str) -> tuple[str | None, int | None]:
    """A combined grade: ``B2``, ``b2``, ``B``, ``2``, ``B?``, ``?2``, ``B 2``.

    Returns:
        ``(reliability, credibility)``, each None when not given; ``("", "-",
        "none")`` give ``(None, None)``.

    Raises:
        UserError: not a grade.
    """
    if value is None:
        return None, None
    text = str(value).strip()
    if text.lower() in _UNGRADED - {"?"} or text == "??":
        return None, None
    m = _GRADE.match(text)
    if not m or not (m.group(1) or m.group(2)):
        raise UserError(
            f"grade must be a reliability A–F and/or a credibility 1–6, "
            f"like B2, B or 2 (not {value!r}); "
            f"reliability: {_reliability_help()}; credibility: {_credibility_help()}"
        )
    rel = m.group(1)
    cred = m.group(2)
    return (
        None if rel in (None, "?") else rel.upper(),
        None if cred in (None, "?") else int(cred),
    )


def badge(reliability: str | None, credibility: int | None) -> str | None:
    """The short badge: ``B2``, ``B?``, ``?2``; None when ungraded."""
    if reliability is None and credibility is None:
        return None
    return f"{reliability or '?'}{credibility if credibility is not None else '?'}"


def describe(reliability: str | None, credibility: int | None) -> str:
    """One line for tooltips and the CLI.

    Example: ``"B2 — Usually reliable source; information probably true"``.
    """
    mark = badge(reliability, credibility)
    if mark is None:
        return "Not graded"
    rel = _RELIABILITY_PHRASE.get(reliability or "", "Source not graded")
    cred = _CREDIBILITY_PHRASE.get(credibility or 0, "information not graded")
    return f"{mark} — {rel}; {cred}"
