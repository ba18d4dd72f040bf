"""Desk: a desktop intelligence-note organizer."""

__version__ = "0.1.0"
