"""Import a documented subset of Python as ANRF v1, through the compact form and builder.

The Python is translated statement by statement into compact text (docs/compact-form.md),
which `assemble` replays on the builder: the document is exactly what a generated or
catalog program of the same shape would be. Anything outside the subset raises
`PythonImportError` naming the line, the column and the construct, so a user knows
what to rewrite; nothing is half-translated. The subset is in docs/python.md.

A file with one function is a function document; several functions make a module
(named after the file unless given); classes make a class document, whose instances
are dicts of their fields, as in the interpreter.
"""

from __future__ import annotations

import ast
import copy
import json
import math
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from anrf_lsp.execution import python_helpers
from anrf_lsp.intent.constraints import parse_constraints
from checkers import check_text

from .builder import BuildRequest
from .compact import KEYWORDS, CompactError, CompactSyntaxError, assemble

MAX_SOURCE_CHARS = 1_000_000

_BUILTIN_OPS = {"len": "len", "abs": "abs", "round": "round", "min": "min", "max": "max", "sorted": "sort", "range": "range",
                "str": "to_string", "int": "to_int", "float": "to_float"}
_METHOD_OPS = {"upper": ("upper", 0), "lower": ("lower", 0), "strip": ("strip", 0), "split": ("split", None),
               "replace": ("replace", 2), "startswith": ("starts_with", 1), "endswith": ("ends_with", 1), "find": ("index_of", 1),
               "append": ("list_append", 1), "copy": ("slice", 0)}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}
_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_SCALARS = {"int": "int", "float": "float", "number": "number", "str": "str", "bool": "bool"}
_IGNORED_IMPORTS = {"__future__", "typing", "math", "json"}  # json: what the exporter's _json_repr helper uses


class PythonImportError(ValueError):
    """Python the importer cannot translate, with its 1-based line and column and the construct's name."""

    def __init__(self, message: str, line: int, column: int = 1, construct: str = ""):
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column
        self.construct = construct


def _unsupported(node: ast.AST, what: str, hint: str = "") -> PythonImportError:
    message = f"{what} is not in the importable subset" + (f" ({hint})" if hint else "")
    return PythonImportError(message, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, what)


def import_python(source: str, *, filename: str = "<python>", module_name: str | None = None, anrf_id: str | None = None) -> dict[str, Any]:
    """The ANRF v1 document for a Python source text (raises PythonImportError)."""
    translation = translate(source, filename=filename, module_name=module_name)
    description = translation.description or f"Imported from {filename}"
    request = BuildRequest(
        anrf_id=anrf_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"anrf-import:{filename}:{source}")),
        name=translation.name,
        param_names=(),
        description=description,
        constraints=tuple(c.model_dump(mode="json") for c, _ in parse_constraints(description)),
        generated_by="anrf import",
    )
    node_lines: dict[str, int] = {}
    try:
        doc = assemble(translation.text(), request, node_lines)
    except CompactSyntaxError as exc:
        raise PythonImportError(exc.message, translation.python_line(exc.line), 1, "program") from None
    except CompactError as exc:
        raise PythonImportError(str(exc), 1, 1, "program") from None
    _check(doc, node_lines, translation)
    return doc


def translate(source: str, *, filename: str = "<python>", module_name: str | None = None) -> _Translation:
    """The compact text of a Python source (`.text()`), its target name and docstring: what a caller with
    its own BuildRequest assembles (the catalog does, so its documents are the builder's for any request)."""
    if len(source) > MAX_SOURCE_CHARS:
        raise PythonImportError(f"source longer than {MAX_SOURCE_CHARS} characters", 1)
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise PythonImportError(f"invalid Python: {exc.msg}", exc.lineno or 1, exc.offset or 1, "syntax") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise PythonImportError(f"cannot parse: {exc}", 1, 1, "syntax") from None
    try:
        return _Translator(module_name or _module_name(filename)).module(tree)
    except RecursionError:
        raise PythonImportError("code nested too deeply", 1, 1, "nesting") from None


def _check(doc: dict[str, Any], node_lines: dict[str, int], translation: _Translation) -> None:
    """The checkers' first error, at the Python line of the execution node it is about."""
    errors = [f for f in check_text(json.dumps(doc)) if f.severity == "error"]
    if not errors:
        return
    first = errors[0]
    match = re.match(r"/execution/nodes/(\d+)", first.pointer)
    nodes = doc["execution"]["nodes"]
    node_id = nodes[int(match.group(1))]["node_id"] if match and int(match.group(1)) < len(nodes) else ""
    line = translation.python_line(node_lines.get(node_id, 0))
    raise PythonImportError(f"{first.code}: {first.message}", line, 1, "types")


def _module_name(filename: str) -> str:
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".py")
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in stem).strip("_") or "module"
    return name if not name[0].isdigit() else f"m_{name}"


@dataclass
class _Translation:
    name: str = ""
    description: str = ""
    lines: list[str] = field(default_factory=list)
    source_lines: list[int] = field(default_factory=list)  # the Python line of each compact line

    def text(self) -> str:
        return "\n".join(self.lines)

    def python_line(self, compact_line: int) -> int:
        return self.source_lines[compact_line - 1] if 0 < compact_line <= len(self.source_lines) else 1


class _Translator:
    def __init__(self, module_name: str):
        self.module_name = module_name
        self.out = _Translation()
        self.functions: dict[str, ast.FunctionDef] = {}
        self.cls: str | None = None
        self.scope: dict[str, str] = {}  # name -> compact type
        self.loop_vars: dict[str, str] = {}  # loop variable -> its element type
        self.helpers: set[str] = set()
        self.temps = 0

    # -- output --

    def emit(self, indent: int, text: str, node: ast.AST) -> None:
        self.out.lines.append("    " * indent + text)
        self.out.source_lines.append(getattr(node, "lineno", 1))

    # -- module level --

    def module(self, tree: ast.Module) -> _Translation:
        body = list(tree.body)
        doc = ast.get_docstring(tree)
        if doc is not None:
            body = body[1:]
        functions, classes = [], []
        for node in body:
            if isinstance(node, ast.FunctionDef) and python_helpers.is_helper(node):
                self.helpers.add(node.name)  # written by `anrf export`: calls to it are its operation
            elif isinstance(node, ast.FunctionDef):
                functions.append(node)
            elif isinstance(node, ast.ClassDef):
                classes.append(node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                bad = [n for n in names if n.split(".")[0] not in _IGNORED_IMPORTS]
                if bad:
                    raise _unsupported(node, f"import of {bad[0]!r}", "only __future__, typing and math")
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                continue  # a string used as a comment
            else:
                raise _unsupported(node, _construct(node) + " at module level", "a file holds functions or classes")
        if not functions and not classes:
            raise PythonImportError("no function or class to import", 1, 1, "module")
        if functions and classes:
            raise _unsupported(classes[0], "a module mixing classes and functions", "import them as separate files")
        self.functions = {f.name: f for f in functions}
        if classes:
            self.out.name = classes[0].name
            self.out.description = doc or ast.get_docstring(classes[0]) or ""
            for cls in classes:
                self.class_(cls)
        elif len(functions) == 1:
            self.out.name = functions[0].name
            self.out.description = doc or ast.get_docstring(functions[0]) or ""
            self.function(functions[0], 0)
        else:
            self.out.name = self.module_name
            self.out.description = doc or ""
            self.emit(0, f"module {self.module_name}", tree)
            for fn in functions:
                self.function(fn, 0)
        return self.out

    def class_(self, cls: ast.ClassDef) -> None:
        if cls.bases or cls.keywords or cls.decorator_list:
            raise _unsupported(cls, "class bases, keywords or decorators")
        self.cls = cls.name
        body = list(cls.body)
        if ast.get_docstring(cls) is not None:
            body = body[1:]
        fields: dict[str, str] = {}
        methods: list[ast.FunctionDef] = []
        for node in body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is None:
                fields[node.target.id] = self.type_of(node.annotation)
            elif isinstance(node, ast.FunctionDef):
                methods.append(node)
            elif isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                continue
            else:
                raise _unsupported(node, _construct(node) + " in a class body", "fields are `name: type`, then methods")
        init = next((m for m in methods if m.name == "__init__"), None)
        if init is not None:
            for stmt in init.body:
                target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else getattr(stmt, "target", None)
                if isinstance(target, ast.Attribute) and _is_self(target.value) and target.attr not in fields:
                    annotation = getattr(stmt, "annotation", None)
                    fields[target.attr] = self.type_of(annotation) if annotation is not None else "any"
        self.functions = {m.name: m for m in methods}
        self.emit(0, f"class {cls.name}:", cls)
        for name, type_ in fields.items():
            self.emit(1, f"{_ident(name, cls)}: {type_}", cls)
        if not methods:
            raise PythonImportError(f"class {cls.name} has no methods", cls.lineno, cls.col_offset + 1, "class")
        for method in methods:
            if method.name == "__init__":
                self.constructor(method, list(fields))
            else:
                self.function(method, 1)
        self.cls = None

    def constructor(self, init: ast.FunctionDef, fields: list[str]) -> None:
        """`__init__` that sets fields from its parameters becomes the static constructor `new`."""
        params = self.parameters(init, method=True)
        values: dict[str, str] = {}
        body = [s for s in init.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        for stmt in body:
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else getattr(stmt, "target", None)
            value = getattr(stmt, "value", None)
            if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(target, ast.Attribute) and _is_self(target.value) and value is not None):
                raise _unsupported(stmt, _construct(stmt) + " in __init__", "__init__ may only set fields: self.name = expression")
            if _mentions_self(value):
                raise _unsupported(value, "reading self in __init__", "set each field from the parameters")
            values[target.attr] = self.expr(value)
        missing = [f for f in fields if f not in values]
        if missing:
            raise PythonImportError(f"__init__ does not set field {missing[0]!r}", init.lineno, init.col_offset + 1, "__init__")
        self.emit(1, f"function new({', '.join(f'{n}: {t}' for n, t in params)}) -> {self.cls}:", init)
        pairs = ", ".join(f"{json.dumps(k)}, {values[k]}" for k in fields)
        self.emit(2, f"return object_new({pairs})", init)

    # -- functions --

    def parameters(self, fn: ast.FunctionDef, method: bool) -> list[tuple[str, str]]:
        a = fn.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or a.defaults:
            node = a.vararg or a.kwarg or (a.kwonlyargs or a.posonlyargs or a.defaults)[0]
            raise _unsupported(node, "default, keyword-only, positional-only or * parameters")
        args = list(a.args)
        self.scope, self.loop_vars = {}, {}
        if method:
            if not args or args[0].arg != "self":
                raise PythonImportError(f"method {fn.name!r} must take self first (or be a @staticmethod)", fn.lineno, fn.col_offset + 1, "method")
            args = args[1:]
        out = []
        for arg in args:
            name = _ident(arg.arg, arg)
            type_ = self.type_of(arg.annotation) if arg.annotation is not None else "any"
            self.scope[name] = type_
            out.append((name, type_))
        return out

    def function(self, fn: ast.FunctionDef, indent: int) -> None:
        if isinstance(fn, ast.AsyncFunctionDef):
            raise _unsupported(fn, "async def")
        static = False
        for deco in fn.decorator_list:
            if self.cls is not None and isinstance(deco, ast.Name) and deco.id == "staticmethod":
                static = True
            else:
                raise _unsupported(deco, "a decorator", "only @staticmethod in a class")
        method = self.cls is not None and not static
        params = self.parameters(fn, method)
        returns = self.type_of(fn.returns) if fn.returns is not None else "any"
        name = _ident(fn.name, fn)
        params_text = ", ".join((["self"] if method else []) + [f"{n}: {t}" for n, t in params])
        self.emit(indent, f"function {name}({params_text}) -> {returns}:", fn)
        body = list(fn.body)
        if ast.get_docstring(fn) is not None:
            body = body[1:]
        self.block(body or [ast.Pass(lineno=fn.lineno, col_offset=fn.col_offset)], indent + 1)

    # -- statements --

    def block(self, body: list[ast.stmt], indent: int) -> None:
        before = len(self.out.lines)
        for stmt in body:
            self.statement(stmt, indent)
        if len(self.out.lines) == before:
            self.emit(indent, "pass", body[0] if body else ast.Pass(lineno=1))

    def statement(self, s: ast.stmt, indent: int) -> None:
        if isinstance(s, ast.Return) and s.value is not None and _loop_value(s.value):
            self.temps += 1
            name = f"result_{self.temps}" if "result" in self.scope else "result"
            self.loop_into(name, s.value, indent, s)
            self.emit(indent, f"return {name}", s)
        elif isinstance(s, ast.Return):
            self.emit(indent, "return" + (f" {self.expr(s.value)}" if s.value is not None else ""), s)
        elif isinstance(s, (ast.Break, ast.Continue, ast.Pass)):
            self.emit(indent, type(s).__name__.lower(), s)
        elif isinstance(s, ast.If):
            self.emit(indent, f"if {self.condition(s.test)}:", s)
            self.block(s.body, indent + 1)
            if s.orelse:
                self.emit(indent, "else:", s.orelse[0])
                self.block(s.orelse, indent + 1)
        elif isinstance(s, ast.While):
            if s.orelse:
                raise _unsupported(s.orelse[0], "while ... else")
            self.emit(indent, f"while {self.condition(s.test)}:", s)
            self.block(s.body, indent + 1)
        elif isinstance(s, ast.For):
            self.for_(s, indent)
        elif isinstance(s, ast.Assign):
            if len(s.targets) != 1:
                raise _unsupported(s, "chained assignment (a = b = ...)")
            self.assign(s.targets[0], s.value, None, indent, s)
        elif isinstance(s, ast.AnnAssign):
            if s.value is None:
                if isinstance(s.target, ast.Name) and s.target.id not in self.scope:
                    type_ = self.type_of(s.annotation)
                    self.scope[s.target.id] = type_
                    self.emit(indent, f"{_ident(s.target.id, s)}: {type_}", s)
                return
            self.assign(s.target, s.value, s.annotation, indent, s)
        elif isinstance(s, ast.AugAssign):
            op = _BINARY.get(type(s.op))
            if op is None:
                raise _unsupported(s, f"the {type(s.op).__name__} operator")
            current = ast.Name(id=s.target.id, ctx=ast.Load()) if isinstance(s.target, ast.Name) else _as_load(s.target)
            value = ast.BinOp(left=current, op=s.op, right=s.value, lineno=s.lineno, col_offset=s.col_offset)
            self.assign(s.target, value, None, indent, s)
        elif isinstance(s, ast.Expr):
            if isinstance(s.value, ast.Constant):
                return  # a string (or other literal) used as a comment
            if not isinstance(s.value, ast.Call):
                raise _unsupported(s, "an expression statement that is not a call")
            self.emit(indent, self.expr(s.value), s)
        else:
            raise _unsupported(s, _construct(s), _HINTS.get(type(s).__name__, ""))

    def for_(self, s: ast.For, indent: int) -> None:
        if s.orelse:
            raise _unsupported(s.orelse[0], "for ... else")
        it = s.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" and len(it.args) == 1 and not it.keywords:
            if not (isinstance(s.target, ast.Tuple) and len(s.target.elts) == 2 and all(isinstance(e, ast.Name) for e in s.target.elts)):
                raise _unsupported(s.target, "this enumerate target", "write `for i, x in enumerate(items)`")
            if not isinstance(it.args[0], ast.Name):
                raise _unsupported(it.args[0], "enumerate over an expression", "enumerate a variable")
            index, item = (_ident(e.id, e) for e in s.target.elts)
            items = it.args[0].id
            self.loop_vars[index] = "int"
            self.emit(indent, f"for {index} in range(len({_ident(items, it)})):", s)
            self.declare_or_set(item, f"{items}[{index}]", _element(self.scope.get(items, "any")), indent + 1, s)
            self.block(s.body, indent + 1)
            return
        if not isinstance(s.target, ast.Name):
            raise _unsupported(s.target, "a loop target that is not a name", "unpacking is not supported")
        name = _ident(s.target.id, s.target)
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "reversed" and len(it.args) == 1:
            source = f"reverse({self.expr(it.args[0])})"
        elif isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "list" and len(it.args) == 1 and not it.keywords:
            source = self.expr(it.args[0])  # a snapshot: the execution layer always loops over one
        else:
            source = self.expr(it)
        self.loop_vars[name] = "str" if self.infer(it) == "str" else _element(self.infer(it.args[0]) if _is_call(it, "reversed", "list") else self.infer(it))
        self.scope.pop(name, None)  # the loop variable hides a variable of that name inside the loop
        self.emit(indent, f"for {name} in {source}:", s)
        self.block(s.body, indent + 1)

    def loop_into(self, name: str, value: ast.expr, indent: int, s: ast.stmt) -> None:
        """`[e for x in xs if c]` and `sum(...)` assigned or returned: the loop they stand for, into `name`."""
        if isinstance(value, ast.ListComp):
            elt, generator = value.elt, value.generators[0]
            start: ast.expr = ast.List(elts=[], ctx=ast.Load())
            step: ast.stmt = ast.Expr(ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()), [elt], []))
        else:  # sum(iterable) or sum(e for x in xs if c)
            arg = value.args[0]
            if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):
                elt, generator = arg.elt, arg.generators[0]
            else:
                loop = ast.Name("_item", ast.Store())
                elt, generator = ast.Name("_item", ast.Load()), ast.comprehension(target=loop, iter=arg, ifs=[], is_async=0)
            start = ast.Constant(0)
            step = ast.AugAssign(target=ast.Name(name, ast.Store()), op=ast.Add(), value=elt)
        taken = set(self.scope) | set(self.loop_vars)
        if isinstance(generator.target, ast.Name) and generator.target.id in taken:  # Python keeps the outer variable
            fresh = f"{generator.target.id}_{self.temps + 1}"
            self.temps += 1
            step, elt_ifs = _renamed(step, generator.target.id, fresh), [_renamed(c, generator.target.id, fresh) for c in generator.ifs]
            generator = ast.comprehension(target=ast.Name(fresh, ast.Store()), iter=generator.iter, ifs=elt_ifs, is_async=0)
        body = step
        if generator.ifs:
            test = generator.ifs[0] if len(generator.ifs) == 1 else ast.BoolOp(ast.And(), list(generator.ifs))
            body = ast.If(test=test, body=[step], orelse=[])
        statements = [ast.Assign(targets=[ast.Name(name, ast.Store())], value=start),
                      ast.For(target=generator.target, iter=generator.iter, body=[body], orelse=[])]
        outer = dict(self.loop_vars)
        for node in statements:
            self.statement(ast.fix_missing_locations(ast.copy_location(node, s)), indent)
        self.loop_vars = outer  # a comprehension's variable does not outlive it

    def assign(self, target: ast.expr, value: ast.expr, annotation: ast.expr | None, indent: int, s: ast.stmt) -> None:
        if isinstance(target, ast.Name) and annotation is None and _loop_value(value):
            self.loop_into(_ident(target.id, target), value, indent, s)
            return
        if isinstance(target, ast.Name):
            type_ = self.type_of(annotation) if annotation is not None else None
            self.declare_or_set(_ident(target.id, target), self.expr(value), type_ or self.infer(value), indent, s, literal=_json_literal(value))
        elif isinstance(target, ast.Subscript):
            if isinstance(target.slice, ast.Slice):
                raise _unsupported(target, "assignment to a slice")
            obj, key = self.expr(target.value), target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                self.emit(indent, f"set_field({obj}, {json.dumps(key.value)}, {self.expr(value)})", s)
            else:
                self.emit(indent, f"list_set({obj}, {self.expr(key)}, {self.expr(value)})", s)
        elif isinstance(target, ast.Attribute):
            self.emit(indent, f"set_field({self.expr(target.value)}, {json.dumps(target.attr)}, {self.expr(value)})", s)
        else:
            raise _unsupported(target, "assignment to " + _construct(target), "unpacking is not supported")

    def declare_or_set(self, name: str, value: str, type_: str, indent: int, s: ast.stmt, literal: str | None = None) -> None:
        """The first assignment of a name declares it (a variable of the whole function, as in Python)."""
        if name in self.scope or name in self.loop_vars:
            if name in self.loop_vars and name not in self.scope:
                raise PythonImportError(f"assignment to the loop variable {name!r}", s.lineno, s.col_offset + 1, "loop variable")
            self.emit(indent, f"{name} = {value}", s)
        else:
            self.scope[name] = type_
            self.emit(indent, f"{name}: {type_} = {literal if literal is not None else value}", s)

    # -- expressions --

    def expr(self, e: ast.expr) -> str:
        if isinstance(e, ast.Constant):
            return _constant(e)
        if isinstance(e, ast.Name):
            if e.id in ("True", "False", "None"):
                return {"True": "true", "False": "false", "None": "null"}[e.id]
            return _ident(e.id, e)
        if isinstance(e, ast.BinOp):
            op = _BINARY.get(type(e.op))
            if op is None:
                raise _unsupported(e, f"the {type(e.op).__name__} operator")
            if isinstance(e.op, ast.Mult):  # "ab" * 3 repeats a string or a list
                sequences = [side for side in (e.left, e.right) if self.infer(side) == "str" or self.infer(side).startswith("list")]
                if sequences:
                    count = e.right if sequences[0] is e.left else e.left
                    return f"repeat({self.expr(sequences[0])}, {self.expr(count)})"
            return f"({self.expr(e.left)} {op} {self.expr(e.right)})"
        if isinstance(e, ast.UnaryOp):
            if isinstance(e.op, ast.Not):
                return f"(not {self.condition(e.operand)})"
            if isinstance(e.op, ast.USub):
                if isinstance(e.operand, ast.Constant) and type(e.operand.value) in (int, float):
                    return _constant(e.operand, negative=True)
                return f"(-{self.expr(e.operand)})"
            if isinstance(e.op, ast.UAdd):
                return self.expr(e.operand)
            raise _unsupported(e, "the ~ operator")
        if isinstance(e, ast.BoolOp):
            value = next((v for v in e.values if self.infer(v) not in ("bool", "any")), None)
            if value is not None:  # `xs or default` gives a value, not a boolean
                raise _unsupported(value, "and/or over a value that is not a boolean", "compare it, or write an if statement")
            word = " and " if isinstance(e.op, ast.And) else " or "
            return "(" + word.join(self.expr(v) for v in e.values) + ")"
        if isinstance(e, ast.Compare):
            return self.compare(e)
        if isinstance(e, ast.Call):
            return self.call(e)
        if isinstance(e, ast.Subscript):
            return self.subscript(e)
        if isinstance(e, ast.Attribute):
            if isinstance(e.value, ast.Name) and e.value.id == "math":
                raise _unsupported(e, f"math.{e.attr} as a value")
            return f"{self.expr(e.value)}.{_ident(e.attr, e)}" if e.attr not in KEYWORDS else f"get_field({self.expr(e.value)}, {json.dumps(e.attr)})"
        if isinstance(e, ast.List):
            literal = _json_literal(e)
            return f"const({literal})" if literal is not None else f"list_new({', '.join(self.expr(x) for x in e.elts)})"
        if isinstance(e, ast.Dict):
            if any(k is None or not (isinstance(k, ast.Constant) and isinstance(k.value, str)) for k in e.keys):
                raise _unsupported(e, "a dict whose keys are not string literals")
            return f"object_new({', '.join(f'{json.dumps(k.value)}, {self.expr(v)}' for k, v in zip(e.keys, e.values))})"
        if isinstance(e, ast.IfExp):
            raise _unsupported(e, "a conditional expression (x if c else y)", "write an if statement")
        raise _unsupported(e, _construct(e), _HINTS.get(type(e).__name__, ""))

    def condition(self, e: ast.expr) -> str:
        """A test as a boolean: Python's truthiness spelled out (`if items:` is `len(items) > 0`)."""
        if isinstance(e, ast.BoolOp):
            word = " and " if isinstance(e.op, ast.And) else " or "
            return "(" + word.join(self.condition(v) for v in e.values) + ")"
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.Not):
            return f"(not {self.condition(e.operand)})"
        kind = self.infer(e)
        if kind == "str" or kind.startswith("list"):
            return f"(len({self.expr(e)}) > 0)"
        if kind in ("int", "float", "number"):
            return f"({self.expr(e)} != 0)"
        if kind.endswith("?"):
            return f"({self.expr(e)} != null)"
        return self.expr(e)

    def compare(self, e: ast.Compare) -> str:
        parts = []
        left = e.left
        for i, (op, right) in enumerate(zip(e.ops, e.comparators)):
            if i and not isinstance(left, (ast.Name, ast.Constant)):
                raise _unsupported(e, "a chained comparison around an expression", "compare a variable")
            a, b = self.expr(left), self.expr(right)
            if type(op) in _COMPARE:
                parts.append(f"({a} {_COMPARE[type(op)]} {b})")
            elif isinstance(op, (ast.In, ast.NotIn)):
                test = f"contains({b}, {a})"
                parts.append(test if isinstance(op, ast.In) else f"(not {test})")
            elif isinstance(op, (ast.Is, ast.IsNot)) and isinstance(right, ast.Constant) and right.value is None:
                parts.append(f"({a} {'==' if isinstance(op, ast.Is) else '!='} null)")
            else:
                raise _unsupported(e, f"the {type(op).__name__} comparison", "`is` only with None")
            left = right
        return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"

    def call(self, e: ast.Call) -> str:
        if e.keywords or any(isinstance(a, ast.Starred) for a in e.args):
            raise _unsupported(e, "keyword or * arguments in a call")
        args = [self.expr(a) for a in e.args]
        f = e.func
        if isinstance(f, ast.Name):
            if f.id in self.functions and self.cls is None:
                return f"{f.id}({', '.join(args)})"
            if f.id == "list" and len(e.args) == 1 and isinstance(e.args[0], ast.Call) and isinstance(e.args[0].func, ast.Name):
                inner = e.args[0]
                if inner.func.id == "reversed" and len(inner.args) == 1:
                    return f"reverse({self.expr(inner.args[0])})"
                if inner.func.id == "range":
                    return self.expr(inner)
            if f.id in _BUILTIN_OPS:
                return f"{_BUILTIN_OPS[f.id]}({', '.join(args)})"
            if f.id in self.helpers:
                return f"{python_helpers.OPERATION[f.id]}({', '.join(args)})"
            raise _unsupported(e, f"a call of {f.id}()", _HINTS.get(f.id, "call functions of the same file, or the builtins in docs/python.md"))
        if isinstance(f, ast.Attribute):
            owner = f.value
            if isinstance(owner, ast.Name) and owner.id == "math" and f.attr == "sqrt":
                return f"sqrt({', '.join(args)})"
            if self.cls is not None and isinstance(owner, ast.Name) and (owner.id == self.cls or _is_self(owner)) and f.attr in self.functions:
                receiver = ["self"] if _is_self(owner) else []
                return f"call({json.dumps(f'{self.cls}.{f.attr}')}{''.join(', ' + a for a in receiver + args)})"
            if f.attr == "join" and len(args) == 1:
                return f"join({args[0]}, {self.expr(owner)})"
            if f.attr in _METHOD_OPS:
                op, arity = _METHOD_OPS[f.attr]
                if arity is not None and len(args) != arity:
                    raise _unsupported(e, f".{f.attr}() with {len(args)} argument(s)")
                return f"{op}({', '.join([self.expr(owner), *args])})"
            raise _unsupported(e, f"the method .{f.attr}()", "see docs/python.md for the methods the execution layer has")
        raise _unsupported(e, "a call of " + _construct(f))

    def subscript(self, e: ast.Subscript) -> str:
        obj = self.expr(e.value)
        key = e.slice
        if isinstance(key, ast.Slice):
            if key.step is not None:
                if key.lower is None and key.upper is None and _is_minus_one(key.step):
                    return f"reverse({obj})"
                raise _unsupported(e, "a slice with a step", "only [::-1]")
            lo = self.expr(key.lower) if key.lower is not None else "null"
            hi = self.expr(key.upper) if key.upper is not None else "null"
            return f"slice({obj}, {lo}, {hi})" if hi != "null" else (f"slice({obj}, {lo})" if lo != "null" else f"slice({obj})")
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return f"get_field({obj}, {json.dumps(key.value)})"
        return f"{obj}[{self.expr(key)}]"

    # -- types --

    def type_of(self, annotation: ast.expr | None) -> str:
        """The compact type of an annotation (`any` where Python's type has no ANRF counterpart)."""
        a = annotation
        if a is None:
            return "any"
        if isinstance(a, ast.Constant) and isinstance(a.value, str):
            try:
                return self.type_of(ast.parse(a.value, mode="eval").body)
            except SyntaxError:
                return "any"
        if isinstance(a, ast.Constant) and a.value is None:
            return "any"
        if isinstance(a, ast.Name):
            if a.id in _SCALARS:
                return _SCALARS[a.id]
            if a.id in ("list", "List"):
                return "list[any]"
            if self.cls is not None and a.id in (self.cls, "dict"):
                return self.cls
            return "any"
        if isinstance(a, ast.Subscript) and isinstance(a.value, ast.Name):
            if a.value.id in ("list", "List"):
                return f"list[{self.type_of(a.slice)}]"
            if a.value.id == "Optional":
                return _nullable(self.type_of(a.slice))
        if isinstance(a, ast.BinOp) and isinstance(a.op, ast.BitOr):
            sides = [a.left, a.right]
            none = [s for s in sides if isinstance(s, ast.Constant) and s.value is None]
            if len(none) == 1:
                other = next(s for s in sides if s not in none)
                return _nullable(self.type_of(other))
        return "any"

    def infer(self, e: ast.expr) -> str:
        """A variable's type from the value it is first given."""
        if isinstance(e, ast.Constant):
            return {bool: "bool", int: "int", float: "float", str: "str"}.get(type(e.value), "any")
        if isinstance(e, ast.Name):
            return self.scope.get(e.id) or self.loop_vars.get(e.id) or "any"
        if isinstance(e, ast.List):
            kinds = {self.infer(x) for x in e.elts}
            return f"list[{kinds.pop()}]" if len(kinds) == 1 else "list[any]"
        if isinstance(e, (ast.Compare, ast.BoolOp)) or (isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.Not)):
            return "bool"
        if isinstance(e, ast.UnaryOp):
            return self.infer(e.operand)
        if isinstance(e, ast.BinOp):
            left, right = self.infer(e.left), self.infer(e.right)
            if isinstance(e.op, ast.Div):
                return "float"
            if left == right and left in ("int", "float", "number", "str") or left.startswith("list[") and left == right:
                return left
            if {left, right} <= {"int", "float", "number"}:
                return "number"
            return "any"
        if isinstance(e, ast.Subscript):
            base = self.infer(e.value)
            return base if isinstance(e.slice, ast.Slice) else (_element(base) if base != "str" else "str")
        if isinstance(e, ast.Call):
            name = e.func.id if isinstance(e.func, ast.Name) else (e.func.attr if isinstance(e.func, ast.Attribute) else "")
            known = {"len": "int", "str": "str", "int": "int", "float": "float", "range": "list[int]", "upper": "str", "lower": "str",
                     "strip": "str", "replace": "str", "join": "str", "split": "list[str]", "find": "int", "startswith": "bool", "endswith": "bool"}
            if name in known:
                return known[name]
            if name in ("sorted", "copy") and e.args[:1]:
                return self.infer(e.args[0])
            if name in ("min", "max", "abs") and len(e.args) == 1:
                base = self.infer(e.args[0])
                return _element(base) if base.startswith("list[") else base
        return "any"


_HINTS = {
    "Try": "the execution layer has no exceptions", "Raise": "the execution layer has no exceptions", "With": "no context managers",
    "ListComp": "assign or return it, or write the loop", "DictComp": "write the loop", "SetComp": "write the loop",
    "GeneratorExp": "inside sum() that is assigned or returned, or write the loop",
    "Lambda": "define a function", "JoinedStr": "concatenate with + and str()", "Global": "no module state", "Nonlocal": "no closures",
    "Tuple": "return a list", "Set": "use a list", "sum": "assign or return it, or write the loop", "print": "return the value",
    "enumerate": "use it in a for loop",
    "FunctionDef": "no nested functions", "ClassDef": "no nested classes", "Delete": "no del", "Assert": "return or check a condition",
    "Match": "write if/else", "NamedExpr": "assign on its own line",
}


def _construct(node: ast.AST) -> str:
    """A readable name for a Python construct ('a try statement', 'a lambda')."""
    names = {"Try": "a try statement", "TryStar": "a try statement", "Raise": "a raise statement", "With": "a with statement",
             "AsyncWith": "an async with", "AsyncFor": "an async for", "AsyncFunctionDef": "async def", "Lambda": "a lambda",
             "ListComp": "a list comprehension", "DictComp": "a dict comprehension", "SetComp": "a set comprehension",
             "GeneratorExp": "a generator expression", "JoinedStr": "an f-string", "Yield": "yield", "YieldFrom": "yield from",
             "Await": "await", "Global": "a global statement", "Nonlocal": "a nonlocal statement", "Tuple": "a tuple", "Set": "a set",
             "FunctionDef": "a nested function", "ClassDef": "a nested class", "Delete": "a del statement", "Assert": "an assert statement",
             "Match": "a match statement", "NamedExpr": "an assignment expression (:=)", "Starred": "a starred expression",
             "Import": "an import", "ImportFrom": "an import", "Assign": "an assignment", "AnnAssign": "an assignment",
             "AugAssign": "an assignment", "Expr": "an expression", "TypeAlias": "a type alias", "Slice": "a slice"}
    return names.get(type(node).__name__, f"a {type(node).__name__} node")


def _ident(name: str, node: ast.AST) -> str:
    if name in KEYWORDS and name != "self":
        raise PythonImportError(f"the name {name!r} is reserved in ANRF's compact form", getattr(node, "lineno", 1),
                                getattr(node, "col_offset", 0) + 1, "name")
    return name


def _renamed(node: ast.AST, old: str, new: str) -> Any:
    """A copy of `node` with the name `old` read as `new`."""

    class Rename(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> ast.Name:
            return ast.copy_location(ast.Name(new, n.ctx), n) if n.id == old else n

    return Rename().visit(copy.deepcopy(node))


def _loop_value(value: ast.expr) -> bool:
    """A list comprehension or a `sum(...)` of one iterable: a value the subset writes as a loop."""
    if isinstance(value, ast.ListComp):
        return len(value.generators) == 1 and not value.generators[0].is_async
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "sum" and len(value.args) == 1 and not value.keywords:
        arg = value.args[0]
        return not isinstance(arg, (ast.GeneratorExp, ast.ListComp)) or (len(arg.generators) == 1 and not arg.generators[0].is_async)
    return False


def _is_call(node: ast.expr, *names: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names and len(node.args) == 1


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _mentions_self(node: ast.AST) -> bool:
    return any(_is_self(n) for n in ast.walk(node) if isinstance(n, ast.Name))


def _is_minus_one(node: ast.expr) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and node.operand.value == 1


def _as_load(target: ast.expr) -> ast.expr:
    clone = ast.parse(ast.unparse(target), mode="eval").body
    return ast.copy_location(clone, target)


def _constant(e: ast.Constant, negative: bool = False) -> str:
    v = e.value
    if v is None or isinstance(v, bool):
        return {None: "null", True: "true", False: "false"}[v]
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            raise _unsupported(e, "a non-finite float")
        text = json.dumps(-v if negative else v)
        return text
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False) if not any("\ud800" <= c <= "\udfff" for c in v) else json.dumps(v)
    raise _unsupported(e, f"a {type(v).__name__} literal")


def _json_literal(e: ast.expr) -> str | None:
    """The JSON text of a literal value (a number, string, bool, None, or a list of them), else None."""
    try:
        value = ast.literal_eval(e)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if not _is_json(value) or isinstance(e, ast.Name):
        return None
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else None


def _is_json(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    return False


def _element(type_: str) -> str:
    return type_[5:-1] if type_.startswith("list[") and type_.endswith("]") else "any"


def _nullable(type_: str) -> str:
    return type_ if type_.endswith("?") or type_ == "any" else f"{type_}?"
