"""The Desk query language, parsed by hand into Whoosh queries (pure: no index access).

Grammar (implicit AND between terms; ``AND``/``OR``/``NOT`` are upper case)::

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary ("AND"? unary)*
    unary   := "NOT" unary | "-" atom | atom
    atom    := "(" or_expr ")" | field ":" (value | "(" or_expr ")") | phrase | word

A word may end in ``*`` (prefix), contain ``*``/``?`` (wildcard) or end in ``~`` /
``~N`` (fuzzy). Anything the grammar refuses is searched as plain words, with one
notice saying why; :func:`parse` never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desk.core.search.analysis import FA_PLURALS, iter_pieces
from desk.core.search.schema import date_range
from desk.core.text import fold

MAX_QUERY_CHARS = 1000
MAX_TERMS = 40
_REL = "ABCDEF"
_CRED = "123456"
_CMP_RE = re.compile(r"^(<=|>=|<|>|=)?(.*)$", re.S)
_GRADE_RE = re.compile(r"^([A-Fa-f?])?([1-6?])?$")
_FIELD_RE = re.compile(r"^([A-Za-z_]+):(.*)$", re.S)
_OPS = ("AND", "OR", "NOT")
TEXT_FIELDS = ("title", "body")
KNOWN_FIELDS = frozenset(
    {
        "title", "body", "tag", "source", "publisher", "entity", "lang",
        "reliability", "credibility", "grade", "published", "clipped", "is", "has",
        "note", "notes", "annotation",
    }
)  # fmt: skip

Expand = Callable[[str], list[str]]


class QuerySyntaxError(ValueError):
    """Raised inside the parser; :func:`parse` turns it into a notice."""


@dataclass(frozen=True)
class QueryFilter:
    """Browse-pane restrictions AND'ed with the typed query (None/False = no restriction).

    Attributes:
        tag: a tag path; matches the tag and its descendants.
        source_id: the store id of a source.
        entity: an entity key.
        trashed: show only the trash (the default excludes it).
        untagged: only passages without tags.
        clipped_since: ISO date or timestamp; passages clipped on or after that day.
        extra: more query text in the query language, parsed like the search box.
    """

    tag: str | None = None
    source_id: int | None = None
    entity: str | None = None
    trashed: bool = False
    untagged: bool = False
    clipped_since: str | None = None
    extra: str | None = None


@dataclass
class ParsedQuery:
    """The outcome of parsing: an AST that compiles to exact or fuzzy Whoosh queries."""

    node: Any  # None for the empty query
    notices: list[str] = field(default_factory=list)
    include_trashed: bool = False
    words: list[str] = field(default_factory=list)  # folded surface words, to highlight
    plain: bool = False  # fell back to plain words


# ---- AST ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None  # None = the default fields
    phrase: bool = False
    fuzzy: int | None = None  # explicit ~N (0 = auto)


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: str


@dataclass(frozen=True)
class Not:
    child: Any


@dataclass(frozen=True)
class And:
    children: tuple[Any, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Any, ...]


# ---- lexer --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE LP RP OP NEG FIELD
    value: str = ""
    field: str | None = None


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            toks.append(_Tok("LP"))
            i += 1
        elif c == ")":
            toks.append(_Tok("RP"))
            i += 1
        elif c == '"':
            j = text.find('"', i + 1)
            if j < 0:
                raise QuerySyntaxError("unbalanced quote")
            toks.append(_Tok("PHRASE", text[i + 1 : j]))
            i = j + 1
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != ")":
            toks.append(_Tok("NEG"))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            chunk = text[i:j]
            i = j
            if chunk in _OPS:
                toks.append(_Tok("OP", chunk))
                continue
            m = _FIELD_RE.match(chunk)
            if m:
                name, rest = m.group(1).lower(), m.group(2)
                if not rest and i < n and text[i] in '"(':
                    toks.append(_Tok("FIELD", field=name))
                    continue
                toks.append(_Tok("WORD", rest, field=name))
                continue
            toks.append(_Tok("WORD", chunk))
    return toks


# ---- parser -------------------------------------------------------------------------


class _Parser:
    def __init__(self, toks: list[_Tok], notices: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.notices = notices

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Any:
        if not self.toks:
            return None
        node = self.or_expr()
        if self.peek() is not None:
            raise QuerySyntaxError("unbalanced parenthesis")
        return node

    def or_expr(self) -> Any:
        parts = [self.and_expr()]
        while (t := self.peek()) is not None and t.kind == "OP" and t.value == "OR":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Any:
        parts = [self.unary()]
        while (t := self.peek()) is not None and t.kind != "RP":
            if t.kind == "OP" and t.value == "OR":
                break
            if t.kind == "OP" and t.value == "AND":
                self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Any:
        t = self.peek()
        if t is None:
            raise QuerySyntaxError("operator without a term")
        if (t.kind == "OP" and t.value == "NOT") or t.kind == "NEG":
            self.take()
            return Not(self.unary() if t.kind == "OP" else self.atom())
        return self.atom()

    def atom(self, fieldname: str | None = None) -> Any:
        t = self.peek()
        if t is None:
            raise QuerySyntaxError("operator without a term")
        if t.kind == "LP":
            self.take()
            if (nxt := self.peek()) is not None and nxt.kind == "RP":
                raise QuerySyntaxError("empty parentheses")
            saved = getattr(self, "_field", None)
            self._field = fieldname
            node = self.or_expr()
            self._field = saved
            if (close := self.peek()) is None or close.kind != "RP":
                raise QuerySyntaxError("unbalanced parenthesis")
            self.take()
            return node
        if t.kind in ("RP", "OP"):
            raise QuerySyntaxError(
                "unbalanced parenthesis" if t.kind == "RP" else "operator without a term"
            )
        if t.kind == "NEG":
            raise QuerySyntaxError("operator without a term")
        self.take()
        ctx = fieldname or getattr(self, "_field", None)
        if t.kind == "FIELD":
            if t.field not in KNOWN_FIELDS:
                self.notices.append(f"Unknown field '{t.field}:' searched as words")
                return self.atom(None)
            nxt = self.peek()
            if nxt is not None and nxt.kind == "PHRASE":
                self.take()
                return _field_node(t.field or "", nxt.value, True, self.notices)
            return self.atom(t.field)
        if t.kind == "PHRASE":
            return (
                _field_node(ctx, t.value, True, self.notices) if ctx else Word(t.value, None, True)
            )
        if t.field is not None:
            if t.field not in KNOWN_FIELDS:
                if t.field.isalpha():
                    self.notices.append(f"Unknown field '{t.field}:' searched as words")
                return _word(f"{t.field} {t.value}", None)
            return _field_node(t.field, t.value, False, self.notices)
        if ctx:
            return _field_node(ctx, t.value, False, self.notices)
        return _word(t.value, None)


def _word(raw: str, fieldname: str | None) -> Word | None:
    raw = raw.rstrip("?") if raw.rstrip("?") else raw
    fuzzy = None
    m = re.match(r"^(.*?)~(\d?)$", raw, re.S)
    if m and m.group(1):
        raw, fuzzy = m.group(1), int(m.group(2) or 0)
    core = raw.replace("*", "").replace("?", "").replace("~", "")
    if not any(ch.isalnum() for ch in core):
        if any(ch in "*?~" for ch in raw):
            raise QuerySyntaxError("bare wildcard" if "~" not in raw else "bare operator")
        return None  # punctuation only
    return Word(raw, fieldname, False, fuzzy)


def _field_node(name: str, value: str, phrase: bool, notices: list[str]) -> Any:
    if name in ("note", "notes", "annotation"):
        name = "notes"
    if name in ("title", "body", "notes", "publisher"):
        return Word(value, name, True) if phrase else _word(value, name)
    if name in ("tag", "source", "entity", "lang"):
        if not value.strip():
            raise QuerySyntaxError(f"empty {name}:")
        return Filter(name, "=", value)
    if name in ("is", "has"):
        v = fold(value).strip()
        key = {"trashed": "trashed", "trash": "trashed", "untagged": "untagged",
               "ungraded": "ungraded", "annotation": "annotated", "annotations": "annotated",
               "annotated": "annotated", "note": "annotated", "notes": "annotated"}.get(v)  # fmt: skip
        if key is None:
            notices.append(f"Unknown '{name}:{value}' searched as words")
            return _word(f"{name} {value}" if value else name, None)
        return Filter("flag", "=", key)
    m = _CMP_RE.match(value.strip())
    op, val = (m.group(1) or "=", m.group(2).strip()) if m else ("=", value)
    if name == "reliability" and len(val) == 1 and val.upper() in _REL + "?":
        return Filter("rel", op, val.upper())
    if name == "credibility" and len(val) == 1 and val in _CRED + "?":
        return Filter("cred", op, val)
    if name == "grade":
        g = _GRADE_RE.match(val)
        if g and (g.group(1) or g.group(2)):
            parts = []
            if g.group(1):
                parts.append(Filter("rel", op, g.group(1).upper()))
            if g.group(2):
                parts.append(Filter("cred", op, g.group(2)))
            return parts[0] if len(parts) == 1 else And(tuple(parts))
    if name in ("published", "clipped") and date_range(val):
        return Filter(name, op, val)
    notices.append(f"Could not read '{name}:{value}'; searched as words")
    return _word(value or name, None) if any(c.isalnum() for c in value) else _word(name, None)


# ---- sanitising and the fallback --------------------------------------------------------

_BAD_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _sanitize(text: str, notices: list[str]) -> tuple[str, str | None]:
    reason = None
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        reason = "query too long"
    cleaned = text.encode("utf-8", "replace").decode("utf-8")
    if cleaned != text:
        reason = reason or "invalid characters"
    text = _BAD_CHARS.sub(" ", cleaned)
    return _FA_SUFFIX_GAP.sub("\u200c", text), reason


# "پاسگاه ها": a Persian plural ending typed after a space instead of a zero-width
# non-joiner belongs to the word before it, as the index reads it.
_FA_SUFFIX_GAP = re.compile(
    r"(?<=[\u0600-\u06ff])[ \t]+(?=(?:" + "|".join(FA_PLURALS) + r")(?![\u0600-\u06ff]))"
)


def _plain_words(text: str) -> Any:
    words = [
        w
        for w in re.split(r"[\s\"()*~:?]+|(?<!\w)-", text)
        if w and w not in _OPS and any(c.isalnum() for c in w)
    ]
    nodes = [Word(w) for w in words[:MAX_TERMS]]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def parse(text: str) -> ParsedQuery:
    """Parse ``text``; never raises. Unparseable input becomes plain words plus a notice."""
    notices: list[str] = []
    try:
        text = text if isinstance(text, str) else str(text)
        clean, reason = _sanitize(text, notices)
        node: Any = None
        plain = False
        if reason is None:
            try:
                node = _Parser(_lex(clean), notices).parse()
            except QuerySyntaxError as exc:
                reason = str(exc)
            except RecursionError:
                reason = "too deeply nested"
        if reason is not None:
            notices[:] = [f"Searched as plain words: {reason}"]
            node = _plain_words(clean)
            plain = True
        return ParsedQuery(
            node,
            notices,
            include_trashed=_mentions_trash(node),
            words=_surface_words(node),
            plain=plain,
        )
    except Exception as exc:  # the parser must never take the search box down
        return ParsedQuery(None, [f"Searched as plain words: {type(exc).__name__}"], plain=True)


def _mentions_trash(node: Any) -> bool:
    if isinstance(node, Filter):
        return node.field == "flag" and node.value == "trashed"
    if isinstance(node, (And, Or)):
        return any(_mentions_trash(c) for c in node.children)
    if isinstance(node, Not):
        return _mentions_trash(node.child)
    return False


def _surface_words(node: Any, out: list[str] | None = None) -> list[str]:
    out = [] if out is None else out
    if isinstance(node, Word):
        text = node.text.replace("*", " ").replace("?", " ").split("~")[0]
        for p in iter_pieces(text, stem=False):
            if p.text not in out:
                out.append(p.text)
    elif isinstance(node, (And, Or)):
        for c in node.children:
            _surface_words(c, out)
    return out
