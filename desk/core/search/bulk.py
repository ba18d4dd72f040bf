"""Bulk indexing: whole Whoosh segments built in memory, in one or more processes.

Whoosh's own writer sends every posting through a pickling external sort (about
half its time) and looks up the document's field length once per posting. For a
rebuild we know everything up front, so :class:`SegmentBuilder` keeps each field's
postings in a dict (term -> flat ``[docnum, weight, value, ...]`` list), sorts the
terms once and writes the files in Whoosh's W3 format. Every reader sees what
``SegmentWriter`` would have written for the same documents (tests compare every
term's statistics and postings), but two things differ on disk: posting lists of up
to INLINE documents are inlined in the terms file, which the format allows and
Whoosh's writer never does (a term occurring once cost a compressed block, two
pickles and a block header), and pickles use protocol 4. Whoosh reads inlined terms
through its ``ListMatcher``, the evaluator's ``postings`` through that too.

:func:`build` splits the documents into contiguous runs, one per worker process,
so the segments hold the documents in their original order: docnums, and so ties
in ranking, are the same as a one-process build. The caller only reads the
documents and spills them in pickled batches into the new index folder; workers
exit when the caller goes away, and anything left behind is inside the folder the
caller (or the next open) deletes.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import os
import pickle
import queue
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from array import array
from collections.abc import Callable, Iterable
from hashlib import md5
from pathlib import Path
from pickle import dumps
from typing import Any

from whoosh.analysis import IDTokenizer
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as MAGIC
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filetables import HashWriter, md5_hash
from whoosh.formats import Existence, Positions
from whoosh.index import TOC, clean_files
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.util.numlists import GrowableArray

from desk.core import workers
from desk.core.search.analysis import _SECTION_GAP, BOOSTS, SECTION, DeskTokenizer, index_terms
from desk.core.search.schema import doc_fields
from desk.core.types import IndexDoc

INDEXNAME = "MAIN"
lengths = struct.Struct("!ii").pack  # HashWriter's key and value length header
BATCH = 250  # documents per batch file handed to a worker
LIMIT_MB = 1024  # a builder starts a new segment when its postings take about this
PARALLEL_MIN = 5000  # passages from which a rebuild uses worker processes
# Posting lists of up to this many documents go into the term's entry in the terms
# file (W3TermInfo's "inlined" form, read back by Whoosh as a ListMatcher) instead
# of a compressed block of their own: most terms of a library occur once.
INLINE = 16
# Blocks and inlined lists are pickled with protocol 4 (Whoosh: 2, which pickles
# each position value through ``_codecs.encode``): a third smaller and faster to
# write and to read; Whoosh reads any protocol.
PROTOCOL = 4
FEED_DIR = "feed.tmp"


class _OneValue(dict[int, bytes]):
    """``Positions.encode([pos])``, memoised: most postings hold one position."""

    def __init__(self, fmt: Positions) -> None:
        super().__init__()
        self._encode = fmt.encode

    def __missing__(self, pos: int) -> bytes:
        v = self._encode([pos])
        self[pos] = v
        return v


def _grouped(value: str) -> tuple[dict[str, list[int]], dict[str, float] | None, int]:
    """Positions per term of one text value, the weights when sections carry boosts,
    and the number of tokens.

    Mirrors ``Positions.word_values`` over :class:`DeskTokenizer`: the weight of a
    term is the sum of its tokens' boosts, added in token order.
    """
    poses: dict[str, list[int]] = {}
    if not value.startswith(SECTION):
        terms = index_terms(value)
        for i, term in enumerate(terms):
            p = poses.get(term)
            if p is None:
                poses[term] = [i]
            else:
                p.append(i)
        return poses, None, len(terms)
    weights: dict[str, float] = {}
    base = 0
    ntok = 0
    for sec in value[1:].split(SECTION):
        if not sec:
            continue
        boost = BOOSTS.get(sec[0], 1.0)
        terms = index_terms(sec[1:])
        for i, term in enumerate(terms, base):
            p = poses.get(term)
            if p is None:
                poses[term] = [i]
                weights[term] = boost  # == 0.0 + boost, as Whoosh sums
            else:
                p.append(i)
                weights[term] += boost
        base += len(terms) + _SECTION_GAP
        ntok += len(terms)
    return poses, weights, ntok


_COUNTS = [float(n) for n in range(256)]  # shared weight objects for plain fields


class SegmentBuilder:
    """One new segment, filled in memory by :meth:`add` and written by :meth:`finish`."""

    def __init__(self, storage: Any, schema: Any) -> None:
        self.storage = storage
        self.schema = schema
        self.codec = default_codec()
        self.segment = self.codec.new_segment(storage, INDEXNAME)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        self.postings = 0
        self.terms = 0
        self._post: dict[str, dict[Any, list[Any]]] = {}
        self._lens: dict[str, bytearray] = {}  # field -> length byte per docnum
        self._fast: dict[str, _OneValue] = {}
        self._weights: dict[float, float] = {}  # one object per distinct weight
        self._whole: dict[str, float] = {}
        for name, field in schema.items():
            if not field.indexed:
                continue
            self._post[name] = {}
            if field.scorable:
                self._lens[name] = bytearray()
            fmt = field.format
            if (
                type(fmt) is Positions
                and fmt.field_boost == 1.0
                and isinstance(field.analyzer, DeskTokenizer)
                and not field.vector
                and not field.separate_spelling()
            ):
                self._fast[name] = _OneValue(fmt)
            elif (
                type(fmt) is Existence
                and type(field.analyzer) is IDTokenizer
                and not field.scorable
                and not field.vector
                and not field.separate_spelling()
            ):
                self._whole[name] = fmt.field_boost  # the value is the one term

    def memory(self) -> int:
        """About how many bytes the postings take (measured: 32 per posting and
        280 per term on a 100k library)."""
        return self.postings * 32 + self.terms * 280

    def add(self, fields: dict[str, Any]) -> None:
        """Add one document, given as ``SegmentWriter.add_document`` keywords."""
        docnum = self.docnum
        schema = self.schema
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        npost = 0
        for name in sorted(fields):
            value = fields[name]
            if value is None or name.startswith("_"):
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                post = self._post[name]
                before = len(post)
                ones = self._fast.get(name)
                if ones is not None:
                    poses, weights, length = _grouped(value)
                    encode = ones._encode
                    shared = self._weights
                    for term, p in poses.items():
                        n = len(p)
                        if n == 1:
                            v = ones[p[0]]
                            w = 1.0 if weights is None else weights[term]
                        else:
                            v = encode(p)
                            if weights is None:
                                w = _COUNTS[n] if n < 256 else float(n)
                            else:
                                w = weights[term]
                                w = shared.setdefault(w, w)
                        lst = post.get(term)
                        if lst is None:
                            post[term] = [docnum, w, v]
                        else:
                            lst += (docnum, w, v)
                    npost += len(poses)
                elif name in self._whole:
                    key = value.encode("utf-8")
                    lst = post.get(key)
                    if lst is None:
                        post[key] = [docnum, self._whole[name], b""]
                    else:
                        lst += (docnum, self._whole[name], b"")
                    npost += 1
                else:
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        lst = post.get(tbytes)
                        if lst is None:
                            post[tbytes] = [docnum, weight, vbytes]
                        else:
                            lst += (docnum, weight, vbytes)
                        npost += 1
                self.terms += len(post) - before
                lens = self._lens.get(name)
                if lens is not None and length:
                    if len(lens) < docnum:
                        lens.extend(bytes(docnum - len(lens)))
                    lens.append(length_to_byte(length))
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        self.postings += npost
        self.docnum += 1

    def discard(self) -> None:
        """Close the open temporary file (the caller deletes the folder)."""
        with contextlib.suppress(Exception):
            self.perdoc._cols._temp.close()

    def finish(self) -> Any:
        """Write the segment's files and return its Whoosh segment object."""
        self.perdoc.close()
        fw = self.codec.field_writer(self.storage, self.segment)
        tindex = fw._tindex
        tindex._write_hashes = lambda: _write_hashes(tindex)
        try:
            for name in sorted(self._post):
                post = self._post[name]
                if post:
                    self._write_field(fw, name, post, self._lens.get(name))
                self._post[name] = {}
        finally:
            fw.close()
        self.segment.set_doc_count(self.docnum)
        return self.segment

    def _write_field(
        self, fw: Any, name: str, post: dict[Any, list[Any]], lens: bytearray | None
    ) -> None:
        """Write one field's terms, inlined postings and postings blocks.

        ``W3PostingsWriter`` and ``OrderedHashWriter`` take a few method calls per
        posting and a dozen per term; this loop does the same arithmetic inline
        (the same block infos and term statistics), which matters with a million
        mostly one-posting terms. Lengths are kept as Whoosh's length bytes, which
        order like the lengths (0 = none).
        """
        field = self.schema[name]
        fw.start_field(name, field)
        fieldkey = pack_ushort(fw._fieldid)
        # Write through the buffered files and count offsets here: tell() is a syscall.
        write = fw._postfile.file.write
        offset = fw._postfile.tell()
        tindex = fw._tindex
        twrite = tindex.dbfile.file.write
        toffset = tindex.dbfile.tell()
        assert tindex.hashfn is md5_hash
        buckets = tindex.buckets
        starts: list[int] = []  # where each term's entry starts in the terms file
        keypos = starts.append
        limit = fw._postwriter._blocklimit
        comp = fw._postwriter._compression
        compress = zlib.compress
        fixedsize = field.format.fixed_value_size()
        varsize = fixedsize is None or fixedsize < 0
        lens = lens or bytearray()
        nlens = len(lens)
        textual = name in self._fast
        tipack = W3TermInfo._struct.pack
        f32: dict[float, float] = {}  # weight -> its float32 value, as blocks store it
        inline = 3 * INLINE  # flat list length of the longest inlined posting list
        tbytes = b""
        for key in sorted(post):
            lst = post[key]
            if len(lst) == 3:  # one posting: most terms, inlined
                d, w, v = lst
                w32 = f32.get(w)
                if w32 is None:
                    w32 = f32[w] = array("f", (w,))[0]
                lb = lens[d] if d < nlens else 0
                tvalue = tipack(True, w32, 1, lb, lb, w if w > 0 else 0, d, d) + dumps(
                    ((d,), () if w32 == 1.0 else (w32,), (v or None,)), PROTOCOL
                )
            elif len(lst) <= inline and (textual or not any(lst[2::3])):
                docs = lst[0::3]
                ws = lst[1::3]
                wa = array("f", ws)
                ls = bytes(map(lens.__getitem__, docs)) if docs[-1] < nlens else b""
                if 0 in ls:
                    ls = ls.replace(b"\0", b"")
                top = max(ws)
                tvalue = tipack(
                    True, sum(wa), len(docs), min(ls) if ls else 0, max(ls) if ls else 0,
                    top if top > 0 else 0, docs[0], docs[-1],
                ) + dumps(
                    (
                        tuple(docs),
                        () if wa.count(1.0) == len(wa) else tuple(wa),
                        tuple(lst[2::3]) if textual else (None,) * len(docs),
                    ),
                    PROTOCOL,
                )  # fmt: skip
            else:
                start = offset
                docs = lst[0::3]
                weights = lst[1::3]
                values = lst[2::3]
                n = len(docs)
                write(MAGIC)
                offset += 4
                tweight: Any = 0
                tmaxweight: Any = 0
                tminlen = None
                tmaxlen = 0
                for i in range(0, n, limit):
                    j = min(i + limit, n)
                    ids = docs[i:j]
                    ws = weights[i:j]
                    wa = array("f", ws)
                    if wa.count(1.0) == len(wa):
                        mini_w: Any = None
                    elif wa.count(wa[0]) == len(wa):
                        mini_w = wa[0]
                    else:
                        mini_w = tuple(wa)
                    vs = values[i:j]
                    if varsize:
                        mini_v: Any = tuple(vs) if all(vs) else tuple(x for x in vs if x)
                    else:
                        mini_v = b"".join(vs) if fixedsize else None
                    top = max(ws)
                    maxweight = top if top > 0 else 0
                    ls = bytes(map(lens.__getitem__, ids)) if ids[-1] < nlens else b""
                    if 0 in ls:
                        ls = ls.replace(b"\0", b"")
                    minlen = min(ls) if ls else 0
                    maxlen = max(ls) if ls else 0
                    mini_ids = tuple(map(operator.sub, ids, (0, *ids)))
                    databytes = dumps((mini_ids, mini_w, mini_v), PROTOCOL)
                    if comp:
                        databytes = compress(databytes, comp)
                    info = dumps((j - i, ids[-1], maxweight, comp, minlen, maxlen), 2)
                    size = len(info) + len(databytes)
                    write(pack_int(-size if j == n else size))
                    write(info)
                    write(databytes)
                    offset += 4 + size
                    # W3TermInfo.add_block
                    tweight += sum(wa)
                    if ls:
                        tminlen = minlen if tminlen is None else min(tminlen, minlen)
                    tmaxlen = max(tmaxlen, maxlen)
                    tmaxweight = max(tmaxweight, maxweight)
                tinfo = tipack(
                    False, tweight, n, tminlen or 0, tmaxlen, tmaxweight, docs[0], docs[-1]
                )
                tvalue = tinfo + pack_long(start) + pack_int(offset - start)
            # OrderedHashWriter.add
            tbytes = fieldkey + (key.encode("utf-8") if textual else key)
            keypos(toffset)
            h = int.from_bytes(md5(tbytes).digest()[12:], "big")  # filetables.md5_hash
            buckets[h & 255].append((h, toffset))
            twrite(lengths(len(tbytes), len(tvalue)) + tbytes + tvalue)
            toffset += 8 + len(tbytes) + len(tvalue)
        if tbytes:
            tindex.lastkey = tbytes
            _extend(tindex.index, starts)
        fw.finish_field()


def _extend(index: GrowableArray, nums: list[int]) -> None:
    """``index.extend(nums)`` for increasing ``nums``, in one C call."""
    try:
        array(index.typecode, nums[-1:])
    except OverflowError:
        index._retype(nums[-1])
    index.array.extend(nums)


def _write_hashes(hw: HashWriter) -> None:
    """``HashWriter._write_hashes`` (same tables, same bytes), one write per table.

    Whoosh packs and writes each slot separately: two calls a term.
    """
    dbfile = hw.dbfile
    for entries in hw.buckets:
        numslots = 2 * len(entries)
        hw.directory.append((dbfile.tell(), numslots))
        if not numslots:
            continue
        hashes = [0] * numslots
        places = [0] * numslots  # 0 = empty: no key starts at 0 (the header is there)
        for h, pos in entries:
            slot = (h >> 8) % numslots
            while places[slot]:
                slot = (slot + 1) % numslots
            hashes[slot] = h
            places[slot] = pos
        flat = [0] * (2 * numslots)
        flat[0::2] = hashes
        flat[1::2] = places
        dbfile.write(struct.pack("!" + "Iq" * numslots, *flat))


def write_toc(storage: Any, schema: Any, segments: list[Any]) -> None:
    """Make ``segments`` the index in ``storage`` (one new TOC generation)."""
    gen = TOC._latest_generation(storage, INDEXNAME) + 1
    TOC(schema, segments, gen).write(storage, INDEXNAME)
    clean_files(storage, INDEXNAME, gen, segments)  # old TOCs, empty segments' files


# ---- one or several processes -----------------------------------------------------


class Cancelled(Exception):
    """The caller's cancel flag was raised."""


def build(
    folder: Path,
    docs: Iterable[IndexDoc],
    *,
    total: int,
    procs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Index ``docs`` into the new, empty index at ``folder``; return how many.

    See :func:`build_segments`; the caller deletes ``folder`` on any exception.
    """
    from desk.core.search.index import _storage

    segments, n = build_segments(
        folder, docs, total=total, procs=procs, progress=progress, cancel=cancel
    )
    storage = _storage(folder, False)
    write_toc(storage, storage.open_index(INDEXNAME).schema, segments)
    shutil.rmtree(folder / f"{INDEXNAME}.tmp", ignore_errors=True)  # per-doc writers' temp
    return n


def build_segments(
    folder: Path,
    docs: Iterable[IndexDoc],
    *,
    total: int,
    procs: int = 1,
    limitmb: int = LIMIT_MB,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> tuple[list[Any], int]:
    """Write ``docs`` as new segments of the index at ``folder``, in no TOC yet.

    Returns the segments and how many documents they hold. ``procs`` > 1 splits
    the documents into that many contiguous runs of about ``total / procs`` and
    indexes each in a worker process; this process only reads ``docs`` and hands
    them over. Each builder starts a new segment when it holds about ``limitmb`` MB.
    Raises :class:`Cancelled` when ``cancel()`` says so. Files of segments that no
    TOC lists are deleted by the next commit (``clean_files``).
    """
    from desk.core.search.index import _storage

    storage = _storage(folder, False)
    schema = storage.open_index(INDEXNAME).schema
    limit = limitmb * 1024 * 1024
    procs = max(1, min(procs, total // (4 * BATCH)))
    if procs == 1:
        segments, n = _build_here(storage, schema, docs, total, limit, progress, cancel)
    else:
        segments, n = _build_parallel(folder, docs, total, procs, limit, progress, cancel)
    return [seg for seg in segments if seg.doc_count_all()], n


def _build_here(
    storage: Any,
    schema: Any,
    docs: Iterable[IndexDoc],
    total: int,
    limit: int,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> tuple[list[Any], int]:
    segments = []
    builder = SegmentBuilder(storage, schema)
    n = 0
    try:
        for d in docs:
            if n % 200 == 0:
                if cancel is not None and cancel():
                    raise Cancelled
                if progress is not None:
                    progress(n, total)
            builder.add(doc_fields(d))
            n += 1
            if builder.memory() > limit:
                segments.append(builder.finish())
                builder = SegmentBuilder(storage, schema)
    except BaseException:
        builder.discard()
        raise
    segments.append(builder.finish())
    return segments, n


def _build_parallel(
    folder: Path,
    docs: Iterable[IndexDoc],
    total: int,
    procs: int,
    limit: int,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> tuple[list[Any], int]:
    feed_dir = folder / FEED_DIR
    feed_dir.mkdir()
    workers: list[_Worker] = []
    try:
        for part in range(procs):
            workers.append(_Worker(folder, part, limit))

        def check() -> None:
            if cancel is not None and cancel():
                raise Cancelled
            for w in workers:
                w.poll()
            if progress is not None:
                progress(min(sum(w.done for w in workers), total), total)

        share = -(-total // procs)  # documents per run, rounded up
        batch: list[IndexDoc] = []
        cur = 0
        seq = 0

        def spill() -> None:
            nonlocal batch, seq
            name = feed_dir / f"{cur}-{seq}.pkl"
            seq += 1
            with open(name, "wb") as fh:
                pickle.dump(batch, fh, pickle.HIGHEST_PROTOCOL)
            workers[cur].send(str(name))
            batch = []
            check()

        n = 0
        for d in docs:
            part = min(n // share, procs - 1)
            if part != cur and batch:
                spill()
            cur = part
            batch.append(d)
            n += 1
            if len(batch) >= BATCH:
                spill()
        if batch:
            spill()
        for w in workers:
            w.send("end")
        while any(w.segments is None for w in workers):
            check()
            time.sleep(0.2)
        return [seg for w in workers for seg in w.segments or ()], n
    finally:
        for w in workers:
            w.stop()
        shutil.rmtree(feed_dir, ignore_errors=True)


class _Worker:
    """One builder process (``python -m desk.core.search.bulk``), seen from the caller.

    The protocol is lines of text: the caller sends batch file names and finally
    ``end``; the worker answers ``done <count>`` per batch and finally ``segments
    <file>`` (a pickled list of Whoosh segments). A worker whose input closes before
    ``end`` (the caller died) exits without writing anything more. Spawning a fresh
    interpreter, rather than ``multiprocessing``, keeps the caller's ``__main__``
    (a GUI, a test runner) out of the worker.
    """

    def __init__(self, folder: Path, part: int, limit: int) -> None:
        self.part = part
        self.done = 0
        self.segments: list[Any] | None = None
        self._log = folder / FEED_DIR / f"worker-{part}.log"
        with open(self._log, "wb") as err:
            self._proc = subprocess.Popen(
                workers.command("desk.core.search.bulk", str(folder), str(limit)),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                env=workers.environment(),
                text=True,
            )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def send(self, line: str) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(line + "\n")
            self._proc.stdin.flush()
        except OSError:
            self._proc.wait()  # it died: say why
            self._reader.join(5)
            self.poll()
            raise

    def poll(self) -> None:
        """Take in what the worker said; raise if it failed."""
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                return
            if line is None:
                if self.segments is None:
                    self._proc.wait()
                    log = self._log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(
                        f"index worker {self.part} exited ({self._proc.returncode}):\n{log}"
                    )
                return
            kind, _, arg = line.partition(" ")
            if kind == "done":
                self.done += int(arg)
            elif kind == "segments":
                with open(arg, "rb") as fh:
                    self.segments = pickle.load(fh)
                os.unlink(arg)

    def stop(self) -> None:
        proc = self._proc
        with contextlib.suppress(OSError):
            assert proc.stdin is not None
            proc.stdin.close()
        if self.segments is None and proc.poll() is None:
            proc.kill()
        proc.wait()
        self._reader.join(5)
        assert proc.stdout is not None
        proc.stdout.close()


def _worker_main(folder: Path, limit: int) -> int:
    """The worker process: index the batch files named on stdin (see ``_Worker``)."""
    from desk.core.search.index import _storage

    # Nothing here makes reference cycles, and the collector would walk the growing
    # postings lists again and again (about 15% of the time).
    gc.disable()
    storage = _storage(folder, False)
    schema = storage.open_index(INDEXNAME).schema
    segments = []
    builder = SegmentBuilder(storage, schema)
    for line in sys.stdin:
        name = line.rstrip("\n")
        if name == "end":
            break
        with open(name, "rb") as fh:
            docs = pickle.load(fh)
        os.unlink(name)
        for d in docs:
            builder.add(doc_fields(d))
            if builder.memory() > limit:
                segments.append(builder.finish())
                builder = SegmentBuilder(storage, schema)
        print("done", len(docs), flush=True)
    else:
        return 1  # the caller is gone, and its folder with it
    segments.append(builder.finish())
    result = folder / FEED_DIR / f"segments-{os.getpid()}.pkl"
    with open(result, "wb") as fh:
        pickle.dump(segments, fh, pickle.HIGHEST_PROTOCOL)
    print("segments", result, flush=True)
    return 0


def default_procs(total: int) -> int:
    """Worker processes for a rebuild of ``total`` passages: two from PARALLEL_MIN on
    (starting a process costs about half a second), if the machine has two cores
    and processes can be started (not in a frozen app)."""
    if not workers.can_start():
        return 1
    return 2 if workers.cores() >= 2 and total >= PARALLEL_MIN else 1


if __name__ == "__main__":
    sys.exit(_worker_main(Path(sys.argv[1]), int(sys.argv[2])))
