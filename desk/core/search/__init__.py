"""Full-text search over passages: analyzer, query language and the Whoosh index."""

from __future__ import annotations

from desk.core.search.index import SearchIndex
from desk.core.search.query import QueryFilter, parse

__all__ = ["QueryFilter", "SearchIndex", "parse"]
