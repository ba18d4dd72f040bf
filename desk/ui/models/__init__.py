"""Item models over the library (ids and small rows, never the whole store)."""
