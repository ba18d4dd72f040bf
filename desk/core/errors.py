"""Error classes.

``UserError`` is an expected problem with the input or the environment (a
missing file, an unknown id, a locked or corrupt database, a full disk). Faces
show its message in one line; anything else is a bug.
"""

from __future__ import annotations


class DeskError(Exception):
    """Base class of every error Desk raises on purpose."""


class UserError(DeskError):
    """An input or environment problem, reported as one clear line.

    Args:
        message: the one line shown to the user.
        details: optional longer text (shown expandable in the window).
    """

    def __init__(self, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(UserError):
    """An id that names nothing in the library."""


class ReadOnlyLibrary(UserError):
    """A write was attempted on a library opened read-only."""


class NeedsUpgrade(ReadOnlyLibrary):
    """A library opened read-only needs a schema upgrade it cannot take that way."""


class LibraryLocked(UserError):
    """Another Desk process holds the library for writing."""


class NewerLibrary(UserError):
    """The database was written by a newer Desk than this one."""


class CorruptLibrary(UserError):
    """The database file cannot be read as a Desk library."""
