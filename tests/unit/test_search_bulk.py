"""Bulk indexing (desk.core.search.bulk): same index as Whoosh's writer, in one
process or several, and a rebuild that fails, is cancelled or is killed cleanly."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import subprocess
import sys
import time
from array import array
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.core.search import SearchIndex, bulk
from desk.core.search.analysis import index_terms, iter_tuples
from desk.core.search.index import _storage
from desk.core.search.schema import doc_fields, make_schema
from desk.core.types import IndexDoc
from tests.perf.corpus import generate

QUERIES = [
    "border", "security cooperation", '"joint patrol"', "title:border", "tag:place/gbao",
    "grade:B2 border", "published:2021 drone", "lang:ru", "Таджикистане", "边境", "secur*",
    "smugling", "", "entity:rahmon", "source:reuters", "notes:check",
]  # fmt: skip


@given(st.text())
def test_index_terms_are_the_tokenizer_terms(text: str) -> None:
    assert index_terms(text) == [t for t, *_ in iter_tuples(text)]


def test_index_terms_examples() -> None:
    text = "Tajik-Afghan\x00 ﬁne İstanbul Straße 边境塔吉克斯坦 东 Таджикистане ҳукумат"
    assert index_terms(text) == [t for t, *_ in iter_tuples(text)]
    assert index_terms("Border clashes") == ["border", "clash"]


def _docs(n: int) -> list[IndexDoc]:
    docs = list(generate(n))
    # Cover the fields the generated corpus leaves empty.
    docs[1] = dataclasses.replace(docs[1], annotations="Check this; check it twice.")
    docs[2] = dataclasses.replace(docs[2], entities=("rahmon",), entity_names=("Rahmon",))
    return docs


def _new_index(path: Path) -> tuple[object, object]:
    path.mkdir()
    storage = _storage(path, False)
    return storage, storage.create_index(make_schema())


def _files(path: Path) -> dict[str, str]:
    """Segment files by extension (segment names are random), with their hashes."""
    out = {}
    for f in path.iterdir():
        if f.is_file() and not f.name.endswith((".toc", "LOCK")):
            out[f.name[f.name.index(".") :]] = hashlib.sha1(f.read_bytes()).hexdigest()
    return out


def _f32(x: float) -> float:
    return array("f", [x])[0]


def _postings(path: Path) -> dict[tuple[str, bytes], object]:
    """Every term's statistics and postings as Whoosh's reader reports them.

    A block's max weight is compared as the float32 the terms file holds: an
    inlined posting list has no block header keeping the exact value.
    """
    r = _storage(path, True).open_index().reader()
    out: dict[tuple[str, bytes], object] = {}
    for name in r.schema.names():
        if not r.schema[name].indexed:
            continue
        for t in r.lexicon(name):
            ti = r.term_info(name, t)
            m = r.postings(name, t)
            got = []
            while m.is_active():
                got.append((m.id(), m.weight(), m.value(), m.block_min_length(),
                            m.block_max_length(), _f32(m.block_max_weight())))  # fmt: skip
                m.next()
            out[name, t] = (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length(),
                            ti.max_weight(), ti.min_id(), ti.max_id(), got)  # fmt: skip
    r.close()
    return out


def _build_both(tmp_path: Path, docs: list[IndexDoc]) -> tuple[Path, Path]:
    a, b = tmp_path / "whoosh", tmp_path / "bulk"
    _, ix = _new_index(a)
    w = ix.writer(compound=False)  # type: ignore[attr-defined]
    for d in docs:
        w.add_document(**doc_fields(d))
    w.commit()
    storage, ix = _new_index(b)
    builder = bulk.SegmentBuilder(storage, ix.schema)  # type: ignore[attr-defined]
    for d in docs:
        builder.add(doc_fields(d))
    bulk.write_toc(storage, ix.schema, [builder.finish()])  # type: ignore[attr-defined]
    return a, b


def test_builder_writes_what_whoosh_writes(tmp_path: Path) -> None:
    a, b = _build_both(tmp_path, _docs(200))
    assert _postings(a) == _postings(b)
    # Only the postings and terms files differ: short posting lists are inlined in
    # the terms file and blocks are pickled with protocol 4 (Whoosh: 2).
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    assert {k for k in fa if fa[k] != fb[k]} == {".pst", ".trm"}
    ra, rb = (_storage(p, True).open_index().reader() for p in (a, b))
    assert list(ra.all_stored_fields()) == list(rb.all_stored_fields())
    assert ra.segment()._fieldlengths == rb.segment()._fieldlengths
    ra.close()
    rb.close()


def test_short_posting_lists_are_inlined(tmp_path: Path) -> None:
    _, b = _build_both(tmp_path, _docs(200))
    r = _storage(b, True).open_index().reader()
    inlined = {True: 0, False: 0}
    for name in ("all", "id", "title"):
        for t in r.lexicon(name):
            ti = r.term_info(name, t)
            assert ti.is_inlined() == (ti.doc_frequency() <= bulk.INLINE)
            inlined[ti.is_inlined()] += 1
    assert inlined[True] > inlined[False] > 0
    r.close()


def test_sort_keys_are_columns_only(tmp_path: Path) -> None:
    """Sort keys and the update stamp have no postings, but their columns read back."""
    docs = _docs(30)
    _, b = _build_both(tmp_path, docs)
    r = _storage(b, True).open_index().reader()
    for name in ("upd", "clip_key", "pub_key", "title_key", "source_key"):
        assert not r.schema[name].indexed
        assert list(r.lexicon(name)) == []
    assert list(r.column_reader("upd")) == [d.updated or "" for d in docs]
    assert list(r.column_reader("clip_key")) == [d.clipped or "" for d in docs]
    r.close()


def test_hash_tables_are_whooshs(tmp_path: Path) -> None:
    import random

    from whoosh.filedb.filetables import HashWriter, OrderedHashReader, OrderedHashWriter
    from whoosh.filedb.structfile import StructFile

    rng = random.Random(5)
    keys = sorted({rng.randbytes(rng.randrange(1, 12)) for _ in range(3000)})
    out = {}
    for fast in (False, True):
        path = tmp_path / f"hash{fast}"
        hw = OrderedHashWriter(StructFile(path.open("wb")))
        if fast:
            hw._write_hashes = lambda hw=hw: bulk._write_hashes(hw)
        for k in keys:
            hw.add(k, k[::-1])
        HashWriter.close(hw)
        out[fast] = path.read_bytes()
    assert out[True] == out[False]
    hr = OrderedHashReader(StructFile((tmp_path / "hashTrue").open("rb")))
    assert all(hr[k] == k[::-1] for k in keys[::7])
    hr.close()


def test_extend_retypes_like_growable_array() -> None:
    from whoosh.util.numlists import GrowableArray

    for nums in ([1, 2, 3], [5, 70_000, 80_000], [3, 2**31 + 5], [1, 2**33]):
        a, b = GrowableArray("H"), GrowableArray("H")
        a.extend(nums)
        bulk._extend(b, nums)
        assert (a.typecode, list(a)) == (b.typecode, list(b))


def _results(ix: SearchIndex) -> list[object]:
    out = []
    for q in QUERIES:
        for sort in ("relevance", "newest", "title"):
            res = ix.search(q, limit=None, sort=sort)
            out.append((q, sort, res.total, [(h.id, round(h.score, 9)) for h in res.hits]))
    return out


def test_parallel_rebuild_gives_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 25)  # three workers from 300 passages
    docs = _docs(700)
    one = SearchIndex.open(tmp_path / "one")
    seen: list[tuple[int, int]] = []
    assert one.rebuild(docs, total=len(docs), generation=3, procs=1)
    three = SearchIndex.open(tmp_path / "three")
    assert three.rebuild(
        iter(docs), total=len(docs), generation=3, procs=3, progress=lambda *a: seen.append(a)
    )
    assert one.segment_count() == 1 and three.segment_count() == 3
    assert three.doc_count() == one.doc_count() == 700
    assert three.ids() == one.ids()
    assert _results(three) == _results(one)
    assert seen[-1] == (700, 700) and all(b == 700 for _, b in seen)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one", "three"]
    assert not any(p.is_dir() for p in (tmp_path / "three").iterdir())
    # Edits after a parallel rebuild work as after any other.
    d = dataclasses.replace(docs[5], body=docs[5].body + " zqedit")
    three.upsert([d], generation=4)
    assert [h.id for h in three.search("zqedit").hits] == [d.id]
    one.close()
    three.close()


def test_parallel_rebuild_with_a_wrong_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 25)
    docs = _docs(300)
    ix = SearchIndex.open(tmp_path / "index")
    assert ix.rebuild(docs, total=1000, generation=1, procs=2)  # the second worker gets none
    assert ix.doc_count() == 300 and ix.segment_count() == 1
    assert ix.rebuild(docs, total=200, generation=2, procs=2)  # the last takes the rest
    assert ix.doc_count() == 300 and ix.segment_count() == 2
    ix.close()


def test_parallel_rebuild_cancel_and_failure_keep_the_old_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 25)
    docs = _docs(300)
    ix = SearchIndex.open(tmp_path / "index")
    assert ix.rebuild(docs[:50], total=50, generation=1)
    calls = []
    assert not ix.rebuild(docs, total=300, generation=2, procs=2,
                          cancel=lambda: calls.append(1) or len(calls) > 3)  # fmt: skip
    assert ix.generation == 1 and ix.doc_count() == 50
    assert not (tmp_path / "index.new").exists()
    bad = [*docs[:200], dataclasses.replace(docs[200], title=None), *docs[201:]]
    with pytest.raises(RuntimeError, match="index worker 1"):
        ix.rebuild(bad, total=300, generation=2, procs=2)
    assert ix.generation == 1 and ix.doc_count() == 50
    assert not (tmp_path / "index.new").exists()
    assert not _workers(tmp_path)
    ix.close()


def _workers(path: Path) -> list[int]:
    """Live worker processes building an index under ``path``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            mine = b"desk.core.search.bulk" in cmd and str(path).encode() in b" ".join(cmd)
            if mine and state != "Z":
                pids.append(int(proc.name))
    return pids


KILLED = """
import sys
from pathlib import Path
from desk.core.search import SearchIndex, bulk
from tests.perf.corpus import generate

bulk.BATCH = 25
docs = list(generate(3000))
ix = SearchIndex.open(Path(sys.argv[1]))
print("START", flush=True)
ix.rebuild(docs, total=len(docs), generation=2, procs=2)
print("SURVIVED", flush=True)
"""


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_killed_parallel_rebuild_leaves_no_workers(tmp_path: Path) -> None:
    path = tmp_path / "index"
    ix = SearchIndex.open(path)
    assert ix.rebuild(_docs(20), total=20, generation=1)
    ix.close()
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(path)], cwd=root,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "START"
    deadline = time.monotonic() + 60
    while len(_workers(tmp_path)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_workers(tmp_path)) == 2
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    deadline = time.monotonic() + 20
    while _workers(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _workers(tmp_path)
    again = SearchIndex.open(path)
    assert again.status == "ok" and again.generation == 1 and again.doc_count() == 20
    assert not (tmp_path / "index.new").exists()
    again.close()


@pytest.mark.parametrize("procs", [1, 2])
def test_big_upserts_are_built_in_bulk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    import desk.core.search.index as index_module

    monkeypatch.setattr(index_module, "BULK", 100)
    monkeypatch.setattr(bulk, "BATCH", 25)
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 200 if procs == 2 else 10**9)
    docs = _docs(400)
    rebuilt = SearchIndex.open(tmp_path / "rebuilt")
    assert rebuilt.rebuild(docs, total=len(docs), generation=1, procs=1)
    ix = SearchIndex.open(tmp_path / "index")
    ix.upsert(docs[:10], generation=1)  # a small one first: Whoosh's writer
    ix.upsert(docs[10:], generation=2)
    assert ix.segment_count() == 1 + procs and ix.generation == 2
    assert ix.ids() == rebuilt.ids()
    assert [r[2] for r in _results(ix)] == [r[2] for r in _results(rebuilt)]  # totals
    # Replacing every passage leaves one copy of each, the new one.
    edited = [dataclasses.replace(d, body=d.body + " zqbulk") for d in docs]
    ix.upsert(edited, generation=3)
    live = sum(not d.trashed for d in docs)
    assert ix.doc_count() == 400 and ix.search("zqbulk").total == live
    assert not (tmp_path / "index" / bulk.FEED_DIR).exists()
    reopened = SearchIndex.open(tmp_path / "index")
    assert reopened.status == "ok" and reopened.generation == 3
    assert reopened.search("zqbulk").total == live
    for i in (ix, reopened, rebuilt):
        i.close()
