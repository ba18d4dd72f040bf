"""The note files of a folder: which to read, in what order, and their text.

Hidden folders and files (``.obsidian/``, ``.trash/``, ``.git/``) are left
out; symbolic links to folders are not followed, and a link to a file
counts only when the file lies inside the folder. Files are read in path
order, each folder's files before its subfolders (as ``os.walk`` goes).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desk.core.errors import UserError
from desk.core.interchange.filenames import ensure_inside

MAX_FILE_BYTES = 20 * 1024 * 1024
NOTE_SUFFIXES = (".md", ".markdown")

OnSkip = Callable[[str, str], None]


@dataclass(frozen=True)
class NoteFile:
    """A file that looks like a note: ``rel`` inside the folder, ``path`` to open."""

    rel: str
    path: str
    is_link: bool
    is_file: bool  # a regular file (for a link: not yet known)


def note_files(root: Path) -> Iterator[NoteFile]:
    """Every ``.md`` and ``.markdown`` file under ``root`` (resolved), hidden ones left out."""
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue  # unreadable: os.walk passes over it too
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
            except OSError:
                is_dir, is_link = False, False
            if is_dir:
                if not is_link:
                    subfolders.append((entry.path, f"{prefix}{name}/"))
            elif name.lower().endswith(NOTE_SUFFIXES):
                regular = not is_link and entry.is_file(follow_symlinks=False)
                yield NoteFile(prefix + name, entry.path, is_link, regular)
        stack.extend(reversed(subfolders))


def read_note_file(root: Path, note: NoteFile, on_skip: OnSkip) -> bytes | None:
    """The bytes of a note file, or None (told to ``on_skip`` when people should hear)."""
    path = note.path
    if note.is_link:
        try:
            real = ensure_inside(root, Path(path))
        except UserError:
            on_skip(note.rel, "a link to a file outside the folder")
            return None
        try:
            if not real.is_file():
                return None
        except OSError:
            return None
        path = str(real)
    elif not note.is_file:
        return None  # a pipe, a socket, a device: never opened
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            if info.st_size > MAX_FILE_BYTES:
                on_skip(note.rel, "larger than 20 MB")
                return None
            return fh.read()
    except OSError as exc:
        on_skip(note.rel, f"cannot be read ({exc.strerror})")
        return None


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Text of a file and a warning when it was not UTF-8.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are exact. Anything
    else is guessed between cp1251 (Cyrillic: runs of high bytes) and
    cp1252/latin-1 (accents: single high bytes between ASCII letters).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    high = [i for i, b in enumerate(data) if b >= 0xC0]
    paired = sum(
        1
        for i in high
        if (i > 0 and data[i - 1] >= 0xC0) or (i + 1 < len(data) and data[i + 1] >= 0xC0)
    )
    if high and paired / len(high) > 0.5:
        return data.decode("cp1251", "replace"), "not UTF-8; read as Cyrillic (cp1251)"
    try:
        return data.decode("cp1252"), "not UTF-8; read as Western (cp1252)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8; read as Latin-1"
