"""Starting Desk's worker processes: a fresh Python running one of Desk's modules.

Big rebuilds (``desk.core.search.bulk``) and big imports
(``desk.core.analysis.batch``) share their work with ``python -m <module>``
processes talking over pipes. A fresh interpreter, not :mod:`multiprocessing`:
a fork of a process with threads (the window's) can deadlock, and ``spawn``
re-runs the caller's ``__main__`` (a GUI, a test runner, a user's script) in
every worker.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def can_start() -> bool:
    """Whether worker processes can be started here.

    Not in a frozen app (PyInstaller): its ``sys.executable`` is the app
    itself, which has no ``-m``; the work then runs in this process.
    """
    return not getattr(sys, "frozen", False)


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def command(module: str, *args: str) -> list[str]:
    """The command line of a worker running ``module`` with ``args``."""
    return [sys.executable, "-m", module, *args]


def environment() -> dict[str, str]:
    """This process's environment, with the folder Desk was imported from first on
    ``PYTHONPATH``, so that a worker imports the same Desk (a checkout, a venv)."""
    import desk

    env = dict(os.environ)
    root = str(Path(desk.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env
