"""A small Python DSL that builds valid ANRF v1 documents (JSON dicts).

Training data needs thousands of documents that are *right*: they pass every
checker with no warning and run under the interpreter. Writing the three layers
by hand is error-prone, so behaviours describe a program once, in code that reads
like the program itself, and this module emits all three layers consistently:

    program = Program(request, "function")
    f = program.function("max_of_list", [("numbers", "list[number]")], returns="number?")
    (numbers,) = f.params
    with f.if_(f.eq(f.len(numbers), 0)):
        f.return_(None)
    best = f.var("best", "number", f.index(numbers, 0))
    with f.for_each(numbers, "num") as num:
        with f.if_(f.gt(num, best)):
            f.set(best, num)
    f.return_(best)
    doc = program.build()

Execution layer (docs/execution.md): statements are chained by `control_flow`
edges; `if` has `true_branch`/`false_branch` edges whose chains rejoin at the next
statement; loops have a `loop_body` edge and a body ending at an `end_loop`, whose
`control_flow` edge is the loop exit. Operations called on a `Function` (`f.len`,
`f.add`, ...) create pure expression nodes off the chain; `set`, `do`, `var` and the
control statements put nodes on it. A statement's `outputs` name only the variable
it assigns (so a reader never mistakes a data-flow hint for an assignment).

Semantic layer: one node per function, parameter, variable, class and module,
plus a `control_flow` node per if/loop; together their `execution_refs` cover
every execution node exactly once. Types come from the behaviour type vocabulary
(`int`, `list[str]`, ...), `T?` for nullable results and class names for structs.

Ids are readable and deterministic (`<function>_n3`, `param_<function>_<name>`),
and keys come out in a fixed order, so one request always gives the same JSON text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from anrf_lsp.execution.ops import OPS
from anrf_lsp.format.examples import EXAMPLES_PROPERTY

if TYPE_CHECKING:
    from anrf_lsp.intent.schema import StructuredIntent

# `metadata.generated_by` of a document built without a model (the training catalog, the importer);
# the generator passes its own name and version instead.
GENERATED_BY = "anrf-lsp builder"


@dataclass(frozen=True, slots=True)
class BuildRequest:
    """What a structured intent fixes about the ANRF to build."""

    anrf_id: str
    name: str  # target name (function, class or module)
    param_names: tuple[str, ...]  # one per parameter, in order (functions only; others use the defaults)
    description: str  # goes to intent.description
    constraints: tuple[dict[str, str], ...] = ()  # ANRF constraints {type, description, formal_spec}
    generated_by: str = GENERATED_BY  # goes to metadata.generated_by: what wrote the program
    examples: str = ""  # the request's examples as JSON (anrf_lsp/intent/examples.py): intent.properties["examples"]

    @classmethod
    def from_intent(cls, intent: StructuredIntent, anrf_id: str, generated_by: str = GENERATED_BY) -> BuildRequest:
        """What a structured intent fixes (the data build and generation at run time use this one rule)."""
        if intent.target is None:
            raise ValueError("an out_of_scope intent has nothing to build")
        return cls(anrf_id=anrf_id, name=intent.target.name, param_names=tuple(p.name for p in intent.parameters),
                   description=intent.description, constraints=tuple(c.model_dump(mode="json") for c in intent.constraints),
                   generated_by=generated_by, examples=intent.examples_property())


def split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets (`a: int, b: list[int]`)."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]

ProgramKind = Literal["function", "class", "module"]

# Behaviour type vocabulary -> (type_id, type name, type_kind)
_BASE_TYPES: dict[str, tuple[str, str, str]] = {
    "int": ("type_int", "Integer", "primitive"),
    "float": ("type_float", "Float", "primitive"),
    "number": ("type_number", "Number", "primitive"),
    "str": ("type_string", "String", "primitive"),
    "bool": ("type_bool", "Boolean", "primitive"),
    "any": ("type_any", "Any", "generic"),
}

# Time-complexity labels in increasing order (the checker reads them: ANRF402).
COMPLEXITY_ORDER = ("O(1)", "O(log n)", "O(sqrt(n))", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)")
_BY_DEGREE = {0: "O(1)", 1: "O(n)", 2: "O(n^2)", 3: "O(n^3)"}

# Operations the DSL exposes as expression methods (`f.add(a, b)`): everything but
# structure, control and the two that need special handling.
_EXPRESSION_OPS = frozenset(
    name for name, spec in OPS.items() if spec.category not in ("structure", "control") and name not in ("constant", "assign")
)
_ASSIGNABLE = frozenset({"variable_def", "parameter"})


class BuildError(ValueError):
    """The program description is inconsistent (a builder bug, not a user error)."""


@dataclass(frozen=True, slots=True)
class Ref:
    """An execution node used as an operand. Any other Python value becomes a constant."""

    id: str


_NOTHING: Any = object()


def snake(name: str) -> str:
    """'BankAccount.deposit' -> 'bank_account_deposit': the id-safe form of a name."""
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "x"


class Function:
    """One function_def and everything it contains. Create it with `Program.function`
    (or `ClassBuilder.method`); the statements you call on it are appended in order."""

    def __init__(self, program: Program, name: str, params: Sequence[tuple[str, str]], returns: str, complexity: str | None):
        self.program = program
        self.name = name
        self.returns = returns
        self.complexity = complexity
        self.prefix = program._unique(snake(name), program._prefixes)
        self.sem_id = program._unique(f"func_{self.prefix}", program._sem_ids)
        self.nodes: list[dict[str, Any]] = []
        self._by_id: dict[str, dict[str, Any]] = {}
        self.edges: list[tuple[str, str, str]] = []  # (source, target, edge type)
        self.depth: dict[str, int] = {}  # node id -> open loops when it was created (cost estimate)
        self.semantic: list[dict[str, Any]] = []  # parameter, variable and control_flow nodes
        self.sem_edges: list[tuple[str, str, str]] = []
        self.calls: list[str] = []
        self.returns_at: list[str] = []
        self._covered: set[str] = set()  # exec nodes owned by a parameter, variable or control node
        self._consts: dict[str, str] = {}
        self._users: dict[str, int] = {}
        self._statements: set[str] = set()
        self._count = 0
        self._loops: list[str] = []
        self._controls: list[str] = [self.sem_id]
        self._last_if: tuple[str, list[tuple[str, str]], str] | None = None
        self._tails: list[tuple[str, str]] = []
        self.source_line = 0  # set by a text front end (anrf_lsp/program/compact.py): the line being built
        self.node_lines: dict[str, int] = {}  # node id -> source_line when it was created

        self.entry = self._node("function_def", [], {"name": name})
        self._tails = [(self.entry, "control_flow")]
        self.params = [self._param(pname, ptype) for pname, ptype in params]
        self.nodes[0]["inputs"] = [p.id for p in self.params]

    # -- nodes ------------------------------------------------------------

    def _node(self, operation: str, inputs: list[str], props: dict[str, str] | None = None) -> str:
        self._count += 1
        node_id = f"{self.prefix}_n{self._count}"
        for ref in inputs:
            self._users[ref] = self._users.get(ref, 0) + 1
        node = {"node_id": node_id, "operation": operation, "inputs": inputs, "outputs": [], "properties": props or {}}
        self.nodes.append(node)
        self._by_id[node_id] = node
        self.depth[node_id] = len(self._loops)
        self.node_lines[node_id] = self.source_line
        return node_id

    def _emit(self, node_id: str) -> str:
        """Put a node on the control chain: every pending end flows into it."""
        if not self._tails:
            raise BuildError(f"statement '{node_id}' in '{self.name}' is unreachable (it follows a return, break or continue)")
        self.edges.extend((source, node_id, etype) for source, etype in self._tails)
        self._tails = [(node_id, "control_flow")]
        self._statements.add(node_id)
        self._last_if = None
        return node_id

    def _statement(self, operation: str, inputs: list[Any], props: dict[str, str] | None = None) -> str:
        return self._emit(self._node(operation, [self._ref(x) for x in inputs], props))

    def _ref(self, value: Any) -> str:
        return value.id if isinstance(value, Ref) else self.const(value).id

    def _param(self, name: str, type_spec: str) -> Ref:
        node_id = self._emit(self._node("parameter", [], {"name": name}))
        self._own("parameter", name, type_spec, node_id, "has_parameter")
        return Ref(node_id)

    def _own(self, node_type: str, label: str, type_spec: str, node_id: str, edge: str) -> None:
        """A parameter or variable semantic node owning one execution node."""
        short = "param" if node_type == "parameter" else "var"
        sem_id = self.program._unique(f"{short}_{self.prefix}_{snake(label)}", self.program._sem_ids)
        props = {"type": self.program.type_id(type_spec)}
        self.semantic.append(_sem_node(sem_id, node_type, label, props, [node_id]))
        self.sem_edges.append((self.sem_id, sem_id, edge))
        self._covered.add(node_id)

    @contextmanager
    def _control(self, label: str, node_id: str) -> Iterator[dict[str, Any]]:
        """A control_flow semantic node for an if/loop, nested in the enclosing one."""
        sem_id = self.program._unique(f"cf_{self.prefix}_{node_id.rsplit('_n', 1)[1]}", self.program._sem_ids)
        node = _sem_node(sem_id, "control_flow", label, {}, [node_id])
        self.semantic.append(node)
        self.sem_edges.append((self._controls[-1], sem_id, "contains"))
        self._covered.add(node_id)
        self._controls.append(sem_id)
        try:
            yield node
        finally:
            self._controls.pop()

    # -- expressions (off the control chain) ---------------------------------

    def const(self, value: Any) -> Ref:
        """A constant node (one per distinct literal and function; every evaluation is a fresh copy)."""
        text = json.dumps(value, ensure_ascii=False)
        if text not in self._consts:
            self._consts[text] = self._node("constant", [], {"value": text})
        return Ref(self._consts[text])

    def op(self, operation: str, *inputs: Any, **props: str) -> Ref:
        """A pure expression node: `operation` applied to `inputs` (Refs or Python literals)."""
        spec = OPS.get(operation)
        if spec is None or operation not in _EXPRESSION_OPS and operation != "call":
            raise BuildError(f"'{operation}' is not an expression operation")
        n = len(inputs)
        if n < spec.min_inputs or (spec.max_inputs is not None and n > spec.max_inputs):
            raise BuildError(f"'{operation}' takes {spec.arity_text()} input(s), got {n}")
        return Ref(self._node(operation, [self._ref(x) for x in inputs], {k: str(v) for k, v in props.items()}))

    def __getattr__(self, attr: str) -> Callable[..., Ref]:
        """`f.len(xs)`, `f.add(a, b)`, `f.not_(c)`: every expression operation of the op table."""
        name = attr.rstrip("_")
        if name in _EXPRESSION_OPS and not attr.startswith("_"):
            return partial(self.op, name)
        raise AttributeError(attr)

    def call(self, function: str, *args: Any) -> Ref:
        """A call of another function of the same document (an expression: evaluated when used)."""
        self.calls.append(function)
        return self.op("call", *args, function=function)

    # -- statements ------------------------------------------------------------

    def var(self, name: str, type_spec: str, init: Any = _NOTHING) -> Ref:
        """Declare (and, where it runs, initialise) a variable: from an expression, or a literal."""
        if isinstance(init, Ref):
            node_id = self._node("variable_def", [init.id], {"name": name})
        else:
            props = {"name": name} if init is _NOTHING else {"name": name, "initial_value": json.dumps(init, ensure_ascii=False)}
            node_id = self._node("variable_def", [], props)
        self._emit(node_id)
        self._own("variable", name, type_spec, node_id, "declares")
        return Ref(node_id)

    def set(self, target: Ref, value: Any) -> None:
        """target = value. A fresh expression becomes the assigning statement itself
        (`add(total, x) -> total`, as in the public example); anything else goes through `assign`."""
        if self._by_id[target.id]["operation"] not in _ASSIGNABLE:
            raise BuildError(f"cannot assign to '{target.id}': not a variable or parameter")
        node_id = value.id if self._fresh(value) else self._node("assign", [self._ref(value)])
        self._by_id[node_id]["outputs"] = [target.id]
        self._emit(node_id)

    def do(self, expression: Ref) -> None:
        """Run a fresh expression for its effect (list_append, set_field, list_set)."""
        if not self._fresh(expression):
            raise BuildError(f"do() needs a fresh expression, got '{expression}'")
        self._emit(expression.id)

    def _fresh(self, value: Any) -> bool:
        """An expression node nothing reads yet, and not a constant: safe to put on the chain."""
        if not isinstance(value, Ref) or value.id in self._statements or self._users.get(value.id):
            return False
        node = self._by_id.get(value.id)
        return node is not None and (node["operation"] in _EXPRESSION_OPS or node["operation"] == "call")

    def return_(self, value: Any = _NOTHING) -> None:
        node_id = self._statement("return", [] if value is _NOTHING else [value])
        self.returns_at.append(node_id)
        self._tails = []

    def break_(self) -> None:
        self._loop_jump("break")

    def continue_(self) -> None:
        self._loop_jump("continue")

    def _loop_jump(self, operation: str) -> None:
        if not self._loops:
            raise BuildError(f"{operation} outside a loop in '{self.name}'")
        self._statement(operation, [])
        self._tails = []

    @contextmanager
    def if_(self, condition: Any) -> Iterator[None]:
        """`with f.if_(cond):` the true branch; an `else_()` block may follow right after."""
        node_id = self._statement("if", [condition])
        with self._control("if", node_id) as sem:
            self._tails = [(node_id, "true_branch")]
            yield
        true_tails = self._tails
        self._tails = [*true_tails, (node_id, "false_branch")]
        self._last_if = (node_id, true_tails, sem["node_id"])

    @contextmanager
    def else_(self) -> Iterator[None]:
        """The false branch of the `if_` block just closed; both branches rejoin after it."""
        if self._last_if is None:
            raise BuildError(f"else_() in '{self.name}' does not follow an if_() block")
        node_id, true_tails, sem_id = self._last_if
        self._last_if = None
        self._tails = [(node_id, "false_branch")]
        self._controls.append(sem_id)
        try:
            yield
        finally:
            self._controls.pop()
        self._tails = [*true_tails, *self._tails]

    @contextmanager
    def for_each(self, items: Any, iterator: str) -> Iterator[Ref]:
        """`with f.for_each(xs, "x") as x:` the body; `x` is the current element."""
        node_id = self._statement("for_each", [items], {"iterator": iterator})
        with self._loop(f"for each {iterator}", node_id):
            yield Ref(node_id)

    @contextmanager
    def while_(self, condition: Any) -> Iterator[None]:
        """`with f.while_(cond):` the body; `cond` is an expression, re-evaluated before each iteration."""
        node_id = self._statement("while", [condition])
        with self._loop("while", node_id):
            yield

    @contextmanager
    def _loop(self, label: str, node_id: str) -> Iterator[None]:
        with self._control(label, node_id) as sem:
            self._tails = [(node_id, "loop_body")]
            self._loops.append(node_id)
            yield
            self._loops.pop()
            if not self._tails:
                raise BuildError(f"the body of loop '{node_id}' in '{self.name}' never reaches its end_loop")
            end = self._statement("end_loop", [])
            sem["execution_refs"].append(end)
            self._covered.add(end)

    # -- objects (class instances are JSON objects) -------------------------------

    @property
    def self_(self) -> Ref:
        """A method's `self` parameter (its first)."""
        return self.params[0]

    def get(self, field: str) -> Ref:
        """self.field"""
        return self.get_field(self.self_, field)

    def put(self, field: str, value: Any) -> None:
        """self.field = value (in place)"""
        self.do(self.set_field(self.self_, field, value))

    def new_object(self, fields: dict[str, Any]) -> Ref:
        """A new object with these fields, in order."""
        return self.object_new(*[x for key, value in fields.items() for x in (key, value)])

    # -- estimates ----------------------------------------------------------------

    def own_degree(self) -> int:
        """Loop nesting plus linear operations, as the ANRF402 estimate counts them
        (while loops count as one level: an upper bound unless `complexity` says better)."""
        const = {n["node_id"] for n in self.nodes if n["operation"] == "constant"}
        degree = 0
        for n in self.nodes:
            op, inputs = n["operation"], n["inputs"]
            spec = OPS[op]
            scalar_minmax = op in ("min", "max") and len(inputs) > 1  # min(a, b) scans nothing
            scans = op == "while" or spec.linear and bool(inputs) and inputs[0] not in const and not scalar_minmax
            degree = max(degree, self.depth[n["node_id"]] + scans)
        return degree


class ClassBuilder:
    """A class: a struct type with fields, and methods named 'Class.method' taking `self` first."""

    def __init__(self, program: Program, name: str, fields: Sequence[tuple[str, str]]):
        self.program = program
        self.name = name
        self.fields = list(fields)
        self.methods: list[Function] = []
        self.sem_id = ""  # set by Program.class_

    def method(self, name: str, params: Sequence[tuple[str, str]], returns: str, *, static: bool = False,
               complexity: str | None = None) -> Function:
        """`returns="self"` returns the class type; `static=True` (constructors) takes no `self`."""
        params = list(params) if static else [("self", self.name), *params]
        fn = self.program.function(f"{self.name}.{name}", params, self.name if returns == "self" else returns, complexity=complexity)
        self.methods.append(fn)
        return fn


class Program:
    """One ANRF document: a function, a class or a module, for one BuildRequest."""

    def __init__(self, request: BuildRequest, kind: ProgramKind, *, tags: Sequence[str] = (), summary: str = ""):
        self.request = request
        self.kind = kind
        self.tags = list(tags)
        self.summary = summary  # the intent description when the request has none
        self.functions: list[Function] = []
        self.classes: list[ClassBuilder] = []
        self._types: dict[str, dict[str, Any]] = {}
        self._struct_ids: dict[str, str] = {}
        self._prefixes: set[str] = set()
        self._sem_ids: set[str] = set()
        self.module_id = self._unique(f"module_{snake(request.name)}", self._sem_ids) if kind == "module" else ""

    @staticmethod
    def _unique(candidate: str, taken: set[str]) -> str:
        out, k = candidate, 1
        while out in taken:
            k += 1
            out = f"{candidate}_{k}"
        taken.add(out)
        return out

    def function(self, name: str, params: Sequence[tuple[str, str]], returns: str, *, complexity: str | None = None) -> Function:
        """Start a function; `params` are (name, type) pairs; `complexity` overrides the estimate."""
        if complexity is not None and complexity not in COMPLEXITY_ORDER:
            raise BuildError(f"unknown complexity label {complexity!r} (one of {', '.join(COMPLEXITY_ORDER)})")
        fn = Function(self, name, params, returns, complexity)
        self.functions.append(fn)
        return fn

    def class_(self, name: str, fields: Sequence[tuple[str, str]]) -> ClassBuilder:
        cls = ClassBuilder(self, name, fields)
        cls.sem_id = self._unique(f"class_{snake(name)}", self._sem_ids)
        self.classes.append(cls)
        self._struct_ids[name] = self._unique(f"type_{snake(name)}", {t[0] for t in _BASE_TYPES.values()})
        return cls

    # -- types -----------------------------------------------------------------

    def type_id(self, spec: str) -> str:
        """The type_id for a type spec ('int', 'list[str]', 'number?', a class name), registered on first use."""
        spec = spec.strip()
        if spec.endswith("?"):
            inner = self.type_id(spec[:-1])
            return self._register(f"{inner}_or_null", f"{self._types[inner]['name']}?", "nullable", element=inner)
        if spec.startswith("list[") and spec.endswith("]"):
            inner = self.type_id(spec[5:-1])
            return self._register(f"{inner}_array", f"{self._types[inner]['name']}[]", "array", element=inner)
        if spec in _BASE_TYPES:
            return self._register(*_BASE_TYPES[spec])
        cls = next((c for c in self.classes if c.name == spec), None)
        if cls is None:
            raise BuildError(f"unknown type {spec!r}")
        type_id = self._struct_ids[spec]
        if type_id not in self._types:
            fields = [{"name": n, "type_id": self.type_id(t), "optional": False} for n, t in cls.fields]
            self._types[type_id] = {"type_id": type_id, "name": spec, "type_kind": "struct", "fields": fields}
        return type_id

    def _register(self, type_id: str, name: str, kind: str, element: str | None = None) -> str:
        if type_id not in self._types:
            entry: dict[str, Any] = {"type_id": type_id, "name": name, "type_kind": kind}
            if element is not None:
                entry["properties"] = {"element_type": element}
            self._types[type_id] = entry
        return type_id

    # -- output ------------------------------------------------------------------

    def complexity(self) -> str:
        """The document's time complexity: the worst function, callees included."""
        by_name = {fn.name: fn for fn in self.functions}
        memo: dict[str, int] = {}

        def rank(fn: Function, active: tuple[str, ...]) -> int:
            if fn.name in memo:
                return memo[fn.name]
            if fn.complexity is not None:
                own = COMPLEXITY_ORDER.index(fn.complexity)
            else:
                own = COMPLEXITY_ORDER.index(_BY_DEGREE.get(fn.own_degree(), "O(n^3)"))
            for node in fn.nodes:
                callee = by_name.get(node["properties"].get("function", "")) if node["operation"] == "call" else None
                if callee is not None and callee.name not in active:
                    inner = rank(callee, (*active, fn.name))
                    loops = fn.depth[node["node_id"]]
                    # a call inside k loops costs k more degrees of n (log/sqrt factors round up)
                    shifted = inner if loops == 0 else COMPLEXITY_ORDER.index(_BY_DEGREE.get(_degree(inner) + loops, "O(n^3)"))
                    own = max(own, shifted)
            memo[fn.name] = own
            return own

        return COMPLEXITY_ORDER[max((rank(fn, ()) for fn in self.functions), default=0)]

    def build(self) -> dict[str, Any]:
        """The ANRF v1 document as a JSON dict."""
        if not self.functions:
            raise BuildError("a program needs at least one function")
        for fn in self.functions:
            if fn._loops:
                raise BuildError(f"'{fn.name}' has an open loop")
            self.type_id(fn.returns)
        req = self.request
        constraints = [
            {"type": c.get("type", ""), "description": c.get("description", ""), "formal_spec": c.get("formal_spec", "")}
            for c in req.constraints
        ]
        intent_refs = [f"/intent/constraints/{i}" for i in range(len(constraints))]
        nodes, sem_edges = self._semantic_nodes(intent_refs)
        exec_nodes = [n for fn in self.functions for n in fn.nodes]
        exec_edges = [
            {"edge_id": f"exec_edge_{i}", "source_id": s, "target_id": t, "edge_type": et}
            for i, (s, t, et) in enumerate((e for fn in self.functions for e in fn.edges), 1)
        ]
        symbols: dict[str, str] = {}
        for node in nodes:
            if node["node_type"] in ("function", "parameter", "variable", "class", "module"):
                symbols.setdefault(node["label"], node["node_id"])
        return {
            "anrf_id": req.anrf_id,
            "version": "v1",
            "intent": {
                "intent_type": self.kind,
                "description": req.description or self.summary,
                "constraints": constraints,
                "tags": self.tags,
                "properties": {EXAMPLES_PROPERTY: req.examples} if req.examples else {},
            },
            "semantic": {
                "nodes": nodes,
                "edges": [
                    {"edge_id": f"sem_edge_{i}", "source_id": s, "target_id": t, "edge_type": et}
                    for i, (s, t, et) in enumerate(sem_edges, 1)
                ],
                "types": list(self._types.values()),
                "symbol_table": symbols,
            },
            "execution": {
                "format": "graph",
                "code": "",
                "nodes": exec_nodes,
                "edges": exec_edges,
                "properties": {"complexity": self.complexity()},
            },
            "metadata": {"generated_by": self.request.generated_by},
        }

    def _semantic_nodes(self, intent_refs: list[str]) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
        nodes: list[dict[str, Any]] = []
        edges: list[tuple[str, str, str]] = []
        func_ids = {fn.name: fn.sem_id for fn in self.functions}
        if self.module_id:
            nodes.append(_sem_node(self.module_id, "module", self.request.name, {}, []))
            edges.extend((self.module_id, fn.sem_id, "contains") for fn in self.functions)
        for cls in self.classes:
            nodes.append(_sem_node(cls.sem_id, "class", cls.name, {"type": self.type_id(cls.name)}, []))
            edges.extend((cls.sem_id, m.sem_id, "has_member") for m in cls.methods)
        for fn in self.functions:
            refs = [n["node_id"] for n in fn.nodes if n["node_id"] not in fn._covered]
            nodes.append(_sem_node(fn.sem_id, "function", fn.name, {"return_type": self.type_id(fn.returns)}, refs, list(intent_refs)))
            fn.nodes[0]["outputs"] = list(fn.returns_at)
            nodes.extend(fn.semantic)
            edges.extend(fn.sem_edges)
            for callee in dict.fromkeys(fn.calls):
                if callee not in func_ids:
                    raise BuildError(f"'{fn.name}' calls unknown function '{callee}'")
                edges.append((fn.sem_id, func_ids[callee], "calls"))
        return nodes, edges


def _degree(rank: int) -> int:
    """Polynomial degree of a complexity rank (log and sqrt count as 0)."""
    label = COMPLEXITY_ORDER[rank]
    return {"O(n)": 1, "O(n log n)": 1, "O(n^2)": 2, "O(n^3)": 3}.get(label, 0)


def _sem_node(node_id: str, node_type: str, label: str, props: dict[str, str], refs: list[str],
              intent_refs: list[str] | None = None) -> dict[str, Any]:
    return {
        "node_id": node_id,
        "node_type": node_type,
        "label": label,
        "properties": props,
        "execution_refs": refs,
        "intent_refs": intent_refs or [],
    }
