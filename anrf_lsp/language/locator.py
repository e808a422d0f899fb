"""Where the strings and objects of one document sit in its text, found fast.

A valid document's `SourceMap` indexes lazily, one container at a time, and the
first question about a node of a 10,000-node list costs a decode of that whole
list (about 0.2 s). The id index needs the span of every id string, so for a
valid document the `Locator` finds them the way they were written: the index
walks the JSON tree in document order and the locator searches the text forward
for each `"key": "id"` it is told to expect, checking that the value found is the
expected one (so a same-named key nested elsewhere is skipped).

Each node, edge or type whose id key comes first (the usual layout) is an
*anchor*: its opening brace sits right before its id, so any position or path
inside it resolves through a `SourceMap` of that one object. The intent block
and the symbol table are anchors too. Anything unexpected (escaped or duplicate
keys, odd layouts) falls back to the document's exact `SourceMap`, and so does
every broken document, whose recovered map is complete anyway.

Known limit of the search: a nested member with the same key *and* the same
value placed before the real one in the same object (e.g. a type whose `fields`
come before its `type_id` and include a field of that very type) is taken for it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import cache
from json.decoder import scanstring

from ..format.document import Document
from ..format.jsonsource import Member, Path, SourceMap, Span

_OPENS_WITH_KEY = re.compile(r'\{[ \t\n\r]*"(?:[^"\\]|\\.)*"[ \t\n\r]*:[ \t\n\r]*')
_LOOKBACK = 256  # most whitespace looked through between a brace and the next token
MAX_SEEK_TRIES = 8  # same-named keys skipped before a search counts as a miss
MAX_MISSES = 32  # misses before the locator stops searching and uses the exact map


def string_end(text: str, start: int, value: str) -> int:
    """End of the JSON string literal at `start` when it spells `value`, else -1."""
    if not text.startswith('"', start):
        return -1
    end = start + len(value) + 2
    if text.startswith(value, start + 1) and text.startswith('"', end - 1) and '"' not in value and "\\" not in value:
        return end
    try:  # written with escapes
        decoded, end = scanstring(text, start + 1, True)
    except ValueError:
        return -1
    return end if decoded == value else -1


class Locator:
    """Spans of the values at given paths, for one document (see the module docstring)."""

    def __init__(self, doc: Document, exact: bool = False):
        self.text = doc.text
        self.source = doc.source
        # Only valid JSON is searched; a recovered (broken) document's map is already complete.
        self.fast = doc.syntax_ok and not exact and doc.source.root is not None
        self.pos = 0  # where the next expected value is searched from
        self.misses = 0
        # Anchor candidates, ascending: an element's id string start (its brace is found
        # on demand), or an anchored object's brace (known at once).
        self._sites: list[int] = []
        self._site_paths: list[Path] = []
        self._site_of: dict[Path, int] = {}  # object path -> its site
        self._braces: dict[int, int] = {}  # site -> offset of its '{', or -1: not an anchor
        self._maps: dict[int, SourceMap] = {}

    # -- while the index walks the tree, in document order ---------------------------

    def ids(self, path: Path, items: list, id_key: str) -> list[tuple[Path, str, Span]]:
        """(element path, id, span of the id string) for each element of the list at `path`
        that has a string id. One loop for the whole list: for a big document's nodes
        this is the hot path. Only elements whose first key is their id key are searched
        for (and become anchors): elsewhere a nested same-named key could come first."""
        found_ids: list[tuple[Path, str, Span]] = []
        text = self.text
        search = _key_pattern(id_key).search
        for i, item in enumerate(items):
            value = item.get(id_key) if type(item) is dict else None
            if type(value) is not str or not value:
                continue
            here = path + (i,)
            if not self.fast or next(iter(item)) != id_key:
                span = self._exact(here + (id_key,))
            else:
                found = search(text, self.pos)
                end = string_end(text, found.end(), value) if found is not None else -1
                if end >= 0:
                    self.pos = end
                    found_ids.append((here, value, Span(found.end(), end)))
                    self._add_site(here, found.end())  # ascending, as `pos` only moves forward
                    continue
                span = self.string(here, id_key, value)  # not the next one (escapes, duplicate keys): search on
            if span is not None:
                found_ids.append((here, value, span))
        return found_ids

    def string(self, parent: Path, key: str, value: str) -> Span | None:
        """Span of the string `value` stored under `key` in the object at `parent`."""
        found = self._seek(key, value)
        return Span(found.end(), self.pos) if found is not None else self._exact(parent + (key,))

    def anchor_object(self, parent: Path, key: str) -> None:
        """Make the object under `key` (the intent block, the symbol table) an anchor and skip past it."""
        found = self._seek(key, None)
        if found is None:
            return
        k = self._add_site(parent + (key,), found.end())
        self._braces[k] = found.end()
        box = self._map(k).children(())  # type: ignore[union-attr]
        if box is not None:
            self.pos = box.span.end

    def _seek(self, key: str, value: str | None) -> re.Match[str] | None:
        """The next `"key":` from `pos` whose value is the string `value` (None: an
        object); moves `pos` past that string (or the object's brace)."""
        if not self.fast:
            return None
        text = self.text
        search = _key_pattern(key).search
        found = search(text, self.pos)
        for _ in range(MAX_SEEK_TRIES):
            if found is None:
                break
            start = found.end()
            if value is None:
                end = start + 1 if text.startswith("{", start) else -1
            else:
                end = string_end(text, start, value)
            if end >= 0:
                self.pos = end
                return found
            found = search(text, found.start() + 1)
        self.misses += 1
        if self.misses > MAX_MISSES:
            self.fast = False
        return None

    def _add_site(self, path: Path, start: int) -> int:
        k = self._site_of[path] = len(self._sites)
        self._sites.append(start)
        self._site_paths.append(path)
        return k

    def _exact(self, path: Path) -> Span | None:
        member = self.member(path)
        if member is None:
            return None
        self.pos = max(self.pos, member.value_span.end)
        return member.value_span

    def _brace(self, k: int) -> int:
        """Offset of the '{' of site `k` when its id key opens the object, else -1."""
        brace = self._braces.get(k)
        if brace is None:
            start = self._sites[k]
            brace = self.text.rfind("{", max(0, start - _LOOKBACK), start)
            if brace >= 0 and _OPENS_WITH_KEY.fullmatch(self.text, brace, start) is None:
                brace = -1
            self._braces[k] = brace
        return brace

    def _map(self, k: int) -> SourceMap | None:
        """A `SourceMap` of the object of site `k` alone (paths relative to it, offsets
        into the whole text), or None when it is not an anchor."""
        found = self._maps.get(k)
        if found is None:
            brace = self._brace(k)
            if brace < 0:
                return None
            found = self._maps[k] = SourceMap(self.text, Span(brace, brace + 1))
        return found

    # -- queries -----------------------------------------------------------------------

    def path_at(self, offset: int) -> tuple[Path, bool]:
        """Like `SourceMap.path_at`: the deepest path at `offset` and whether it is on a key."""
        k = bisect_right(self._sites, offset) - 1
        for site in (k + 1, k):  # the object opening before the next id may already hold offset
            if 0 <= site < len(self._sites) and 0 <= self._brace(site) <= offset:
                sub = self._map(site)
                box = sub.children(()) if sub is not None else None
                if box is not None and offset < box.span.end:
                    rel, on_key = sub.path_at(offset)  # type: ignore[union-attr]
                    return self._site_paths[site] + rel, on_key
        between = 0 <= k < len(self._sites) - 1 and self._brace(k) >= 0 and _next_element(self._site_paths[k], self._site_paths[k + 1])
        if between and offset < self._brace(k + 1):  # past element k (checked above), before element k + 1
            return self._site_paths[k][:-1], False
        return self.source.path_at(offset)

    def member(self, path: Path) -> Member | None:
        """Like `SourceMap.member`, read through the anchor holding `path` when there is one
        (and from the whole document when that anchor lacks it: a misplaced anchor)."""
        sites = self._site_of
        for cut in range(min(len(path) - 1, 3), 0, -1):
            k = sites.get(path[:cut])
            sub = self._map(k) if k is not None else None
            found = sub.member(path[cut:]) if sub is not None else None
            if found is not None:
                return found
        return self.source.member(path)

    def object_span(self, path: Path) -> Span | None:
        """Span of the object at `path`. An anchor's end is read off the next anchor when
        that is the next element of the same list, so spans of all nodes cost no decoding."""
        k = self._site_of.get(path)
        brace = self._brace(k) if k is not None else -1
        if k is None or brace < 0:
            return self.source.value_span(path)
        following = self._brace(k + 1) if k + 1 < len(self._sites) and _next_element(path, self._site_paths[k + 1]) else -1
        if following > brace:
            close = self.text.rfind("}", brace, following)
            if close > brace and self.text[close + 1 : following].strip() == ",":
                return Span(brace, close + 1)
        box = self._map(k).children(())  # type: ignore[union-attr]
        return box.span if box is not None else None


def _next_element(path: Path, other: Path) -> bool:
    return other[:-1] == path[:-1] and isinstance(path[-1], int) and other[-1] == path[-1] + 1


@cache
def _key_pattern(key: str) -> re.Pattern[str]:
    """`"key":` as written (keys of `fields.SHAPE` only, so the cache stays small)."""
    return re.compile(re.escape(json.dumps(key)) + r"[ \t\n\r]*:[ \t\n\r]*")
