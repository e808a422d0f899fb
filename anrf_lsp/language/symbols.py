"""Document outline and symbol search.

`document_symbols` gives a tree: Intent, Semantic and Execution at the top; the
intent's constraints, the semantic nodes, types (with their fields) and edges,
and the execution nodes and edges below them, in document order. It works on
the partial tree of a broken document (whatever has an id is listed).

Symbol kinds are plain strings, named after LSP `SymbolKind` members (lower
snake case), for the server to map:
- Intent, Semantic, Execution: "namespace"; constraints: "property".
- Semantic nodes by node_type: function → "function", class → "class",
  module → "module", parameter and variable → "variable", type_def → "struct",
  expression → "operator", control_flow → "event".
- Types: struct → "struct", every other type_kind → "type_parameter"; fields: "field".
- Execution nodes by operation: function_def → "function", parameter and
  variable_def → "variable", constant → "constant", any other → "operator".
- Edges of both layers: "event" (a relation between two nodes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..format.document import Document, gc_paused
from ..format.jsonsource import Path, Span
from .describe import clip, property_of, string_of, summary
from .fields import EXEC_NODE, SEMANTIC_NODE, TYPE
from .index import Definition, IdIndex, build_index, value_at

MAX_WORKSPACE_SYMBOLS = 1000

_NODE_KINDS = {
    "function": "function",
    "class": "class",
    "module": "module",
    "parameter": "variable",
    "variable": "variable",
    "type_def": "struct",
    "expression": "operator",
    "control_flow": "event",
}
_OP_KINDS = {"function_def": "function", "parameter": "variable", "variable_def": "variable", "constant": "constant"}
_LAYERS = (("intent", "Intent"), ("semantic", "Semantic"), ("execution", "Execution"))


@dataclass(slots=True)
class Symbol:
    name: str
    detail: str
    kind: str  # see the module docstring
    span: Span  # the whole object
    selection_span: Span  # its id string (or, for a layer, its key)
    children: list[Symbol] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FlatSymbol:
    name: str  # an id, a semantic label or a function name
    detail: str
    kind: str
    span: Span  # the id string of the node it belongs to
    container: str  # the layer, or the id a label or function name belongs to


def symbol_kind(defn: Definition) -> str:
    obj = defn.obj
    if defn.scope == SEMANTIC_NODE:
        return _NODE_KINDS.get(string_of(obj, "node_type"), "object")
    if defn.scope == EXEC_NODE:
        return _OP_KINDS.get(string_of(obj, "operation"), "operator")
    if defn.scope == TYPE:
        return "struct" if string_of(obj, "type_kind") == "struct" else "type_parameter"
    return "event"


def document_symbols(doc: Document, index: IdIndex | None = None) -> list[Symbol]:
    """The outline: one symbol per layer present, its nodes, types and edges below it."""
    index = index or build_index(doc)
    with gc_paused():  # tens of thousands of small objects on a big document
        return _document_symbols(index)


def _document_symbols(index: IdIndex) -> list[Symbol]:
    layers: dict[str, Symbol] = {}
    for key, title in _LAYERS:
        member = index.locator.member((key,)) if isinstance(index.tree.get(key), dict) else None
        if member is not None and member.key_span is not None:
            layers[key] = Symbol(
                title, _layer_detail(index, key), "namespace", Span(member.key_span.start, member.value_span.end), member.key_span
            )
    if "intent" in layers:
        layers["intent"].children = _constraints(index)
    for defn in index.definitions:
        parent = layers.get(defn.layer)
        span = index.locator.object_span(defn.path)
        if parent is not None and span is not None:
            symbol = Symbol(defn.id, summary(defn), symbol_kind(defn), span, defn.span)
            if defn.scope == TYPE:
                symbol.children = _fields(index, defn)
            parent.children.append(symbol)
    return list(layers.values())


def _layer_detail(index: IdIndex, key: str) -> str:
    layer = index.tree[key]
    if key == "intent":
        return clip(f"{string_of(layer, 'intent_type')} {string_of(layer, 'description')}".strip())
    counts = [f"{len(v)} {k}" for k, v in layer.items() if k in ("nodes", "edges", "types") and isinstance(v, list)]
    return ", ".join(counts)


def _members(index: IdIndex, path: Path, label_key: str, detail_key: str, kind: str) -> list[Symbol]:
    """Symbols for the objects of the list at `path` (constraints, fields), named by `label_key`."""
    items = value_at(index.tree, path)
    symbols = []
    for i, item in enumerate(items if isinstance(items, list) else ()):
        member = index.locator.member(path + (i,)) if isinstance(item, dict) else None
        if member is None:
            continue
        named = index.locator.member(path + (i, label_key)) if string_of(item, label_key) else None
        selection = named.value_span if named is not None else Span(member.value_span.start, member.value_span.start + 1)
        symbols.append(Symbol(string_of(item, label_key) or f"[{i}]", string_of(item, detail_key), kind, member.value_span, selection))
    return symbols


def _constraints(index: IdIndex) -> list[Symbol]:
    return _members(index, ("intent", "constraints"), "type", "description", "property")


def _fields(index: IdIndex, defn: Definition) -> list[Symbol]:
    return _members(index, defn.path + ("fields",), "name", "type_id", "field")


# -- workspace symbols ---------------------------------------------------------------


def workspace_symbols(doc: Document, query: str, index: IdIndex | None = None) -> list[FlatSymbol]:
    """Ids, semantic labels and function names of this document matching `query`
    (case-insensitive substring, else subsequence), substring matches first; at
    most `MAX_WORKSPACE_SYMBOLS`."""
    return best_matches(query, all_symbols(index or build_index(doc)))


def all_symbols(index: IdIndex) -> Iterator[FlatSymbol]:
    """Every name a workspace symbol search can find, in document order."""
    for defn in index.definitions:
        for name, container in _names(defn):
            yield FlatSymbol(name, summary(defn), symbol_kind(defn), defn.span, container)


def best_matches(query: str, symbols: Iterable[FlatSymbol], limit: int = MAX_WORKSPACE_SYMBOLS) -> list[FlatSymbol]:
    """Substring matches (case-insensitive) first, then subsequence matches; at most `limit`."""
    needle = query.lower()
    loose = re.compile(".*?".join(map(re.escape, needle)), re.IGNORECASE)
    exact: list[FlatSymbol] = []
    fuzzy: list[FlatSymbol] = []
    for symbol in symbols:
        if needle in symbol.name.lower():
            exact.append(symbol)
            if len(exact) >= limit:
                break
        elif len(fuzzy) < limit and loose.search(symbol.name):
            fuzzy.append(symbol)
    return (exact + fuzzy)[:limit]


def _names(defn: Definition) -> list[tuple[str, str]]:
    """(name, container): the id in its layer, and a semantic label or a function name under the id."""
    label = string_of(defn.obj, "label") if defn.scope == SEMANTIC_NODE else ""
    if defn.scope == EXEC_NODE and string_of(defn.obj, "operation") == "function_def":
        label = property_of(defn.obj, "name")
    return [(defn.id, defn.layer)] + ([(label, defn.id)] if label and label != defn.id else [])
