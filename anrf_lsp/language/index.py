"""Every id definition and every id reference of one document, with their spans.

`build_index(doc)` walks `doc.tree` in document order along the field table of
`fields.SHAPE` and asks a `Locator` where each id string is. Built once per
document version, the index answers what the editor features need: what is at
an offset, where an id is defined, who names it. It works on the partial tree of
a broken document too (whatever was recovered is indexed).

Definitions and their spans are collected up front (completion, symbols and
inlay hints need only them). References are collected from the tree on the
first question about them, and each one's span is looked up only when read: a
10,000-node document has some 40,000 references, and the features asked most
often, at every keystroke, never look at them. The reference under the cursor
is read straight off the tree at the cursor's path.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..format.document import Document, gc_paused
from ..format.jsonsource import Path, Span
from .fields import SCOPE_LAYERS, SCOPE_NAMES, SHAPE, Each, Landmark, Refers, shape_at
from .locator import Locator


@dataclass(slots=True, eq=False)
class Definition:
    """A node, edge or type and the id it defines."""

    id: str
    scope: str  # one of fields.SCOPE_NAMES: semantic_node, semantic_edge, type, exec_node, exec_edge
    path: Path  # the defining object, e.g. ("execution", "nodes", 4)
    span: Span  # its id string, quotes included
    obj: dict = field(repr=False)  # that object in doc.tree

    @property
    def layer(self) -> str:
        return SCOPE_LAYERS[self.scope]


@dataclass(slots=True, eq=False)
class Reference:
    """A string naming an id of `scope`. Its `span` is looked up when first read:
    listing who refers to a much-used type must not cost a lookup each."""

    id: str
    scope: str  # the scope of the id it names (semantic_node, exec_node or type)
    path: Path  # the string itself, e.g. ("execution", "nodes", 4, "inputs", 1)
    owner: Path | None  # the node, edge or type it belongs to; None for symbol_table entries
    field: str  # where in the owner: "inputs", "source_id", "properties.type", "fields.type_id", "symbol_table", ...
    _locator: Locator = field(repr=False)
    _span: Span | None = field(default=None, repr=False)

    @property
    def span(self) -> Span:
        """The string's span, quotes included."""
        if self._span is None:
            member = self._locator.member(self.path)
            self._span = member.value_span if member is not None else Span(0, 0)
        return self._span


Site = Definition | Reference


class IdIndex:
    """The id definitions and references of one document (see the module docstring)."""

    def __init__(self, doc: Document, exact: bool = False):
        self.locator = Locator(doc, exact)
        self.tree: dict = doc.tree if isinstance(doc.tree, dict) else {}
        self.definitions: list[Definition] = []  # document order
        self.landmarks: dict[str, Span] = {}  # "anrf_id" -> span of its string
        self._first: dict[str, dict[str, Definition]] = {scope: {} for scope in SCOPE_NAMES}
        self._duplicates: dict[tuple[str, str], list[Definition]] = {}
        self._by_path: dict[Path, Definition] = {}
        self._references: _References | None = None
        with gc_paused():
            self._collect_definitions(self.tree, SHAPE, ())
        self._starts = [d.span.start for d in self.definitions]
        # Document order gives ascending offsets except in odd cases (duplicate keys in broken JSON).
        self._ordered = self._starts == sorted(self._starts)

    # -- definitions ---------------------------------------------------------------

    def _collect_definitions(self, obj: dict, shape: dict, path: Path) -> None:
        """Definitions and landmarks inside `obj`, in document order (the locator searches forward)."""
        for key, value in obj.items():
            sub = shape.get(key)
            kind = type(sub)
            if kind is dict:
                if isinstance(value, dict):
                    self._collect_definitions(value, sub, path + (key,))
            elif kind is Each:
                identity = sub.identity
                if identity is not None and isinstance(value, list):
                    self._define_each(value, identity, path + (key,))
                elif type(sub.item) is Refers and isinstance(value, dict) and value:
                    self.locator.anchor_object(path, key)  # the symbol table: its entries resolve fast
            elif kind is Landmark:
                if isinstance(value, str):
                    span = self.locator.string(path, key, value)
                    if span is not None:
                        self.landmarks[sub.name] = span
                elif isinstance(value, dict):
                    self.locator.anchor_object(path, key)

    def _define_each(self, items: list, identity: tuple[str, str], path: Path) -> None:
        id_key, scope = identity
        for here, value, span in self.locator.ids(path, items, id_key):
            self._define(Definition(value, scope, here, span, items[here[-1]]))

    def _define(self, defn: Definition) -> None:
        self.definitions.append(defn)
        self._by_path[defn.path] = defn
        first = self._first[defn.scope].setdefault(defn.id, defn)
        if first is not defn:
            self._duplicates.setdefault((defn.scope, defn.id), [first]).append(defn)

    def ids(self, scope: str) -> dict[str, Definition]:
        """Each id of `scope` and its (first) definition, in document order."""
        return self._first[scope]

    def definitions_of(self, scope: str, id_: str) -> list[Definition]:
        """All definitions of `id_` (more than one when it is duplicated, ANRF103)."""
        duplicates = self._duplicates.get((scope, id_))
        if duplicates is not None:
            return list(duplicates)
        first = self._first[scope].get(id_)
        return [first] if first is not None else []

    def definition_at(self, path: Path) -> Definition | None:
        """The definition whose object is at `path` (e.g. the owner of a reference)."""
        return self._by_path.get(path)

    # -- references ------------------------------------------------------------------

    def references_to(self, scope: str, id_: str) -> list[Reference]:
        """Every reference naming `id_` in `scope`, in document order."""
        return [self._row(row) for row in self._collected().named[scope].get(id_, ())]

    def count_references(self, scope: str, id_: str) -> int:
        return len(self._collected().named[scope].get(id_, ()))

    def references_from(self, owner: Path) -> list[Reference]:
        """The references inside the node, edge or type at `owner`, in document order."""
        return [self._row(row) for row in self._collected().owned.get(owner, ())]

    def reference_at(self, path: Path) -> Reference | None:
        """The reference stored at `path`, when that is a reference field holding an id."""
        shape = shape_at(path)
        if type(shape) is not Refers:
            return None
        owner = _owner_of(path)
        owner_obj = value_at(self.tree, owner) if owner is not None else None
        value = value_at(self.tree, path)
        return self._reference(path, value, shape.scope, owner) if _is_reference(shape, value, owner_obj) else None

    def _reference(self, path: Path, ref: str, scope: str, owner: Path | None) -> Reference:
        where = path[len(owner) :] if owner is not None else path[1:2]
        return Reference(ref, scope, path, owner, ".".join(p for p in where if isinstance(p, str)), self.locator)

    def _row(self, row: int) -> Reference:
        refs = self._collected()
        return self._reference(refs.paths[row], refs.ids[row], refs.scopes[row], refs.owners[row])

    def _collected(self) -> _References:
        refs = self._references
        if refs is None:  # published only when complete: a feature running in another thread may ask too
            refs = _References()
            with gc_paused():
                self._collect_references(refs, self.tree, SHAPE, (), None, None)
            self._references = refs
        return refs

    def _collect_references(
        self, refs: _References, obj: dict, shape: dict, path: Path, owner: Path | None, owner_obj: dict | None
    ) -> None:
        """Reference rows for everything inside `obj`, from the tree alone."""
        for key, value in obj.items():
            sub = shape.get(key)
            kind = type(sub)
            if kind is Refers:
                if _is_reference(sub, value, owner_obj):
                    refs.add(path + (key,), value, sub.scope, owner)
            elif kind is Each and type(sub.item) is Refers:
                if isinstance(value, (list, dict)):  # an array of references, or the symbol table's map
                    parent = path + (key,)
                    for name, ref in value.items() if isinstance(value, dict) else enumerate(value):
                        if _is_reference(sub.item, ref, owner_obj):
                            refs.add(parent + (name,), ref, sub.item.scope, owner)
            elif kind is Each:
                if isinstance(value, list):
                    owns = sub.identity is not None
                    for i, item in enumerate(value):
                        if type(item) is dict:
                            here = path + (key, i)
                            first = len(refs.ids)
                            self._collect_references(refs, item, sub.item, here, here if owns else owner, item if owns else owner_obj)
                            if owns and len(refs.ids) > first:
                                refs.owned[here] = range(first, len(refs.ids))
            elif kind is dict and isinstance(value, dict):
                self._collect_references(refs, value, sub, path + (key,), owner, owner_obj)

    # -- positions -------------------------------------------------------------------

    def at(self, offset: int) -> Site | None:
        """The id string at `offset`, a definition or a reference (the offset just past
        its closing quote counts as on it, as editors place the cursor there)."""
        k = bisect_right(self._starts, offset) - 1 if self._ordered else _last_at_or_before(self._starts, offset)
        if k is not None and k >= 0 and offset <= self.definitions[k].span.end:
            return self.definitions[k]
        for probe in (offset, offset - 1):
            path, on_key = self.locator.path_at(probe)
            ref = None if on_key else self.reference_at(path)
            if ref is not None and ref.span.start <= offset <= ref.span.end:
                return ref
        return None

    def path_at(self, offset: int) -> tuple[Path, bool]:
        """The deepest JSON path at `offset` and whether the offset is on its key."""
        return self.locator.path_at(offset)


class _References:
    """Reference rows as parallel lists (cheaper than an object each): row i is the
    string at `paths[i]` naming `ids[i]`."""

    def __init__(self) -> None:
        self.paths: list[Path] = []
        self.ids: list[str] = []
        self.scopes: list[str] = []
        self.owners: list[Path | None] = []
        self.named: dict[str, defaultdict[str, list[int]]] = {scope: defaultdict(list) for scope in SCOPE_NAMES}
        self.owned: dict[Path, range] = {}  # owner path -> its rows

    def add(self, path: Path, ref: str, scope: str, owner: Path | None) -> None:
        self.named[scope][ref].append(len(self.ids))
        self.paths.append(path)
        self.ids.append(ref)
        self.scopes.append(scope)
        self.owners.append(owner)


def _owner_of(path: Path) -> Path | None:
    """Nodes, edges and types sit at depth 3: (layer, list, position)."""
    return path[:3] if len(path) > 3 and isinstance(path[2], int) else None


def _is_reference(shape: Refers, value: Any, owner_obj: dict | None) -> bool:
    return isinstance(value, str) and value != "" and (shape.when is None or (owner_obj is not None and shape.when(owner_obj, value)))


def _last_at_or_before(starts: list[int], offset: int) -> int | None:
    best = None
    for k, start in enumerate(starts):
        if start <= offset and (best is None or start > starts[best]):
            best = k
    return best


def value_at(tree: Any, path: Path) -> Any:
    """The JSON value at `path`, or None when there is none."""
    for part in path:
        if isinstance(tree, dict) and isinstance(part, str):
            tree = tree.get(part)
        elif isinstance(tree, list) and isinstance(part, int) and 0 <= part < len(tree):
            tree = tree[part]
        else:
            return None
    return tree


def build_index(doc: Document, exact: bool = False) -> IdIndex:
    """Index `doc` (never raises). `exact` takes every span from the document's `SourceMap`
    instead of searching the text: slower on big documents, used to test the fast path."""
    return IdIndex(doc, exact)
