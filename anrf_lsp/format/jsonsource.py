"""JSON text -> Python values plus a map from JSON paths to source spans.

Why two parsers: a valid document takes the C `json` fast path, and its span
index is built lazily, only when something asks for a position (usually a
finding), and only as far as that position (`_LazyContainer`). A broken
document goes through a tolerant pure-Python parser that reports every syntax
error, never recurses (so 100,000 levels of nesting are fine), and recovers a
partial tree so hover, symbols and completion keep working on half-typed text.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right, insort
from dataclasses import dataclass, field
from itertools import accumulate, count
from json.decoder import scanstring
from operator import add
from typing import Any

from .findings import Position, Range

Path = tuple[str | int, ...]

MAX_DEPTH = 256  # ANRF documents are ~6 levels deep; deeper input is hostile or broken
MAX_SYNTAX_ERRORS = 50
# Above this size a broken document gets one precise error instead of full recovery,
# so a huge broken file cannot stall the tools.
MAX_RECOVERY_CHARS = 4_000_000

_WS = re.compile(r"[ \t\n\r]*")
_SEP = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*")  # after a member: whitespace and its comma
_KEY = re.compile(r'"([^"\\]*)"[ \t\n\r]*:[ \t\n\r]*')  # a key without escapes and its colon
_decoder = json.JSONDecoder()
_scan_once = _decoder.scan_once  # C scanner: (value, end) of the JSON value at an offset


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character offsets [start, end) into the text."""

    start: int
    end: int


@dataclass(slots=True)
class Member:
    key_span: Span | None  # None for array elements
    value_span: Span


class ContainerIndex:
    """The direct members of one object or array, with their spans."""

    __slots__ = ("_members", "_span", "is_object")

    def __init__(self, is_object: bool, span: Span, members: dict[str, Member] | list[Member]):
        self.is_object = is_object
        self._span = span
        self._members = members

    @property
    def span(self) -> Span:
        return self._span

    @property
    def members(self) -> dict[str, Member] | list[Member]:
        return self._members

    def get(self, part: str | int) -> Member | None:
        """The member at key or array position `part` (an int names an object key as its digits,
        a digit string an array position). For a duplicated key, the last one, as JSON parsers read it."""
        part = _part(self.is_object, part)
        if part is None:
            return None
        if self.is_object:
            return self.members.get(part)  # type: ignore[union-attr, arg-type]
        members: list[Member] = self._members  # type: ignore[assignment]
        return members[part] if part < len(members) else None  # type: ignore[operator, index]

    def __repr__(self) -> str:
        return f"ContainerIndex(is_object={self.is_object!r}, span={self.span!r}, members={self.members!r})"


def _part(is_object: bool, part: str | int) -> str | int | None:
    """`part` as an object key or an array position, None when it cannot be one."""
    if is_object:
        return part if isinstance(part, str) else str(part)
    if isinstance(part, str):
        return int(part) if part.isascii() and part.isdigit() else None
    return part if isinstance(part, int) and part >= 0 else None


class _LazyContainer(ContainerIndex):
    """A container of a valid JSON text, read only as far as lookups need.

    Member values are skipped with the C scanner, and the member a path descends
    through is not read at all: it becomes the `_pending` child, whose end is taken
    from the child once reading goes on. So locating something early in a big
    layer (or in an earlier layer) never decodes what follows it. `members`,
    `span` and object lookups (`get`) read to the end, so a duplicated key
    resolves to its last occurrence, as the model does; only descending along a
    path (`open`) may take an earlier occurrence, to stay lazy.
    """

    __slots__ = ("_pending", "_pos", "_text")

    def __init__(self, text: str, start: int, members: dict[str, Member] | list[Member]):
        super().__init__(text[start] == "{", Span(start, start), members)
        self._text = text
        self._pos = _WS.match(text, start + 1).end()  # type: ignore[union-attr]  # next member or the closer; -1: all read
        # (key or position, key span, value offset, child container) of the member descended into
        self._pending: tuple[str | int, Span | None, int, _LazyContainer] | None = None

    @staticmethod
    def at(text: str, start: int) -> _LazyContainer:
        """The lazily read container whose opening bracket is at `start`."""
        return _LazyObject(text, start) if text[start] == "{" else _LazyArray(text, start)

    @property
    def span(self) -> Span:
        if self._pos >= 0:
            self._read_to(None)
        return self._span

    def open(self, part: str | int) -> _LazyContainer | None:
        """The container value of member `part` (first occurrence), reading no further than its key;
        None when there is no such member or its value is not an object or array."""
        part = _part(self.is_object, part)
        if part is None:
            return None
        if self._pending is not None and self._pending[0] == part:
            return self._pending[3]
        text = self._text
        start = self._known_start(part)
        if start is None:
            found = self._read_to(part)
            if found is None:
                return None
            key_span, start = found
            if text[start] in "{[":
                child = _LazyContainer.at(text, start)
                self._pending = (part, key_span, start, child)
                return child
            self._advance(part, key_span, start, _scan_once(text, start)[1])
            return None
        return _LazyContainer.at(text, start) if text[start] in "{[" else None

    def _settle(self) -> None:
        """Record the member descended into; its end is the child's (read to its end)."""
        key, key_span, start, child = self._pending  # type: ignore[misc]
        self._pending = None
        self._advance(key, key_span, start, child.span.end)

    def _advance(self, key: str | int, key_span: Span | None, start: int, end: int) -> None:
        """Record the member whose value spans [start, end) and move past it."""
        self._record(key, key_span, start, end)
        self._pos = _SEP.match(self._text, end).end()  # type: ignore[union-attr]

    def _closed(self, i: int) -> None:
        self._span = Span(self._span.start, i + 1)
        self._pos = -1

    # Per kind of container:
    def _known_start(self, part: Any) -> int | None:
        """Value offset of member `part` when it has been read."""
        raise NotImplementedError

    def _read_to(self, part: Any) -> tuple[Span | None, int] | None:
        """Read on to member `part` and return its key span and value offset, leaving the
        value unread; None (and everything read) when there is no such member."""
        raise NotImplementedError

    def _record(self, key: Any, key_span: Span | None, start: int, end: int) -> None:
        raise NotImplementedError


class _LazyObject(_LazyContainer):
    __slots__ = ()

    def __init__(self, text: str, start: int):
        super().__init__(text, start, {})

    @property
    def members(self) -> dict[str, Member]:  # type: ignore[override]
        if self._pos >= 0:
            self._read_to(None)
        return self._members  # type: ignore[return-value]

    def _known_start(self, part: Any) -> int | None:
        m = self._members.get(part)  # type: ignore[union-attr]
        return m.value_span.start if m is not None else None

    def _read_to(self, part: Any) -> tuple[Span | None, int] | None:
        text = self._text
        while True:
            if self._pending is not None:
                self._settle()
            i = self._pos
            if i < 0:
                return None
            if text[i] == "}":
                self._closed(i)
                return None
            m = _KEY.match(text, i)
            if m is not None:
                key, key_span, start = m.group(1), Span(i, m.end(1) + 1), m.end()
            else:  # a key written with escapes
                key, key_end = scanstring(text, i + 1)
                key_span, start = Span(i, key_end), _WS.match(text, _WS.match(text, key_end).end() + 1).end()  # type: ignore[union-attr]
            if key == part:
                return key_span, start
            self._advance(key, key_span, start, _scan_once(text, start)[1])

    def _record(self, key: Any, key_span: Span | None, start: int, end: int) -> None:
        self._members[key] = Member(key_span, Span(start, end))  # type: ignore[index]  # a later duplicate key wins


class _LazyArray(_LazyContainer):
    """Element offsets are kept as plain ints (no objects per element) until `members` is asked for."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, text: str, start: int):
        super().__init__(text, start, [])
        self._starts: list[int] = []
        self._ends: list[int] = []

    @property
    def members(self) -> list[Member]:  # type: ignore[override]
        if self._pos >= 0:
            self._read_to(None)
        if len(self._members) < len(self._starts):
            self._members = [Member(None, Span(s, e)) for s, e in zip(self._starts, self._ends)]
        return self._members  # type: ignore[return-value]

    def get(self, part: str | int) -> Member | None:
        part = _part(False, part)
        if part is None:
            return None
        if part >= len(self._starts):  # type: ignore[operator]
            self._read_to(part + 1)  # type: ignore[operator]  # (the element descended into is read first)
            if part >= len(self._starts):  # type: ignore[operator]
                return None
        return Member(None, Span(self._starts[part], self._ends[part]))  # type: ignore[index]

    def _known_start(self, part: Any) -> int | None:
        return self._starts[part] if part < len(self._starts) else None

    def _read_to(self, part: Any) -> tuple[Span | None, int] | None:
        if self._pending is not None:
            self._settle()
        text, i = self._text, self._pos
        if i < 0:
            return None
        starts, ends = self._starts, self._ends
        scan, sep = _scan_once, _SEP.match
        wanted = len(text) if part is None else part  # more elements than the text can hold: all of them
        while text[i] != "]":
            if len(starts) == wanted:
                self._pos = i
                return None, i
            end = scan(text, i)[1]
            starts.append(i)
            ends.append(end)
            i = sep(text, end).end()  # type: ignore[union-attr]
        self._closed(i)
        return None

    def _record(self, key: Any, key_span: Span | None, start: int, end: int) -> None:
        self._starts.append(start)
        self._ends.append(end)


@dataclass(slots=True)
class SyntaxProblem:
    span: Span
    message: str


def pointer_from_path(path: Path) -> str:
    """RFC 6901 JSON pointer for a path tuple."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def path_from_pointer(pointer: str) -> Path:
    if not pointer:
        return ()
    parts: list[str | int] = []
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(part) if part.isascii() and part.isdigit() else part)
    return tuple(parts)


class SourceMap:
    """Positions of every value (and object key) of one JSON text."""

    def __init__(self, text: str, root: Span | None, index: dict[Path, ContainerIndex] | None = None):
        self.text = text
        self.root = root
        self._index: dict[Path, ContainerIndex] = index if index is not None else {}
        self._lazy = index is None
        # Line checkpoints for `position`: (offset, its line, where that line starts: a column costs the gap,
        # not the line), sorted. One list of tuples, grown by `insort` (one C call), so threads reading the
        # same document (the check thread and the feature thread) never see half of a checkpoint.
        self._checkpoints: list[tuple[int, int, int]] = [(0, 0, 0)]
        self._line_starts: list[int] | None = None  # built on first `offset` call

    # -- navigation -------------------------------------------------------

    def _container(self, path: Path, span: Span) -> ContainerIndex | None:
        found = self._index.get(path)
        if found is None and self._lazy and self.text[span.start : span.start + 1] in ("{", "["):
            found = self._index[path] = _LazyContainer.at(self.text, span.start)
        return found

    def _ensure(self, path: Path) -> None:
        """Index the containers along `path` in one descent, reading each only up to the member
        the path goes through (see `_LazyContainer`)."""
        if not self._lazy or self.root is None or not path or path[:-1] in self._index:
            return
        k = len(path) - 1
        while k > 0 and path[:k] not in self._index:
            k -= 1
        if k == 0 and () not in self._index:
            if self.text[self.root.start] not in "{[":
                return
            self._index[()] = _LazyContainer.at(self.text, self.root.start)
        container = self._index[path[:k]]
        for depth in range(k, len(path)):
            if not isinstance(container, _LazyContainer):
                return
            child = container.open(path[depth])
            if child is None:
                return
            container = self._index[path[: depth + 1]] = child

    def member(self, path: Path) -> Member | None:
        """The member at `path` (its key and value spans), or None when it does not exist."""
        if self.root is None:
            return None
        if not path:
            return Member(None, self.root)
        parent = self._index.get(path[:-1])
        if parent is not None:  # indexes are prefix-closed: walking down would reach this same container
            return parent.get(path[-1])
        self._ensure(path)
        container = self._container((), self.root)
        for depth, part in enumerate(path):
            if container is None:
                return None
            if depth == len(path) - 1:
                return container.get(part)
            # A container indexed at the next path needs no lookup here (so a lazily read
            # parent is not read past it).
            child = self._index.get(path[: depth + 1])
            if child is None:
                m = container.get(part)
                if m is None:
                    return None
                child = self._container(path[: depth + 1], m.value_span)
            container = child
        return None

    def value_span(self, path: Path) -> Span | None:
        m = self.member(path)
        return m.value_span if m else None

    def nearest(self, path: Path) -> tuple[Path, Member | None]:
        """The deepest existing prefix of `path` and its member."""
        for cut in range(len(path), -1, -1):
            m = self.member(path[:cut])
            if m is not None:
                return path[:cut], m
        return (), None

    def focus_span(self, path: Path) -> Span:
        """The span a finding about `path` should underline.

        Scalars: the value. Object members that are containers: the key, so a
        finding about a whole layer does not underline hundreds of lines. Array
        elements that are objects: their id field when they have one.
        Missing paths fall back to their nearest existing ancestor.
        """
        found_path, m = self.nearest(path)
        if m is None:
            return Span(0, min(1, len(self.text)))
        span = m.value_span
        if span.end - span.start <= 1 or self.text[span.start] not in "{[":
            return span
        if m.key_span is not None and found_path == path:
            return m.key_span
        if self._lazy and found_path not in self._index and self.text[span.start] == "{":
            quick = _leading_id_span(self.text, span.start)
            if quick is not None:
                return quick
        container = self._container(found_path, span)
        if container is not None and container.is_object:
            members: dict[str, Member] = container.members  # type: ignore[assignment]
            for id_key in ("node_id", "edge_id", "type_id", "anrf_id", "name", "type"):
                idm = members.get(id_key)
                if idm is not None:
                    return idm.value_span
        if m.key_span is not None:
            return m.key_span
        return Span(span.start, span.start + 1)

    def path_at(self, offset: int) -> tuple[Path, bool]:
        """Deepest path whose value (or key) contains `offset`; the flag says it was the key."""
        if self.root is None:
            return (), False
        path: Path = ()
        span = self.root
        while True:
            if self.text[span.start : span.start + 1] not in ("{", "["):
                return path, False
            container = self._container(path, span)
            if container is None:
                return path, False
            items = container.members.items() if container.is_object else enumerate(container.members)  # type: ignore[union-attr]
            for key, m in items:
                if m.key_span is not None and m.key_span.start <= offset < m.key_span.end:
                    return path + (key,), True
                if m.value_span.start <= offset < max(m.value_span.end, m.value_span.start + 1):
                    path = path + (key,)
                    span = m.value_span
                    break
            else:
                return path, False

    def children(self, path: Path) -> ContainerIndex | None:
        span = self.value_span(path)
        if span is None:
            return None
        return self._container(path, span)

    # -- positions --------------------------------------------------------

    def position(self, offset: int) -> Position:
        """Line/character of an offset. Lines are counted between cached checkpoints
        (C-speed `str.count`), so a few findings in a huge file cost little, and many findings
        on one long line (a minified document) do not each scan back to the line's start."""
        offset = max(0, min(offset, len(self.text)))
        checkpoints = self._checkpoints
        since, line, line_start = checkpoints[bisect_right(checkpoints, (offset, _AFTER, _AFTER)) - 1]
        if since != offset:
            newline = self.text.rfind("\n", since, offset)
            line += self.text.count("\n", since, offset)
            line_start = newline + 1 if newline >= 0 else line_start
            insort(checkpoints, (offset, line, line_start))
        return Position(line, offset - line_start)

    def range(self, span: Span) -> Range:
        return Range(self.position(span.start), self.position(span.end))

    def offset(self, position: Position) -> int:
        """Inverse of `position` (clamped to the text)."""
        if self._line_starts is None:
            lines = self.text.split("\n")
            self._line_starts = [0, *map(add, accumulate(map(len, lines[:-1])), count(1))]
        line = min(max(position.line, 0), len(self._line_starts) - 1)
        start = self._line_starts[line]
        end = self._line_starts[line + 1] - 1 if line + 1 < len(self._line_starts) else len(self.text)
        return min(start + max(position.character, 0), end)


_AFTER = float("inf")  # sorts after any line number: the checkpoint at an offset itself is found by bisect_right

_ID_KEYS = ("node_id", "edge_id", "type_id", "anrf_id", "name", "type")


def _leading_id_span(text: str, start: int, max_members: int = 3) -> Span | None:
    """The id value's span when an id key is among an object's first members
    (the usual layout), without indexing the whole object."""
    ws = _WS.match
    i = ws(text, start + 1).end()
    for _ in range(max_members):
        if text[i] != '"':
            return None
        key, key_end = scanstring(text, i + 1)
        i = ws(text, ws(text, key_end).end() + 1).end()
        value_end = _scan_once(text, i)[1]
        if key in _ID_KEYS and text[i] == '"':
            return Span(i, value_end)
        i = ws(text, value_end).end()
        if text[i] != ",":
            return None
        i = ws(text, i + 1).end()
    return None


@dataclass(slots=True)
class ParsedJson:
    value: Any
    source: SourceMap
    problems: list[SyntaxProblem] = field(default_factory=list)
    recovered: bool = False  # True when `value` is a best-effort partial tree

    @property
    def ok(self) -> bool:
        return not self.problems


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    """A JSON number as a float, refusing one too large for a float (1e999 would be read as infinity,
    which no JSON can hold when written back)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def parse_json(text: str) -> ParsedJson:
    """Parse `text`; never raises. Syntax problems come back as data."""
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:
        if len(text) <= MAX_RECOVERY_CHARS or isinstance(exc, RecursionError):
            return _recover(text)
        pos = getattr(exc, "pos", 0) or 0
        msg = getattr(exc, "msg", str(exc))
        return ParsedJson(None, SourceMap(text, None, {}), [SyntaxProblem(Span(pos, min(pos + 1, len(text))), msg)], True)
    start = _WS.match(text, 0).end()  # type: ignore[union-attr]
    end = len(text.rstrip(" \t\n\r"))
    return ParsedJson(value, SourceMap(text, Span(start, end)))


# -- tolerant parser ------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<str>"(?:[^"\\\n\r]|\\.)*")
  | (?P<ustr>"(?:[^"\\\n\r]|\\.)*\\?)
  | (?P<num>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![0-9A-Za-z_.]))
  | (?P<punct>[{}\[\]:,])
  | (?P<word>[A-Za-z0-9_.+\-]+)
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_LITERALS = {"true": True, "false": False, "null": None}


@dataclass(slots=True)
class _Frame:
    is_object: bool
    path: Path
    start: int
    value: Any
    members: Any
    state: str  # object: key|colon|value|comma ; array: value|comma
    after_comma: bool = False
    key: str | None = None
    key_span: Span | None = None


def _tokens(text: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.start(), m.end()))
    return out


def _describe(text: str, kind: str, start: int, end: int) -> str:
    if kind == "eof":
        return "end of file"
    snippet = text[start:end]
    if len(snippet) > 20:
        snippet = snippet[:20] + "…"
    return repr(snippet)


def _recover(text: str) -> ParsedJson:
    """Tolerant, iterative JSON parse: every syntax problem reported, partial tree kept."""
    problems: list[SyntaxProblem] = []
    index: dict[Path, ContainerIndex] = {}
    toks = _tokens(text)
    n = len(toks)
    eof = len(text)

    def report(start: int, end: int, message: str) -> None:
        if len(problems) < MAX_SYNTAX_ERRORS:
            problems.append(SyntaxProblem(Span(start, max(end, start + (1 if start < eof else 0))), message))

    stack: list[_Frame] = []
    root_value: Any = None
    root_span: Span | None = None
    done = False

    def attach(value: Any, span: Span) -> None:
        nonlocal root_value, root_span, done
        if not stack:
            root_value, root_span, done = value, span, True
            return
        top = stack[-1]
        if top.is_object:
            key = top.key if top.key is not None else ""
            top.value[key] = value
            top.members[key] = Member(top.key_span, span)
            top.key = None
        else:
            top.value.append(value)
            top.members.append(Member(None, span))
        top.state = "comma"
        top.after_comma = False

    def close(end: int) -> None:
        frame = stack.pop()
        span = Span(frame.start, end)
        index[frame.path] = ContainerIndex(frame.is_object, span, frame.members)
        attach(frame.value, span)

    def child_path() -> Path:
        if not stack:
            return ()
        top = stack[-1]
        return top.path + ((top.key if top.key is not None else ""),) if top.is_object else top.path + (len(top.value),)

    def scalar(kind: str, start: int, end: int) -> Any:
        raw = text[start:end]
        if kind == "str":
            try:
                return scanstring(text, start + 1, True)[0]
            except ValueError as exc:
                report(start, end, f"invalid string: {getattr(exc, 'msg', exc)}")
                return raw[1:-1]
        if kind == "num":
            try:
                return json.loads(raw, parse_float=_finite_float)
            except ValueError as exc:  # an integer longer than Python converts (4300 digits), a float out of range
                report(start, end, str(exc) if "out of range" in str(exc) else f"number with {len(raw)} digits: too long to read")
                return None
        if kind == "ustr":
            report(start, end, "unterminated string")
            return raw[1:]
        if raw in _LITERALS:
            return _LITERALS[raw]
        report(start, end, f"invalid value {_describe(text, kind, start, end)}")
        return None

    def skip_deep(i: int) -> int:
        """Skip a container opened at token i that is nested too deep; return index past it."""
        depth = 0
        while i < n:
            k, s, _e = toks[i]
            if k == "punct":
                ch = text[s]
                if ch in "{[":
                    depth += 1
                elif ch in "}]":
                    depth -= 1
                    if depth == 0:
                        return i + 1
            i += 1
        return i

    i = 0
    while i < n:
        kind, start, end = toks[i]
        ch = text[start] if kind == "punct" else "\x00"  # never matches punctuation sets
        if done:
            report(start, end, f"unexpected {_describe(text, kind, start, end)} after the end of the document")
            break
        top = stack[-1] if stack else None
        expecting_value = top is None or top.state == "value"
        if top is not None and top.is_object and top.state == "key":
            if kind == "str":
                top.key = scalar(kind, start, end)
                top.key_span = Span(start, end)
                top.state = "colon"
            elif kind == "ustr" or kind == "word":
                msg = "unterminated string" if kind == "ustr" else "property names must be double-quoted"
                report(start, end, msg)
                top.key = text[start:end].strip('"')
                top.key_span = Span(start, end)
                top.state = "colon"
            elif ch == "}":
                if top.after_comma:
                    report(start, end, "trailing comma before '}'")
                close(end)
            elif ch == "]" and any(not f.is_object for f in stack):
                report(start, end, "expected '}' but found ']'")
                close(start)
                continue
            else:
                report(start, end, f"expected a property name in double quotes, found {_describe(text, kind, start, end)}")
                if ch in "{[":
                    i = skip_deep(i)
                    continue
            i += 1
            continue
        if top is not None and top.is_object and top.state == "colon":
            if ch == ":":
                top.state = "value"
                i += 1
            else:
                report(start, end, f"expected ':' after property name, found {_describe(text, kind, start, end)}")
                top.state = "value"
            continue
        if top is not None and top.state == "comma":
            closer = "}" if top.is_object else "]"
            if ch == ",":
                top.state = "key" if top.is_object else "value"
                top.after_comma = True
                i += 1
            elif ch == closer:
                close(end)
                i += 1
            elif ch in "}]":
                report(start, end, f"expected '{closer}' but found '{ch}'")
                if any(f.is_object == (ch == "}") for f in stack):
                    close(start)
                else:
                    i += 1
            else:
                report(start, end, f"expected ',' or '{closer}', found {_describe(text, kind, start, end)}")
                top.state = "key" if top.is_object else "value"
            continue
        if expecting_value:
            if ch in "{[":
                if len(stack) >= MAX_DEPTH:
                    j = skip_deep(i)
                    report(start, end, f"JSON nested deeper than {MAX_DEPTH} levels")
                    last_end = toks[j - 1][2] if j > i else end
                    attach(None, Span(start, last_end))
                    i = j
                    continue
                is_obj = ch == "{"
                stack.append(_Frame(is_obj, child_path(), start, {} if is_obj else [], {} if is_obj else [], "key" if is_obj else "value"))
                i += 1
                continue
            if ch == "]" and top is not None and not top.is_object:
                if top.after_comma:
                    report(start, end, "trailing comma before ']'")
                close(end)
                i += 1
                continue
            if ch in "}]":
                report(start, end, f"expected a value, found '{ch}'")
                if top is not None and top.is_object:
                    attach(None, Span(start, start))
                    continue
                if top is None:
                    i += 1
                    continue
                close(start)
                continue
            if ch in ",:":
                report(start, end, f"expected a value, found '{ch}'")
                if ch == "," and top is not None:
                    attach(None, Span(start, start))
                    continue
                i += 1
                continue
            attach(scalar(kind, start, end), Span(start, end))
            i += 1
            continue
        i += 1  # defensive: unknown state, skip token

    if not stack and root_span is None:
        report(eof, eof, "empty document: expected a JSON object")
    while stack:
        frame = stack[-1]
        opener = "{" if frame.is_object else "["
        line_hint = text.count("\n", 0, frame.start) + 1
        report(eof, eof, f"unexpected end of file: '{opener}' opened on line {line_hint} is not closed")
        if frame.is_object and frame.key is not None:
            attach(None, Span(eof, eof))
        close(eof)
    return ParsedJson(root_value, SourceMap(text, root_span, index), problems, True)
