"""Structure checks, ANRF101-107: what a document must look like before its meaning is checked.

`load_document` already reports schema *type* errors (ANRF101) and prunes the
offending values; this module adds what the pydantic model deliberately lets
through (missing/empty required fields, non-string property values, bad
base64, unknown execution edge types), plus version, id uniqueness, dangling
references, forbidden cycles, reachability and unknown fields.

Everything runs in a few linear passes over the model, with dict/set lookups
and no recursion on document structure, so huge documents stay fast.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any, Literal, get_args, get_origin

from anrf_lsp.execution.graph import data_reachable, find_cycles, is_back_edge, strongly_connected
from anrf_lsp.execution.ops import CONTROL_EDGE_TYPES
from anrf_lsp.format.document import json_kind
from anrf_lsp.format.findings import Finding, define
from anrf_lsp.format.jsonsource import Path
from anrf_lsp.format.model import (
    REQUIRED_FIELDS,
    SUPPORTED_VERSION,
    Anrf,
    AnrfModel,
    ExecEdgeType,
    IntentLayer,
)

from .context import CheckContext

# -- the codes this module reports (the check catalog: anrf_lsp/format/findings.py) ----

define("ANRF102", "error", "unsupported version", "structure", """
`version` is not `"v1"`. A minor revision of v1 (`"v1.1"`, `"v1.2"`, …) is a **warning**: the document is checked as v1, and fields newer than v1 show up as unknown fields (ANRF107). Anything else (`"v2"`, `"1"`, `"v1-beta"`) is an error. Reported at `/version`. A missing or empty version is ANRF101.

Failing:

```json
{"anrf_id": "func_1", "version": "v2"}
```

Passing:

```json
{"anrf_id": "func_1", "version": "v1"}
```
""")

define("ANRF103", "error", "duplicate id in a scope", "structure", """
Two entries of one id scope share an id. The scopes are separate: semantic node ids, semantic edge ids, type ids, execution node ids and execution edge ids (a semantic node and an execution node may share an id). The finding is on the later occurrence's id, with a related location "first defined here" on the first one; `data` holds `{"id", "scope"}` (scope: `semantic_node`, `semantic_edge`, `type`, `exec_node`, `exec_edge`). Empty ids are not compared (they are ANRF101). Every other check resolves a duplicated id to its **first** occurrence.

Failing:

```json
"nodes": [
  {"node_id": "exec_node_2", "operation": "parameter"},
  {"node_id": "exec_node_2", "operation": "variable_def"}
]
```

Passing:

```json
"nodes": [
  {"node_id": "exec_node_2", "operation": "parameter"},
  {"node_id": "exec_node_3", "operation": "variable_def"}
]
```
""")

define("ANRF104", "error", "dangling reference", "structure", """
A reference names an id that does not exist. Checked references: semantic edge `source_id` / `target_id` → semantic nodes; execution edge `source_id` / `target_id` → execution nodes; execution node `inputs` / `outputs` → execution nodes; semantic node `execution_refs` → execution nodes; `symbol_table` values → semantic nodes. The finding points at the exact reference (e.g. `/execution/nodes/4/inputs/1`); `data` is `{"ref", "kind": "semantic_node" | "exec_node", "field"}` so a quick fix can remove the reference or create a stub node. References to **types** (`properties.type`, `return_type`, `element_type`, a field's `type_id`) are checked by ANRF201, `parent_type` by ANRF204.

Failing:

```json
{"node_id": "exec_node_5", "operation": "add", "inputs": ["exec_node_3", "exec_node_9"]}
```

→ `inputs[1] of execution node 'exec_node_5' is 'exec_node_9', which names no execution node`.

Passing:

```json
{"node_id": "exec_node_5", "operation": "add", "inputs": ["exec_node_3", "exec_node_4"]}
```
""")

define("ANRF105", "error", "forbidden cycle", "structure", """
A cycle where none is allowed:

- semantic `contains` edges (a node cannot contain itself, directly or through others);
- semantic `inherits` edges (checked separately: one `contains` and one `inherits` edge between the same two nodes is not a cycle);
- execution control flow (`control_flow`, `true_branch`, `false_branch`, `loop_body` edges) that loops back without going through a `for_each` or `while` node. Edges *into* a loop node are loop back edges and are allowed; repetition is written as a loop whose body ends at an `end_loop`.

One finding per cycle, at the first of its edges in document order, listing the cycle: `'exec_node_5' → 'exec_node_6' → 'exec_node_7' → 'exec_node_5'`.

Failing:

```json
{"edge_id": "e1", "source_id": "mod_a", "target_id": "mod_b", "edge_type": "contains"},
{"edge_id": "e2", "source_id": "mod_b", "target_id": "mod_a", "edge_type": "contains"}
```

Passing (a tree):

```json
{"edge_id": "e1", "source_id": "mod_a", "target_id": "mod_b", "edge_type": "contains"},
{"edge_id": "e2", "source_id": "mod_a", "target_id": "func_c", "edge_type": "contains"}
```
""")

define("ANRF106", "warning", "unreachable execution node", "structure", """
An execution node that no function reaches, neither by control flow from a `function_def` nor as data (an input or output of a reached node, transitively). Usually a forgotten edge or a leftover. Only for the `graph` format. Reported at the node; `data` is `{"node_id"}`. When the execution layer has nodes but no `function_def` at all, a single finding at `/execution/nodes` says so instead of one per node.

Failing (`orphan` is used by nothing):

```json
{"node_id": "exec_node_7", "operation": "return", "inputs": ["exec_node_3"]},
{"node_id": "orphan", "operation": "len", "inputs": ["exec_node_2"]}
```

Passing: use it (e.g. `"inputs": ["orphan"]` on the return) or delete it.
""")

define("ANRF107", "warning", "unknown field", "structure", """
A field that ANRF v1 does not define, anywhere in the document (top level, layers, constraints, nodes, edges, types, fields). Unknown fields are kept on load and save (forward compatibility) but ignored by v1 tools. Reported at the key; `data` is `{"field"}`. Keys inside `properties`, `metadata` and `symbol_table` are free-form and never reported.

Failing:

```json
{"node_id": "func_sum", "node_type": "function", "lable": "sum"}
```

→ `unknown field 'lable' (kept, but ignored by ANRF v1 tools)`.

Passing:

```json
{"node_id": "func_sum", "node_type": "function", "label": "sum"}
```
""")

EXEC_EDGE_TYPES: tuple[str, ...] = get_args(ExecEdgeType)
_EDGE_TYPES_OR_EMPTY = frozenset(EXEC_EDGE_TYPES) | {""}  # empty: ANRF101's missing/empty field
_MINOR_VERSION = re.compile(r"v1\.\d+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]*")
MAX_CYCLE_IDS = 12  # ids listed in a cycle message before it is abbreviated
MAX_DATA_IDS = 100  # ids a finding's data carries (data stays small)


def check(ctx: CheckContext) -> Iterable[Finding]:
    yield from check_fields(ctx)
    yield from check_version(ctx)
    yield from check_duplicates(ctx)
    yield from check_references(ctx)
    yield from check_cycles(ctx)
    yield from check_reachability(ctx)


# -- the model objects of a document ----------------------------------------------


def object_lists(model: Anrf) -> Iterator[tuple[Sequence[AnrfModel], Path, bool]]:
    """Every model object, grouped in lists of one class: (objects, path prefix, whether
    the prefix is indexed). Layers absent from the source are skipped (their defaults are
    empty), so a missing layer is one finding, not dozens."""
    yield [model], (), False
    present = model.model_fields_set
    if "intent" in present:
        yield [model.intent], ("intent",), False
        yield model.intent.constraints, ("intent", "constraints"), True
    if "semantic" in present:
        sem = model.semantic
        yield [sem], ("semantic",), False
        yield sem.nodes, ("semantic", "nodes"), True
        yield sem.edges, ("semantic", "edges"), True
        yield sem.types, ("semantic", "types"), True
        for i, t in enumerate(sem.types):
            if t.fields:
                yield t.fields, ("semantic", "types", i, "fields"), True
    if "execution" in present:
        ex = model.execution
        yield [ex], ("execution",), False
        yield ex.nodes, ("execution", "nodes"), True
        yield ex.edges, ("execution", "edges"), True


def _literal_options(annotation: Any) -> tuple[str, ...]:
    """The allowed values of a `Literal[...]` (or `Literal[...] | None`) field, else ()."""
    if get_origin(annotation) is Literal:
        return tuple(str(a) for a in get_args(annotation))
    for arg in get_args(annotation):
        if get_origin(arg) is Literal:
            return tuple(str(a) for a in get_args(arg))
    return ()


# (model class, field) -> allowed values, for messages that say what to write.
_OPTIONS: dict[tuple[type, str], tuple[str, ...]] = {
    (cls, name): _literal_options(cls.model_fields[name].annotation) for cls, names in REQUIRED_FIELDS.items() for name in names
}


def at_key(ctx: CheckContext, code: str, path: Path, message: str, **kw: Any) -> Finding:
    """A finding underlining the object key at `path` (not its value): for unknown
    fields and map entries the key is what the author has to change."""
    member = ctx.doc.source.member(path)
    span = member.key_span if member is not None else None
    return ctx.doc.finding(code, path, message, span=span, **kw)


# -- ANRF101 / ANRF107: fields ----------------------------------------------------


def check_fields(ctx: CheckContext) -> Iterator[Finding]:
    """Required fields, property-map values and unknown fields of every object.

    Each list first gets a scan of its field columns that runs in C; the per-object
    loop that builds findings only runs for lists where that scan saw a problem."""
    for items, prefix, indexed in object_lists(ctx.model):
        if not items:
            continue
        required = REQUIRED_FIELDS.get(type(items[0]), ())
        if required and (not indexed or not _all_truthy(ctx, items, required)):
            for i, obj in enumerate(items):
                path = prefix + (i,) if indexed else prefix
                if path not in ctx.doc.pruned:  # else a placeholder for a value already reported
                    yield from _required(ctx, obj, path, required)
        if any(ctx.column(items, "__pydantic_extra__")):
            for i, obj in enumerate(items):
                for key in obj.model_extra or ():
                    path = (prefix + (i,) if indexed else prefix) + (key,)
                    yield at_key(ctx, "ANRF107", path, f"unknown field '{key}' (kept, but ignored by ANRF v1 tools)", data={"field": key})
        if "properties" in type(items[0]).model_fields and not _all_strings(ctx.column(items, "properties")):  # not an extra field
            for i, obj in enumerate(items):
                yield from _property_values(ctx, obj.properties, (prefix + (i,) if indexed else prefix) + ("properties",))
    if not _all_strings([ctx.model.metadata]):
        yield from _property_values(ctx, ctx.model.metadata, ("metadata",))
    yield from _code_base64(ctx)
    yield from _exec_edge_types(ctx)


def _all_truthy(ctx: CheckContext, items: Sequence[AnrfModel], names: tuple[str, ...]) -> bool:
    """Every object has every field set and non-empty (unset string/enum fields hold falsy defaults)."""
    return all(all(ctx.column(items, name)) for name in names)


def _all_strings(maps: Iterable[dict[str, Any]]) -> bool:
    return set(map(type, chain.from_iterable(map(dict.values, maps)))) <= {str}


def _required(ctx: CheckContext, obj: AnrfModel, path: Path, required: tuple[str, ...]) -> Iterator[Finding]:
    present = obj.model_fields_set
    for name in required:
        options = _OPTIONS.get((type(obj), name), ())
        hint = f" (one of: {', '.join(options)})" if options else ""
        if name not in present:
            yield ctx.finding("ANRF101", path + (name,), f"missing required field '{name}'{hint}", data={"field": name})
            continue
        value = getattr(obj, name)
        if value is None:
            yield ctx.finding("ANRF101", path + (name,), f"'{name}' must not be null{hint}", data={"field": name})
        elif value == "" and not (type(obj) is IntentLayer and name == "description"):
            # An empty intent description has its own, milder code (ANRF403).
            yield ctx.finding("ANRF101", path + (name,), f"'{name}' must not be empty{hint}", data={"field": name})




def _property_values(ctx: CheckContext, props: dict[str, Any], path: Path) -> Iterator[Finding]:
    """Property maps are map<string, string> in the protobuf; other JSON values load but do not survive a binary round-trip."""
    for key, value in props.items():
        if isinstance(value, str):
            continue
        suggestion = json.dumps(json.dumps(value, separators=(",", ":")))
        if len(suggestion) > 60:
            suggestion = "a JSON text in a string"
        yield ctx.finding(
            "ANRF101",
            path + (key,),
            f"property values are strings in ANRF v1; found {json_kind(value)} for '{key}' (write {suggestion})",
            severity="warning",
            data={"key": key},
        )


def _code_base64(ctx: CheckContext) -> Iterator[Finding]:
    """execution.code is protobuf `bytes`, which JSON carries as base64 (standard or URL-safe, padding optional)."""
    code = ctx.model.execution.code
    if not code:
        return
    body = code.rstrip("=")
    padding = len(code) - len(body)
    match = _BASE64.fullmatch(body)
    if match is None:
        bad = next(i for i, ch in enumerate(body) if not _BASE64.fullmatch(ch))
        problem = f"character {body[bad]!r} at offset {bad} is not a base64 digit"
    elif len(body) % 4 == 1 or padding > 2 or (padding and (len(body) + padding) % 4):
        problem = f"length {len(code)} is not a valid base64 length"
    else:
        return
    yield ctx.finding("ANRF101", ("execution", "code"), f"'code' must be base64-encoded bytes: {problem}")


def _exec_edge_types(ctx: CheckContext) -> Iterator[Finding]:
    edges = ctx.model.execution.edges
    if set(ctx.column(edges, "edge_type")) <= _EDGE_TYPES_OR_EMPTY:
        return
    allowed = ", ".join(EXEC_EDGE_TYPES)
    for i, edge in enumerate(edges):
        et = edge.edge_type
        if et and et not in EXEC_EDGE_TYPES:
            yield ctx.finding(
                "ANRF101",
                ("execution", "edges", i, "edge_type"),
                f"unknown execution edge type '{et}' on edge '{edge.edge_id}'; the interpreter ignores this edge "
                f"(expected one of: {allowed})",
                severity="warning",
                data={"edge_type": et},
            )


# -- ANRF102: version --------------------------------------------------------------


def check_version(ctx: CheckContext) -> Iterator[Finding]:
    """v1 is supported; a v1.N minor version is read as v1 with a warning; anything else is an error.
    A missing or empty version is ANRF101's business."""
    version = ctx.model.version
    if not version or version == SUPPORTED_VERSION:
        return
    if _MINOR_VERSION.fullmatch(version):
        yield ctx.finding(
            "ANRF102",
            ("version",),
            f"version '{version}' is a minor revision of v1; it is checked as '{SUPPORTED_VERSION}' "
            f"and newer fields are reported as unknown",
            severity="warning",
            data={"version": version},
        )
    else:
        yield ctx.finding(
            "ANRF102",
            ("version",),
            f"unsupported version '{version}'; this tool reads ANRF '{SUPPORTED_VERSION}'",
            data={"version": version},
        )


# -- ANRF103: duplicate ids ----------------------------------------------------------

# scope name, layer, list, id field, human name
_SCOPES = (
    ("semantic_node", "semantic", "nodes", "node_id", "semantic node"),
    ("semantic_edge", "semantic", "edges", "edge_id", "semantic edge"),
    ("type", "semantic", "types", "type_id", "type"),
    ("exec_node", "execution", "nodes", "node_id", "execution node"),
    ("exec_edge", "execution", "edges", "edge_id", "execution edge"),
)


def check_duplicates(ctx: CheckContext) -> Iterator[Finding]:
    """Each id scope with a first-seen dict. Empty ids are ANRF101's, not duplicates."""
    for scope, layer, listname, field, human in _SCOPES:
        items = getattr(getattr(ctx.model, layer), listname)
        ids = ctx.column(items, field)
        # the distinct ids: node scopes have them already, as the keys of their first-occurrence index
        distinct = ctx.semantic_index if scope == "semantic_node" else ctx.exec_index if scope == "exec_node" else set(ids)
        if len(distinct) == len(ids):
            continue
        first: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if not ident:
                continue
            j = first.setdefault(ident, i)
            if j == i:
                continue
            yield ctx.finding(
                "ANRF103",
                (layer, listname, i, field),
                f"duplicate {human} id '{ident}' (first defined at {layer}.{listname}[{j}]); {human} ids must be unique",
                related=[((layer, listname, j, field), "first defined here")],
                data={"id": ident, "scope": scope},
            )


# -- ANRF104: dangling references ----------------------------------------------------


def check_references(ctx: CheckContext) -> Iterator[Finding]:
    """Every id reference except type references (those are ANRF201, checkers/types.py).

    Each reference list is first checked in C (is every id known?), then reduced to the
    set of ids it lacks; only lists with missing ids are walked to say where."""
    sem, ex = ctx.model.semantic, ctx.model.execution
    sem_ids, exec_ids = ctx.semantic_index, ctx.exec_index
    edge_lists = (
        (sem.edges, "semantic", sem_ids, "semantic_node", "semantic node", "semantic.nodes"),
        (ex.edges, "execution", exec_ids, "exec_node", "execution node", "execution.nodes"),
    )
    for edges, layer, ids, kind, human, where in edge_lists:
        for field in ("source_id", "target_id"):
            values = ctx.column(edges, field)
            if all(map(ids.__contains__, values)):
                continue
            missing = set(values).difference(ids)
            missing.discard("")  # an empty id is ANRF101's
            if not missing:
                continue
            for i, ref in enumerate(values):
                if ref in missing:
                    yield ctx.finding(
                        "ANRF104",
                        (layer, "edges", i, field),
                        f"{field} '{ref}' of {layer} edge '{edges[i].edge_id}' names no {human}; "
                        f"expected the node_id of an entry in {where}",
                        data={"ref": ref, "kind": kind, "field": field},
                    )
    ref_lists = (
        (ex.nodes, "execution", "inputs", "execution node"),
        (ex.nodes, "execution", "outputs", "execution node"),
        (sem.nodes, "semantic", "execution_refs", "semantic node"),
    )
    for nodes, layer, field, owner in ref_lists:
        column = ctx.column(nodes, field)
        if all(map(exec_ids.__contains__, chain.from_iterable(column))):
            continue
        missing = set(chain.from_iterable(column)).difference(exec_ids)
        if not missing:
            continue
        for i, node in enumerate(nodes):
            for k, ref in enumerate(column[i]):
                if ref in missing:
                    yield ctx.finding(
                        "ANRF104",
                        (layer, "nodes", i, field, k),
                        f"{field}[{k}] of {owner} '{node.node_id}' is '{ref}', which names no execution node; "
                        f"expected the node_id of an entry in execution.nodes",
                        data={"ref": ref, "kind": "exec_node", "field": field},
                    )
    for symbol, ref in sem.symbol_table.items():
        if ref not in sem_ids:
            yield ctx.finding(
                "ANRF104",
                ("semantic", "symbol_table", symbol),
                f"symbol '{symbol}' maps to '{ref}', which names no semantic node; expected the node_id of an entry in semantic.nodes",
                data={"ref": ref, "kind": "semantic_node", "field": "symbol_table"},
            )


# -- ANRF105: forbidden cycles ---------------------------------------------------------


def check_cycles(ctx: CheckContext) -> Iterator[Finding]:
    for edge_type in ("contains", "inherits"):
        yield from _semantic_cycles(ctx, edge_type)
    if ctx.is_graph:
        yield from _control_cycles(ctx)


def _semantic_cycles(ctx: CheckContext, edge_type: str) -> Iterator[Finding]:
    """`contains` and `inherits` must each form a forest/DAG: a node cannot (transitively) contain or extend itself."""
    adj: dict[str, list[str]] = {}
    edges: list[tuple[int, str, str]] = []
    all_edges = ctx.model.semantic.edges
    sources, targets = ctx.column(all_edges, "source_id"), ctx.column(all_edges, "target_id")
    for i in ctx.where(all_edges, "edge_type", frozenset({edge_type})):
        src, dst = sources[i], targets[i]
        if src and dst:
            adj.setdefault(src, []).append(dst)
            edges.append((i, src, dst))
    # A cycle needs an edge that goes back in the order of semantic.nodes (or into an id that
    # names no node); parents are usually listed before what they contain, so there is none.
    order = ctx.semantic_index
    if all(order.get(src, -1) < order.get(dst, -1) for _, src, dst in edges):
        return
    comps = _cyclic_components(adj)
    for comp_no, (i, src, dst) in _first_edges(comps, edges).items():
        cycle = _cycle_ids(adj, comps, comp_no, src, dst)
        yield ctx.finding(
            "ANRF105",
            ("semantic", "edges", i),
            f"'{edge_type}' edges form a cycle: {_render_cycle(cycle)}; "
            f"a node must not {'contain' if edge_type == 'contains' else 'inherit from'} itself, directly or indirectly",
            data={"cycle": cycle[:-1][:MAX_DATA_IDS], "edge_type": edge_type},
        )


def _control_cycles(ctx: CheckContext) -> Iterator[Finding]:
    """Control flow may only go round through a loop's back edge (body -> its for_each/while); find_cycles leaves those out."""
    cycles = find_cycles(ctx.graph)
    if not cycles:
        return
    g = ctx.graph
    comps = {node: k for k, comp in enumerate(cycles) for node in comp}
    adj: dict[str, list[str]] = {}
    for src, by_type in g.succ.items():
        for targets in by_type.values():
            adj.setdefault(src, []).extend(t for t in targets if not is_back_edge(g, src, t))
    edges = [
        (i, e.source_id, e.target_id)
        for i, e in enumerate(ctx.model.execution.edges)
        if e.edge_type in CONTROL_EDGE_TYPES
        and e.source_id in g.nodes
        and e.target_id in g.nodes
        and not is_back_edge(g, e.source_id, e.target_id)
    ]
    for comp_no, (i, src, dst) in _first_edges(comps, edges).items():
        cycle = _cycle_ids(adj, comps, comp_no, src, dst)
        yield ctx.finding(
            "ANRF105",
            ("execution", "edges", i),
            f"control flow forms a cycle that does not go through a for_each or while node: {_render_cycle(cycle)}; "
            f"repetition must be written as a loop (loop_body ... end_loop)",
            data={"cycle": cycle[:-1][:MAX_DATA_IDS], "edge_type": "control_flow"},
        )


def _cyclic_components(adj: dict[str, list[str]]) -> dict[str, int]:
    """node -> component number, for the nodes of strongly connected components that contain a cycle."""
    out: dict[str, int] = {}
    for k, comp in enumerate(strongly_connected(adj)):
        if len(comp) > 1 or comp[0] in adj.get(comp[0], ()):
            for node in comp:
                out[node] = k
    return out


def _first_edges(comps: dict[str, int], edges: list[tuple[int, str, str]]) -> dict[int, tuple[int, str, str]]:
    """The first edge (document order) inside each cyclic component: where its finding goes."""
    first: dict[int, tuple[int, str, str]] = {}
    for edge in edges:
        k = comps.get(edge[1])
        if k is not None and comps.get(edge[2]) == k and k not in first:
            first[k] = edge
    return first


def _cycle_ids(adj: dict[str, list[str]], comps: dict[str, int], comp_no: int, src: str, dst: str) -> list[str]:
    """One concrete cycle through the edge src -> dst: src, dst, ..., src (BFS inside the component)."""
    if src == dst:
        return [src, src]
    parent: dict[str, str] = {dst: dst}
    queue = deque([dst])
    while queue:
        node = queue.popleft()
        if node == src:
            break
        for nxt in adj.get(node, ()):
            if nxt not in parent and comps.get(nxt) == comp_no:
                parent[nxt] = node
                queue.append(nxt)
    path = [src]
    node = src
    while node != dst and node in parent:
        node = parent[node]
        path.append(node)
    path.reverse()  # dst ... src
    return [src, *path]


def _render_cycle(cycle: list[str]) -> str:
    if len(cycle) > MAX_CYCLE_IDS:
        shown = cycle[: MAX_CYCLE_IDS - 2]
        return " → ".join(f"'{c}'" for c in shown) + f" → … ({len(cycle) - 1} nodes) → '{cycle[-1]}'"
    return " → ".join(f"'{c}'" for c in cycle)


# -- ANRF106: unreachable execution nodes ----------------------------------------------


def check_reachability(ctx: CheckContext) -> Iterator[Finding]:
    """A node no function reaches (by control flow or as data) is dead weight or a wiring mistake."""
    nodes = ctx.model.execution.nodes
    if not ctx.is_graph or not nodes:
        return
    g = ctx.graph
    if not g.entries:
        yield ctx.finding(
            "ANRF106",
            ("execution", "nodes"),
            f"no execution node is reachable: the execution layer has {len(nodes)} node(s) but no 'function_def' node to start from",
            data={"count": len(nodes)},
        )
        return
    unreached = set(ctx.exec_index).difference(data_reachable(g))
    nodes_at = ctx.exec_index
    for i in sorted(nodes_at[nid] for nid in unreached):  # document order; first occurrence of each id
        node = nodes[i]
        yield ctx.finding(
            "ANRF106",
            ("execution", "nodes", i),
            f"execution node '{node.node_id}' ({node.operation or 'no operation'}) is unreachable: no function's control flow "
            f"reaches it and no reachable node reads it (inputs) or writes it (outputs)",
            data={"node_id": node.node_id},
        )
