"""Markdown interchange: export a library as an Obsidian-style vault, read vaults back.

Pure and streaming: these modules never open the database. The library
facade gives them :class:`~desk.core.types.Passage` records and turns what
they read into drafts.
"""

from __future__ import annotations

from desk.core.interchange.filenames import NamePlanner, ensure_inside, safe_stem
from desk.core.interchange.layout import ExportFile
from desk.core.interchange.markdown_export import render_passage, render_vault
from desk.core.interchange.markdown_import import (
    AnnotationAnchor,
    ImportedNote,
    LinkResolver,
    parse_note,
    parse_vault,
)
from desk.core.interchange.vault_writer import ExportReport, write_vault

__all__ = [
    "AnnotationAnchor",
    "ExportFile",
    "ExportReport",
    "ImportedNote",
    "LinkResolver",
    "NamePlanner",
    "ensure_inside",
    "parse_note",
    "parse_vault",
    "render_passage",
    "render_vault",
    "safe_stem",
    "write_vault",
]
