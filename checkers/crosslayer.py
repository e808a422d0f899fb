"""Cross-layer checks, ANRF301-303: do the three layers describe the same program?

- ANRF301: every execution node should be explained by some semantic node
  (named in its `execution_refs`), so views, hover and edits can map code to meaning.
- ANRF302: `semantic.symbol_table` maps each symbol to the node that declares it;
  it must agree with the nodes' labels and list every declared name.
- ANRF303: `intent_refs` must point into the intent layer. Valid forms:
  `"intent"` or `"/intent"` (the whole layer); a JSON pointer starting with
  `"/intent/"` that resolves inside this document's intent layer (e.g.
  `"/intent/constraints/0"`); or a tag listed in `intent.tags`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from anrf_lsp.format.findings import Finding, define

from .context import CheckContext
from .structure import at_key

# -- the codes this module reports (the check catalog: anrf_lsp/format/findings.py) ----

define("ANRF301", "warning", "execution node not covered by any semantic node", "cross_layer", """
An execution node that no semantic node names in its `execution_refs`, so views, hover and edits cannot map it to a meaning. Only for the `graph` format. Reported at the node; `data` is `{"node_id"}`. When no semantic node names any execution node at all, a single finding at `/execution/nodes` says the layers are not linked yet. (The public v1 example gets this warning for its loop, add, end_loop and return nodes.)

Failing:

```json
"semantic": {"nodes": [{"node_id": "func_sum", "node_type": "function", "execution_refs": ["exec_node_1"]}]},
"execution": {"nodes": [{"node_id": "exec_node_1", "operation": "function_def"},
                        {"node_id": "exec_node_7", "operation": "return"}]}
```

Passing:

```json
{"node_id": "func_sum", "node_type": "function", "execution_refs": ["exec_node_1", "exec_node_7"]}
```
""")

define("ANRF302", "warning", "symbol table disagrees with node labels", "cross_layer", """
`semantic.symbol_table` maps each declared name to the node that declares it. Two cases:

- an entry whose node has a different `label` (reported at the entry's key; `data`: `{"symbol", "node_id", "label"}`);
- a node of type `function`, `parameter`, `variable`, `class`, `module` or `type_def` whose non-empty `label` is not a key of the table (reported at the label; `data`: `{"symbol", "node_id", "label", "missing": true}`, everything a rebuild needs). A name is reported once, at the first node declaring it: one entry satisfies every node with that label, since the table maps a name to one node.

Entries naming a missing node are ANRF104.

Failing:

```json
"nodes": [{"node_id": "var_result", "node_type": "variable", "label": "result"}],
"symbol_table": {"total": "var_result"}
```

→ `symbol 'total' maps to semantic node 'var_result', whose label is 'result'` and `variable 'result' … is not in semantic.symbol_table`.

Passing:

```json
"symbol_table": {"result": "var_result"}
```
""")

define("ANRF303", "error", "invalid intent_refs", "cross_layer", """
An entry of a semantic node's `intent_refs` does not point into the intent layer. Valid forms:

- `"intent"` or `"/intent"`: the whole intent layer;
- a JSON pointer (RFC 6901) starting with `"/intent/"` that resolves inside this document's intent layer, e.g. `"/intent/constraints/0"`, `"/intent/description"`, `"/intent/tags/1"`;
- a tag listed in `intent.tags` (e.g. `"math"`).

Anything else is reported at the ref, with the reason (`/intent/constraints has 2 entries, no index 5`, `/intent has no member 'goal'`, not a pointer or tag); `data` is `{"ref", "node_id"}`.

Failing (the intent has two constraints and tags `math`, `array`):

```json
"intent_refs": ["/intent/constraints/5", "geometry"]
```

Passing:

```json
"intent_refs": ["/intent/constraints/0", "math"]
```
""")

# Node types that declare a name and so belong in the symbol table.
SYMBOL_NODE_TYPES = frozenset({"function", "parameter", "variable", "class", "module", "type_def"})
WHOLE_INTENT_REFS = frozenset({"intent", "/intent"})


def check(ctx: CheckContext) -> Iterable[Finding]:
    yield from check_coverage(ctx)
    yield from check_symbols(ctx)
    yield from check_intent_refs(ctx)


# -- ANRF301 ---------------------------------------------------------------------


def check_coverage(ctx: CheckContext) -> Iterator[Finding]:
    """Execution nodes no semantic node names. When *no* node is named at all the
    layers are simply not linked yet: one finding says so instead of one per node."""
    nodes = ctx.model.execution.nodes
    if not ctx.is_graph or not nodes:
        return
    covering = ctx.covering
    if not any(ref in ctx.exec_index for ref in covering):
        yield ctx.finding(
            "ANRF301",
            ("execution", "nodes"),
            f"none of the {len(nodes)} execution node(s) is named in any semantic node's execution_refs; "
            f"link each semantic node to the execution nodes that implement it",
            data={"count": len(nodes)},
        )
        return
    index = ctx.exec_index
    for i in sorted(index[nid] for nid in set(index).difference(covering)):  # document order
        node = nodes[i]
        yield ctx.finding(
            "ANRF301",
            ("execution", "nodes", i),
            f"execution node '{node.node_id}' ({node.operation or 'no operation'}) is not named in any semantic "
            f"node's execution_refs; add it to the execution_refs of the semantic node it implements",
            data={"node_id": node.node_id},
        )


# -- ANRF302 ---------------------------------------------------------------------


def check_symbols(ctx: CheckContext) -> Iterator[Finding]:
    """Entries whose node is labelled differently, and declared names missing from the table."""
    sem = ctx.model.semantic
    table = sem.symbol_table
    index = ctx.semantic_index
    for symbol, node_id in table.items():
        i = index.get(node_id)
        if i is None:
            continue  # dangling: ANRF104
        label = sem.nodes[i].label
        if label != symbol:
            yield at_key(
                ctx,
                "ANRF302",
                ("semantic", "symbol_table", symbol),
                f"symbol '{symbol}' maps to semantic node '{node_id}', whose label is '{label}'; the symbol should equal the node's label",
                data={"symbol": symbol, "node_id": node_id, "label": label},
            )
    # A declared name missing from the table: reported once, at the first node declaring it
    # (one entry fixes them all; the table maps a name to one node).
    reported: set[str] = set()
    labels, node_types = ctx.column(sem.nodes, "label"), ctx.column(sem.nodes, "node_type")
    for i, label in enumerate(labels):
        if label and label not in table and label not in reported and node_types[i] in SYMBOL_NODE_TYPES:
            node = sem.nodes[i]
            reported.add(label)
            yield ctx.finding(
                "ANRF302",
                ("semantic", "nodes", i, "label"),
                f"{node.node_type} '{label}' (semantic node '{node.node_id}') is not in semantic.symbol_table; "
                f'add "{label}": "{node.node_id}"',
                data={"symbol": label, "node_id": node.node_id, "label": label, "missing": True},
            )


# -- ANRF303 ---------------------------------------------------------------------


def check_intent_refs(ctx: CheckContext) -> Iterator[Finding]:
    tags = set(ctx.model.intent.tags)
    # The intent layer as JSON (small), from the model: no second parse of the document.
    intent_tree = ctx.model.intent.model_dump(mode="json", exclude_unset=True) if "intent" in ctx.model.model_fields_set else None
    nodes = ctx.model.semantic.nodes
    refs = ctx.column(nodes, "intent_refs")
    # ref -> problem (None: valid), for the distinct refs first (refs repeat a lot)
    verdicts = {ref: intent_ref_problem(ref, tags, intent_tree) for ref in set(chain.from_iterable(refs))}
    if not any(verdicts.values()):
        return
    for i, node_refs in enumerate(refs):
        for k, ref in enumerate(node_refs):
            problem = verdicts[ref]
            if problem is not None:
                yield ctx.finding(
                    "ANRF303",
                    ("semantic", "nodes", i, "intent_refs", k),
                    f"intent ref '{ref}' of semantic node '{nodes[i].node_id}' {problem}",
                    data={"ref": ref, "node_id": nodes[i].node_id},
                )


def intent_ref_problem(ref: str, tags: set[str], intent_tree: Any) -> str | None:
    """Why `ref` is not a valid intent ref, or None when it is (forms: module docstring)."""
    if ref in WHOLE_INTENT_REFS or ref in tags:
        return None
    expected = "; expected 'intent', a JSON pointer into the intent layer such as '/intent/constraints/0'"
    expected += f", or one of the intent tags ({', '.join(sorted(tags))})" if tags else ", or an intent tag (intent.tags is empty)"
    if not ref.startswith("/intent/"):
        what = "is empty" if not ref else "is neither a JSON pointer into the intent layer nor an intent tag"
        return what + expected
    if intent_tree is None:
        return "points into the intent layer, but the document has no intent object" + expected
    return _resolve(ref, intent_tree)


def _resolve(ref: str, tree: Any) -> str | None:
    """Follow an RFC 6901 pointer below /intent; say where it stops resolving."""
    current = tree
    where = "/intent"
    for raw in ref.split("/")[2:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict):
            if part not in current:
                return f"does not resolve: {where} has no member '{part}'"
            current = current[part]
        elif isinstance(current, list):
            if not (part.isascii() and part.isdigit() and (part == "0" or not part.startswith("0"))):
                return f"does not resolve: {where} is an array, so '{part}' must be an index"
            if int(part) >= len(current):
                return f"does not resolve: {where} has {len(current)} entries, no index {part}"
            current = current[int(part)]
        else:
            return f"does not resolve: {where} is not an object or array"
        where += "/" + raw
    return None
