"""A long kill -9 stress run, by hand (not collected by pytest).

    python -m tests.reliability.stress_kill [KILLS] [--library-every N] [--seed S]

Runs the same writer and checks as ``test_kill.py`` for KILLS kills (default
500), starting a fresh library every N kills (default 250) so both small and
grown libraries are hit, and prints a summary: kills, kills that landed inside
an operation (by operation), failures with their seeds.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

from tests.reliability import killharness


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kills", nargs="?", type=int, default=500)
    ap.add_argument("--library-every", type=int, default=250)
    ap.add_argument("--seed", type=int, default=100_000)
    ap.add_argument("--max-delay", type=float, default=1.5)
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="desk-stress-"))
    zygote = killharness.Zygote()
    started = time.monotonic()
    by_op: collections.Counter[str] = collections.Counter()
    failures = []
    killed = committed = 0
    library = work / "lib-0"
    expected = killharness.prepare(library)
    try:
        for n in range(args.kills):
            if n and n % args.library_every == 0:
                library = work / f"lib-{n}"
                expected = killharness.prepare(library)
            seed = args.seed + n
            res = killharness.kill_once(
                zygote, library, seed, work, expected, max_delay=args.max_delay
            )
            killed += res.killed
            committed += res.committed
            by_op[(res.in_flight or "between operations").split()[0]] += 1
            if res.problems:
                failures.append(res)
                print(f"FAIL seed {seed} delay {res.delay:.2f}: {res.problems}", flush=True)
            if (n + 1) % 50 == 0:
                print(
                    f"{n + 1} runs, {killed} kills, {len(failures)} failures, "
                    f"{time.monotonic() - started:.0f}s",
                    flush=True,
                )
    finally:
        zygote.close()
    print(f"runs: {args.kills}; writers killed while running: {killed}")
    print(f"operations confirmed committed: {committed}")
    print("in flight at the kill: " + ", ".join(f"{k} {v}" for k, v in by_op.most_common()))
    print(f"failures: {len(failures)}; time {time.monotonic() - started:.0f}s; work dir {work}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
