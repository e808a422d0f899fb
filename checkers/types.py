"""Type and operation checks: ANRF201-205.

A small static type model shared with the interpreter's run-time rules: every
semantic type resolves to a value kind (number, string, boolean, null, list,
object, any; lists may carry their element kind, 'list<number>'), and every
execution node gets a statically inferred kind. Only definite mismatches are
reported: an unknown kind ('any') never produces a finding.

Everything here is iterative (explicit stacks, visited sets), so documents with
100k nodes, long chains or cycles cannot overflow the Python stack, and nothing
raises on malformed content: the structure checks (ANRF101-107) report dangling
ids, duplicates and missing fields; these checks skip what they cannot read.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache
from itertools import compress, repeat
from typing import Any

from anrf_lsp.execution.ops import CONTROL_EDGE_TYPES, LOOP_OPS, OPS, OpSpec, element_kind, kind_matches, kind_of, result_kind
from anrf_lsp.format.findings import Finding, define
from anrf_lsp.format.model import ExecNode, TypeDef

from .context import CheckContext

# -- the codes this module reports (the check catalog: anrf_lsp/format/findings.py) ----

define("ANRF201", "error", "unknown type", "types", """
A type reference names no `type_id` in `semantic.types`. Checked references:

- a semantic node's `properties.type` and `properties.return_type`;
- a type's `properties.element_type` (array element) and each field's `type_id`;
- an execution `constant`'s `properties.type`, which may instead be a kind name: `number`, `string`, `boolean`, `null`, `list`, `object`, `any`, `integer`, `int`, `float`, `str`, `bool` (case-insensitive; `list<number>` too).

(`parent_type` is checked by ANRF204.) The finding points at the reference value. Its `data` is `{"type_id": "<missing id>"}`, plus `"suggestion"` when a type is probably meant: one whose `name` equals the reference (`"Number"` → `type_number`), a primitive of the same kind (`"int"` → `type_number`), or a close spelling of an id or name.

Failing (`param_numbers` names a type that does not exist):

```json
"semantic": {
  "nodes": [{"node_id": "param_numbers", "node_type": "parameter", "label": "numbers",
             "properties": {"type": "type_nmber_array"}, "execution_refs": ["exec_node_2"]}],
  "types": [{"type_id": "type_number", "name": "Number", "type_kind": "primitive"},
            {"type_id": "type_number_array", "name": "Number[]", "type_kind": "array",
             "properties": {"element_type": "type_number"}}]
}
```

```
ANRF201 error /semantic/nodes/0/properties/type: unknown type 'type_nmber_array' in type of semantic node 'param_numbers'; did you mean 'type_number_array' (named Number[])?
```

Passing: `"properties": {"type": "type_number_array"}`, or add the missing `TypeDef`.

Notes: how types become the value kinds that ANRF202/203 compare. Primitive names are matched case-insensitively against the type's `name`, then its `type_id` (a `type_` or `t_` prefix is ignored, so `type_int` counts too):

| primitive name | kind |
|---|---|
| `int`, `integer`, `long`, `number`, `float`, `double`, `decimal`, `real` | number |
| `str`, `string`, `text`, `char` | string |
| `bool`, `boolean` | boolean |
| `null`, `none`, `void`, `nil`, `unit` | null |
| anything else | any (unchecked) |

| `type_kind` | kind |
|---|---|
| `primitive` | by name, as above |
| `array` | `list<element kind>` from `properties.element_type` (a cycle of element types ends in `any`) |
| `struct` | object |
| `nullable`, `union`, `generic`, `function`, `reference` | any (unchecked) |

Empty or non-string references are left to the schema checks (ANRF101).
""")

define("ANRF202", "error", "operand type mismatch", "types", """
An operand, assignment or literal has a kind that the operation cannot take. For every node of a `graph` execution layer the checker infers a static kind (below) and reports:

- an operation whose operand kinds fit none of its signatures (the operation table in `docs/execution.md`), at the input to blame: the position where the best-fitting signature first fails;
- an `if` or `while` condition of a known non-boolean kind; a `for_each` over something that is not a list, string or object;
- a statement whose `outputs` assign to a `variable_def` (or `parameter`) a value of another kind than the variable's (a `variable_def` initialised from its input, and `assign(target, value)`, count as assignments), at the output or value reference;
- a `constant` whose `value` literal is not of its own `properties.type`: the literal is what runs, so `"5"` is the number 5.

Failing (`exec_node_9` is a boolean constant):

```json
{"node_id": "exec_node_5", "operation": "add", "inputs": ["exec_node_3", "exec_node_9"], "outputs": ["exec_node_3"]},
{"node_id": "exec_node_9", "operation": "constant", "properties": {"value": "true"}}
```

```
ANRF202 error /execution/nodes/4/inputs/1: add expects (number, number), (string, string) or (list, list); input 2 'exec_node_9' is boolean
```

Passing: give `add` two numbers, e.g. `"inputs": ["exec_node_3", "exec_node_4"]` (the loop element of a `type_number_array`), or a constant `"value": "1"`.

Notes: how each node gets its kind (one pass, memoised, no recursion; a dependency cycle reads as `any`):

| node | kind |
|---|---|
| `parameter` | the type declared by the semantic node listing it in `execution_refs` (`properties.type`) |
| `variable_def` | its declared type; else, when it runs as a statement with an input, that input's kind; else the kind of its `initial_value` literal (`"0"` → number, `"[]"` → list; `null` or none → any) |
| `constant` | the kind of its `value` literal (a string that is not JSON is text); without a value, its declared or `properties.type` |
| `for_each` | the element kind of its first input (`list<number>` → number, a string → string) |
| `call` | the declared return type of the called function |
| `assign` | its last input's kind |
| other operations | the result of the signature that fits (`index` of `list<T>` gives T) |

Primitive names map to kinds as in ANRF201. Only definite mismatches are reported: an unknown kind (`any`: nullable/union/generic types, undeclared parameters, results that depend on the input) never is. Two deliberate strictnesses beyond the interpreter, which checks kinds only at run time: `and`/`or` want booleans even where short-circuiting would never look at the other operand, and a variable without a declared type keeps the kind of its initial value (declare a nullable or union type, or start from `null`, to let it change kind).
""")

define("ANRF203", "error", "return type mismatch", "types", """
A `return` gives a value of another kind than its function declares. The declared kind is the `properties.return_type` of the semantic node listing the function's `function_def` in `execution_refs`; every `return` statement reached from that `function_def` is checked. A `return` without an input returns null, which only a `null`/`void` (or unchecked) return type allows. The finding points at the `return` node, with the `function_def` as related information.

Failing (`sum` declares a string but returns the number `result`):

```json
"semantic": {"nodes": [{"node_id": "func_sum", "node_type": "function", "label": "sum",
                        "properties": {"return_type": "type_string"}, "execution_refs": ["exec_node_1"]}]},
"execution": {"nodes": [
  {"node_id": "exec_node_1", "operation": "function_def", "inputs": ["exec_node_2"], "properties": {"name": "sum"}},
  {"node_id": "exec_node_7", "operation": "return", "inputs": ["exec_node_3"]}
]}
```

```
ANRF203 error /execution/nodes/6: return 'exec_node_7' gives number ('exec_node_3') but function 'sum' returns string
```

Passing: `"return_type": "type_number"`.

Notes: return types that map to `any` (nullable, union, generic, unknown primitive names) are not checked; kinds are inferred as described under ANRF202. A function whose control runs off the end of its chain (an implicit `null` return) is not reported.
""")

define("ANRF204", "error", "invalid parent type or inheritance cycle", "types", """
A type's `parent_type` is wrong:

- it names no `type_id` in `semantic.types` (`data`: `{"type_id": ...}`, plus a `"suggestion"` when one is close);
- it closes an inheritance cycle: reported once per cycle, at the first type of the cycle in document order, with the other members as related information;
- the kinds do not fit: a `struct` can only extend a `struct`, and a `primitive` cannot have a parent.

Failing:

```json
"types": [
  {"type_id": "type_animal", "name": "Animal", "type_kind": "struct", "parent_type": "type_dog"},
  {"type_id": "type_dog", "name": "Dog", "type_kind": "struct", "parent_type": "type_animal"}
]
```

```
ANRF204 error /semantic/types/0/parent_type: inheritance cycle through parent_type: 'type_animal' → 'type_dog' → 'type_animal'
```

Passing: the root of the hierarchy has no parent:

```json
"types": [
  {"type_id": "type_animal", "name": "Animal", "type_kind": "struct", "parent_type": ""},
  {"type_id": "type_dog", "name": "Dog", "type_kind": "struct", "parent_type": "type_animal"}
]
```

Notes: an empty `parent_type` means "no parent". Cycles of semantic `inherits` edges are ANRF105. Chains of any length are followed without recursion.
""")

define("ANRF205", "error", "unknown operation or wrong arity", "types", """
An execution node (of a `graph` layer) does something the operation table does not allow:

- its `operation` is not in the table (the message suggests the closest name, also in `data.suggestion`);
- it has too few or too many `inputs` for the operation (the message gives the expected arity; too many points at the first extra input);
- a `true_branch`, `false_branch` or `loop_body` edge leaves a node whose operation has no such edge (only `if` branches, only `for_each`/`while` have bodies; `return`, `break` and `continue` have no edges out), or a node has more than one edge of the same control type (only the first is followed; an `end_loop`'s explicit back edge to its loop does not count);
- a `for_each`/`while` has no `loop_body` edge, or its body has no `end_loop` closing it;
- a `call` has no `properties.function`, names no `function_def`, or passes another number of arguments than the callee has parameters;
- a `function_def` has no `properties.name`;
- a `break` or `continue` is not inside a loop body.

Failing:

```json
{"node_id": "exec_node_5", "operation": "addd", "inputs": ["exec_node_3", "exec_node_4"], "outputs": ["exec_node_3"]}
```

```
ANRF205 error /execution/nodes/4/operation: unknown operation 'addd'; did you mean 'add'?
```

Passing: `"operation": "add"`. Likewise `{"operation": "add", "inputs": ["exec_node_3"]}` fails with `'add' takes 2 input(s), got 1`, and passes with two inputs.

Notes: the operation table with every arity and allowed control edge is generated into `docs/execution.md` from the same source the checker and the interpreter use. `bytecode` and `ir` layers are not checked.
""")

# Primitive type names (matched case-insensitively against a type's name, then its type_id).
PRIMITIVE_KINDS: dict[str, str] = {
    **dict.fromkeys(("int", "integer", "long", "number", "float", "double", "decimal", "real"), "number"),
    **dict.fromkeys(("str", "string", "text", "char"), "string"),
    **dict.fromkeys(("bool", "boolean"), "boolean"),
    **dict.fromkeys(("null", "none", "void", "nil", "unit"), "null"),
}

# Kind names a `constant`'s properties.type may use instead of a type_id.
KIND_NAMES: dict[str, str] = {
    **{k: k for k in ("number", "string", "boolean", "null", "list", "object", "any")},
    "integer": "number", "int": "number", "float": "number", "str": "string", "bool": "boolean",
}

# Statements that never assign their value to their `outputs` (interpreter._execute).
_NON_ASSIGNING = frozenset({"if", "for_each", "while", "end_loop", "continue", "break", "return", "parameter", "function_def", "variable_def"})

# Operations with shape rules beyond their arity (_control_shape).
_SHAPED = frozenset({"for_each", "while", "break", "continue"})

# Operations whose value is never read as an operand in a meaningful way.
_NO_VALUE = frozenset({"function_def", "if", "while", "end_loop", "break", "continue", "return"})

_MAX_KIND_LENGTH = 120  # 'list<list<...>>' nesting beyond this is just 'list'
_MAX_SUGGESTION_POOL = 2000  # difflib over more candidates than this costs more than it helps


def check(ctx: CheckContext) -> list[Finding]:
    """All ANRF201-205 findings of one document."""
    types = TypeTable(ctx)
    findings = [*check_type_refs(ctx, types), *check_parents(ctx, types)]
    if ctx.is_graph:
        findings.extend(check_operations(ctx))
        kinds = infer_kinds(ctx, types)
        findings.extend(check_operands(ctx, types, kinds))
        findings.extend(check_returns(ctx, types, kinds))
    return findings


# -- the type table -----------------------------------------------------------


class TypeTable:
    """semantic.types resolved to value kinds (first definition of an id wins)."""

    def __init__(self, ctx: CheckContext):
        self.ctx = ctx
        types = ctx.model.semantic.types
        self.defs: dict[str, TypeDef] = {tid: types[i] for tid, i in ctx.type_index.items()}
        self.kinds: dict[str, str] = {}
        for type_id in self.defs:
            if type_id not in self.kinds:
                self._resolve(type_id)

    def kind(self, type_id: Any) -> str | None:
        """Kind of a type reference, None when it names no type."""
        return self.kinds.get(type_id) if isinstance(type_id, str) else None

    def _resolve(self, type_id: str) -> None:
        """Resolve one type, following array element_type chains without recursion (cycles end in 'any')."""
        chain: list[str] = []
        seen: set[str] = set()
        current = type_id
        while True:
            if current in self.kinds:
                base = self.kinds[current]
                break
            t = self.defs.get(current)
            if t is None or t.type_kind != "array":
                base = "any" if t is None else shallow_kind(t)
                if t is not None:
                    self.kinds[current] = base
                break
            if current in seen:
                base = "any"
                break
            seen.add(current)
            chain.append(current)
            elem = t.properties.get("element_type")
            if not isinstance(elem, str) or not elem:
                base = "any"
                break
            current = elem
        kind = base
        for tid in reversed(chain):
            kind = "list" if len(kind) > _MAX_KIND_LENGTH else f"list<{kind}>"
            self.kinds.setdefault(tid, kind)

    @cached_property
    def _by_lower_name(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for tid, t in self.defs.items():
            out.setdefault(t.name.lower(), tid)
        return out

    def suggest(self, ref: str) -> str | None:
        """A type the author probably meant by `ref`: same name, same primitive kind, or a close spelling."""
        low = ref.lower()
        if low in self._by_lower_name:
            return self._by_lower_name[low]
        wanted = PRIMITIVE_KINDS.get(low) or KIND_NAMES.get(low)
        if wanted:
            for tid, t in self.defs.items():
                if t.type_kind == "primitive" and self.kinds.get(tid) == wanted:
                    return tid
        if len(self.defs) > _MAX_SUGGESTION_POOL:
            return None
        close = difflib.get_close_matches(ref, list(self.defs), n=1)
        if close:
            return close[0]
        close = difflib.get_close_matches(low, list(self._by_lower_name), n=1)
        return self._by_lower_name[close[0]] if close else None

    def describe(self, type_id: str) -> str:
        """'type_number' (named Number) — how messages name a type."""
        t = self.defs.get(type_id)
        return f"'{type_id}' (named {t.name})" if t is not None and t.name and t.name != type_id else f"'{type_id}'"


def shallow_kind(t: TypeDef) -> str:
    """Kind of a non-array type: primitives by name, structs are objects, the rest are unknown."""
    if t.type_kind == "primitive":
        return primitive_kind(t.name) or primitive_kind(t.type_id) or "any"
    if t.type_kind == "struct":
        return "object"
    return "any"  # nullable, union, generic, function, reference, or missing


def primitive_kind(name: str) -> str | None:
    """'Integer' -> number; also reads ids like 'type_int' or 't_string'."""
    low = name.strip().lower()
    if low in PRIMITIVE_KINDS:
        return PRIMITIVE_KINDS[low]
    for prefix in ("type_", "t_"):
        if low.startswith(prefix) and low[len(prefix):] in PRIMITIVE_KINDS:
            return PRIMITIVE_KINDS[low[len(prefix):]]
    return None


def kind_name(ref: str) -> str | None:
    """A constant's properties.type written as a kind ('int', 'list<number>'), or None."""
    low = ref.strip().lower()
    if low in KIND_NAMES:
        return KIND_NAMES[low]
    if low.startswith("list<") and low.endswith(">"):
        inner = kind_name(low[5:-1]) if len(low) <= _MAX_KIND_LENGTH else None
        return f"list<{inner}>" if inner else None
    return None


# -- ANRF201: unknown type --------------------------------------------------------


def check_type_refs(ctx: CheckContext, types: TypeTable) -> Iterator[Finding]:
    """Every type reference must name a type_id in semantic.types."""
    sem = ctx.model.semantic
    props = ctx.column(sem.nodes, "properties")
    refs: Iterable[Any] = [*map(dict.get, props, repeat("type")), *map(dict.get, props, repeat("return_type"))]
    try:
        refs = set(refs)  # the distinct refs first
    except TypeError:
        pass  # a non-string value (ANRF101) that cannot go in a set
    checked = sem.nodes if any(_is_unknown(ref, types) for ref in refs) else ()
    for i, node in enumerate(checked):
        for key in ("type", "return_type"):
            ref = node.properties.get(key)
            if _is_unknown(ref, types):
                yield _unknown_type(ctx, types, ("semantic", "nodes", i, "properties", key), ref, f"{key} of semantic node '{node.node_id}'")
    for i, t in enumerate(sem.types):
        ref = t.properties.get("element_type")
        if _is_unknown(ref, types):
            yield _unknown_type(ctx, types, ("semantic", "types", i, "properties", "element_type"), ref, f"element_type of type '{t.type_id}'")
        for j, f in enumerate(t.fields):
            if _is_unknown(f.type_id, types):
                yield _unknown_type(ctx, types, ("semantic", "types", i, "fields", j, "type_id"), f.type_id, f"field '{f.name}' of type '{t.type_id}'")
    nodes = ctx.model.execution.nodes
    for i in ctx.where(nodes, "operation", _CONSTANT):
        node = nodes[i]
        ref = node.properties.get("type")
        if _is_unknown(ref, types) and kind_name(ref) is None:
            yield _unknown_type(ctx, types, ("execution", "nodes", i, "properties", "type"), ref,
                                f"type of constant '{node.node_id}' (a type_id or a kind: number, string, boolean, null, list, object, any)")


def _is_unknown(ref: Any, types: TypeTable) -> bool:
    """A non-empty string naming no type (empty or non-string values are schema matters)."""
    return isinstance(ref, str) and ref != "" and ref not in types.defs


def _unknown_type(ctx: CheckContext, types: TypeTable, path: tuple, ref: str, where: str) -> Finding:
    data: dict[str, Any] = {"type_id": ref}
    message = f"unknown type '{ref}' in {where}"
    suggestion = types.suggest(ref)
    if suggestion is not None:
        message += f"; did you mean {types.describe(suggestion)}?"
        data["suggestion"] = suggestion
    return ctx.finding("ANRF201", path, message, data=data)


# -- ANRF204: parent types ------------------------------------------------------------


def check_parents(ctx: CheckContext, types: TypeTable) -> Iterator[Finding]:
    """parent_type must name a type of a compatible kind, and inheritance must not loop."""
    for i, t in enumerate(ctx.model.semantic.types):
        parent = t.parent_type
        if not parent:
            continue
        path = ("semantic", "types", i, "parent_type")
        parent_def = types.defs.get(parent)
        if parent_def is None:
            suggestion = types.suggest(parent)
            hint = f"; did you mean {types.describe(suggestion)}?" if suggestion else ""
            yield ctx.finding("ANRF204", path, f"parent_type '{parent}' of type '{t.type_id}' names no type{hint}",
                              data={"type_id": parent, **({"suggestion": suggestion} if suggestion else {})})
        elif t.type_kind == "primitive":
            yield ctx.finding("ANRF204", path, f"primitive type '{t.type_id}' cannot have a parent type ('{parent}')")
        elif t.type_kind == "struct" and parent_def.type_kind != "struct":
            yield ctx.finding("ANRF204", path,
                              f"struct type '{t.type_id}' can only extend a struct; parent '{parent}' is {parent_def.type_kind or 'of no kind'}")
    yield from _inheritance_cycles(ctx, types)


def _inheritance_cycles(ctx: CheckContext, types: TypeTable) -> Iterator[Finding]:
    """Each parent_type cycle once, at its first type in document order."""
    index = ctx.type_index
    state: dict[str, bool] = {}  # type id -> walk finished
    for start in types.defs:
        if start in state:
            continue
        path: list[str] = []
        position: dict[str, int] = {}
        current = start
        while current and current in types.defs and current not in state:
            state[current] = False
            position[current] = len(path)
            path.append(current)
            current = types.defs[current].parent_type
        if current in position:
            cycle = path[position[current]:]
            yield _cycle_finding(ctx, cycle, index)
        for tid in path:
            state[tid] = True


def _cycle_finding(ctx: CheckContext, cycle: list[str], index: dict[str, int]) -> Finding:
    cycle = sorted(cycle, key=index.__getitem__)
    # rotate so the chain reads from the first type in document order, following parent_type
    first = cycle[0]
    types = ctx.model.semantic.types
    chain, current = [first], types[index[first]].parent_type
    while current != first and len(chain) <= len(cycle):
        chain.append(current)
        current = types[index[current]].parent_type
    shown = chain if len(chain) <= 10 else [*chain[:10], "…"]
    text = " → ".join(f"'{t}'" for t in [*shown, first])
    related = [(("semantic", "types", index[t], "parent_type"), f"'{t}' is part of the cycle") for t in chain[1:20]]
    return ctx.finding("ANRF204", ("semantic", "types", index[first], "parent_type"), f"inheritance cycle through parent_type: {text}",
                       related=related, data={"cycle": chain[:100]})


# -- ANRF205: operations, arity, control edges ------------------------------------------


def check_operations(ctx: CheckContext) -> Iterator[Finding]:
    """Known operations, input counts, calls, loops, break/continue, and control edges."""
    first = ctx.exec_index
    nodes = ctx.model.execution.nodes
    shapes = set(zip(ctx.column(nodes, "operation"), map(len, ctx.column(nodes, "inputs"))))
    if all(_shape_ok(op, n) for op, n in shapes):  # distinct (operation, input count) pairs first
        checked = ctx.where(nodes, "operation", _PER_NODE_OPS)  # only these can still give findings
    else:
        checked = range(len(nodes))
    for i in checked:
        node = nodes[i]
        op = node.operation
        if not op:
            continue  # missing operation: ANRF101
        spec = OPS.get(op)
        if spec is None:
            yield _unknown_operation(ctx, i, op)
            continue
        n = len(node.inputs)
        if n < spec.min_inputs or (spec.max_inputs is not None and n > spec.max_inputs):
            yield _arity(ctx, i, node, spec)
        if op == "function_def":
            yield from _function_name(ctx, i, node)
        elif op == "call":
            yield from _call(ctx, i, node)
        elif op in _SHAPED and first.get(node.node_id) == i:  # the graph sees only the first node of a duplicated id
            yield from _control_shape(ctx, i, node)
    yield from check_control_edges(ctx)


_CONSTANT = frozenset({"constant"})
_PER_NODE_OPS = frozenset({"function_def", "call"} | _SHAPED)  # checked beyond their arity


def _shape_ok(op: str, n: int) -> bool:
    """Whether `op` with `n` inputs is fine as far as the operation table goes (missing operations are ANRF101's)."""
    spec = OPS.get(op)
    if spec is None:
        return not op
    return spec.min_inputs <= n and (spec.max_inputs is None or n <= spec.max_inputs)


def _unknown_operation(ctx: CheckContext, i: int, op: str) -> Finding:
    close = [name for name in OPS if name == op.lower()] or difflib.get_close_matches(op, list(OPS), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    data = {"operation": op, **({"suggestion": close[0]} if close else {})}
    return ctx.finding("ANRF205", ("execution", "nodes", i, "operation"), f"unknown operation '{op}'{hint}", data=data)


def _arity(ctx: CheckContext, i: int, node: ExecNode, spec: OpSpec) -> Finding:
    """Too few inputs: at the inputs list; too many: at the first one too many."""
    n = len(node.inputs)
    path = ("execution", "nodes", i, "inputs") if n < spec.min_inputs else ("execution", "nodes", i, "inputs", spec.max_inputs)
    return ctx.finding("ANRF205", path, f"'{spec.name}' takes {spec.arity_text()} input(s), got {n}",
                       data={"min_inputs": spec.min_inputs, "max_inputs": spec.max_inputs, "got": n})


def _function_name(ctx: CheckContext, i: int, node: ExecNode) -> Iterator[Finding]:
    name = node.properties.get("name")
    if name is None or name == "":
        yield ctx.finding("ANRF205", ("execution", "nodes", i),
                          f"function_def '{node.node_id}' has no properties.name; calls and `anrf run --function` need one")


def _call(ctx: CheckContext, i: int, node: ExecNode) -> Iterator[Finding]:
    """The callee must exist, and the argument count must match its parameters (as the interpreter demands)."""
    functions = ctx.graph.functions
    name = node.properties.get("function")
    if not isinstance(name, str) or not name:
        if name is None or name == "":
            yield ctx.finding("ANRF205", ("execution", "nodes", i), f"call '{node.node_id}' has no properties.function naming the function to call")
        return
    callee = functions.get(name)
    if callee is None:
        close = difflib.get_close_matches(name, list(functions)[:_MAX_SUGGESTION_POOL], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        defined = ", ".join(sorted(functions)[:10]) or "none"
        yield ctx.finding("ANRF205", ("execution", "nodes", i, "properties", "function"),
                          f"call to unknown function '{name}' (defined: {defined}){hint}", data={"function": name})
        return
    expected, got = len(callee.params), len(node.inputs)
    if expected != got:
        path = ("execution", "nodes", i, "inputs") if got < expected else ("execution", "nodes", i, "inputs", expected)
        yield ctx.finding("ANRF205", path, f"call to '{name}' passes {got} argument(s); '{name}' takes {expected}",
                          related=[(("execution", "nodes", ctx.exec_index[callee.entry]), f"'{name}' is defined here")],
                          data={"function": name, "expected": expected, "got": got})


def _control_shape(ctx: CheckContext, i: int, node: ExecNode) -> Iterator[Finding]:
    """Loops need a body and an end_loop; break/continue need an enclosing loop."""
    graph, op, nid = ctx.graph, node.operation, node.node_id
    if op in LOOP_OPS:
        if graph.next(nid, "loop_body") is None:
            yield ctx.finding("ANRF205", ("execution", "nodes", i), f"{op} '{nid}' has no loop_body edge to the first statement of its body")
        elif nid in graph.owner and not graph.loop_ends.get(nid):
            yield ctx.finding("ANRF205", ("execution", "nodes", i),
                              f"{op} '{nid}' has no end_loop closing its body; end the body's chain with an end_loop node")
    elif op in ("break", "continue") and nid in graph.owner and nid not in graph.enclosing:
        yield ctx.finding("ANRF205", ("execution", "nodes", i), f"{op} '{nid}' is outside any loop")


def check_control_edges(ctx: CheckContext) -> Iterator[Finding]:
    """Branch/body edges only from ops that have them; at most one edge of each control type per node.

    Reads the graph's successor map (edges between existing nodes) and goes back
    to the edge list only when something is wrong, to point at the edge.
    """
    graph = ctx.graph
    by_source: dict[tuple[str, str], list[int]] = {}  # built on the first problem
    for source_id, by_type in graph.succ.items():
        if len(by_type) == 1 and len(by_type.get("control_flow", ())) == 1:
            continue  # one control_flow edge, the usual case: fine for every operation
        spec = OPS.get(graph.nodes[source_id].operation)
        if spec is None:
            continue  # unknown operation: reported at the node
        for etype, targets in by_type.items():
            bad_type = etype != "control_flow" and etype not in spec.control_edges
            if not bad_type and len(targets) < 2:
                continue
            if not by_source:
                by_source = _control_edge_index(ctx)
            indexes = by_source.get((source_id, etype), [])
            if bad_type:
                allowed = ", ".join(spec.control_edges) or "none"
                for k in indexes:
                    yield ctx.finding("ANRF205", ("execution", "edges", k, "edge_type"),
                                      f"a '{spec.name}' node cannot have a {etype} edge (allowed: {allowed})")
            else:
                yield from _extra_edges(ctx, source_id, etype, indexes)


def _control_edge_index(ctx: CheckContext) -> dict[tuple[str, str], list[int]]:
    """(source id, edge type) -> indexes of the control edges the graph follows (both ends exist)."""
    nodes = ctx.graph.nodes
    out: dict[tuple[str, str], list[int]] = {}
    for k, e in enumerate(ctx.model.execution.edges):
        if e.edge_type in CONTROL_EDGE_TYPES and e.source_id in nodes and e.target_id in nodes:
            out.setdefault((e.source_id, e.edge_type), []).append(k)
    return out


def _extra_edges(ctx: CheckContext, source_id: str, etype: str, indexes: list[int]) -> Iterator[Finding]:
    """Every edge after the first of its type out of one node (an end_loop's back edge to its loop excepted)."""
    nodes, edges = ctx.graph.nodes, ctx.model.execution.edges
    if nodes[source_id].operation == "end_loop":
        indexes = [k for k in indexes if nodes[edges[k].target_id].operation not in LOOP_OPS]
    for k in indexes[1:]:
        yield ctx.finding("ANRF205", ("execution", "edges", k),
                          f"node '{source_id}' has more than one {etype} edge; only the first ('{edges[indexes[0]].edge_id}') is followed",
                          related=[(("execution", "edges", indexes[0]), "the edge that is followed")])


# -- kind inference -------------------------------------------------------------------


def infer_kinds(ctx: CheckContext, types: TypeTable) -> dict[str, str]:
    """Static kind of every execution node, in one memoised pass over an explicit stack.

    A node's kind depends on its operands' kinds; a dependency cycle reads as 'any'.
    """
    nodes = ctx.graph.nodes
    infer = _Inference(ctx, types)
    kinds, inputs = infer.kinds, infer.inputs
    expanded: set[str] = set()
    for root, i in ctx.graph.index.items():
        if root in kinds:
            continue
        for ref in inputs[i]:  # fast path: every operand already known (the usual document order)
            if ref not in kinds and ref in nodes:
                break
        else:
            kinds[root] = infer.kind(root)
            continue
        stack = [root]
        while stack:
            nid = stack[-1]
            if nid in kinds:
                stack.pop()
                continue
            if nid not in expanded:
                expanded.add(nid)
                pending = [d for d in infer.dependencies(nid) if d in nodes and d not in kinds and d not in expanded]
                if pending:
                    stack.extend(pending)
                    continue
            kinds[nid] = infer.kind(nid)  # operands still in progress (a cycle) count as 'any'
            stack.pop()
    return kinds


class _Inference:
    """The per-operation kind rules (interpreter semantics, read statically).
    Operations and inputs come from the node columns (by position); rules that
    need more of a node get the node object."""

    def __init__(self, ctx: CheckContext, types: TypeTable):
        self.ctx, self.types = ctx, types
        self.graph = ctx.graph
        self.index = self.graph.index
        self.ops: list[str] = self.graph.column("operation")
        self.inputs: list[list[str]] = self.graph.column("inputs")
        self.kinds: dict[str, str] = {}

    # Rules for operations whose kind is not read off the op table. Plain functions in a
    # class-level table (not bound methods stored on the instance): no reference cycle,
    # so a checked document is freed as soon as it is dropped.
    def _parameter_kind(self, nid: str, node: ExecNode) -> str:
        return self.declared(nid, "type") or "any"

    def _for_each_kind(self, nid: str, node: ExecNode) -> str:
        return element_kind(self.kinds.get(node.inputs[0], "any")) if node.inputs else "any"

    def _call_rule(self, nid: str, node: ExecNode) -> str:
        return self.call_kind(node)

    def _assign_kind(self, nid: str, node: ExecNode) -> str:
        return self.kinds.get(node.inputs[-1], "any") if node.inputs else "any"

    def dependencies(self, nid: str) -> list[str]:
        """The nodes whose kinds this node's kind is computed from."""
        i = self.index[nid]
        op, inputs = self.ops[i], self.inputs[i]
        if op in ("parameter", "constant", "call") or op in _NO_VALUE or not inputs:
            return []
        if op == "variable_def":
            return [] if self.declared(nid, "type") else inputs[:1]
        if op == "for_each":
            return inputs[:1]
        if op == "assign":
            return inputs[-1:]
        return inputs

    def kind(self, nid: str) -> str:
        """Operands' kinds through the op's signatures; structure ops by their own rules."""
        i = self.index[nid]
        op = self.ops[i]
        rule = _RULES.get(op)
        if rule is not None:
            return rule(self, nid, self.graph.nodes[nid])
        if op not in OPS or op in _NO_VALUE:
            return "any"
        kinds = self.kinds
        return _result_kind(op, tuple([kinds.get(ref, "any") for ref in self.inputs[i]]))

    def declared(self, nid: str, key: str) -> str | None:
        return declared_kind(self.ctx, self.types, nid, key)

    def variable_kind(self, nid: str, node: ExecNode) -> str:
        """Declared type, else the initialiser: its input when it runs as a statement, else initial_value."""
        declared = self.declared(nid, "type")
        if declared:
            return declared
        if node.inputs and nid in self.graph.owner:
            return self.kinds.get(node.inputs[0], "any")
        kind = literal_kind(node.properties.get("initial_value"))
        return "any" if kind == "null" else kind  # `x = null` says nothing about later values

    def constant_kind(self, nid: str, node: ExecNode) -> str:
        """The literal's kind decides (it is what runs); without a value, the declared type."""
        props = node.properties
        if props.get("value") is not None:
            return literal_kind(props["value"])
        return self.declared(nid, "type") or self.constant_type(node) or "any"

    def constant_type(self, node: ExecNode) -> str | None:
        ref = node.properties.get("type")
        if not isinstance(ref, str):
            return None
        return self.types.kind(ref) or kind_name(ref)

    def call_kind(self, node: ExecNode) -> str:
        """A call has the declared return kind of its callee."""
        name = node.properties.get("function")
        callee = self.graph.functions.get(name) if isinstance(name, str) else None
        return (self.declared(callee.entry, "return_type") or "any") if callee else "any"




_RULES = {
    "parameter": _Inference._parameter_kind,
    "variable_def": _Inference.variable_kind,
    "constant": _Inference.constant_kind,
    "for_each": _Inference._for_each_kind,
    "call": _Inference._call_rule,
    "assign": _Inference._assign_kind,
}
def declared_kind(ctx: CheckContext, types: TypeTable, nid: str, key: str) -> str | None:
    """The kind a covering semantic node declares (properties.type / return_type) for an exec node.

    A definite kind from any covering node wins over 'any' (say a function node
    covering its parameters, or a nullable type); None when nothing declares one.
    """
    props = ctx.column(ctx.model.semantic.nodes, "properties")
    found = None
    for si in ctx.covering.get(nid, ()):
        kind = types.kind(props[si].get(key))
        if kind is not None and kind != "any":
            return kind
        found = found or kind
    return found


@lru_cache(maxsize=4096)
def _result_kind(op: str, operand_kinds: tuple[str, ...]) -> str:
    """ops.result_kind, cached per (operation, operand kinds)."""
    return result_kind(OPS[op], list(operand_kinds))


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


_LITERAL = json.JSONDecoder(parse_constant=_reject_constant)  # NaN/Infinity are text, as in the interpreter


def literal_kind(raw: Any) -> str:
    """Kind of a `value` / `initial_value` property, read as the interpreter reads it.

    JSON literal text ('0', '[]', '"a"'), text that is not JSON (a string), or an
    already-parsed JSON value. Lists stay plain 'list': a literal's elements say
    nothing reliable about what is appended later.
    """
    if raw is None:
        return "null"
    if isinstance(raw, str):
        return _short_literal_kind(raw) if len(raw) <= 64 else _text_literal_kind(raw)
    return kind_of(raw)


@lru_cache(maxsize=4096)
def _short_literal_kind(text: str) -> str:
    """Cached: documents repeat the same few literals ('0', '[]', '""') many times."""
    return _text_literal_kind(text)


def _text_literal_kind(text: str) -> str:
    try:
        return kind_of(_LITERAL.decode(text))
    except (ValueError, RecursionError):
        return "string"


# -- ANRF202: operand types ---------------------------------------------------------------


def check_operands(ctx: CheckContext, types: TypeTable, kinds: dict[str, str]) -> Iterator[Finding]:
    """Operands must fit a signature; assignments must fit the variable; constants their stated type."""
    first = ctx.exec_index
    owner = ctx.graph.owner
    nodes = ctx.model.execution.nodes
    ops = ctx.column(nodes, "operation")
    # The distinct (operation, operand kinds) pairs first: when all are accepted, only nodes
    # that assign or are constants can give findings.
    inputs = ctx.column(nodes, "inputs")
    combos = {(ops[i], tuple(map(kinds.get, inputs[i]))) for i in ctx.where(nodes, "operation", _SIGNED_OPS)}
    operands_ok = all(_combo_accepted(op, operand_kinds) for op, operand_kinds in combos)
    if operands_ok:
        assigning = [i for i in compress(range(len(nodes)), ctx.column(nodes, "outputs")) if ops[i] not in _NON_ASSIGNING]
        checked: Iterable[int] = sorted({*assigning, *ctx.where(nodes, "operation", _ASSIGN_OR_CONSTANT)})
    else:
        checked = range(len(nodes))
    for i in checked:
        node = nodes[i]
        nid, op = node.node_id, node.operation
        if first.get(nid) != i:
            continue  # duplicate id: ANRF103; the graph and the kinds use the first
        spec = OPS.get(op)
        if spec is None:
            continue
        if not operands_ok and node.inputs and spec.signatures:
            operand_kinds = tuple([kinds.get(ref, "any") for ref in node.inputs])
            if not _accepted(op, operand_kinds):
                yield from _operand_mismatch(ctx, i, node, spec, operand_kinds)
        if nid in owner and (node.outputs or op in ("variable_def", "assign")):
            yield from _assignment_mismatch(ctx, i, node, kinds)
        if op == "constant":
            yield from _constant_mismatch(ctx, i, node, types)


_ASSIGN_OR_CONSTANT = frozenset({"variable_def", "assign", "constant"})
_SIGNED_OPS = frozenset(name for name, spec in OPS.items() if spec.signatures)  # the others take any operands


def _combo_accepted(op: str, operand_kinds: tuple[str | None, ...]) -> bool:
    """check_operands' operand test for one (operation, operand kinds) pair; None is an unknown operand."""
    spec = OPS.get(op)
    if spec is None or not operand_kinds or not spec.signatures:
        return True
    return _accepted(op, tuple(["any" if k is None else k for k in operand_kinds]))


@lru_cache(maxsize=4096)
def _accepted(op: str, operand_kinds: tuple[str, ...]) -> bool:
    """Whether `op` can take these operand kinds (arity problems count as accepted: they are ANRF205).

    Cached: a document repeats few (operation, kinds) combinations many times.
    """
    spec = OPS[op]
    n = len(operand_kinds)
    if n < spec.min_inputs or (spec.max_inputs is not None and n > spec.max_inputs):
        return True
    if op == "for_each":  # runs over lists, strings and objects (their keys); extra inputs are ignored
        return operand_kinds[0].split("<", 1)[0] in ("any", "list", "string", "object")
    kinds = list(operand_kinds)
    if any(sig.accepts(kinds) for sig in spec.signatures):
        return True
    return not any(sig.accepts(["any"] * n) for sig in spec.signatures)  # no signature of this length: arity, not type


def _operand_mismatch(ctx: CheckContext, i: int, node: ExecNode, spec: OpSpec, operand_kinds: tuple[str, ...]) -> Iterator[Finding]:
    """Say which input breaks the operation's signatures, and what it expects."""
    op = node.operation
    if op == "for_each":
        yield _operand_finding(ctx, i, node, 0, operand_kinds[0], "for_each iterates a list, a string or an object", ["list", "string", "object"])
        return
    fitting = [sig for sig in spec.signatures if sig.accepts(["any"] * len(operand_kinds))]
    j = _blamed_input(fitting, operand_kinds)
    alternatives = ["(" + ", ".join(sig.operands) + (", …" if sig.variadic else "") + ")" for sig in fitting]
    if op in ("if", "while"):
        lead = f"{op} condition must be a boolean"
    else:
        lead = f"{op} expects " + (", ".join(alternatives[:-1]) + " or " + alternatives[-1] if len(alternatives) > 1 else alternatives[0])
    yield _operand_finding(ctx, i, node, j, operand_kinds[j], lead, alternatives)


def _blamed_input(signatures: list, operand_kinds: tuple[str, ...]) -> int:
    """The input where the best-matching signature first fails (the latest first failure wins)."""
    best = 0
    for sig in signatures:
        n = len(sig.operands)
        for j, k in enumerate(operand_kinds):
            if not kind_matches(k, sig.operands[min(j, n - 1)]):
                best = max(best, j)
                break
    return best


def _operand_finding(ctx: CheckContext, i: int, node: ExecNode, j: int, kind: str, lead: str, expected: list[str]) -> Finding:
    ref = node.inputs[j]
    return ctx.finding("ANRF202", ("execution", "nodes", i, "inputs", j), f"{lead}; input {j + 1} '{ref}' is {kind}",
                       data={"operation": node.operation, "input": j, "actual": kind, "expected": expected})


def _assignment_mismatch(ctx: CheckContext, i: int, node: ExecNode, kinds: dict[str, str]) -> Iterator[Finding]:
    """A statement assigning to a variable (or parameter) must give it a value of the variable's kind."""
    op = node.operation
    if op == "variable_def":  # initialised from its input
        if node.inputs:
            yield from _assign_check(ctx, ("execution", "nodes", i, "inputs", 0), node, node.node_id, kinds.get(node.inputs[0], "any"), kinds)
        return
    if op in _NON_ASSIGNING:
        return
    if op == "assign" and len(node.inputs) == 2:
        yield from _assign_check(ctx, ("execution", "nodes", i, "inputs", 1), node, node.inputs[0], kinds.get(node.inputs[1], "any"), kinds)
        return
    value = kinds.get(node.node_id, "any")
    for j, target in enumerate(node.outputs):
        yield from _assign_check(ctx, ("execution", "nodes", i, "outputs", j), node, target, value, kinds)


def _assign_check(ctx: CheckContext, path: tuple, node: ExecNode, target: str, value: str, kinds: dict[str, str]) -> Iterator[Finding]:
    target_node = ctx.graph.nodes.get(target)
    if target_node is None or target_node.operation not in ("variable_def", "parameter"):
        return  # other outputs are data-flow hints
    wanted = kinds.get(target, "any")
    if value == "any" or kind_matches(value, wanted):
        return
    name = target_node.properties.get("name")
    label = f"'{name}' ({target})" if isinstance(name, str) and name else f"'{target}'"
    what = "variable" if target_node.operation == "variable_def" else "parameter"
    yield ctx.finding("ANRF202", path, f"'{node.operation}' node '{node.node_id}' assigns {value} to {what} {label} of kind {wanted}",
                      related=[(("execution", "nodes", ctx.exec_index[target]), f"{what} {label} is declared here")],
                      data={"target": target, "actual": value, "expected": wanted})


def _constant_mismatch(ctx: CheckContext, i: int, node: ExecNode, types: TypeTable) -> Iterator[Finding]:
    """A constant whose literal is not of its stated type: the literal is what runs ('5' is the number 5)."""
    raw, ref = node.properties.get("value"), node.properties.get("type")
    if raw is None or not isinstance(ref, str):
        return
    stated = types.kind(ref) or kind_name(ref)
    actual = literal_kind(raw)
    if stated is None or kind_matches(actual, stated):
        return
    hint = f"; write the string as a JSON literal, e.g. {json.dumps(json.dumps(raw))}" if stated == "string" and isinstance(raw, str) else ""
    yield ctx.finding("ANRF202", ("execution", "nodes", i, "properties", "value"),
                      f"constant '{node.node_id}' has type '{ref}' ({stated}) but its value is {actual}{hint}",
                      data={"actual": actual, "expected": stated})


# -- ANRF203: return types ------------------------------------------------------------------


def check_returns(ctx: CheckContext, types: TypeTable, kinds: dict[str, str]) -> Iterator[Finding]:
    """Each return of a function must give a value of the kind its semantic node declares."""
    graph, index = ctx.graph, ctx.exec_index
    declared: dict[str, str | None] = {}  # function_def id -> declared return kind
    nodes = ctx.model.execution.nodes
    for i in ctx.where(nodes, "operation", _RETURN):
        node = nodes[i]
        if index.get(node.node_id) != i:
            continue
        entry = graph.owner.get(node.node_id)
        if entry is None:
            continue  # not reached from any function: ANRF106
        if entry not in declared:
            declared[entry] = declared_kind(ctx, types, entry, "return_type")
        wanted = declared[entry]
        if wanted is None or wanted == "any":
            continue
        actual = kinds.get(node.inputs[0], "any") if node.inputs else "null"
        if not kind_matches(actual, wanted):
            yield _return_finding(ctx, i, node, graph.nodes[entry], wanted, actual)


_RETURN = frozenset({"return"})


def _return_finding(ctx: CheckContext, i: int, node: ExecNode, fn: ExecNode, wanted: str, actual: str) -> Finding:
    name = fn.properties.get("name") or fn.node_id
    value = f"gives {actual} ('{node.inputs[0]}')" if node.inputs else "has no value (null)"
    related = [(("execution", "nodes", ctx.exec_index[fn.node_id]), f"function '{name}' is declared to return {wanted}")]
    return ctx.finding("ANRF203", ("execution", "nodes", i), f"return '{node.node_id}' {value} but function '{name}' returns {wanted}",
                       related=related, data={"expected": wanted, "actual": actual})
