"""Kill a ``crashwriter`` at random moments and check the library after each kill.

Shared by ``test_kill.py`` (≥ 50 kills, under a minute) and ``stress_kill.py``
(hundreds, by hand). One library is reused across kills; what each kill must
leave is checked against what the writer reported committed, then the
expectation is re-based on what the database now holds.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability import crashwriter
from tests.reliability.conftest import subprocess_env

WRITER = Path(crashwriter.__file__)


class Zygote:
    """A process with everything imported that forks one writer per request."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), "--zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=subprocess_env(),
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if line != "READY":
            raise RuntimeError(f"crashwriter zygote did not start: {line!r}")

    def spawn(self, library: Path, seed: int, out: Path) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{library} {seed} {out}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


def _gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.005)
    raise AssertionError(f"writer {pid} did not die")


@dataclass
class Expected:
    """What the library must hold, from the writers' committed reports."""

    bodies: dict[str, str] = field(default_factory=dict)  # id -> body hash
    trashed: dict[str, bool] = field(default_factory=dict)
    tags: dict[str, set[str]] = field(default_factory=dict)
    annotations: dict[str, set[int]] = field(default_factory=dict)
    links: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class KillResult:
    seed: int
    delay: float
    killed: bool
    committed: int
    in_flight: str | None
    problems: list[str]


def _parse(text: str) -> tuple[list[list[str]], list[str] | None, list[str]]:
    """Committed lines, the begun-but-unconfirmed op, and writer errors."""
    lines = text.split("\n")
    if lines and lines[-1] != "":
        lines = lines[:-1]  # a line cut by the kill
    committed: list[list[str]] = []
    in_flight: list[str] | None = None
    errors: list[str] = []
    for line in lines:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "B":
            in_flight = parts[1:]
        elif parts[0] == "C":
            committed.append(parts[1:])
            if parts[1] != "new":
                in_flight = None
        elif parts[0] == "R":
            in_flight = None
        elif parts[0] == "X":
            errors.append(line)
    # A create op confirms each new id on its own line, so it stays "in flight"
    # (its unconfirmed ids allowed) until the next op begins.
    return committed, in_flight, errors


def check_library(
    library: Path, expected: Expected, committed: list[list[str]], in_flight: list[str] | None
) -> list[str]:
    """Open the library after a kill and compare it with what was committed."""
    from desk.library import Library

    for rec in committed:
        op = rec[0]
        if op == "new":
            expected.bodies[rec[1]] = rec[2]
            expected.trashed[rec[1]] = False
        elif op == "update":
            expected.bodies[rec[1]] = rec[2]
        elif op == "tag":
            expected.tags.setdefault(rec[1], set()).add(rec[2])
        elif op == "annotate":
            expected.annotations.setdefault(rec[1], set()).add(int(rec[2]))
        elif op == "link":
            expected.links.add((rec[1], rec[2]))
        elif op in ("trash", "restore"):
            expected.trashed[rec[1]] = op == "trash"
    flying_op = in_flight[0] if in_flight else None
    flying_ids = set(in_flight[1:]) if in_flight else set()
    problems: list[str] = []
    with Library.open(library) as lib:
        report = lib.check(repair=True)
        if not report.ok or report.repaired:
            problems.append(f"check after open: {report.to_json()}")
        again = lib.check(repair=False)
        if not again.ok:
            problems.append(f"check(repair=False): {again.to_json()}")
        conn = lib.store.conn
        rows = {
            r[0]: (r[1], r[2] is not None)
            for r in conn.execute("SELECT id, body, trashed_at FROM passage")
        }
        for pid, (body, _) in rows.items():
            if not crashwriter.body_ok(body):
                problems.append(f"partial or foreign body in {pid}: {body[:80]!r}")
        unknown = set(rows) - set(expected.bodies)
        if unknown and flying_op not in ("clip", "import"):
            problems.append(f"{len(unknown)} passages nobody committed: {sorted(unknown)[:3]}")
        if len(unknown) > 6:
            problems.append(f"{len(unknown)} unconfirmed passages from one operation")
        for pid, want in expected.bodies.items():
            if pid not in rows:
                problems.append(f"committed passage {pid} is missing")
                continue
            body, trashed = rows[pid]
            got = crashwriter.body_hash(body)
            if got != want and not (flying_op == "update" and pid in flying_ids):
                problems.append(f"{pid}: body is not the last committed one")
            if trashed != expected.trashed.get(pid, False) and not (
                flying_op in ("trash", "restore") and pid in flying_ids
            ):
                problems.append(f"{pid}: trashed={trashed}, committed {expected.trashed[pid]}")
        for pid, tags in expected.tags.items():
            have = {t.casefold() for t in lib.store.passage_tags(pid)}
            missing = {t for t in tags if t.casefold() not in have}
            if missing:
                problems.append(f"{pid}: committed tags missing: {missing}")
        for pid, aids in expected.annotations.items():
            have_a = {a.id for a in lib.store.annotations(pid)}
            if aids - have_a:
                problems.append(f"{pid}: committed annotations missing: {aids - have_a}")
        links = {(r[0], r[1]) for r in lib.store.all_links()}
        for a, b in expected.links - links:
            problems.append(f"committed link {a}->{b} missing")
        # Re-base on what survived, including the in-flight op if it landed.
        expected.bodies = {pid: crashwriter.body_hash(b) for pid, (b, _) in rows.items()}
        expected.trashed = {pid: t for pid, (_, t) in rows.items()}
        expected.links = links
    return problems


def kill_once(
    zygote: Zygote,
    library: Path,
    seed: int,
    workdir: Path,
    expected: Expected,
    *,
    min_delay: float = 0.05,
    max_delay: float = 1.5,
) -> KillResult:
    """Start a writer, SIGKILL it after a seeded random delay, and check the library."""
    rng = random.Random(seed)
    delay = rng.uniform(min_delay, max_delay)
    out = workdir / f"writer-{seed}.out"
    pid = zygote.spawn(library, seed, out)
    time.sleep(delay)
    killed = True
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        killed = False  # it finished all its operations first
    _gone(pid)
    text = out.read_text(encoding="utf-8", errors="replace")
    committed, in_flight, errors = _parse(text)
    problems = [f"writer error: {e}" for e in errors]
    problems += check_library(library, expected, committed, in_flight)
    out.unlink()
    return KillResult(
        seed, delay, killed, len(committed), " ".join(in_flight) if in_flight else None, problems
    )


def prepare(library: Path) -> Expected:
    """Create the library once, before the first writer."""
    from desk.library import Library

    with Library.open(library):
        pass
    return Expected()
