"""Dialogs: clip, import, grade, link, shortcut help."""
