"""Re-load a document after an edit inside one item of its big lists, reusing everything else.

A keystroke in a 100k-node document changes one node. Re-parsing and re-validating the whole
text costs time in proportion to the document; here the edited item alone is validated and
spliced into a copy of the model, and the new text's source map is seeded with the item spans
of the old one, shifted past the edit, so locating anything costs no scan of the text.

`Layout` is what carries over from version to version: the spans of the root, the two layers
and every item of `ITEM_LISTS` (numpy arrays: shifting 100k spans is one vector add); the old
source map's line checkpoints move with the edit too. `splice` returns None whenever the edit is not of that kind
(it touches an item's brackets or spans several items, the item no longer validates, ...): the
caller then loads the text in full, which is always right.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .document import _BIG_EXPONENT, Document, _contains
from .edit import Edit
from .jsonsource import Member, Path, SourceMap, Span, _LazyArray, _LazyObject, _part
from .model import Anrf, ExecEdge, ExecNode, SemanticEdge, SemanticNode

if TYPE_CHECKING:
    import numpy as np

# The lists whose items an edit may be confined to, in the order they are looked up.
ITEM_LISTS: tuple[Path, ...] = (("execution", "nodes"), ("execution", "edges"), ("semantic", "nodes"), ("semantic", "edges"))
ITEM_CLASS = {("execution", "nodes"): ExecNode, ("execution", "edges"): ExecEdge,
              ("semantic", "nodes"): SemanticNode, ("semantic", "edges"): SemanticEdge}
_OBJECTS: tuple[Path, ...] = ((), ("semantic",), ("execution",))  # the containers above the lists


class Layout:
    """Spans of the containers above the items and of every item of `ITEM_LISTS`, for one text."""

    def __init__(self, objects: dict[Path, tuple[Span, dict[str, Member]]], items: dict[Path, tuple[Span, np.ndarray, np.ndarray]]):
        self.objects = objects
        self.items = items

    @classmethod
    def of(cls, doc: Document) -> Layout | None:
        """The layout of a valid document, read from a lazy source map of its own: one pass over its lists."""
        import numpy as np

        if doc.model is None or not doc.syntax_ok or doc.source.root is None or doc.text[doc.source.root.start] != "{":
            return None
        # A source map of its own: the document's is shared with the feature thread, and lazy indexes are not
        # safe to build from two threads at once.
        source = SourceMap(doc.text, doc.source.root)
        objects: dict[Path, tuple[Span, dict[str, Member]]] = {}
        for path in _OBJECTS:
            container = source.children(path)
            if container is None:
                continue
            if not container.is_object:
                return None
            objects[path] = (container.span, dict(container.members))  # type: ignore[arg-type]
        items: dict[Path, tuple[Span, np.ndarray, np.ndarray]] = {}
        for path in ITEM_LISTS:
            if path[:1] not in objects or path[1] not in objects[path[:1]][1]:
                continue
            container = source.children(path)
            if container is None or container.is_object:
                return None
            assert isinstance(container, _LazyArray)  # a fresh source map's containers are lazy
            container.span  # noqa: B018 - reads the array to its end
            items[path] = (container.span, np.array(container._starts, dtype=np.int64), np.array(container._ends, dtype=np.int64))
        return cls(objects, items)

    def locate(self, edit: Edit) -> tuple[Path, int] | None:
        """The item whose brackets enclose the edit (the brackets themselves untouched)."""
        import numpy as np

        for path, (_span, starts, ends) in self.items.items():
            k = int(np.searchsorted(starts, edit.start, side="left")) - 1  # the last item starting before the edit
            if k >= 0 and edit.old_end < ends[k]:
                return path, k
        return None

    def item_span(self, path: Path, k: int) -> Span:
        _span, starts, ends = self.items[path]
        return Span(int(starts[k]), int(ends[k]))

    def shifted(self, edit: Edit) -> Layout:
        """The layout of the text `edit` made, inside one item, from this layout's text."""
        def span(s: Span) -> Span:
            return Span(_after(s.start, edit), _after(s.end, edit) if s.end > edit.start else s.end)

        objects = {path: (span(whole), {k: Member(m.key_span and span(m.key_span), span(m.value_span)) for k, m in members.items()})
                   for path, (whole, members) in self.objects.items()}
        items = {}
        for path, (whole, starts, ends) in self.items.items():
            starts, ends = starts.copy(), ends.copy()
            starts[starts >= edit.old_end] += edit.delta
            ends[ends > edit.start] += edit.delta
            items[path] = (span(whole), starts, ends)
        return Layout(objects, items)

    def source_map(self, text: str, checkpoints: list[tuple[int, int, int]]) -> SourceMap:
        """A source map of `text` that knows these spans (locating an item, or anything in one, reads no other
        item) and the given line checkpoints."""
        root = self.objects[()][0]
        source = SourceMap(text, root)
        for path, (whole, members) in self.objects.items():
            source._index[path] = _read_object(text, whole, members)
        for path, (whole, starts, ends) in self.items.items():
            source._index[path] = _KnownArray(text, whole, starts, ends)
        source._checkpoints = checkpoints
        return source


def _after(offset: int, edit: Edit) -> int:
    return offset + edit.delta if offset >= edit.old_end else offset


def _shifted_checkpoints(old: SourceMap, edit: Edit, new_text: str) -> list[tuple[int, int, int]]:
    """`old`'s line checkpoints in the edited text: those before the edit stay, those on later lines move by
    the edit's length and line count."""
    removed = old.text.count("\n", edit.start, edit.old_end)
    added = new_text.count("\n", edit.start, edit.new_end)
    out = []
    for offset, line, line_start in list(old._checkpoints):  # one C-level copy: another thread may be adding to it
        if offset <= edit.start:
            out.append((offset, line, line_start))
        elif line_start >= edit.old_end:
            out.append((offset + edit.delta, line + added - removed, line_start + edit.delta))
        # else inside the edit or on its last line: recounted when asked for
    return out


def _read_object(text: str, whole: Span, members: dict[str, Member]) -> _LazyObject:
    obj = _LazyObject(text, whole.start)
    obj._members = dict(members)
    obj._closed(whole.end - 1)
    return obj


class _KnownArray(_LazyArray):
    """A JSON array whose element spans are known (numpy arrays): nothing to read."""

    __slots__ = ("_known_ends", "_known_starts")

    def __init__(self, text: str, whole: Span, starts: np.ndarray, ends: np.ndarray):
        super().__init__(text, whole.start)
        self._known_starts, self._known_ends = starts, ends
        self._closed(whole.end - 1)

    @property
    def members(self) -> list[Member]:  # type: ignore[override]
        if len(self._members) < len(self._known_starts):
            self._members = [Member(None, Span(s, e)) for s, e in zip(self._known_starts.tolist(), self._known_ends.tolist())]
        return self._members  # type: ignore[return-value]

    def get(self, part: str | int) -> Member | None:
        part = _part(False, part)
        if part is None or part >= len(self._known_starts):  # type: ignore[operator]
            return None
        return Member(None, Span(int(self._known_starts[part]), int(self._known_ends[part])))

    def _known_start(self, part: Any) -> int | None:
        return int(self._known_starts[part]) if 0 <= part < len(self._known_starts) else None


def splice(doc: Document, layout: Layout, edit: Edit, new_text: str) -> tuple[Document, Layout, Path, int] | None:
    """`doc` after `edit` (giving `new_text`) when the edit is inside one item that still validates:
    (new document, its layout, the item's list, its index). None: load `new_text` in full."""
    if doc.model is None or doc.findings or doc.pruned or not doc.syntax_ok:
        return None
    found = layout.locate(edit)
    if found is None:
        return None
    path, k = found
    old_span = layout.item_span(path, k)
    item_text = new_text[old_span.start : old_span.end + edit.delta]
    if _contains(item_text, "NaN") or _contains(item_text, "Infinity") or _BIG_EXPONENT.search(item_text):
        return None  # the full load reports these precisely
    try:
        json.loads(item_text, object_pairs_hook=_unique_keys)  # a repeated key: positions depend on lookup order
        item = ITEM_CLASS[path].model_validate_json(item_text)
    except (ValidationError, ValueError):
        return None
    model = _replaced(doc.model, path, k, item)
    new_layout = layout.shifted(edit)
    source = new_layout.source_map(new_text, _shifted_checkpoints(doc.source, edit, new_text))
    return Document(path=doc.path, text=new_text, source=source, model=model), new_layout, path, k


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("repeated key")
    return out


def _replaced(model: Anrf, path: Path, k: int, item: Any) -> Anrf:
    """A copy of `model` with item `k` of the list at `path` replaced (everything else shared)."""
    layer_name, list_name = path
    layer = getattr(model, layer_name)
    items = list(getattr(layer, list_name))
    items[k] = item
    return model.model_copy(update={layer_name: layer.model_copy(update={list_name: items})})
