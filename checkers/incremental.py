"""Incremental checking: after an edit inside one item, re-check only what that item is connected to.

The items of a document (execution and semantic nodes and edges) fall into *components*: items
are connected when one names another (ids, references, execution_refs, a call and the function
it calls). Every check reads one component at a time, plus the *header* (intent, types, version,
metadata, symbol table), so:

- findings located in a component depend only on that component and the header;
- findings located in the header depend only on the header, except the performance
  constraints' (ANRF401/ANRF402), which compare the header with every function's estimated
  cost; those costs are kept per component, and the findings recomputed from them;
- the symbol table's findings (ANRF302, and ANRF104 on its entries) compare it with every
  semantic node's id, label and type, which an incremental edit leaves as they were.

An edit inside one item that leaves its *signature* as it was (its id and references, a
function's or call's function name, a semantic node's label and node_type) changes one component. That component alone is checked again,
as a small document of its own (the header plus its items), with the very checkers a full check
runs; its findings are mapped back to the full document's positions; the other findings move
with the text. Whatever does not fit this picture (an edit that renames or re-wires, a document
with syntax or schema errors, examples or empty-input constraints, which run whole programs,
findings beyond the per-document budget) returns None, and the caller checks in full, which is
always right. tests/test_incremental.py replays random edit sessions and compares every step
with a full check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from anrf_lsp.format.document import Document, gc_paused, load_document
from anrf_lsp.format.edit import Edit
from anrf_lsp.format.findings import MAX_FINDINGS, Finding, Position, Range, Related
from anrf_lsp.format.incremental import ITEM_LISTS, Layout, splice
from anrf_lsp.format.jsonsource import Path, pointer_from_path
from anrf_lsp.format.model import Anrf

from . import check_in_context
from .context import CheckContext
from .examples import EXAMPLES_PROPERTY
from .intent import FunctionCost, function_costs, performance

# Findings about a whole list say something about every component at once: not incremental.
_WHOLE_LIST = {("ANRF301", "/execution/nodes"), ("ANRF106", "/execution/nodes")}


def signature(path: Path, item: Any) -> tuple[list[str], tuple[str, ...]]:
    """What an edit must leave alone to be checked incrementally: the item's connections, and for a
    semantic node what the symbol table is checked against."""
    extra = (item.label, item.node_type) if path == ("semantic", "nodes") else ()
    return item_keys(path, item), extra


def item_keys(path: Path, item: Any) -> list[str]:
    """What connects an item to others: its own id first, then the ids and names it refers to."""
    if path == ("execution", "nodes"):
        keys = ["x:" + item.node_id, *("x:" + r for r in item.inputs), *("x:" + r for r in item.outputs)]
        if item.operation == "function_def":
            keys.append("fn:" + str(item.properties.get("name", "") or item.node_id))
        elif item.operation == "call" and isinstance(item.properties.get("function"), str):
            keys.append("fn:" + item.properties["function"])
        return keys
    if path == ("execution", "edges"):
        return ["xe:" + item.edge_id, "x:" + item.source_id, "x:" + item.target_id]
    if path == ("semantic", "nodes"):
        return ["s:" + item.node_id, *("x:" + r for r in item.execution_refs)]
    return ["se:" + item.edge_id, "s:" + item.source_id, "s:" + item.target_id]


@dataclass
class Partition:
    """The component of every item (per list, by index)."""

    component: dict[Path, list[int]]
    members: dict[int, dict[Path, list[int]]]  # component -> list -> its items' indexes, in document order

    @classmethod
    def of(cls, model: Anrf) -> Partition:
        keys: dict[str, int] = {}
        parent: list[int] = []

        def key(k: str) -> int:
            found = keys.get(k)
            if found is None:
                found = keys[k] = len(parent)
                parent.append(found)
            return found

        def root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        firsts: dict[Path, list[int]] = {}
        for path in ITEM_LISTS:
            out = firsts[path] = []
            for item in getattr(getattr(model, path[0]), path[1]):
                ks = item_keys(path, item)
                first = root(key(ks[0]))
                for k in ks[1:]:
                    other = root(key(k))
                    if other != first:
                        parent[other] = first
                out.append(first)
        numbers: dict[int, int] = {}
        component = {path: [numbers.setdefault(root(x), len(numbers)) for x in out] for path, out in firsts.items()}
        members: dict[int, dict[Path, list[int]]] = {}
        for path, comps in component.items():
            for i, c in enumerate(comps):
                members.setdefault(c, {}).setdefault(path, []).append(i)
        return cls(component, members)

    def owner(self, f: Finding) -> int | None:
        """The component a finding is about; None: the header or the symbol table (see the module docstring)."""
        parts = _parts(f.pointer)
        if f.code == "ANRF302" or len(parts) < 3 or tuple(parts[:2]) not in self.component or not parts[2].isdecimal():
            return None
        comps = self.component[tuple(parts[:2])]
        i = int(parts[2])
        return comps[i] if i < len(comps) else None


@dataclass
class State:
    """A checked document and what an incremental re-check of it needs."""

    doc: Document
    layout: Layout
    partition: Partition
    findings: list[Finding]  # all of them, sorted
    by_component: dict[int, list[Finding]]
    header: list[Finding]  # findings of the header and the symbol table, performance constraints' excepted
    costs: dict[int, list[FunctionCost]] | None  # per component; None when no constraint is about performance
    exec_index: dict[str, int]
    header_tree: dict[str, Any]  # the document without its item lists: every shard starts from it


def prepare(doc: Document, findings: list[Finding], ctx: CheckContext | None) -> State | None:
    """The incremental state of a fully checked document, or None when it cannot be checked incrementally."""
    model = doc.model
    if ctx is None or model is None or doc.findings or doc.pruned or not doc.syntax_ok or len(findings) >= MAX_FINDINGS:
        return None
    intent = model.intent
    if any(c.type == "safety" for c in intent.constraints) or (intent.properties or {}).get(EXAMPLES_PROPERTY):
        return None  # they run whole programs
    if any((f.code, f.pointer) in _WHOLE_LIST for f in findings):
        return None
    with gc_paused():
        layout = Layout.of(doc)
        if layout is None:
            return None
        partition = Partition.of(model)
        perf = _performance_paths(model)
        by_component: dict[int, list[Finding]] = {}
        header = []
        for f in findings:
            owner = partition.owner(f)
            if owner is not None:
                by_component.setdefault(owner, []).append(f)
            elif not (f.pointer in perf and f.code in ("ANRF401", "ANRF402")):
                header.append(f)
        costs = None
        if perf:
            costs = {}
            nodes = partition.component[("execution", "nodes")]
            for cost in function_costs(ctx):
                costs.setdefault(nodes[ctx.exec_index[cost.entry]], []).append(cost)
        return State(doc, layout, partition, findings, by_component, header, costs, dict(ctx.exec_index), _header_tree(model))


def recheck(state: State, edit: Edit, new_text: str) -> State | None:
    """The state of `new_text` (the state's text with `edit` applied), re-checking one component; None: check in full."""
    with gc_paused():
        return _recheck(state, edit, new_text)


def _recheck(state: State, edit: Edit, new_text: str) -> State | None:
    shift = _Shift(state.doc, edit)  # first: its positions become checkpoints the new text's source map inherits
    spliced = splice(state.doc, state.layout, edit, new_text)
    if spliced is None:
        return None
    doc, layout, path, k = spliced
    shift.to(doc, edit)
    old_item, new_item = (getattr(getattr(d.model, path[0]), path[1])[k] for d in (state.doc, doc))
    if signature(path, old_item) != signature(path, new_item):
        return None  # re-wired or renamed: the components, or the symbol table's findings, may have changed
    component = state.partition.component[path][k]
    shard = _shard(state, doc, component)
    if shard is None:
        return None
    found, shard_ctx = check_in_context(shard)
    members = state.partition.members[component]
    mine = []
    for f in found:
        mapped = _mapped(f, shard, doc, members)
        if mapped is False:
            return None
        if mapped is not None:
            mine.append(mapped)
    by_component = {}
    for c, items in state.by_component.items():
        if c != component:
            moved = shift.findings(items)
            if moved is None:
                return None
            by_component[c] = moved
    if mine:
        by_component[component] = mine
    header = shift.findings(state.header)
    if header is None:
        return None
    costs, perf = state.costs, []
    if costs is not None:
        assert shard_ctx is not None
        costs = {**costs, component: list(function_costs(shard_ctx))}
        ordered = sorted((cost for cs in costs.values() for cost in cs), key=lambda cost: state.exec_index[cost.entry])
        perf = list(performance(_HeaderContext(doc, state.exec_index), ordered))
    findings = [*header, *perf, *(f for fs in by_component.values() for f in fs)]
    if len(findings) >= MAX_FINDINGS:
        return None
    findings.sort(key=Finding.sort_key)
    return State(doc, layout, state.partition, findings, by_component, header, costs, state.exec_index, state.header_tree)


# -- the shard: one component as a document of its own ----------------------------------------------


def _header_tree(model: Anrf) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_unset=True, exclude={"semantic": {"nodes", "edges", "symbol_table"},
                                                                       "execution": {"nodes", "edges"}})


def _shard(state: State, doc: Document, component: int) -> Document | None:
    """The header plus the component's items, loaded as a document (no symbol table: its findings are kept)."""
    assert doc.model is not None
    tree = json.loads(json.dumps(state.header_tree))
    members = state.partition.members[component]
    for path in ITEM_LISTS:
        if path in state.layout.items:
            items = getattr(getattr(doc.model, path[0]), path[1])
            tree.setdefault(path[0], {})[path[1]] = [items[i].model_dump(mode="json", exclude_unset=True) for i in members.get(path, ())]
    shard = load_document(json.dumps(tree, ensure_ascii=False))
    return shard if shard.model is not None and not shard.findings else None


def _parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _to_full(parts: list[str], members: dict[Path, list[int]]) -> list[str]:
    """A shard pointer's parts as the full document's (item positions renumbered)."""
    if len(parts) >= 3 and tuple(parts[:2]) in members and parts[2].isdecimal():
        return [parts[0], parts[1], str(members[tuple(parts[:2])][int(parts[2])]), *parts[3:]]
    return parts


def _mapped(f: Finding, shard: Document, doc: Document, members: dict[Path, list[int]]) -> Finding | None | bool:
    """`f` (a shard finding) located in the full document; None: a header finding (not the shard's to say);
    False: a finding that cannot be mapped (check in full)."""
    parts = _parts(f.pointer)
    if not (len(parts) >= 3 and tuple(parts[:2]) in ITEM_LISTS) or f.code == "ANRF302":
        return False if (f.code, f.pointer) in _WHOLE_LIST else None  # the header's and the symbol table's are kept
    if f.code in ("ANRF103", "ANRF108"):
        return False  # ANRF103's message names the first occurrence's position
    shard_path = tuple(parts)
    full = _to_full(parts, members)
    full_path = tuple(full)
    focus = shard.source.focus_span(shard_path)
    if shard.source.range(focus) == f.range:
        span = doc.source.focus_span(full_path)
    else:
        member, full_member = shard.source.member(shard_path), doc.source.member(full_path)
        if member is None or member.key_span is None or shard.source.range(member.key_span) != f.range or full_member is None:
            return False
        span = full_member.key_span
        if span is None:
            return False
    related = []
    for r in f.related:
        rel = _to_full(_parts(r.pointer), members)
        related.append(Related(pointer_from_path(rel), doc.source.range(doc.source.focus_span(tuple(rel))), r.message))
    return Finding(f.code, f.severity, f.message, pointer_from_path(full), doc.source.range(span), related, f.data)


# -- moving the other findings with the text ---------------------------------------------------------


class _Shift:
    """Positions after an edit: before it unchanged, after it moved by its lines (and on its last line, columns)."""

    def __init__(self, old: Document, edit: Edit):
        self.start = old.source.position(edit.start)
        self.old_end = old.source.position(edit.old_end)
        self.new_end = self.old_end

    def to(self, new: Document, edit: Edit) -> None:
        self.new_end = new.source.position(edit.new_end)

    def position(self, p: Position) -> Position | None:
        if (p.line, p.character) <= (self.start.line, self.start.character):
            return p
        if (p.line, p.character) < (self.old_end.line, self.old_end.character):
            return None  # inside the edit: not a finding of another component
        if p.line == self.old_end.line:
            return Position(self.new_end.line, self.new_end.character + p.character - self.old_end.character)
        return Position(p.line + self.new_end.line - self.old_end.line, p.character)

    def range(self, r: Range) -> Range | None:
        start, end = self.position(r.start), self.position(r.end)
        return Range(start, end) if start is not None and end is not None else None

    def findings(self, findings: list[Finding]) -> list[Finding] | None:
        if self.start == self.old_end == self.new_end:
            return findings
        out = []
        for f in findings:
            rng = self.range(f.range)
            related = [Related(r.pointer, moved, r.message) for r in f.related if (moved := self.range(r.range)) is not None]
            if rng is None or len(related) != len(f.related):
                return None
            out.append(Finding(f.code, f.severity, f.message, f.pointer, rng, related, f.data))
        return out


class _HeaderContext:
    """What the performance rule reads, for the full document: its findings' locations and the node index."""

    def __init__(self, doc: Document, exec_index: dict[str, int]):
        self.doc, self.model, self.exec_index = doc, doc.model, exec_index

    @property
    def is_graph(self) -> bool:
        return self.model.execution.format == "graph"  # type: ignore[union-attr]

    def finding(self, code: str, path: Path, message: str, **kw: Any) -> Finding:
        return self.doc.finding(code, path, message, **kw)


def _performance_paths(model: Anrf) -> set[str]:
    return {f"/intent/constraints/{i}" for i, c in enumerate(model.intent.constraints) if c.type == "performance"}
