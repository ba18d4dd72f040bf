"""Bytes to text: BOMs, UTF-8, detected legacy encodings, binary refusal.

Clipped files come from anywhere: a Russian page saved as cp1251, a Chinese
one in GB18030, a Windows note in UTF-16. We decode them faithfully (NFC, not
NFKC: we store what the source said) and refuse anything that is not text
with one clear line instead of importing garbage.
"""

from __future__ import annotations

import codecs
import contextlib
import unicodedata
from functools import lru_cache

from desk.core.errors import UserError

# Files larger than this are refused before reading (nothing partial is kept).
MAX_BYTES = 50 * 1024 * 1024

# (offset, magic) of formats that are never text.
_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"%PDF-"),
    (0, b"PK\x03\x04"),
    (0, b"PK\x05\x06"),
    (0, b"PK\x07\x08"),
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"\xff\xd8\xff"),
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (0, b"\x7fELF"),
    (0, b"SQLite format 3\x00"),
    (0, b"\x1f\x8b"),  # gzip
    (0, b"BZh91AY&SY"),
    (0, b"\xfd7zXZ\x00"),
    (0, b"(\xb5/\xfd"),  # zstd
    (0, b"7z\xbc\xaf\x27\x1c"),
    (0, b"Rar!\x1a\x07"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # old MS Office
    (0, b"\xca\xfe\xba\xbe"),  # Java class / Mach-O fat
    (0, b"\xcf\xfa\xed\xfe"),  # Mach-O
    (0, b"\xce\xfa\xed\xfe"),
    (0, b"MZ\x90\x00"),  # Windows executable
    (0, b"OggS"),
    (0, b"fLaC"),
    (0, b"ID3"),
    (0, b"wOFF"),
    (0, b"wOF2"),
    (0, b"\x00\x00\x01\x00"),  # .ico
    (0, b"II*\x00"),  # TIFF
    (0, b"MM\x00*"),
    (4, b"ftyp"),  # MP4 / MOV / HEIC
)
_RIFF = b"RIFF"  # WAV, AVI, WebP

# Candidates tried when the detector's answer looks like mojibake.
_FALLBACKS = ("cp1251", "gb18030", "cp1252", "latin-1")


def _binary(name: str) -> UserError:
    return UserError(f"{name} looks like a binary file, not text; nothing was imported")


def _has_magic(data: bytes) -> bool:
    if data.startswith(_RIFF) and len(data) >= 12:
        return True
    return any(data[off : off + len(magic)] == magic for off, magic in _MAGIC)


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(
        1
        for c in text
        if (unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v\x1b") or c == "\ufffd"
    )
    return bad / len(text)


@lru_cache(maxsize=4096)
def _script(c: str) -> str:
    name = unicodedata.name(c, "")
    if name.startswith("CJK") or "IDEOGRAPH" in name:
        return "HAN"
    return name.split(" ", 1)[0]


def _suspicion(text: str) -> float:
    """How much ``text`` looks like a wrong decoding (lower is better)."""
    score = 0
    prev = ""
    for c in text:
        o = ord(c)
        if (
            0x80 <= o <= 0x9F
            or 0xE000 <= o <= 0xF8FF  # private use
            or 0xFB50 <= o <= 0xFDFF  # Arabic presentation forms
            or 0xFE70 <= o <= 0xFEFF
            or 0xFF61 <= o <= 0xFFDC  # halfwidth katakana / hangul
            or c == "\ufffd"
            or (unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
        ):
            score += 3
        elif c.isalpha() and prev.isalpha() and not (c.isascii() and prev.isascii()):
            if _script(c) != _script(prev):
                # "Cafй", "櫓벌": two scripts inside one word is a wrong code page.
                score += 2
            elif c.isupper() and prev.islower():
                # "пПЕГХДЕМР": capitals inside words are the same sign.
                score += 1
        prev = c
    return score / max(len(text), 1)


def _utf16_without_bom(data: bytes) -> str | None:
    """Decode BOM-less UTF-16 when every zero byte sits on one side of its pair."""
    sample = data[:65536]
    zeros = [i for i, b in enumerate(sample) if b == 0]
    if not zeros or len(data) % 2:
        return None
    if all(i % 2 for i in zeros):
        enc = "utf-16-le"
    elif not any(i % 2 for i in zeros):
        enc = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    if _control_ratio(text[:32768]) > 0.01 or _suspicion(text[:32768]) > 0.05:
        return None
    return text


def _finish(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


def _detect(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    candidates: list[str] = []
    best = from_bytes(data).best()
    if best is not None:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            candidates.append(str(best))
    if not candidates or _suspicion(candidates[0]) > 0:
        for enc in _FALLBACKS:
            try:
                candidates.append(data.decode(enc))
            except UnicodeDecodeError:
                continue
    if not candidates:
        raise UserError(f"{name} could not be decoded as text in any known encoding")
    # min() keeps the first (the detector's) on ties.
    return min(candidates, key=_suspicion)


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode a file's bytes to text.

    Args:
        data: the raw bytes.
        name: what to call the input in error messages (usually the file name).

    Returns:
        NFC text with ``\\n`` newlines and no BOM.

    Raises:
        UserError: on empty, binary or undecodable input.
    """
    if not data:
        raise UserError(f"{name} is empty; nothing was imported")
    if _has_magic(data):
        raise _binary(name)

    text: str | None = None
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[3:].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            text = data.decode("utf-32")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            text = _utf16_without_bom(data)
            if text is None:
                raise _binary(name)
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{name} is not valid Unicode text ({exc.reason}); nothing was imported"
        ) from None

    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                # A UTF-8 file cut mid-character: keep all it has, mark the cut.
                text = data[: exc.start].decode("utf-8") + "\ufffd"
        if text is None:
            raw_controls = sum(1 for b in data[:65536] if b < 0x20 and b not in b"\t\n\r\f\x1b")
            if raw_controls / max(len(data[:65536]), 1) > 0.05:
                raise _binary(name)
            text = _detect(data, name)

    if _control_ratio(text[:65536]) > 0.05:
        raise _binary(name)
    text = _finish(text)
    if not text.strip():
        raise UserError(f"{name} is empty; nothing was imported")
    return text
