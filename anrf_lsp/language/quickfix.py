"""Quick fixes for findings, built from the finding's own (code, pointer, data).

A fix is offered only when the document it makes has fewer findings of its code and
no more errors of any code (checked by running the checkers on the edited text):
removing an operand of `add` would trade a dangling reference for a wrong arity
(ANRF205), and is not offered.

The language server stores `finding.to_dict()` in a diagnostic and hands it back
when the editor asks for code actions, possibly after the user typed more. So
every fix first checks that the pointer still fits the data (the reference at
the pointer is still the id the finding named, the id is still duplicated, ...)
and offers nothing otherwise: no fix beats a wrong edit.

Every fix is a few minimal `TextEdit`s (code-point offsets into `doc.text`); the
text outside them is left byte for byte, and new JSON is laid out like its
neighbours (one line or indented, same separators and indent unit).

Fixes:
- ANRF104 dangling reference: remove the reference (an `inputs`/`outputs`/
  `execution_refs` element, the whole edge for `source_id`/`target_id`, the
  `symbol_table` entry), or create a stub node with that id. An execution stub
  is a `constant` without a value: it infers as "any", so it adds no type
  errors until the user fills it in (it is still uncovered, ANRF301). A
  semantic stub is an `expression`, or for a `symbol_table` entry a `variable`
  labelled with the symbol, so the table agrees with it (ANRF302).
- ANRF201 unknown type: use the suggested type, or add a primitive TypeDef stub.
- ANRF302 symbol table out of date: rebuild it from the declaring nodes' labels.
- ANRF102 unsupported version: set it to "v1".
- ANRF205 unknown operation: the nearest known operations (by spelling).
- ANRF301 uncovered execution node: add it to the execution_refs of the semantic
  node that covers its function's function_def.
- ANRF103 duplicate id: rename the later occurrence. References to the id are
  left alone: they resolve to the first occurrence today, and which one a
  reference meant is not ours to guess.
- ANRF202 operand / ANRF203 return of the wrong kind: put a conversion node
  (`to_string`, `to_float`) between the value and its use, named in the
  semantic node that covers the function; offered only where that one
  conversion removes the finding.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from anrf_lsp.execution.ops import OPS
from anrf_lsp.format.document import Document
from anrf_lsp.format.findings import Finding
from anrf_lsp.format.jsonsource import ContainerIndex, Span
from anrf_lsp.format.model import SUPPORTED_VERSION
from checkers.crosslayer import SYMBOL_NODE_TYPES

Path = tuple[str, ...]  # pointer parts kept as strings; list indexes are decimal strings

_MISSING: Any = object()
_INDENT = re.compile(r"\n([ \t]+)\S")
_LEADING_WS = re.compile(r"[ \t]*")
_NUMBERED = re.compile(r"(.*_)(\d+)")
_ID_FIELDS = ("node_id", "edge_id", "type_id")


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace `span` (code-point offsets [start, end) into `doc.text`) with `new_text`."""

    span: Span
    new_text: str


@dataclass(slots=True)
class QuickFix:
    title: str
    code: str
    edits: list[TextEdit]
    preferred: bool = False  # safe to apply without looking (the editor's "auto fix")


# title, edit or edits (None: cannot be built here), preferred
Candidate = tuple[str, "TextEdit | list[TextEdit | None] | None", bool]


Checker = Callable[[str, list[TextEdit]], list[Finding]]  # the findings of `text` with the edits applied


def full_check(text: str, edits: list[TextEdit]) -> list[Finding]:
    from checkers import check_text

    return check_text(applied(text, edits))


def incremental_checker(state: Any) -> Checker:
    """A checker that re-checks from a document's incremental state (checkers/incremental.py) where one edit
    inside an item allows it: vetting a fix on a 100k-node document then costs milliseconds, not seconds."""
    from anrf_lsp.format.edit import Edit
    from checkers.incremental import recheck

    def check(text: str, edits: list[TextEdit]) -> list[Finding]:
        if not edits and text == state.doc.text:
            return state.findings
        if len(edits) == 1 and text == state.doc.text:
            e = edits[0]
            found = recheck(state, Edit(e.span.start, e.span.end, e.span.start + len(e.new_text)), applied(text, edits))
            if found is not None:
                return found.findings
        return full_check(text, edits)

    return check


def quick_fixes(doc: Document, code: str, pointer: str, data: dict, check: Checker = full_check) -> list[QuickFix]:
    """The fixes for one finding of `doc`; [] when none applies or the document moved on. `check` runs the
    checkers on a candidate's result (see the module docstring)."""
    fixer = _FIXERS.get(code)
    path = _parse_pointer(pointer)
    if fixer is None or path is None or not isinstance(data, dict) or not doc.syntax_ok:
        return []
    try:
        tree = doc.tree
    except (ValueError, RecursionError):
        return []
    if not isinstance(tree, dict):
        return []
    candidates = [(title, edits, preferred) for title, edit, preferred in fixer(doc, tree, path, data)
                  if (edits := _edits(edit)) is not None]
    if not candidates:
        return []
    before = _tally(check(doc.text, []), code)
    return [QuickFix(title, code, edits, preferred) for title, edits, preferred in candidates
            if _better(_tally(check(doc.text, edits), code), before)]


def _edits(edit: TextEdit | list[TextEdit | None] | None) -> list[TextEdit] | None:
    """A candidate's edits in text order; None when one could not be built or two overlap."""
    edits = [edit] if isinstance(edit, TextEdit) else list(edit or [])
    if not edits or any(e is None for e in edits):
        return None
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end))  # type: ignore[union-attr]
    if any(a.span.end > b.span.start for a, b in pairwise(ordered)):  # type: ignore[union-attr]
        return None
    return ordered  # type: ignore[return-value]


def applied(text: str, edits: TextEdit | list[TextEdit]) -> str:
    """`text` with non-overlapping edits applied (each span is into the original text)."""
    for edit in sorted([edits] if isinstance(edits, TextEdit) else edits, key=lambda e: e.span.start, reverse=True):
        text = text[: edit.span.start] + edit.new_text + text[edit.span.end:]
    return text


def _tally(found: list[Finding], code: str) -> tuple[int, Counter[str]]:
    """(findings of `code`, errors by code)."""
    return sum(f.code == code for f in found), Counter(f.code for f in found if f.severity == "error")


def _better(after: tuple[int, Counter[str]], before: tuple[int, Counter[str]]) -> bool:
    return after[0] < before[0] and all(count <= before[1][c] for c, count in after[1].items())


# -- the fixes -------------------------------------------------------------------


def _dangling_reference(doc: Document, tree: dict, path: Path, data: dict) -> Iterator[Candidate]:
    ref, kind, field = data.get("ref"), data.get("kind"), data.get("field")
    if not isinstance(ref, str) or not ref or _value_at(tree, path) != ref:
        return
    if field in ("source_id", "target_id") and len(path) == 4 and path[1] == "edges" and path[3] == field:
        edge_id = _value_at(tree, (*path[:3], "edge_id"))
        name = f" '{edge_id}'" if isinstance(edge_id, str) else ""
        yield f"Remove edge{name} (its {field} '{ref}' names no node)", _remove_entry(doc, path[:3]), False
    elif field == "symbol_table" and path[:2] == ("semantic", "symbol_table") and len(path) == 3:
        yield f"Remove symbol '{path[2]}' (it maps to missing node '{ref}')", _remove_entry(doc, path), False
    elif field in ("inputs", "outputs", "execution_refs") and len(path) == 5 and path[1] == "nodes" and path[3] == field:
        yield f"Remove reference '{ref}'", _remove_entry(doc, path), False
    else:
        return
    if kind == "exec_node":
        layer, what, stub = "execution", "execution node", {"node_id": ref, "operation": "constant"}
    elif kind == "semantic_node" and field == "symbol_table":
        layer, what, stub = "semantic", "semantic node", {"node_id": ref, "node_type": "variable", "label": path[2]}
    elif kind == "semantic_node":
        layer, what, stub = "semantic", "semantic node", {"node_id": ref, "node_type": "expression"}
    else:
        return
    if ref not in _ids(tree, (layer, "nodes"), "node_id"):
        yield f"Create stub {what} '{ref}'", _append_item(doc, (layer, "nodes"), stub), False


def _unknown_type(doc: Document, tree: dict, path: Path, data: dict) -> Iterator[Candidate]:
    type_id, suggestion = data.get("type_id"), data.get("suggestion")
    if not isinstance(type_id, str) or not type_id or _value_at(tree, path) != type_id:
        return
    known = _ids(tree, ("semantic", "types"), "type_id")
    if type_id in known:
        return
    if isinstance(suggestion, str) and suggestion in known:
        yield f"Change to '{suggestion}'", _set_value(doc, path, suggestion), True
    if isinstance(_value_at(tree, ("semantic",)), dict):
        stub = {"type_id": type_id, "name": type_id, "type_kind": "primitive"}
        yield f"Add TypeDef stub '{type_id}'", _append_item(doc, ("semantic", "types"), stub), False


def _unsupported_version(doc: Document, tree: dict, path: Path, data: dict) -> Iterator[Candidate]:
    version = data.get("version")
    if path == ("version",) and isinstance(version, str) and tree.get("version") == version != SUPPORTED_VERSION:
        yield f"Set version to '{SUPPORTED_VERSION}'", _set_value(doc, path, SUPPORTED_VERSION), True


def _unknown_operation(doc: Document, tree: dict, path: Path, data: dict) -> Iterator[Candidate]:
    """The nearest known operations (spelling first); those that leave the node's arity wrong are dropped later."""
    op = data.get("operation")
    if not isinstance(op, str) or len(path) != 4 or path[:2] != ("execution", "nodes") or path[3] != "operation" or _value_at(tree, path) != op:
        return
    known = list(OPS)
    nearest = [name for name in known if name == op.lower()] + difflib.get_close_matches(op.lower(), known, n=3, cutoff=0.5)
    for k, name in enumerate(dict.fromkeys(nearest)):
        yield f"Change to '{name}'", _set_value(doc, path, name), k == 0


def _uncovered_node(doc: Document, tree: dict, path: Path, data: dict) -> Iterator[Candidate]:
    """Name the node in the execution_refs of the semantic node that covers its function's function_def."""
    node_id = data.get("node_id")
    if not isinstance(node_id, str) or len(path) != 3 or path[:2] != ("execution", "nodes") or doc.model is None:
        return
    if _value_at(tree, (*path, "node_id")) != node_id:
        return
    j = _covering_function(doc, tree, node_id)
    node = _value_at(tree, ("semantic", "nodes", str(j))) if j is not None else None
    if isinstance(node, dict) and node_id not in node["execution_refs"]:
        label = node.get("label") or node.get("node_id")
        yield f"Add '{node_id}' to the execution_refs of '{label}'", _append_item(doc, ("semantic", "nodes", str(j), "execution_refs"), node_id), True


def _rebuild_symbol_table(doc: Document, tree: dict, path: Path, data: dict) -> Iterator[Candidate]:
    """One edit for every ANRF302 finding: the table the checker would accept."""
    semantic = tree.get("semantic")
    if not isinstance(semantic, dict) or path[:1] != ("semantic",):
        return
    old = semantic.get("symbol_table")
    table = symbol_table(semantic)
    if table != (old if isinstance(old, dict) else {}):
        yield "Rebuild symbol table", _set_value(doc, ("semantic", "symbol_table"), table), True


def _rename_duplicate(doc: Document, tree: dict, path: Path, data: dict) -> Iterator[Candidate]:
    ident = data.get("id")
    if not isinstance(ident, str) or not ident or len(path) != 4 or path[3] not in _ID_FIELDS or _value_at(tree, path) != ident:
        return
    taken = _ids(tree, path[:2], path[3])
    if taken.count(ident) < 2:
        return  # no longer duplicated
    new = _unused_id(ident, set(taken))
    yield f"Rename to '{new}'", _set_value(doc, path, new), True


_CONVERSIONS = {"string": "to_string", "number": "to_float"}  # the kind wanted -> the one operation that gives it


def _conversion(doc: Document, tree: dict, path: Path, data: dict) -> Iterator[Candidate]:
    """ANRF202 on an input (`.../inputs/J`) or ANRF203 on a return: convert the value where it is used."""
    actual = data.get("actual")
    if len(path) == 5 and path[:2] == ("execution", "nodes") and path[3] == "inputs" and path[4].isdecimal():
        node_path, j = path[:3], int(path[4])
        wanted = [k for k in _CONVERSIONS if k != actual]  # which kind the signature wants here: the checkers decide
    elif len(path) == 3 and path[:2] == ("execution", "nodes") and _value_at(tree, (*path, "operation")) == "return":
        node_path, j = path, 0
        wanted = [data["expected"]] if data.get("expected") in _CONVERSIONS else []
    else:
        return
    inputs = _value_at(tree, (*node_path, "inputs"))
    if not isinstance(inputs, list) or j >= len(inputs) or not isinstance(inputs[j], str):
        return
    ref = inputs[j]
    taken = set(_ids(tree, ("execution", "nodes"), "node_id"))
    owner = _covering_function(doc, tree, _value_at(tree, (*node_path, "node_id")))
    for kind in wanted:
        op = _CONVERSIONS[kind]
        new_id = _unused_id(f"{ref}_{op}", taken)
        edits = [_set_value(doc, (*node_path, "inputs", str(j)), new_id),
                 _append_item(doc, ("execution", "nodes"), {"node_id": new_id, "operation": op, "inputs": [ref], "outputs": []})]
        if owner is not None:
            edits.append(_append_item(doc, ("semantic", "nodes", str(owner), "execution_refs"), new_id))
        yield f"Convert '{ref}' with {op}", edits, False


def _covering_function(doc: Document, tree: dict, node_id: Any) -> int | None:
    """Index of the semantic node that names the function_def owning `node_id` (where a new node of it is covered)."""
    if not isinstance(node_id, str) or doc.model is None:
        return None
    from anrf_lsp.execution.graph import build_graph

    entry = build_graph(doc.model.execution).owner.get(node_id)
    nodes = _value_at(tree, ("semantic", "nodes"))
    if entry is None or not isinstance(nodes, list):
        return None
    for j, node in enumerate(nodes):
        refs = node.get("execution_refs") if isinstance(node, dict) else None
        if isinstance(refs, list) and entry in refs:
            return j
    return None


_FIXERS = {
    "ANRF202": _conversion,
    "ANRF203": _conversion,
    "ANRF102": _unsupported_version,
    "ANRF103": _rename_duplicate,
    "ANRF104": _dangling_reference,
    "ANRF201": _unknown_type,
    "ANRF205": _unknown_operation,
    "ANRF301": _uncovered_node,
    "ANRF302": _rebuild_symbol_table,
}


def symbol_table(semantic: dict) -> dict[str, str]:
    """The table ANRF302 accepts: the existing entries that agree with their node's
    label (kept, in order, for a small diff), then every declaring node's label
    not yet in it, mapped to the first node with that label."""
    raw = semantic.get("nodes")
    nodes = [n for n in raw if isinstance(n, dict)] if isinstance(raw, list) else []
    labels: dict[Any, Any] = {}
    for node in nodes:
        if isinstance(node.get("node_id"), str):
            labels.setdefault(node["node_id"], node.get("label"))  # first occurrence wins, as in the checkers
    old = semantic.get("symbol_table")
    table = {s: n for s, n in old.items() if isinstance(n, str) and labels.get(n, _MISSING) == s} if isinstance(old, dict) else {}
    for node in nodes:
        label, node_id = node.get("label"), node.get("node_id")
        declaring = isinstance(node.get("node_type"), str) and node["node_type"] in SYMBOL_NODE_TYPES
        if declaring and isinstance(label, str) and label and isinstance(node_id, str):
            table.setdefault(label, node_id)
    return table


def _unused_id(ident: str, taken: set[str]) -> str:
    """`x` -> `x_2`, `x_3`, ...; a numbered id counts on (`exec_node_2` -> `exec_node_3`)."""
    numbered = _NUMBERED.fullmatch(ident)
    base, n = (numbered.group(1), int(numbered.group(2)) + 1) if numbered else (ident + "_", 2)
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


# -- reading the tree --------------------------------------------------------------


def _parse_pointer(pointer: Any) -> Path | None:
    """RFC 6901 parts as strings (a symbol named "01" stays "01")."""
    if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
        return None
    return tuple(raw.replace("~1", "/").replace("~0", "~") for raw in pointer.split("/")[1:])


def _value_at(tree: Any, path: Path) -> Any:
    for part in path:
        if isinstance(tree, dict) and part in tree:
            tree = tree[part]
        elif isinstance(tree, list) and part.isascii() and part.isdecimal() and int(part) < len(tree):
            tree = tree[int(part)]
        else:
            return _MISSING
    return tree


def _ids(tree: dict, list_path: Path, field: str) -> list[str]:
    """The string ids of the objects in the array at `list_path` (others are ANRF101's)."""
    items = _value_at(tree, list_path)
    if not isinstance(items, list):
        return []
    return [item[field] for item in items if isinstance(item, dict) and isinstance(item.get(field), str)]


# -- text edits --------------------------------------------------------------------


def _entry_spans(container: ContainerIndex) -> list[tuple[str, Span]] | None:
    """(key, span) of each entry in text order; an object entry spans key to value.
    None when the spans are out of order (an object with a repeated key)."""
    if container.is_object:
        members = container.members.items()  # type: ignore[union-attr]
        entries = [(k, Span(m.key_span.start if m.key_span else m.value_span.start, m.value_span.end)) for k, m in members]
    else:
        entries = [(str(i), m.value_span) for i, m in enumerate(container.members)]
    if any(a.end > b.start for (_, a), (_, b) in pairwise(entries)):
        return None
    return entries


def _remove_entry(doc: Document, path: Path) -> TextEdit | None:
    """Delete the entry at `path` with exactly one adjacent comma and the whitespace
    between, so the rest of the container keeps its layout."""
    container = doc.source.children(path[:-1])
    entries = _entry_spans(container) if container is not None else None
    keys = [k for k, _ in entries or ()]
    if container is None or entries is None or path[-1] not in keys:
        return None
    k = keys.index(path[-1])
    spans = [s for _, s in entries]
    if len(spans) == 1:
        return TextEdit(Span(container.span.start + 1, container.span.end - 1), "")
    if k + 1 < len(spans):
        return TextEdit(Span(spans[k].start, spans[k + 1].start), "")
    return TextEdit(Span(spans[k - 1].end, spans[k].end), "")


def _append_item(doc: Document, list_path: Path, item: Any) -> TextEdit | None:
    """Append to the array at `list_path`, creating the array when it is absent."""
    if doc.source.member(list_path) is not None:
        return _append_entry(doc, list_path, item)
    return _append_entry(doc, list_path[:-1], [item], key=list_path[-1])


def _set_value(doc: Document, path: Path, value: Any) -> TextEdit | None:
    """Replace the value at `path` (an object member is added when absent)."""
    span = doc.source.value_span(path)
    if span is None:
        return _append_entry(doc, path[:-1], value, key=path[-1])
    old = doc.text[span.start : span.end]
    # An empty container says nothing about style: follow the document then.
    sample = old if '"' in old else doc.text
    return TextEdit(span, _render(value, sample, _line_indent(doc.text, span.start), _indent_unit(doc.text)))


def _append_entry(doc: Document, path: Path, value: Any, key: str | None = None) -> TextEdit | None:
    """Add `value` after the last entry of the container at `path` (as member `key` of
    an object), with the separator and layout of the entries already there."""
    text = doc.text
    container = doc.source.children(path)
    if container is None or container.is_object != (key is not None):
        return None
    entries = _entry_spans(container)
    if entries is None:
        return None
    unit = _indent_unit(text)
    if entries:
        spans = [s for _, s in entries]
        last = spans[-1]
        sample = text[last.start : last.end]
        lead = text[container.span.start + 1 : last.start]
        sep = text[spans[-2].end : last.start] if len(spans) > 1 else "," + lead if "\n" in lead else _separators(sample)[0]
        return TextEdit(Span(last.end, last.end), sep + _member(key, value, sample, _line_indent(text, last.start), unit))
    inside = Span(container.span.start + 1, container.span.end - 1)
    if "\n" not in text:
        return TextEdit(inside, _member(key, value, text, "", unit))
    outer = _line_indent(text, container.span.start)
    return TextEdit(inside, "\n" + outer + unit + _member(key, value, text, outer + unit, unit) + "\n" + outer)


def _member(key: str | None, value: Any, sample: str, indent: str, unit: str) -> str:
    head = json.dumps(key, ensure_ascii=False) + _separators(sample)[1] if key is not None else ""
    return head + _render(value, sample, indent, unit)


def _render(value: Any, sample: str, indent: str, unit: str) -> str:
    """JSON for `value`: indented when `sample` spans lines, else on one line with its separators."""
    if "\n" in sample:
        return json.dumps(value, indent=unit, ensure_ascii=False).replace("\n", "\n" + indent)
    return json.dumps(value, separators=_separators(sample), ensure_ascii=False)


def _separators(sample: str) -> tuple[str, str]:
    return (", ", ": ") if '": ' in sample else (",", ":")


def _line_indent(text: str, offset: int) -> str:
    """The leading whitespace of the line holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    return _LEADING_WS.match(text, start).group()  # type: ignore[union-attr]


def _indent_unit(text: str) -> str:
    """The document's indent step: the first indented line's leading whitespace."""
    found = _INDENT.search(text)
    return found.group(1) if found else "  "
