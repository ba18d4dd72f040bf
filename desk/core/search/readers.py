"""Opening Whoosh readers cheaply, and the on-disk bits around the index.

Whoosh 2.7.4's ``FileIndex.reader(reuse=...)`` never reuses anything (it keys old
readers by index generation and looks them up by segment id), so after every commit
it reopens the big segment (~100 ms at 100k passages). :class:`ReaderPool` keeps one
open :class:`SegmentReader` per segment id and, after a commit, rebinds it to the new
TOC's segment object (which carries the new deletions) instead of reopening files.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from pathlib import Path
from typing import Any

from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader

GENERATION_FILE = "desk-generation.json"
# What the terms in an index mean (the analyzer's rules). An index stamped with
# another format (or none: format 1) is rebuilt by the library when it opens.
INDEX_FORMAT = 2


class ReaderPool:
    """Segment readers by segment id; build a reader for a TOC reusing what is open."""

    def __init__(self) -> None:
        self._open: dict[str, SegmentReader] = {}

    def reader(self, storage: Any, schema: Any, toc: Any) -> IndexReader:
        segments = list(toc.segments)
        if not segments:
            self.close()
            return EmptyReader(schema)
        fresh: dict[str, SegmentReader] = {}
        readers = []
        for seg in segments:
            segid = seg.segment_id()
            old = self._open.pop(segid, None)
            if old is None:
                r = SegmentReader(storage, schema, seg, generation=toc.generation)
            else:
                r = _rebind(old, seg, toc.generation)
            fresh[segid] = r
            readers.append(r)
        self.close()  # segments that disappeared (merged away)
        self._open = fresh
        if len(readers) == 1:
            return readers[0]
        return MultiReader(readers, generation=toc.generation)

    def segment_ids(self) -> list[str]:
        return list(self._open)

    def close(self) -> None:
        for r in self._open.values():
            with contextlib.suppress(Exception):
                r.close()
        self._open = {}


def _rebind(old: SegmentReader, seg: Any, generation: int) -> SegmentReader:
    """A reader sharing ``old``'s open files but reading deletions from ``seg``."""
    r = copy.copy(old)
    r._segment = seg
    r._gen = generation
    perdoc = copy.copy(old._perdoc)
    perdoc._segment = seg
    r._perdoc = perdoc
    return r


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """fsync every file in ``path`` and the directory itself."""
    for child in path.iterdir():
        if child.is_file():
            try:
                fd = os.open(child, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(path)


def segment_files(path: Path) -> dict[str, int]:
    """Sizes of the index's data files (everything Whoosh writes but TOC and locks)."""
    out = {}
    for child in path.iterdir():
        name = child.name
        if name.startswith(("_", GENERATION_FILE)) or name.endswith(("LOCK", ".toc")):
            continue
        with contextlib.suppress(OSError):
            out[name] = child.stat().st_size
    return out


def write_generation(path: Path, generation: int, toc_generation: int) -> None:
    """Atomically record the caller's generation next to the Whoosh TOC generation.

    The stamp also lists every data file with its size, so opening can tell a
    truncated or missing file without reading the index.
    """
    tmp = path / (GENERATION_FILE + ".tmp")
    data = json.dumps(
        {
            "generation": generation,
            "toc": toc_generation,
            "format": INDEX_FORMAT,
            "files": segment_files(path),
        }
    )
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path / GENERATION_FILE)
    fsync_dir(path)


def read_stamp(path: Path) -> dict[str, Any]:
    """The generation stamp as written, or {} when missing or unreadable."""
    try:
        data = json.loads((path / GENERATION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def stamped_generation(data: dict[str, Any], toc_generation: int) -> int | None:
    """The generation in a stamp (see :func:`read_stamp`), or None when missing,
    unreadable or not for this TOC."""
    try:
        if int(data["toc"]) != toc_generation:
            return None  # killed between the Whoosh commit and this stamp
        return int(data["generation"])
    except (ValueError, KeyError, TypeError):
        return None


def changed_files(path: Path, stamp: dict[str, Any]) -> list[str]:
    """Data files the stamp lists whose size differs now (or that are gone)."""
    files = stamp.get("files")
    if not isinstance(files, dict):
        return []
    now = segment_files(path)
    return sorted(name for name, size in files.items() if now.get(name) != size)
