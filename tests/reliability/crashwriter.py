"""A process that writes to a library through ``Library`` until it is killed.

Run by the kill tests (``test_kill.py``, ``stress_kill.py``); not a test itself.

Every operation is announced on stdout before it starts (``B <op> <ids>``)
and confirmed right after it returned (``C <op> ...``), each line flushed, so
the test knows what was committed and which single operation was in flight
when SIGKILL arrived. Every body the writer produces is a set of lines each
ending in `` k:<8 hex>``, a checksum of the rest of the line, so the test can
tell a whole body from a partial one.

Usage:
    python crashwriter.py LIBRARY SEED           write until killed (or done)
    python crashwriter.py --zygote               import once, then for each
        stdin line ``LIBRARY SEED OUTFILE`` fork a writer whose stdout is
        OUTFILE and print its pid (saves ~0.7 s of imports per kill)
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sys
from pathlib import Path

MAX_OPS = 400
_WORD_TEXT = (
    "border wakhan corridor patrol Dushanbe Душанбе Ҷумҳурӣ Хоруғ 边境 巡逻 "
    "می‌شود مرز garrison outpost exercise security cooperation treaty Pamir "
    "road convoy checkpoint"
)
WORDS = _WORD_TEXT.split()
TAGS = ("actor/china", "actor/tajikistan", "place/wakhan", "topic/patrol", "Ҷо/边境")
KINDS = ("relates", "supports", "contradicts", "same-event")


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def make_line(rng: random.Random, token: str) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
    text = f"{words} {token}"
    return f"{text} k:{checksum(text)}"


def body_ok(body: str) -> bool:
    """True when every non-empty line of ``body`` carries a matching checksum."""
    lines = [ln for ln in body.split("\n") if ln.strip()]
    if not lines:
        return False
    for line in lines:
        text, sep, check = line.rstrip().rpartition(" k:")
        if not sep or checksum(text) != check:
            return False
    return True


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def run(library: Path, seed: int, max_ops: int = MAX_OPS) -> None:
    from desk.core.errors import UserError
    from desk.library import Library

    rng = random.Random(seed)
    scratch = library.parent / f"scratch-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    say("OPENING")
    lib = Library.open(library)
    say("OPEN")
    ids = lib.store.passage_ids(trashed=None)
    n = 0

    def token() -> str:
        nonlocal n
        n += 1
        return f"s{seed}n{n}"

    ops = ["clip"] * 5 + ["import"] * 2 + ["update"] * 4 + ["tag"] * 3 + ["annotate"] * 3
    ops += ["link"] * 2 + ["trash"] * 2 + ["restore"] * 2 + ["reindex"]
    for _ in range(max_ops):
        op = rng.choice(ops) if ids else "clip"
        try:
            if op == "clip":
                body = make_line(rng, token())
                say("B clip")
                res = lib.clip(body)
                for pid in res.ids:
                    say("C new", pid, body_hash(lib.get(pid).body))
                ids += res.ids
            elif op == "import":
                paras = [make_line(rng, token()) for _ in range(rng.randint(3, 6))]
                path = scratch / f"{token()}.txt"
                path.write_text("\n\n".join(paras) + "\n", encoding="utf-8")
                say("B import")
                res = lib.import_files([path])
                for pid in res.ids:
                    say("C new", pid, body_hash(lib.get(pid).body))
                ids += res.ids
            elif op == "update":
                pid = rng.choice(ids)
                lines = [make_line(rng, token()) for _ in range(rng.randint(1, 3))]
                body = "\n\n".join(lines)
                say("B update", pid)
                lib.update(pid, body=body)
                say("C update", pid, body_hash(body))
            elif op == "tag":
                pid, tag = rng.choice(ids), rng.choice(TAGS)
                say("B tag", pid)
                lib.tag(pid, [tag])
                say("C tag", pid, tag)
            elif op == "annotate":
                pid = rng.choice(ids)
                say("B annotate", pid)
                aid = lib.annotate(pid, make_line(rng, token()))
                say("C annotate", pid, aid)
            elif op == "link":
                if len(ids) < 2:
                    continue
                a, b = rng.sample(ids, 2)
                say("B link", a, b)
                lib.link(a, b, rng.choice(KINDS))
                say("C link", a, b)
            elif op in ("trash", "restore"):
                pid = rng.choice(ids)
                say(f"B {op}", pid)
                (lib.trash if op == "trash" else lib.restore)([pid])
                say(f"C {op}", pid)
            elif op == "reindex":
                say("B reindex")
                lib.reindex()
                say("C reindex")
        except UserError as exc:
            # An expected refusal (e.g. linking a passage to itself): nothing changed.
            say("R", op, exc.message.replace("\n", " ")[:80])
    lib.close()
    say("DONE")


def zygote() -> None:
    import importlib

    # Import everything a writer needs once, before forking.
    for name in (
        "desk.library",
        "desk.core.search",
        "desk.core.clipping",
        "desk.core.analysis.entities",
        "desk.core.analysis.dates",
    ):
        importlib.import_module(name)

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    say("READY")
    for line in sys.stdin:
        library, seed, out = line.split()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.close(fd)
            try:
                run(Path(library), int(seed))
            except BaseException as exc:
                say("X", repr(exc).replace("\n", " "))
            finally:
                sys.stdout.flush()
                os._exit(0)
        say(pid)


if __name__ == "__main__":
    if sys.argv[1:] == ["--zygote"]:
        zygote()
    else:
        try:
            run(Path(sys.argv[1]), int(sys.argv[2]))
        except BaseException as exc:
            say("X", repr(exc).replace("\n", " "))
            raise
