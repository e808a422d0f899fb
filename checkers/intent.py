"""Intent checks, ANRF401-403: does the program keep the promises its intent layer makes?

Which constraints are checked:
- performance: a time-complexity class (O(n), O(n log n), O(n^2), "linear", ...)
  is compared with an estimate of the execution layer (`estimate_functions`) and
  with `execution.properties.complexity` (ANRF402 when contradicted).
- security about network, file, disk or socket access: holds trivially, since
  the v1 operation set has no I/O at all (no finding).
- safety about empty input: every function taking a list or string parameter
  is run on empty values with small limits (ANRF401 warning when that fails).
Everything else is reported as not checkable (ANRF401, info).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from anrf_lsp.execution.graph import ExecGraph
from anrf_lsp.execution.interpreter import AnrfRuntimeError, Interpreter, Limits
from anrf_lsp.execution.ops import OPS, json_repr
from anrf_lsp.format.findings import Finding, define
from anrf_lsp.format.jsonsource import Path
from anrf_lsp.format.model import Constraint

from .context import CheckContext

# -- the codes this module reports (the check catalog: anrf_lsp/format/findings.py) ----

define("ANRF401", "info", "constraint not checkable", "intent", """
An intent constraint that the checker cannot verify. Reported at the constraint. Which constraints **are** checked:

- **performance** with a time-complexity class, written `O(…)` / `Θ(…)` (`O(1)`, `O(log n)`, `O(n)`, `O(n log n)`, `O(n^2)`, `O(n²)`, `O(V + E)`, …) or in words (`constant`, `logarithmic`, `linear`, `linearithmic`, `quadratic`, `cubic`, `exponential`), in `formal_spec` or `description`; classes qualified as space or memory are skipped. Compared with the execution layer: ANRF402. If the execution layer has a `while` loop, recursion or a call to an unknown function, whose cost is not estimated, and nothing contradicts the constraint, an **info** says it was only partly checked.
- **security** about network, file, file system, disk, socket or other I/O access: holds trivially, because the v1 operation set has no I/O. No finding.
- **safety** about empty input (`empty`, `zero-length`, `no elements`): every function with a parameter whose semantic type is an array or a string (the semantic node whose `execution_refs` name the parameter node → `properties.type` → a type with `type_kind` `array`, or a primitive named like `string`) is run on empty lists/strings (other parameters get 0, false, {} or null), with a 5,000-step limit. If it returns, no finding; if it fails, a **warning**: `safety constraint could not be verified: running sum([]) failed: …`.

Everything else is an **info**: `constraint of type 'reliability' is not checked automatically` (also performance constraints without a class, such as "should be fast").

Failing (info):

```json
{"type": "performance", "description": "should be fast"}
```

Passing (checked):

```json
{"type": "performance", "description": "Linear time complexity O(n)"}
```
""")

define("ANRF402", "error", "performance constraint contradicted by the execution layer", "intent", """
A performance constraint declares a lower complexity class than the execution layer shows. Reported at the constraint, naming both classes, the function and the node that costs most; a related location marks the deepest loop. `data` has `declared`, `declared_degree`, `estimated`, `estimated_degree`, `function`, `node_id`, `loops`.

How the execution layer is estimated (per function, as a polynomial degree in the input size): for every statement, the number of enclosing `for_each` loops, plus 1 when the statement or one of the pure expressions it evaluates uses a linear operation (`for_each` itself, `contains`, `index_of`, `concat`, `slice`, `sort`, `split`, `join`, `replace`, `repeat`, `range`, `reverse`, and `min`/`max` of one list input). A loop or linear operation over a literal `constant` does not count. A `call` costs the callee's degree at the call's depth. `while` loops and recursion are not estimated (never a contradiction; see ANRF401). The degree of a declared class: `O(1)` and `O(log n)` → 0, `O(n)` and `O(n log n)` → 1, `O(n^2)` → 2, and so on.

It is also a contradiction when `execution.properties.complexity` declares a higher class than the constraint.

Failing (nested loops over the input):

```json
"constraints": [{"type": "performance", "description": "Linear time complexity O(n)"}]
```

with `for_each exec_node_4` → `loop_body` → `for_each inner` → … → `performance constraint 'O(n)' is contradicted: function 'sum' is estimated O(n^2), from 'inner' (for_each) inside for_each loop 'exec_node_4'; deepest loop: 'inner'`.

Passing: a single loop (the public example), or a constraint that allows it:

```json
"constraints": [{"type": "performance", "description": "Quadratic time O(n^2)"}]
```
""")

define("ANRF403", "warning", "empty intent description", "intent", """
`intent.description` is present but empty or only whitespace. Generators, views and reviewers rely on it to know what the program is for. (A *missing* description is ANRF101.)

Failing:

```json
"intent": {"intent_type": "function", "description": "  "}
```

Passing:

```json
"intent": {"intent_type": "function", "description": "Calculate the sum of an array of numbers"}
```
""")

# Running functions on empty input: small limits, and a cap on the total work.
RUN_LIMITS = Limits(max_steps=5_000, max_call_depth=50)
MAX_RUNS = 50
MAX_REASONS = 3  # unanalysed parts named in a message


def check(ctx: CheckContext) -> Iterable[Finding]:
    intent = ctx.model.intent
    if "description" in intent.model_fields_set and not intent.description.strip():
        yield ctx.finding(
            "ANRF403",
            ("intent", "description"),
            "the intent description is empty; say in a sentence what this program should do (generators, views and reviewers rely on it)",
        )
    for i, constraint in enumerate(intent.constraints):
        path: Path = ("intent", "constraints", i)
        kind = constraint.type
        if kind is None:
            continue  # missing type: ANRF101
        if kind == "performance":
            yield from _performance(ctx, constraint, path, function_costs(ctx))
        elif kind == "security" and _NO_IO.search(_text(constraint)):
            continue  # the v1 operation set has no I/O: verified trivially
        elif kind == "safety" and _EMPTY.search(_text(constraint)):
            yield from _empty_input(ctx, constraint, path)
        else:
            yield ctx.finding(
                "ANRF401",
                path,
                f"constraint of type '{kind}' is not checked automatically" + _NOT_CHECKED_HINT.get(kind, ""),
                data={"type": kind},
            )


_NOT_CHECKED_HINT = {
    "security": " (only constraints about network, file, disk or socket access are: the v1 operations have no I/O)",
    "safety": " (only constraints about empty input are: each function is run on empty lists and strings)",
}
_NO_IO = re.compile(
    r"\b(network|internet|https?|urls?|sockets?|files?|file ?system|disks?|i/o|io|storage|subprocess(es)?|shell)\b", re.IGNORECASE
)
_EMPTY = re.compile(r"\b(empty|zero[- ]length|no elements)\b", re.IGNORECASE)


def function_costs(ctx: CheckContext) -> list[FunctionCost]:
    """Every function's estimated cost, in document order, computed once per context."""
    if "function_costs" not in ctx.memo:
        ctx.memo["function_costs"] = estimate_functions(ctx.graph) if ctx.is_graph else []
    return ctx.memo["function_costs"]


def performance(ctx: Any, costs: list[FunctionCost]) -> Iterator[Finding]:
    """The findings of the performance constraints alone, for the given function costs (in document
    order): incremental checking recomputes them from each function's cached cost. `ctx` needs
    `finding`, `model`, `is_graph` and `exec_index`."""
    for i, constraint in enumerate(ctx.model.intent.constraints):
        if constraint.type == "performance":
            yield from _performance(ctx, constraint, ("intent", "constraints", i), costs)


def _text(c: Constraint) -> str:
    return f"{c.description} {c.formal_spec}"


# -- complexity classes ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Complexity:
    degree: float  # polynomial degree in the input size; log factors ignored; inf for exponential
    label: str  # as written, e.g. "O(n log n)" or "linear"


_BIG_O = re.compile(r"(?<![A-Za-z0-9_])[OΘΩ]\s*\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)")  # two nesting levels
_WORDS = [
    (re.compile(r"\bconstant\b", re.IGNORECASE), 0.0),
    (re.compile(r"\b(logarithmic|polylog(arithmic)?)\b", re.IGNORECASE), 0.0),
    (re.compile(r"\b(sub-?linear)\b", re.IGNORECASE), 0.5),
    (re.compile(r"\b(linearithmic|log-?linear|quasi-?linear)\b", re.IGNORECASE), 1.0),
    (re.compile(r"\blinear\b", re.IGNORECASE), 1.0),
    (re.compile(r"\bquadratic\b", re.IGNORECASE), 2.0),
    (re.compile(r"\bcubic\b", re.IGNORECASE), 3.0),
    (re.compile(r"\bexponential\b", re.IGNORECASE), math.inf),
]
_SPACE_WORDS = frozenset({"space", "memory", "auxiliary", "storage", "ram"})
_LOG = re.compile(r"(?:log|lg|ln)(?:_?\d+)?\s*(?:\^\s*\d+)?\s*(?:\((?:[^()]|\([^()]*\))*\)|[a-z]\b)?")
_SQRT = re.compile(r"(?:sqrt|√)\s*\(?\s*([a-z]\w*)\s*\)?")
_VAR = re.compile(r"([a-z]\w*)(?:\s*\^\s*(\d+(?:\.\d+)?))?")


def parse_complexity(text: str) -> Complexity | None:
    """The time-complexity class a sentence states, or None. Classes qualified as
    space/memory are skipped ("O(n) time and O(1) space" gives O(n))."""
    for m in _BIG_O.finditer(text):
        if _is_space(text[max(0, m.start() - 30) : m.start()], text[m.end() : m.end() + 30]):
            continue
        degree = big_o_degree(m.group(1))
        if degree is not None:
            return Complexity(degree, m.group(0))
    for pattern, degree in _WORDS:
        for m in pattern.finditer(text):
            if not _is_space(text[max(0, m.start() - 30) : m.start()], text[m.end() : m.end() + 30]):
                return Complexity(degree, m.group(0))
    return None


def _is_space(before: str, after: str) -> bool:
    """Whether the words around a class say it bounds space rather than time."""
    after_words = re.findall(r"[a-z]+", after.lower())[:2]
    before_words = re.findall(r"[a-z]+", before.lower())[-3:]
    if _SPACE_WORDS.intersection(after_words):
        return True
    if "time" in after_words:
        return False
    return bool(_SPACE_WORDS.intersection(before_words)) and "time" not in before_words


def big_o_degree(expr: str) -> float | None:
    """Polynomial degree of the expression inside O(...): 'n log n' -> 1, 'n^2' and 'n²' -> 2,
    'n + m' -> 1, 'n*m' -> 2, '1' and 'log n' -> 0, '2^n' and 'n!' -> inf; None when unreadable."""
    e = expr.lower().replace("²", "^2").replace("³", "^3").replace("**", "^").replace("·", "*").replace("×", "*")
    if re.search(r"\d\s*\^\s*\(?[a-z]|!|\bexp", e):
        return math.inf
    if re.search(r"[a-z]\s*\^\s*\(?[a-z]", e):
        return None  # n^k: a polynomial of unknown degree
    e = _SQRT.sub(r"\1^0.5", _LOG.sub(" 1 ", e))
    if not re.fullmatch(r"[a-z0-9_\s^*+\-/.()]*", e):
        return None
    degrees = []
    for term in re.split(r"[+\-]", e):
        if term.strip():
            degrees.append(sum((float(p) if p else 1.0 for _, p in _VAR.findall(term)), 0.0))
    return max(degrees) if degrees else None


def degree_label(degree: float) -> str:
    if degree == math.inf:
        return "exponential"
    if degree == 0:
        return "O(1)"
    if degree == 1:
        return "O(n)"
    return f"O(n^{degree:g})"


# -- estimating the execution layer ------------------------------------------------------


@dataclass(slots=True)
class FunctionCost:
    """Estimated time-complexity degree of one function, and why."""

    entry: str
    name: str
    degree: int = 0
    witness: str | None = None  # node responsible for the degree
    anchor: str | None = None  # the statement it runs in (for pure expressions, the statement using them)
    via: str = ""  # what makes the witness cost that much
    loops: list[str] = field(default_factory=list)  # counted loops around the witness, innermost first
    unknown: list[str] = field(default_factory=list)  # parts not analysed (while loops, recursion)
    calls: list[tuple[int, str, str, str]] = field(default_factory=list)  # (depth, callee name, call node, statement)


_NOT_PURE = frozenset({"parameter", "variable_def", "function_def", "constant", "for_each", "while"})
_SPECIAL = frozenset({"call", "for_each"} | {name for name, spec in OPS.items() if spec.linear})  # ops _charge prices


class _Estimator:
    """Loop nesting (for_each only) plus linear operations, per function, in linear time.
    Operations and inputs are read from the graph's columns by node position, not from the node objects."""

    def __init__(self, graph: ExecGraph):
        self.g = graph
        self.index = graph.index
        self.ops: list[str] = graph.column("operation")
        self.inputs: list[list[str]] = graph.column("inputs")
        self.loop_depth: dict[str, int] = {}  # loop -> counted for_each loops among it and its enclosing loops

    def _op(self, node_id: str) -> str | None:
        i = self.index.get(node_id)
        return None if i is None else self.ops[i]

    def counted(self, loop_id: str) -> bool:
        """A for_each over a literal constant has a fixed trip count: it does not scale with the input."""
        i = self.index[loop_id]
        if self.ops[i] != "for_each":
            return False
        inputs = self.inputs[i]
        return not inputs or self._op(inputs[0]) != "constant"

    def depth(self, node_id: str) -> int:
        """Counted loops enclosing a statement (memoized walk up `enclosing`; cycle-safe)."""
        enclosing = self.g.enclosing
        parent = enclosing.get(node_id)
        if parent is None:
            return 0
        if parent in self.loop_depth:
            return self.loop_depth[parent]
        chain: list[str] = []
        seen: set[str] = set()
        cur: str | None = parent
        while cur is not None and cur not in self.loop_depth and cur not in seen:
            seen.add(cur)
            chain.append(cur)
            cur = enclosing.get(cur)
        base = self.loop_depth.get(cur, 0) if cur is not None else 0
        for loop in reversed(chain):
            base += self.counted(loop)
            self.loop_depth[loop] = base
        return self.loop_depth[parent]

    def linear(self, node_id: str) -> bool:
        """A linear op (OPS[op].linear) costs O(size) unless its collection is a literal."""
        i = self.index[node_id]
        op = self.ops[i]
        spec = OPS.get(op)
        if spec is None or not spec.linear:
            return False
        inputs = self.inputs[i]
        if op in ("min", "max") and len(inputs) != 1:
            return False  # min(a, b) of scalars; only min(list) scans a collection
        return not inputs or self._op(inputs[0]) != "constant"

    def function(self, fn: Any) -> FunctionCost:
        index, ops, inputs, owner = self.index, self.ops, self.inputs, self.g.owner
        cost = FunctionCost(fn.entry, fn.name)
        charged: dict[str, int] = {}  # pure expression -> deepest loop depth it was charged at
        for s in fn.statements:
            d = self.depth(s)
            i = index[s]
            op = ops[i]
            if op == "while":
                cost.unknown.append(f"while loop '{s}'")
            if op in _SPECIAL:
                self._charge(cost, s, op, d, s)
            elif d > cost.degree or cost.witness is None:
                cost.degree, cost.witness, cost.anchor, cost.via = d, s, s, op
            stack = list(inputs[i])
            while stack:  # the pure expressions this statement evaluates, charged at its depth
                ref = stack.pop()
                if charged.get(ref, -1) >= d or ref in owner:
                    continue
                j = index.get(ref)
                if j is None or ops[j] in _NOT_PURE:
                    continue
                charged[ref] = d
                self._charge(cost, ref, ops[j], d, s)
                stack.extend(inputs[j])
        return cost

    def _charge(self, cost: FunctionCost, node_id: str, op: str, d: int, statement: str) -> None:
        if op == "call":
            cost.calls.append((d, str(self.g.nodes[node_id].properties.get("function", "")), node_id, statement))
            return
        if op == "for_each":
            value, via = d + self.counted(node_id), "for_each"
        elif self.linear(node_id):
            value, via = d + 1, f"{op}, linear in the size of its input"
        elif node_id == statement:
            value, via = d, op
        else:
            return
        if value > cost.degree or cost.witness is None:
            cost.degree, cost.witness, cost.anchor, cost.via = value, node_id, statement, via

    def loops_around(self, node_id: str) -> list[str]:
        """Counted loops enclosing statement `node_id` (itself included when it is one), innermost first."""
        g = self.g
        cur = node_id if self._op(node_id) == "for_each" else g.enclosing.get(node_id)
        out: list[str] = []
        seen: set[str] = set()
        while cur is not None and cur not in seen:
            seen.add(cur)
            if self.counted(cur):
                out.append(cur)
            cur = g.enclosing.get(cur)
        return out


def estimate_functions(graph: ExecGraph) -> list[FunctionCost]:
    """The estimated degree of every function, calls included: a call costs its callee's
    degree at the call's loop depth. Recursion and while loops are left unanalysed (`unknown`)."""
    est = _Estimator(graph)
    costs = {fn.entry: est.function(fn) for fn in graph.entries}
    state: dict[str, int] = {}  # 1: in progress, 2: done
    for root in costs:
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]  # iterative DFS over the call graph
        while stack:
            entry, i = stack[-1]
            cost = costs[entry]
            if i >= len(cost.calls):
                state[entry] = 2
                stack.pop()
                continue
            d, name, site, statement = cost.calls[i]
            callee = graph.functions.get(name)
            if callee is not None and callee.entry in costs and callee.entry not in state:
                state[callee.entry] = 1
                stack.append((callee.entry, 0))  # this call is looked at again once the callee is done
                continue
            stack[-1] = (entry, i + 1)
            if callee is None or callee.entry not in costs:
                cost.unknown.append(f"call '{site}' to unknown function '{name}'")
            elif state[callee.entry] == 1:
                cost.unknown.append(f"recursive call '{site}' to '{name}'")
            else:
                _add_call(cost, costs[callee.entry], d, site, statement)
    for cost in costs.values():
        if cost.anchor is not None:
            cost.loops = est.loops_around(cost.anchor)
    return list(costs.values())


def _add_call(cost: FunctionCost, callee: FunctionCost, d: int, site: str, statement: str) -> None:
    if d + callee.degree > cost.degree:
        cost.degree, cost.witness, cost.anchor = d + callee.degree, site, statement
        cost.via = f"call to '{callee.name}' (estimated {degree_label(callee.degree)})"
    for reason in callee.unknown:
        if reason not in cost.unknown:
            cost.unknown.append(reason)


# -- ANRF401 / ANRF402: performance ------------------------------------------------------------


def _performance(ctx: CheckContext, c: Constraint, path: Path, costs: list[FunctionCost]) -> Iterator[Finding]:
    declared = parse_complexity(c.formal_spec) or parse_complexity(c.description)
    if declared is None:
        yield ctx.finding(
            "ANRF401",
            path,
            "performance constraint names no time-complexity class (such as O(n) or 'linear time'), so it is not checked",
            data={"type": "performance"},
        )
        return
    data: dict[str, Any] = {"declared": declared.label, "declared_degree": _json_degree(declared.degree)}
    worst = max(costs, key=lambda f: f.degree, default=None)
    if worst is not None and worst.degree > declared.degree:
        yield ctx.finding(
            "ANRF402",
            path,
            _contradiction(declared, worst),
            related=_related(ctx, worst),
            data={
                **data,
                "estimated": degree_label(worst.degree),
                "estimated_degree": worst.degree,
                "function": worst.name,
                "node_id": worst.witness,
                "loops": worst.loops,
            },
        )
        return
    raw = ctx.model.execution.properties.get("complexity")
    stated = parse_complexity(raw) if isinstance(raw, str) else None
    if stated is not None and stated.degree > declared.degree:
        yield ctx.finding(
            "ANRF402",
            path,
            f"performance constraint '{declared.label}' is contradicted by execution.properties.complexity "
            f"'{stated.label}', a higher complexity class",
            related=[(("execution", "properties", "complexity"), f"the execution layer declares '{stated.label}' here")],
            data={**data, "estimated": stated.label, "estimated_degree": _json_degree(stated.degree)},
        )
        return
    if not ctx.is_graph and stated is None:
        yield ctx.finding(
            "ANRF401",
            path,
            f"performance constraint '{declared.label}' is not checked: the "
            f"'{ctx.model.execution.format}' execution format is not analysed and execution.properties "
            f"declares no complexity",
            data={"type": "performance"},
        )
        return
    unknown = [r for f in costs for r in f.unknown]
    if unknown:
        shown = ", ".join(unknown[:MAX_REASONS]) + (f" and {len(unknown) - MAX_REASONS} more" if len(unknown) > MAX_REASONS else "")
        yield ctx.finding(
            "ANRF401",
            path,
            f"performance constraint '{declared.label}' is only partly checked: the cost of "
            f"{shown} is not estimated (only for_each nesting and linear operations are)",
            data={"type": "performance", "unknown": unknown[:MAX_REASONS]},
        )


def _json_degree(degree: float) -> float | None:
    """Finding data is JSON: exponential (infinite degree) becomes null."""
    return None if math.isinf(degree) else degree


def _contradiction(declared: Complexity, worst: FunctionCost) -> str:
    where = f"'{worst.witness}' ({worst.via})"
    if worst.loops:
        chain = " inside ".join(f"'{loop}'" for loop in worst.loops if loop != worst.witness)
        if chain:
            where += f" inside for_each loop {chain}"
    deepest = f"; deepest loop: '{worst.loops[0]}'" if worst.loops else ""
    return (
        f"performance constraint '{declared.label}' is contradicted: function '{worst.name}' is estimated "
        f"{degree_label(worst.degree)}, from {where}{deepest}"
    )


def _related(ctx: CheckContext, worst: FunctionCost) -> list[tuple[Path, str]]:
    target = worst.loops[0] if worst.loops else worst.witness
    i = ctx.exec_index.get(target) if target is not None else None
    if i is None:
        return []
    return [(("execution", "nodes", i), f"estimated {degree_label(worst.degree)} here")]


# -- ANRF401: safety on empty input -------------------------------------------------------------


def _empty_input(ctx: CheckContext, c: Constraint, path: Path) -> Iterator[Finding]:
    """Run each function that takes a list or string on empty values; a runtime error means
    the constraint could not be verified (the function may well crash on empty input)."""
    if not ctx.is_graph:
        yield ctx.finding(
            "ANRF401",
            path,
            f"safety constraint is not checked: the '{ctx.model.execution.format}' execution format cannot be run",
            data={"type": "safety"},
        )
        return
    g = ctx.graph
    runs = []
    for fn in g.entries:
        kinds = [param_kind(ctx, p) for p in fn.params]
        if ("list" in kinds or "string" in kinds) and g.functions.get(fn.name) is fn:
            runs.append((fn.name, [_EMPTY_VALUES.get(k) for k in kinds]))
    if not runs:
        yield ctx.finding(
            "ANRF401",
            path,
            "safety constraint about empty input is not checked: no function has a parameter whose semantic type is a list or a string",
            data={"type": "safety"},
        )
        return
    failures = []
    for name, args in runs[:MAX_RUNS]:
        error = _try_run(ctx, name, args)
        if error is not None:
            failures.append((name, args, error))
    if failures:
        name, args, error = failures[0]
        call = f"{name}({', '.join(json_repr(a) for a in args)})"
        more = f" ({len(failures) - 1} more function(s) failed too)" if len(failures) > 1 else ""
        yield ctx.finding(
            "ANRF401",
            path,
            f"safety constraint could not be verified: running {call} failed: {error}{more}",
            severity="warning",
            data={"type": "safety", "function": name, "args": args, "error": error},
        )
    elif len(runs) > MAX_RUNS:
        yield ctx.finding(
            "ANRF401",
            path,
            f"safety constraint only partly checked: the first {MAX_RUNS} of {len(runs)} functions taking a list or string "
            f"ran on empty input; the rest were not run",
            data={"type": "safety"},
        )


_EMPTY_VALUES: dict[str, Any] = {"list": [], "string": "", "number": 0, "boolean": False, "object": {}}


def _try_run(ctx: CheckContext, name: str, args: list[Any]) -> str | None:
    """The error running `name(*args)` gives, or None when it returns."""
    try:
        Interpreter(ctx.model, RUN_LIMITS, graph=ctx.graph).run(name, [a.copy() if isinstance(a, (list, dict)) else a for a in args])
    except AnrfRuntimeError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - never let document content crash the checker
        return f"{type(exc).__name__}: {exc}"
    return None


_PRIMITIVE_KINDS = (
    (("str", "text", "char"), "string"),
    (("bool",), "boolean"),
    (("num", "int", "float", "double", "real", "decimal"), "number"),
)


def param_kind(ctx: CheckContext, param_id: str) -> str:
    """Value kind of a parameter from its semantic type (the semantic node naming it in
    execution_refs -> properties.type -> semantic.types), else from its own properties.type."""
    sem = ctx.model.semantic
    candidates = [sem.nodes[i].properties.get("type") for i in ctx.covering.get(param_id, ())]
    node = ctx.graph.nodes.get(param_id)
    if node is not None:
        candidates.append(node.properties.get("type"))
    for type_ref in candidates:
        if not isinstance(type_ref, str) or not type_ref:
            continue
        i = ctx.type_index.get(type_ref)
        if i is None:
            if type_ref in _EMPTY_VALUES:  # a value kind written directly
                return type_ref
            continue
        t = sem.types[i]
        if t.type_kind == "array":
            return "list"
        if t.type_kind == "struct":
            return "object"
        if t.type_kind == "primitive":
            name = f"{t.name} {t.type_id}".lower()
            for needles, kind in _PRIMITIVE_KINDS:
                if any(n in name for n in needles):
                    return kind
    return "unknown"
