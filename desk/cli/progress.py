"""One progress bar for every long ``desk`` command, drawn on stderr.

stdout stays the command's report (or its JSON); the bar appears once there
is a total to show.
"""

from __future__ import annotations

import sys
from typing import Any

import click


class ProgressBar:
    """A ``progress(done, total)`` callback drawing a bar on stderr.

    Work on fewer than ``quiet_below`` items takes about a second and draws no
    bar (a rebuild at open: its notice afterwards is enough). Use as a context
    manager, or call :meth:`close`.
    """

    def __init__(self, label: str, *, quiet_below: int = 0) -> None:
        self._label = label
        self._quiet_below = quiet_below
        self._bar: Any = None
        self._done = 0
        self._closed = False

    def __call__(self, done: int, total: int) -> None:
        if self._closed or total < self._quiet_below:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=max(total, 1), label=self._label, file=sys.stderr)
            self._bar.__enter__()
        if done > self._done:
            self._bar.update(done - self._done)
            self._done = done

    def close(self) -> None:
        """End the bar; later calls draw nothing."""
        self._closed = True
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
