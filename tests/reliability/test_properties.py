"""Property tests: random edit sequences over a real library keep it whole (T17, T26).

A hypothesis state machine clips, updates, tags, untags, annotates, links,
unlinks, trashes, restores, undoes and reindexes with text from every script
we care about (Cyrillic and Tajik letters, Chinese, Arabic/Persian with ZWNJ
and RTL marks, combining marks, emoji) and NUL characters in bodies. After
every step: the database passes its integrity check, the index holds exactly
the database's passages with the same update stamps, and every live passage is
found by a unique word it contains (and no trashed one is).

NUL: the core keeps a NUL in a body (and in a title derived from it) as an
ordinary character; tags refuse it with a ``UserError``. Neither corrupts
anything, which is what this test holds it to.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from desk.core.errors import UserError
from desk.library import Library

FRAGMENTS = [
    "Ҷумҳурии Тоҷикистон",
    "Хоруғ ва Ишкошим",
    "Пограничная застава",
    "邊境",
    "边境巡逻",
    "中塔安全合作",
    "می‌شود",
    "مرز\u200cها",
    "\u200fمرز\u200f",
    "\u202eRTL override\u202c",
    "e\u0301te\u0301",
    "Å\u030a",
    "😀🇹🇯",
    "👩‍👩‍👧",
    "Wakhan corridor",
    "Ӯ ӯ Ғ ғ Қ қ Ҳ ҳ Ҷ ҷ",
]

words = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=8,
    ),
)
texts = st.lists(words, min_size=1, max_size=4).map(" ".join)
bodies = st.tuples(texts, st.booleans()).map(lambda t: t[0] + (" a\x00b" if t[1] else ""))
tag_texts = st.one_of(
    st.sampled_from(["actor/china", "Ҷо/边境", "place/Хоруғ", "مرز/می‌شود", "emoji/😀"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)
TOKEN = re.compile(r"\bzq\d+w\b")


class LibraryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="desk-prop-"))
        self.lib: Library | None = None
        self.n = 0

    def teardown(self) -> None:
        if self.lib is not None:
            self.lib.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @initialize()
    def open_library(self) -> None:
        self.lib = Library.open(self.dir / "lib")

    def _token(self) -> str:
        self.n += 1
        return f"zq{self.n}w"

    def _ids(self, trashed: bool | None = None) -> list[str]:
        assert self.lib is not None
        return self.lib.store.passage_ids(trashed=trashed)

    def _pick(self, data: st.DataObject, trashed: bool | None = None) -> str:
        return data.draw(st.sampled_from(sorted(self._ids(trashed))))

    # -- operations ----------------------------------------------------

    @rule(body=bodies, title=st.one_of(st.none(), texts))
    def clip(self, body: str, title: str | None) -> None:
        assert self.lib is not None
        self.lib.clip(f"{body} {self._token()}", title=title)

    @precondition(lambda self: self.lib is not None and self._ids())
    @rule(data=st.data(), body=bodies)
    def update(self, data: st.DataObject, body: str) -> None:
        assert self.lib is not None
        self.lib.update(self._pick(data), body=f"{self._token()} {body}")

    @precondition(lambda self: self.lib is not None and self._ids())
    @rule(data=st.data(), tag=tag_texts)
    def tag(self, data: st.DataObject, tag: str) -> None:
        assert self.lib is not None
        # Not a usable tag (empty, NUL, too long) is refused and writes nothing.
        with contextlib.suppress(UserError):
            self.lib.tag(self._pick(data), [tag])

    @precondition(lambda self: self.lib is not None and self._ids())
    @rule(data=st.data())
    def untag(self, data: st.DataObject) -> None:
        assert self.lib is not None
        pid = self._pick(data)
        tags = self.lib.store.passage_tags(pid)
        if tags:
            self.lib.untag(pid, [data.draw(st.sampled_from(tags))])

    @precondition(lambda self: self.lib is not None and self._ids())
    @rule(data=st.data(), text=bodies)
    def annotate(self, data: st.DataObject, text: str) -> None:
        assert self.lib is not None
        try:
            self.lib.annotate(self._pick(data), text)
        except UserError:
            assert not text.strip()

    @precondition(lambda self: self.lib is not None and len(self._ids()) >= 2)
    @rule(data=st.data(), kind=st.sampled_from(["relates", "supports", "contradicts"]))
    def link(self, data: st.DataObject, kind: str) -> None:
        assert self.lib is not None
        a, b = data.draw(
            st.lists(st.sampled_from(self._ids()), min_size=2, max_size=2, unique=True)
        )
        self.lib.link(a, b, kind, note=data.draw(st.one_of(st.none(), texts)))

    @precondition(lambda self: self.lib is not None and self.lib.store.all_links())
    @rule(data=st.data())
    def unlink(self, data: st.DataObject) -> None:
        assert self.lib is not None
        a, b, _, _ = data.draw(st.sampled_from(self.lib.store.all_links()))
        self.lib.unlink(a, b)

    @precondition(lambda self: self.lib is not None and self._ids(False))
    @rule(data=st.data())
    def trash(self, data: st.DataObject) -> None:
        assert self.lib is not None
        self.lib.trash([self._pick(data, False)])

    @precondition(lambda self: self.lib is not None and self._ids(True))
    @rule(data=st.data())
    def restore(self, data: st.DataObject) -> None:
        assert self.lib is not None
        self.lib.restore([self._pick(data, True)])

    @precondition(lambda self: self.lib is not None)
    @rule()
    def undo(self) -> None:
        assert self.lib is not None
        try:
            self.lib.undo()
        except UserError:
            assert self.lib.undo_status()[0] is None

    @precondition(lambda self: self.lib is not None)
    @rule()
    def reindex(self) -> None:
        assert self.lib is not None
        assert self.lib.reindex()

    # -- what must always hold -----------------------------------------

    @invariant()
    def database_and_index_agree(self) -> None:
        if self.lib is None:
            return
        assert self.lib.store.integrity_check() == []
        assert self.lib.index.ids() == self.lib.store.passage_stamps()

    @invariant()
    def every_live_passage_is_found_by_its_word(self) -> None:
        if self.lib is None:
            return
        trashed = set(self._ids(True))
        for pid in self._ids(False):
            body = self.lib.get(pid).body
            for token in TOKEN.findall(body):
                hits = {h.id for h in self.lib.search(token, limit=None).hits}
                assert pid in hits, f"{pid} not found by {token!r}"
                assert not hits & trashed, "a trashed passage came up in search"


LibraryMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_t17_t26_random_edits_keep_database_and_index_whole = LibraryMachine.TestCase
