"""Timestamps and ids: one place so tests can reason about them."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def now_iso() -> str:
    """UTC now as ``2026-11-27T18:31:07.123Z`` (sorts as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _b32(value: int, width: int) -> str:
    out = []
    for _ in range(width):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def new_passage_id() -> str:
    """A stable, time-sortable text id: ``p`` + 9 chars of time + 6 random chars.

    Ids are kept verbatim by export and import, so they never change.
    """
    millis = int(time.time() * 1000)
    return "p" + _b32(millis, 9) + _b32(secrets.randbits(30), 6)
