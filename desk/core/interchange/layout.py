"""The shape of a Desk export, shared by the renderer, the writer and the reader.

Folder and file names, the ``desk-kind`` values that mark a note as ours,
the section headings of a passage note, and the line-end rule every note
text goes through.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_KEY = "desk-kind"
KIND_PASSAGE = "passage"
KIND_TAG_INDEX = "tag-index"
KIND_SOURCE_INDEX = "source-index"
KIND_INDEX = "index"
INDEX_KINDS = frozenset({KIND_TAG_INDEX, KIND_SOURCE_INDEX, KIND_INDEX})

NOTES_DIR = "notes"
TAGS_DIR = "tags"
SOURCES_DIR = "sources"
INDEX_FILE = "index.md"
MANIFEST_NAME = ".desk-export.json"

ANNOTATIONS_HEADING = "## Annotations"
LINKS_HEADING = "## Links"
BACKLINKS_HEADING = "## Backlinks"
CITATION_PREFIX = "— "


def normalise_text(text: str) -> str:
    """The text a note keeps: ``\\n`` line ends, NUL as U+FFFD (as CommonMark does)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


@dataclass(frozen=True)
class ExportFile:
    """One file of an export; ``relpath`` uses ``/`` and stays inside the vault."""

    relpath: str
    text: str
