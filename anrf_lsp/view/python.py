"""Export an ANRF document as runnable Python whose behaviour equals the interpreter's.

The structure of the control-flow graph (if / elif / else, loops, guard clauses)
is recovered by the same renderer as the pseudocode view; this dialect spells
every operation as the Python that computes the same value, and where the view
would show a `# ...` comment (a graph that is not structured code) it raises
`ExportError` instead: an export is exact or it is refused.

Class instances are JSON objects in ANRF, so they are dicts here: a class is a
namespace of functions over its instance dict (`Counter.increment(state)`), just
as the interpreter calls "Counter.increment". Semantics where Python differs
from the execution layer are kept with a few helpers written into the file
(`_to_string`, `_index_of`, ...), and only the ones the program uses.
Documented in docs/python.md.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import Any

from anrf_lsp.execution.graph import build_graph
from anrf_lsp.execution.interpreter import literal_value
from anrf_lsp.execution.ops import ATOM_PRECEDENCE, INFIX
from anrf_lsp.execution.python_helpers import HELPERS as _HELPERS
from anrf_lsp.execution.python_helpers import NEEDS as _NEEDS
from anrf_lsp.format.model import Anrf, ExecNode

from . import FunctionRenderer, used_as_operand

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Names the exported code itself uses: a program's variable never takes one of them.
_RESERVED = frozenset(
    {"len", "abs", "min", "max", "round", "sorted", "list", "range", "int", "float", "str", "bool", "dict", "math", "print", "None", "True", "False"}
)
_MUTATING = frozenset({"list_append", "list_set", "set_field", "call"})

_PRIMITIVE_ANNOTATIONS = {"integer": "int", "int": "int", "float": "float", "number": "float", "double": "float",
                          "string": "str", "str": "str", "boolean": "bool", "bool": "bool"}


class ExportError(ValueError):
    """The document has no exact Python form (its graph is not structured code, or it names an unknown operation)."""


def to_python(model: Anrf) -> str:
    """The Python module for a document's execution layer (raises ExportError)."""
    if model.execution.format != "graph":
        raise ExportError(f"execution format {model.execution.format!r} has no graph to export")
    graph = build_graph(model.execution)
    if not graph.entries:
        raise ExportError("the execution layer has no function_def node")
    names = _FunctionNames([fn.name for fn in graph.entries])
    types = _Annotations(model)
    used = used_as_operand(graph)
    helpers: set[str] = set()
    imports: set[str] = set()
    top: list[str] = []
    classes: dict[str, list[str]] = {}
    for fn in graph.entries:
        renderer = PythonFunctionRenderer(graph, fn, used, names, types, helpers, imports)
        lines = renderer.render()
        owner = names.owner(fn.name)
        if owner is None:
            top.extend(["", "", *lines])
        else:
            if owner not in classes:
                classes[owner] = []
            else:
                classes[owner].append("")
            if not renderer.is_method:
                classes[owner].append("@staticmethod")
            classes[owner].extend(lines)
    out = [f'"""{_docstring(model.intent.description)}"""', "", "from __future__ import annotations"]
    out.extend(f"import {m}" for m in sorted(imports))
    helpers |= {need for helper in list(helpers) for need in _NEEDS.get(helper, ())}
    for helper in sorted(helpers):
        out.extend(["", "", _HELPERS[helper]])
    for name, body in classes.items():
        out.extend(["", "", f"class {name}:", '    """Instances are dicts of their fields (the JSON objects ANRF passes as `self`)."""', ""])
        fields = types.fields(name)
        out.extend([*(f"    {field}: {annotation}" for field, annotation in fields), *([""] if fields else [])])
        out.extend("    " + line if line else "" for line in body)
    out.extend(top)
    return "\n".join(out) + "\n"


def _docstring(text: str) -> str:
    text = (text or "Exported from ANRF.").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return text if not text.endswith('"') else text + " "


class _FunctionNames:
    """Python spellings of the document's function names ("Class.method" becomes a class attribute)."""

    def __init__(self, names: list[str]):
        self.python: dict[str, str] = {}
        self.owners: dict[str, str | None] = {}
        for name in names:
            owner, _, member = name.rpartition(".")
            if not _IDENT.fullmatch(member) or (owner and not _IDENT.fullmatch(owner)) or keyword.iskeyword(member):
                raise ExportError(f"function name {name!r} is not a Python identifier (or Class.method)")
            self.python[name] = name
            self.owners[name] = owner or None

    def owner(self, name: str) -> str | None:
        return self.owners[name]

    def call(self, name: str) -> str:
        if name not in self.python:
            raise ExportError(f"call to unknown function {name!r}")
        return self.python[name]


class _Annotations:
    """Python annotations from the semantic layer's types (empty where a type has no Python spelling)."""

    def __init__(self, model: Anrf):
        self.types = {t.type_id: t for t in model.semantic.types}
        self.param_type: dict[str, str] = {}
        self.return_type: dict[str, str] = {}
        for node in model.semantic.nodes:
            for ref in node.execution_refs:
                if node.node_type == "parameter" and node.properties.get("type"):
                    self.param_type[ref] = str(node.properties["type"])
                if node.node_type == "function" and node.properties.get("return_type"):
                    self.return_type.setdefault(ref, str(node.properties["return_type"]))

    def fields(self, class_name: str) -> list[tuple[str, str]]:
        """(field, annotation) of the struct type named like the class (annotated `object` where untyped)."""
        struct = next((t for t in self.types.values() if t.type_kind == "struct" and t.name == class_name), None)
        if struct is None:
            return []
        return [(f.name, self.of(f.type_id) or "object") for f in struct.fields if _IDENT.fullmatch(f.name) and not keyword.iskeyword(f.name)]

    def of(self, type_id: str | None, depth: int = 0) -> str:
        t = self.types.get(type_id or "")
        if t is None or depth > 8:
            return ""
        if t.type_kind == "array":
            inner = self.of(str(t.properties.get("element_type", "")), depth + 1)
            return f"list[{inner}]" if inner else "list"
        if t.type_kind == "nullable":
            inner = self.of(str(t.properties.get("element_type", "")), depth + 1)
            return f"{inner} | None" if inner else ""
        if t.type_kind == "struct":
            return "dict"
        return _PRIMITIVE_ANNOTATIONS.get(t.name.lower(), "")


class PythonFunctionRenderer(FunctionRenderer):
    """One function as Python: the view's structure, Python's spelling, exact or an ExportError."""

    def __init__(self, graph, fn, used, names: _FunctionNames, types: _Annotations, helpers: set[str], imports: set[str]):
        super().__init__(graph, fn, used)
        self.names = names
        self.types = types
        self.helpers = helpers
        self.imports = imports
        self.python_names: dict[str, str] = {}
        self.taken: set[str] = set(_RESERVED) | {n.partition(".")[0] for n in names.python}
        params = [graph.nodes[p] for p in fn.params if p in graph.nodes]
        self.is_method = bool(params) and names.owner(fn.name) is not None and params[0].properties.get("name") == "self"
        self.mutates = any(graph.nodes[s].operation in _MUTATING for s in fn.statements if s in graph.nodes)

    # -- the strict dialect --

    def anomaly(self, text: str) -> str:
        raise ExportError(f"function {self.fn.name!r}: {text.lstrip('# ').strip('<>')}: not structured code")

    @staticmethod
    def literal(raw: Any) -> str:
        value = literal_value(raw)  # read as the interpreter reads it ("NaN" is text, not a float)
        if isinstance(value, str) and not any("\ud800" <= c <= "\udfff" for c in value):
            return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python string literal
        return repr(value)

    def _var_name(self, node: ExecNode) -> str:
        """A distinct Python identifier per parameter, variable and loop: Python has one scope per function."""
        super()._var_name(node)  # records variables declared off the control chain
        if node.node_id in self.python_names:
            return self.python_names[node.node_id]
        raw = self._prop(node, "iterator" if node.operation == "for_each" else "name")
        base = raw if _IDENT.fullmatch(raw or "") and not keyword.iskeyword(raw) else "v"
        name, k = base, 2
        while name in self.taken:
            name, k = f"{base}_{k}", k + 1
        self.taken.add(name)
        self.python_names[node.node_id] = name
        return name

    def _temp(self, node_id: str) -> str:
        if node_id not in self.temps:
            name, k = f"_t{len(self.temps) + 1}", 1
            while name in self.taken:
                name, k = f"_t{len(self.temps) + 1}_{k}", k + 1
            self.taken.add(name)
            self.temps[node_id] = name
        return self.temps[node_id]

    def header(self) -> list[str]:
        params = []
        for p in self.fn.params:
            node = self._node(p)
            if node is None:
                raise ExportError(f"function {self.fn.name!r}: missing parameter node {p!r}")
            name = self._var_name(node)
            annotation = self.types.of(self.types.param_type.get(p))
            params.append(f"{name}: {annotation}" if annotation and name != "self" else name)
        returns = self.types.of(self.types.return_type.get(self.fn.entry))
        member = self.fn.name.rpartition(".")[2]
        return [f"def {member}({', '.join(params)})" + (f" -> {returns}:" if returns else ":")]

    def iterable(self, loop: ExecNode) -> str:
        if not loop.inputs:
            return self.anomaly("<no iterable>")
        source = self._node(loop.inputs[0])
        if source is not None and source.operation == "range" and loop.inputs[0] not in self.g.owner:
            return f"range({', '.join(self.expr(i)[0] for i in source.inputs)})"
        text = self.expr(loop.inputs[0])[0]
        # the interpreter loops over a snapshot: appending inside the body cannot loop forever
        return f"list({text})" if self.mutates else text

    def render_simple(self, node: ExecNode, indent: int) -> None:
        op, ins = node.operation, node.inputs
        if node.node_id not in self.used and not self._assign_targets(node):
            if op in ("set_field", "list_set") and len(ins) == 3:  # obj[key] = value, items[i] = value
                self.emit(indent, f"{self._sub(ins[0], 0, frozenset(), ATOM_PRECEDENCE)}[{self.expr(ins[1])[0]}] = {self.expr(ins[2])[0]}")
                return
            if op == "list_append" and len(ins) == 2:
                self.emit(indent, f"{self._sub(ins[0], 0, frozenset(), ATOM_PRECEDENCE)}.append({self.expr(ins[1])[0]})")
                return
        super().render_simple(node, indent)

    def op_expr(self, node: ExecNode, depth: int = 0, path: frozenset[str] = frozenset()) -> tuple[str, int]:
        op, ins = node.operation, node.inputs
        arg, args = self.operands(node, depth, path)

        def helper(name: str) -> tuple[str, int]:
            self.helpers.add(name)
            return f"{name}({args()})", ATOM_PRECEDENCE

        def method(name: str, first: int = 0) -> tuple[str, int]:
            rest = ", ".join(arg(i) for i in range(first + 1, len(ins)))
            return f"{arg(first, ATOM_PRECEDENCE)}.{name}({rest})", ATOM_PRECEDENCE

        n = len(ins)
        if op in ("constant", "assign") or (op in INFIX and n >= 2 and (op in ("and", "or") or n == 2)):
            return super().op_expr(node, depth, path)
        if op in ("neg", "not") and n == 1:
            return super().op_expr(node, depth, path)
        simple = {"len": (1, 1), "abs": (1, 1), "round": (1, 2), "min": (1, None), "max": (1, None)}
        if op in simple and n >= simple[op][0] and (simple[op][1] is None or n <= simple[op][1]):
            return f"{op}({args()})", ATOM_PRECEDENCE
        spelled: dict[tuple[str, int], Any] = {
            ("sqrt", 1): lambda: (self.imports.add("math"), (f"math.sqrt({args()})", ATOM_PRECEDENCE))[1],
            ("index", 2): lambda: (f"{arg(0, ATOM_PRECEDENCE)}[{arg(1)}]", ATOM_PRECEDENCE),
            ("get_field", 2): lambda: (f"{arg(0, ATOM_PRECEDENCE)}[{arg(1)}]", ATOM_PRECEDENCE),
            ("contains", 2): lambda: (f"{arg(1, 5)} in {arg(0, 5)}", 4),
            ("index_of", 2): lambda: helper("_index_of"),
            ("reverse", 1): lambda: (f"{arg(0, ATOM_PRECEDENCE)}[::-1]", ATOM_PRECEDENCE),
            ("sort", 1): lambda: (f"sorted({args()})", ATOM_PRECEDENCE),
            ("upper", 1): lambda: method("upper"),
            ("lower", 1): lambda: method("lower"),
            ("strip", 1): lambda: method("strip"),
            ("split", 1): lambda: method("split"),
            ("split", 2): lambda: method("split"),
            ("replace", 3): lambda: method("replace"),
            ("starts_with", 2): lambda: method("startswith"),
            ("ends_with", 2): lambda: method("endswith"),
            ("join", 1): lambda: (f"''.join({arg(0)})", ATOM_PRECEDENCE),
            ("join", 2): lambda: (f"{arg(1, ATOM_PRECEDENCE)}.join({arg(0)})", ATOM_PRECEDENCE),
            ("repeat", 2): lambda: (f"{arg(0, 8)} * {arg(1, 8)}", 7),
            ("to_string", 1): lambda: helper("_to_string"),
            ("to_int", 1): lambda: (f"int({args()})", ATOM_PRECEDENCE),
            ("to_float", 1): lambda: (f"float({args()})", ATOM_PRECEDENCE),
            ("list_append", 2): lambda: helper("_appended"),
            ("list_set", 3): lambda: helper("_with_item"),
            ("set_field", 3): lambda: helper("_with_field"),
        }
        if (op, n) in spelled:
            return spelled[(op, n)]()
        if op == "concat" and n >= 2:
            return " + ".join(arg(i, 7) for i in range(n)), 6
        if op == "range" and 1 <= n <= 3:
            return f"list(range({args()}))", ATOM_PRECEDENCE
        if op == "slice" and 1 <= n <= 3:
            bounds = [arg(i) for i in range(1, n)] + ["None"] * (3 - n)
            lo, hi = ("" if b == "None" else b for b in bounds)
            return f"{arg(0, ATOM_PRECEDENCE)}[{lo}:{hi}]", ATOM_PRECEDENCE
        if op == "list_new":
            return f"[{args()}]", ATOM_PRECEDENCE
        if op == "object_new" and n % 2 == 0:
            return "{" + ", ".join(f"{arg(i)}: {arg(i + 1)}" for i in range(0, n, 2)) + "}", ATOM_PRECEDENCE
        if op == "call":
            return f"{self.names.call(self._prop(node, 'function'))}({args()})", ATOM_PRECEDENCE
        raise ExportError(f"function {self.fn.name!r}: node {node.node_id!r}: operation {op!r} with {n} input(s) has no Python form")
